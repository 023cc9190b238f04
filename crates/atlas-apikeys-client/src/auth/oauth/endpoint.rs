//! The token endpoint's arithmetic and addresses: when a token stops being
//! used, where the endpoint is below a base URL, and what its errors say.

use std::time::{Duration, Instant};

use super::EXPIRY_MARGIN;

/// When a token issued at `issued` for `expires_in` seconds stops being used:
/// min(60 s, half its lifetime) before it expires. Overflow-safe for any
/// value the server sends: a lifetime past what `Instant` can hold is taken
/// as "a year".
pub(super) fn refresh_at(issued: Instant, expires_in: u64) -> Instant {
    const YEAR: u64 = 365 * 24 * 3600;
    let lifetime = Duration::from_secs(expires_in.min(YEAR));
    let margin = EXPIRY_MARGIN.min(lifetime / 2);
    issued.checked_add(lifetime - margin).unwrap_or(issued)
}

/// `base`'s path with `rest` appended: a base URL with a path prefix
/// (`https://gateway.example.com/mongodb`) keeps it, as `Url::join` with an
/// absolute path would not.
pub(super) fn below(base: &reqwest::Url, rest: &str) -> Result<reqwest::Url, String> {
    let mut url = base.clone();
    let path = format!("{}/{rest}", base.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    if url.cannot_be_a_base() {
        return Err(format!("cannot form the token URL from {base}"));
    }
    Ok(url)
}

/// Reads an error body's `errorCode` (Atlas) or `error` (OAuth).
pub(super) async fn error_code(response: reqwest::Response) -> reqwest::Result<Option<String>> {
    let body = response.bytes().await?;
    Ok(serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("errorCode")
                .or_else(|| v.get("error"))
                .and_then(|c| c.as_str().map(str::to_owned))
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_at_most_a_minute_and_at_most_half_the_lifetime() {
        let now = Instant::now();
        assert_eq!(refresh_at(now, 3600), now + Duration::from_secs(3540));
        assert_eq!(refresh_at(now, 30), now + Duration::from_secs(15));
        assert_eq!(refresh_at(now, 0), now);
        // Whatever the server sends, no overflow.
        for n in [u64::MAX, u64::MAX / 2, 1 << 40] {
            assert!(refresh_at(now, n) > now);
        }
    }

    #[test]
    fn token_urls_keep_the_base_path() {
        let at = |base: &str| {
            below(&base.parse().unwrap(), "api/oauth/token")
                .unwrap()
                .to_string()
        };
        assert_eq!(
            at("https://cloud.mongodb.com"),
            "https://cloud.mongodb.com/api/oauth/token"
        );
        assert_eq!(
            at("https://cloud.mongodb.com/"),
            "https://cloud.mongodb.com/api/oauth/token"
        );
        assert_eq!(
            at("https://gw.example.com/mongodb/"),
            "https://gw.example.com/mongodb/api/oauth/token"
        );
        assert_eq!(
            at("https://gw.example.com/mongodb?x=1"),
            "https://gw.example.com/mongodb/api/oauth/token"
        );
    }
}
