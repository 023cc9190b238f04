//! When and how long to wait before trying again, per operation.
//!
//! - The PATCHes (update a key, update its roles in a project) set absolute
//!   values, so repeating one is harmless: they are retried after 429, 502,
//!   503, 504, and after any send that failed (connection refused or reset,
//!   timeout).
//! - The POST (assign a key to a project) is not: a first attempt the server
//!   committed before the answer was lost makes the repeat fail with 409
//!   `API_KEY_ALREADY_IN_GROUP`. It is retried only when it surely did not
//!   reach the server (the connection was never made) or the server says it
//!   did not process it (429, or 503 with `Retry-After`). After an ambiguous
//!   failure (timeout, reset, 500, 502, 504, 503 without `Retry-After`) the
//!   error goes up to the caller; the validation layer's assign retries it
//!   once and treats a 409 on that retry as the first attempt's success.
//! - `Retry-After` (seconds or an HTTP date) is honoured on 429 and 503. A
//!   wait longer than the policy allows (`max_retry_after`, or past the
//!   deadline) is not shortened, which would only earn another refusal: the
//!   call fails at once, and the wait asked for is reported
//!   (`CallRecord::retry_after`).
//!
//! Backoff is exponential with full jitter (a uniform wait between zero and
//! the exponential bound), so clients that failed together do not retry
//! together.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Retry limits. The defaults suit interactive tools and CI jobs alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries). Default 4.
    pub max_attempts: u32,
    /// The first backoff bound. Default 250 ms.
    pub initial_backoff: Duration,
    /// The largest backoff bound. Default 8 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` waited for. A longer one is not shortened:
    /// the call fails at once and reports the wait asked for. Default 60 s.
    pub max_retry_after: Duration,
    /// No retry starts after this much time since the call began. Default 90 s.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            deadline: Duration::from_secs(90),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the backoff bounds.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the longest `Retry-After` waited for.
    pub fn max_retry_after(mut self, longest: Duration) -> Self {
        self.max_retry_after = longest;
        self
    }

    /// Sets the overall deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1) under
    /// this policy's backoff (full jitter), for callers that retry on their
    /// own.
    pub fn wait_before_retry(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let bound = exp.min(self.max_backoff);
        bound.mul_f64(jitter())
    }

    /// What to do after `status` for a request whose method is (or is not)
    /// `repeatable`; `attempt` counts from 1.
    pub(crate) fn after_status(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        attempt: u32,
        repeatable: bool,
    ) -> Decision {
        let code = status.as_u16();
        let told = matches!(code, 429 | 503)
            .then(|| retry_after(headers, SystemTime::now()))
            .flatten();
        match (code, told) {
            (429 | 503, Some(wait)) if wait > self.max_retry_after => Decision::TooLong(wait),
            (429 | 503, Some(wait)) => Decision::Wait { wait, told: true },
            (429, None) | (502..=504, _) if code == 429 || repeatable => Decision::Wait {
                wait: self.wait_before_retry(attempt),
                told: false,
            },
            _ => Decision::Stop,
        }
    }

    /// Whether a failed send may be retried: any failure for a repeatable
    /// request, only a connection never made otherwise.
    pub(crate) fn after_send_error(&self, error: &reqwest::Error, repeatable: bool) -> bool {
        // Not sent, or the connection broke: a repeatable request may go again.
        error.is_connect()
            || (repeatable && (error.is_timeout() || error.is_request() || error.is_body()))
    }
}

/// What the retry policy says about a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Do not retry.
    Stop,
    /// Retry after `wait`; `told`: the server asked for it (`Retry-After`).
    Wait { wait: Duration, told: bool },
    /// The server asks for a wait longer than the policy allows.
    TooLong(Duration),
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform value in [0, 1), from the standard library's randomly seeded
/// hasher (no extra dependency for a backoff jitter).
fn jitter() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}
