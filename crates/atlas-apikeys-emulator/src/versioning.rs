//! Atlas resource versioning: `Accept: application/vnd.atlas.<date>+json`
//! resolves to the newest version of the resource on or before that date.
//! Each resource has its own versions (the key operations began in
//! 2023-01-01, the rate limits in 2025-03-12), taken from the client's
//! generated media tables.

use std::sync::LazyLock;

use atlas_apikeys_client::{Op, System, VERSIONS};

/// A family of emulated operations that share resource versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Every key and access-list operation.
    Keys,
    /// `listRateLimits` and `getRateLimit`.
    RateLimits,
}

impl Resource {
    /// The resource's versions, oldest first, as the media tables name them.
    pub fn versions(self) -> &'static [&'static str] {
        static KEYS: LazyLock<Vec<&'static str>> =
            LazyLock::new(|| versions_of(|op| op != Op::ListRateLimits));
        static LIMITS: LazyLock<Vec<&'static str>> =
            LazyLock::new(|| versions_of(|op| op == Op::ListRateLimits));
        match self {
            Resource::Keys => &KEYS,
            Resource::RateLimits => &LIMITS,
        }
    }
}

/// The dates in the `Accept` of every Atlas operation `keep` selects.
fn versions_of(keep: fn(Op) -> bool) -> Vec<&'static str> {
    let mut dates: Vec<&'static str> = VERSIONS
        .iter()
        .filter(|v| v.system == System::Atlas)
        .flat_map(|v| {
            Op::ALL
                .iter()
                .filter(|op| keep(**op))
                .filter_map(|op| v.offers(*op))
        })
        .filter_map(|media| media.accept.strip_prefix("application/vnd.atlas."))
        .filter_map(|rest| rest.strip_suffix("+json"))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    dates
}

/// The media type of a successful Atlas answer at resource version `version`.
pub fn media_type(version: &str) -> String {
    format!("application/vnd.atlas.{version}+json;charset=utf-8")
}

/// The media type of a successful key operation's answer: its newest version.
pub fn success_type() -> &'static str {
    static TYPE: LazyLock<String> = LazyLock::new(|| {
        Resource::Keys
            .versions()
            .last()
            .map_or("application/json".into(), |v| media_type(v))
    });
    &TYPE
}

/// `YYYY-MM-DD` as a comparable tuple, when it is a real calendar date.
pub use atlas_apikeys_client::calendar_date as parse_date;

/// Why a request's version cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 406 or 410.
    pub status: u16,
    /// The `errorCode`.
    pub code: &'static str,
    /// The `detail`.
    pub detail: String,
}

/// The versioned media type of the request's `Accept`, resolved to a
/// version of `resource`; `gone_before` makes older requested dates 410.
pub fn negotiate(
    accept: Option<&str>,
    gone_before: Option<&str>,
    resource: Resource,
) -> Result<&'static str, Refusal> {
    let refuse = |status, code, detail: String| Refusal {
        status,
        code,
        detail,
    };
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Err(refuse(
            406,
            "INVALID_ACCEPT_HEADER",
            "Specify a versioned media type: Accept: application/vnd.atlas.<YYYY-MM-DD>+json."
                .into(),
        ));
    };
    let requested = accept.split(',').find_map(|range| {
        let media = range.split(';').next()?.trim();
        let rest = media.strip_prefix("application/vnd.atlas.")?;
        let date = rest.strip_suffix("+json")?;
        Some(date.to_owned())
    });
    let Some(date) = requested else {
        return Err(refuse(
            406,
            "INVALID_ACCEPT_HEADER",
            format!("The Accept header {accept:?} names no versioned Atlas media type."),
        ));
    };
    let Some(when) = parse_date(&date) else {
        return Err(refuse(
            406,
            "INVALID_VERSION_DATE",
            format!("{date:?} is not a version date (YYYY-MM-DD)."),
        ));
    };
    if let Some(gone) = gone_before.and_then(parse_date)
        && when < gone
    {
        return Err(refuse(
            410,
            "VERSION_GONE",
            format!("API version {date} is no longer supported; use a newer version."),
        ));
    }
    resource
        .versions()
        .iter()
        .rev()
        .find(|v| parse_date(v).is_some_and(|v| v <= when))
        .copied()
        .ok_or_else(|| {
            refuse(
                406,
                "VERSION_NOT_FOUND",
                format!("No version of this resource exists on or before {date}."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_on_or_before_the_date() {
        assert_eq!(
            negotiate(
                Some("application/vnd.atlas.2025-02-19+json"),
                None,
                Resource::Keys
            ),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(
                Some("application/vnd.atlas.2023-01-01+json;charset=utf-8"),
                None,
                Resource::Keys
            ),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(
                Some("text/html, application/vnd.atlas.2024-05-30+json"),
                None,
                Resource::Keys
            ),
            Ok("2023-01-01")
        );
        assert_eq!(
            negotiate(
                Some("application/vnd.atlas.2022-12-31+json"),
                None,
                Resource::Keys
            )
            .unwrap_err()
            .status,
            406
        );
        for bad in [
            None,
            Some(""),
            Some("application/json"),
            Some("*/*"),
            Some("application/vnd.atlas.2023-13-01+json"),
        ] {
            assert_eq!(
                negotiate(bad, None, Resource::Keys).unwrap_err().status,
                406,
                "{bad:?}"
            );
        }
        let gone = negotiate(
            Some("application/vnd.atlas.2023-02-01+json"),
            Some("2024-01-01"),
            Resource::Keys,
        )
        .unwrap_err();
        assert_eq!((gone.status, gone.code), (410, "VERSION_GONE"));
        assert!(
            negotiate(
                Some("application/vnd.atlas.2025-02-19+json"),
                Some("2024-01-01"),
                Resource::Keys
            )
            .is_ok()
        );
    }

    #[test]
    fn rate_limits_have_versions_of_their_own() {
        let keys = Resource::Keys.versions();
        let limits = Resource::RateLimits.versions();
        assert!(!keys.is_empty() && !limits.is_empty());
        let accept = |date: &str| format!("application/vnd.atlas.{date}+json");
        for first in [keys[0], limits[0]] {
            let at = negotiate(Some(&accept(first)), None, Resource::RateLimits);
            if first < limits[0] {
                assert_eq!(at.unwrap_err().status, 406, "{first}");
            } else {
                assert_eq!(at, Ok(limits[0]));
            }
        }
        // A key operation at the rate limits' date is answered in the
        // newest key version on or before it, not in the rate limits'.
        let key = negotiate(Some(&accept(limits[0])), None, Resource::Keys).unwrap();
        let newest = keys.iter().filter(|k| **k <= limits[0]).max();
        assert_eq!(Some(&key), newest, "{key}");
    }
}
