//! One log line per HTTP exchange, under the `atlas_apikeys::http` target:
//! method, path, status, attempt, milliseconds, and what the exchange was
//! for (`api`, `digest challenge`, `token`). At debug level the headers
//! follow, with credentials replaced by `[redacted]`. Nothing is computed
//! when no logger listens.

use std::time::Instant;

/// The log target of exchange lines.
pub const TARGET: &str = "atlas_apikeys::http";

fn enabled() -> bool {
    tracing::enabled!(target: TARGET, tracing::Level::INFO)
}

fn headers(map: &reqwest::header::HeaderMap) -> String {
    map.iter()
        .map(|(k, v)| {
            use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
            // A cookie may be a session: as secret as the credentials.
            let shown = if v.is_sensitive()
                || [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE, SET_COOKIE].contains(k)
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
    /// Starts logging `request`, if anyone listens; `what` it is for.
    pub(crate) fn start(request: &reqwest::Request, what: &'static str) -> Option<Self> {
        if !enabled() {
            return None;
        }
        tracing::debug!(target: TARGET, headers = %headers(request.headers()), "request headers");
        Some(Exchange {
            method: request.method().clone(),
            path: request.url().path().to_owned(),
            what,
            started: Instant::now(),
        })
    }

    /// Logs the outcome. `attempt` 0: a token request, which has its own
    /// count.
    pub(crate) fn finish(&self, result: &reqwest::Result<reqwest::Response>, attempt: u32) {
        let (method, path, what) = (&self.method, &self.path, self.what);
        let attempt = match attempt {
            0 => String::new(),
            n => format!(", attempt {n}"),
        };
        let ms = self.started.elapsed().as_millis();
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                tracing::info!(target: TARGET, "{method} {path} -> {status} ({what}{attempt}, {ms} ms)");
                tracing::debug!(target: TARGET, headers = %headers(response.headers()), "response headers");
            }
            Err(e) => tracing::info!(
                target: TARGET,
                "{method} {path} -> no answer ({what}{attempt}, {ms} ms): {e}"
            ),
        }
    }
}
