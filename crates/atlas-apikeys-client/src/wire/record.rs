//! What one call did besides its answer, returned with it: the status the
//! decisions went by, exchanges and token requests, rate limits, whether a
//! failed POST may have been applied. And a write as a dry run records it.

use reqwest::StatusCode;

/// Facts about one call, returned beside its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallRecord {
    /// The status of the last response, after envelope unwrapping.
    pub status: Option<StatusCode>,
    /// Whether the response came wrapped in an envelope that was unwrapped.
    pub unwrapped_envelope: bool,
    /// HTTP exchanges with the API (retries and digest challenges included;
    /// token requests not).
    pub exchanges: u32,
    /// Requests to the token endpoint made for this call.
    pub token_requests: u32,
    /// The rate-limit headers of the last response.
    pub rate_limit: Option<RateLimit>,
    /// The wait the server asked for (`Retry-After` on a 429 or 503) when it
    /// was longer than the retry policy allows, so the call failed at once.
    pub retry_after: Option<std::time::Duration>,
    /// Whether a POST failed in a way that leaves open whether the server
    /// applied it (timeout, reset, 500, 502, 504, 503 without `Retry-After`).
    pub ambiguous: bool,
    /// Whether the request was sent again after an attempt that may have
    /// been applied (no answer, a 502, 504, or 503 without `Retry-After`): a
    /// DELETE sent again so may find its target already gone.
    pub resent_in_doubt: bool,
}

/// `RateLimit-Limit` and `RateLimit-Remaining` of a response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
}

impl RateLimit {
    /// `RateLimit-Limit`, named once: a header looked up by `&str` is
    /// parsed on every lookup.
    pub(crate) const LIMIT: reqwest::header::HeaderName =
        reqwest::header::HeaderName::from_static("ratelimit-limit");
    /// `RateLimit-Remaining`.
    pub(crate) const REMAINING: reqwest::header::HeaderName =
        reqwest::header::HeaderName::from_static("ratelimit-remaining");

    /// A header's number: its leading digits (`10;w=60` is 10), as the
    /// rate-limit headers and `Retry-After`'s seconds are read everywhere.
    pub(crate) fn number(value: Option<&reqwest::header::HeaderValue>) -> Option<u64> {
        let text = value?.to_str().ok()?.trim();
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }
}

/// A request as it would have been sent: what a dry run records instead of
/// sending a write. Credentials are never part of it: it is taken before
/// authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlannedRequest {
    /// `PATCH`, `POST`, ...
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Headers, in the order they were set.
    pub headers: Vec<(String, String)>,
    /// The body, when there is one.
    pub body: Option<String>,
}

impl PlannedRequest {
    /// `request` as planned: everything but its `Authorization`.
    pub(crate) fn of(request: &reqwest::Request) -> Self {
        let headers = request
            .headers()
            .iter()
            .filter(|(name, _)| *name != reqwest::header::AUTHORIZATION)
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        PlannedRequest {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers,
            body: request
                .body()
                .and_then(|b| b.as_bytes())
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        }
    }
}
