//! Rate limits on the API routes: the endpoint sets' token buckets, and the
//! optional per-caller window; and the two operations that describe the
//! buckets (`GET /rateLimits`, `GET /rateLimits/{endpointSetId}`).

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::buckets::{Caller, EndpointSet, Taken};
use crate::state::{Principal, State};
use crate::versioning::Resource;

use super::*;

/// The limits a request answered by: capacity and tokens left, to say in
/// `RateLimit-Limit` and `RateLimit-Remaining`.
pub(super) type Told = Option<(u32, u32)>;

/// Takes what a request to `path` (prefix removed) by `who` costs, or the
/// 429 for the first limit it is over.
pub(super) fn take(
    app: &App,
    state: &mut State,
    parts: &Parts,
    path: &str,
    who: &Principal,
) -> Result<Told, Refused> {
    let user = match who {
        Principal::Key(id) | Principal::Account(id) => id.as_str(),
    };
    let ip = match parts.extensions.get::<Peer>() {
        Some(Peer(peer)) => peer.to_canonical().to_string(),
        None => String::new(),
    };
    let caller = Caller { user, ip: &ip };
    let sets = &app.config.rate_limits;
    let mut told = match state
        .buckets
        .take(sets, parts.method.as_str(), path, &caller)
    {
        Taken::Unlimited => None,
        Taken::Took {
            capacity,
            remaining,
        } => Some((capacity, remaining)),
        Taken::Empty { set, retry_after } => {
            state.counters.rate_limited += 1;
            return Err(empty(&set, retry_after));
        }
    };
    if let Some(limit) = app.config.rate_limit {
        match state.take_rate(&format!("{who:?}"), limit) {
            Ok(remaining) => {
                let window = (limit.requests, remaining);
                // The tighter of the two is what the caller has left.
                told = Some(told.map_or(window, |t| if t.1 <= window.1 { t } else { window }));
            }
            Err(retry_after) => {
                let mut r = refuse(429, "RATE_LIMITED", "Too many requests; retry later.");
                r.extra_headers = vec![
                    ("retry-after", retry_after.to_string()),
                    ("ratelimit-limit", limit.requests.to_string()),
                    ("ratelimit-remaining", "0".into()),
                ];
                return Err(r);
            }
        }
    }
    Ok(told)
}

/// Atlas's answer from an empty bucket.
fn empty(set: &EndpointSet, retry_after: u64) -> Refused {
    let detail = format!(
        "Rate limit exceeded for {}. Please retry after {retry_after} seconds. Request capacity: {}. Refill rate: {} per {} seconds.",
        set.name, set.capacity, set.refill_rate, set.refill_seconds
    );
    let mut r = refuse(429, "RATE_LIMITED_TOKEN_BUCKET", detail);
    r.extra_headers = vec![
        ("retry-after", retry_after.to_string()),
        ("ratelimit-limit", set.capacity.to_string()),
        ("ratelimit-remaining", "0".into()),
    ];
    r
}

/// Says `told` on `response`.
pub(super) fn tell(response: &mut Response, told: Told) {
    if let Some((limit, remaining)) = told {
        let headers = response.headers_mut();
        headers.insert("ratelimit-limit", HeaderValue::from(limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(remaining));
    }
}

/// `GET /rateLimits` (`set: None`) or `GET /rateLimits/{set}`, for any
/// authenticated caller, at resource version 2025-03-12.
pub(super) fn inspect(
    app: &App,
    parts: &Parts,
    body: &Bytes,
    path: &str,
    set: Option<&str>,
    opts: &mut Opts,
    note: &mut crate::script::AuthNote,
) -> Result<Response, Refused> {
    if parts.method != axum::http::Method::GET {
        let why = format!("{} is not supported on {path}.", parts.method);
        let mut r = refuse(405, "METHOD_NOT_ALLOWED", why);
        r.extra_headers.push(("allow", "GET".into()));
        return Err(r);
    }
    let query = parts.uri.query().unwrap_or_default();
    let target = match query {
        "" => parts.uri.path().to_owned(),
        q => format!("{}?{q}", parts.uri.path()),
    };
    let mut state = app.lock();
    state.counters.exchanges += 1;
    let who = authenticate(
        app,
        &mut state,
        &parts.method,
        &target,
        &parts.headers,
        body,
        note,
    )?;
    state.counters.authenticated += 1;
    let told = take(app, &mut state, parts, path, &who)?;
    drop(state);
    opts.envelope = query_flag(query, "envelope")?;
    opts.pretty = query_flag(query, "pretty")?;
    let accept = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    // The resource has versions of its own: a date before its first names none.
    let gone = app.config.versions_gone_before.as_deref();
    let version = crate::versioning::negotiate(accept, gone, Resource::RateLimits)
        .map_err(|r| refuse(r.status, r.code, r.detail))?;
    opts.atlas = Some(version);
    check_paging(query)?;
    let sets = &app.config.rate_limits;
    let mut response = match set {
        Some(id) => {
            let found = sets.iter().find(|s| s.id == id).ok_or_else(|| {
                let detail = format!("No endpoint set with ID {id} exists.");
                refuse(404, "RESOURCE_NOT_FOUND", detail)
            })?;
            render(200, Some(described(found)), *opts, false)
        }
        None => {
            let all = sets.iter().map(described).collect();
            super::collection::page(all, query, parts.uri.path(), *opts)
        }
    };
    tell(&mut response, told);
    Ok(response)
}

/// An endpoint set as the API describes it.
fn described(set: &EndpointSet) -> Value {
    let scope = serde_json::to_value(set.scope).unwrap_or(Value::Null);
    json!({
        "capacity": { "value": set.capacity },
        "endpointSetId": set.id,
        "endpointSetName": set.name,
        "endpoints": set.endpoints.iter().map(|e| json!({ "method": e.method, "path": e.path })).collect::<Vec<_>>(),
        "refillDurationSeconds": { "value": set.refill_seconds },
        "refillRate": { "value": set.refill_rate },
        "scope": scope,
    })
}
