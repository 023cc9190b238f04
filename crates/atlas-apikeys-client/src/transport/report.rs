//! Reporting the final response of a call: its status, the rate-limit
//! headers, and a once-per-process warning when the server marks the
//! version deprecated.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use reqwest::header::{HeaderMap, HeaderName};

use crate::config::Context;
use crate::wire::record::{CallRecord, RateLimit};

/// Reports the final response (already unwrapped from a requested
/// envelope): rate limits, deprecation, status.
pub(super) fn finish(
    status: reqwest::StatusCode,
    headers: &HeaderMap,
    ctx: &Context,
    operation: &str,
    started: Instant,
    record: &mut CallRecord,
) {
    let found = Reported::scan(headers);
    record.rate_limit = rate_limit(&found);
    record.status = Some(status);
    warn_deprecation(&found, ctx, operation);
    // Without a subscriber the span is disabled: skip the clock read.
    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("status", status.as_u16());
        span.record("duration_ms", started.elapsed().as_millis() as u64);
    }
}

// Named once: a header looked up by `&str` is parsed on every lookup.
const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
const SUNSET: HeaderName = HeaderName::from_static("sunset");

/// The response headers `finish` reports, found in one pass over a few
/// headers rather than a hashed lookup per name.
#[derive(Default)]
struct Reported<'a> {
    limit: Option<&'a reqwest::header::HeaderValue>,
    remaining: Option<&'a reqwest::header::HeaderValue>,
    deprecation: Option<&'a reqwest::header::HeaderValue>,
    sunset: Option<&'a reqwest::header::HeaderValue>,
}

impl<'a> Reported<'a> {
    fn scan(headers: &'a HeaderMap) -> Self {
        let mut found = Reported::default();
        for (name, value) in headers {
            let slot = if *name == RateLimit::LIMIT {
                &mut found.limit
            } else if *name == RateLimit::REMAINING {
                &mut found.remaining
            } else if *name == DEPRECATION {
                &mut found.deprecation
            } else if *name == SUNSET {
                &mut found.sunset
            } else {
                continue;
            };
            // The first of repeated headers, as `HeaderMap::get` gives.
            slot.get_or_insert(value);
        }
        found
    }
}

fn rate_limit(found: &Reported<'_>) -> Option<RateLimit> {
    let limit = RateLimit::number(found.limit);
    let remaining = RateLimit::number(found.remaining);
    (limit.is_some() || remaining.is_some()).then_some(RateLimit { limit, remaining })
}

/// Warns once per process, system, version and operation when the server
/// announces `Deprecation` or `Sunset`.
fn warn_deprecation(found: &Reported<'_>, ctx: &Context, operation: &str) {
    let text = |value: Option<&reqwest::header::HeaderValue>| {
        value.and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    let (deprecation, sunset) = (text(found.deprecation), text(found.sunset));
    if deprecation.is_none() && sunset.is_none() {
        return;
    }
    static WARNED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let version = ctx.version();
    let key = format!("{} {} {operation}", version.system, version.version);
    let first = WARNED
        .get_or_init(Default::default)
        .lock()
        .map(|mut seen| seen.insert(key))
        .unwrap_or(false);
    if first {
        tracing::warn!(
            operation,
            system = version.system.as_str(),
            version = version.version,
            deprecation = deprecation.as_deref().unwrap_or("-"),
            sunset = sunset.as_deref().unwrap_or("-"),
            "the server marks this API version as deprecated for this operation: move to a newer version module"
        );
    }
}
