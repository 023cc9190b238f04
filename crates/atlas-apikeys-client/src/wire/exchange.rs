//! One log line per HTTP exchange, under the `atlas_apikeys::http` target:
//! method, path, status, attempt, milliseconds, and what the exchange was
//! for (`api`, `digest challenge`, `token`). At debug level the headers
//! follow, with credentials replaced by `[redacted]`. Nothing is computed
//! when no logger listens.

use std::time::Instant;

use reqwest::StatusCode;

/// The log target of exchange lines.
pub const TARGET: &str = "atlas_apikeys::http";

fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::INFO)
}

fn headers(map: &reqwest::header::HeaderMap) -> String {
    map.iter()
        .map(|(k, v)| {
            let shown = if v.is_sensitive()
                || k == reqwest::header::AUTHORIZATION
                || k == reqwest::header::PROXY_AUTHORIZATION
            {
                "[redacted]".to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            format!("{k}: {shown}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// An exchange being logged.
pub(crate) struct Exchange {
    method: reqwest::Method,
    path: String,
    what: &'static str,
    started: Instant,
}

impl Exchange {
    /// Starts logging `request`, if anyone listens. `learns_challenge`: a
    /// digest request with no challenge to answer, which is sent to learn one.
    pub(crate) fn start(request: &reqwest::Request, learns_challenge: bool) -> Option<Self> {
        if !enabled() {
            return None;
        }
        let what = if learns_challenge {
            "digest challenge"
        } else {
            "api"
        };
        tracing::debug!(target: TARGET, headers = %headers(request.headers()), "request headers");
        Some(Exchange {
            method: request.method().clone(),
            path: request.url().path().to_owned(),
            what,
            started: Instant::now(),
        })
    }

    /// Logs the outcome.
    pub(crate) fn finish(&self, result: &reqwest::Result<reqwest::Response>, attempt: u32) {
        match result {
            Ok(response) => {
                answered(
                    self.method.as_str(),
                    &self.path,
                    attempt,
                    self.started,
                    response.status(),
                    self.what,
                );
                tracing::debug!(target: TARGET, headers = %headers(response.headers()), "response headers");
            }
            Err(e) => failed(
                self.method.as_str(),
                &self.path,
                attempt,
                self.started,
                self.what,
                e,
            ),
        }
    }
}

/// Logs an exchange that got an answer.
pub(crate) fn answered(
    method: &str,
    path: &str,
    attempt: u32,
    started: Instant,
    status: StatusCode,
    what: &str,
) {
    tracing::info!(
        target: TARGET,
        "{method} {path} -> {} ({what}{}, {} ms)",
        status.as_u16(),
        attempt_text(attempt),
        started.elapsed().as_millis()
    );
}

/// Logs an exchange that got no answer.
pub(crate) fn failed(
    method: &str,
    path: &str,
    attempt: u32,
    started: Instant,
    what: &str,
    error: &reqwest::Error,
) {
    tracing::info!(
        target: TARGET,
        "{method} {path} -> no answer ({what}{}, {} ms): {error}",
        attempt_text(attempt),
        started.elapsed().as_millis()
    );
}

/// `, attempt N` for API exchanges; token requests (0) have their own count.
fn attempt_text(attempt: u32) -> String {
    if attempt == 0 {
        String::new()
    } else {
        format!(", attempt {attempt}")
    }
}
