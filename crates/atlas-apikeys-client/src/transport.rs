//! One call from the wire's point of view: authenticate, send, retry, and
//! report. Runs as the generated clients' `ClientHooks::exec`.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName};
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::{Instrument, field};

use crate::auth::digest::{After401, Lease, STALE_RESENDS};
use crate::auth::oauth::TokenFailure;
use crate::auth::{AuthError, sensitive};
use crate::call::{RateLimit, note};
use crate::context::{Auth, Context};
use crate::retry::Decision;

/// Sends `request` for `operation`, authenticating and retrying as the
/// context says. Never logs bodies or credentials.
pub(crate) async fn exec(
    http: &reqwest::Client,
    ctx: &Context,
    request: reqwest::Request,
    operation: &str,
) -> reqwest::Result<Response> {
    let version = ctx.version();
    let span = tracing::info_span!(
        "atlas_apikeys.call",
        operation,
        system = version.system,
        version = version.version,
        status = field::Empty,
        duration_ms = field::Empty,
    );
    // Boxed: the retry loop's state is large, and every enclosing future
    // (progenitor's method, `observe`, the caller's) would otherwise carry and
    // move it.
    Box::pin(run(http, ctx, request, operation))
        .instrument(span)
        .await
}

async fn run(
    http: &reqwest::Client,
    ctx: &Context,
    request: reqwest::Request,
    operation: &str,
) -> reqwest::Result<Response> {
    if let Some(answer) = crate::call::planned(&request) {
        return Ok(answer);
    }
    let started = Instant::now();
    let shared = &ctx.shared;
    let policy = shared.retry;
    let enveloped = crate::envelope::requested(&request);
    // Only the POST (assign) changes state in a way a repeat can trip over.
    let repeatable = request.method() != reqwest::Method::POST;
    // A copy for a next attempt is only worth taking when there can be one:
    // retries allowed, or credentials that may need a second exchange.
    let may_resend =
        policy.max_attempts > 1 || matches!(shared.auth, Auth::Digest(_) | Auth::ServiceAccount(_));
    let span = tracing::Span::current();
    let mut req = request;
    let mut attempt = 0u32;
    let mut retries = 0u32;
    let mut auth_resent = false;
    // Digest: the challenge this call answers, and the `stale=true` resends
    // left in this attempt.
    let mut lease: Option<Lease> = None;
    let mut stale_resends = STALE_RESENDS;
    loop {
        attempt += 1;
        // The copy for a next attempt is taken before authorization: every
        // attempt gets a fresh Authorization and a byte-identical body. A
        // streaming body cannot be copied, and gets one attempt.
        let replay = if may_resend { req.try_clone() } else { None };
        let mut sending = req;
        let token = match authorize(http, &shared.auth, &mut sending, &mut lease).await {
            Authorized::Ready(token) => token,
            Authorized::Answered(response) => {
                return finish(response, ctx, operation, started);
            }
            Authorized::Failed(e) => return Err(e),
        };
        note(|r| r.exchanges += 1);
        let logged = crate::exchange::Exchange::start(&sending, &shared.auth, lease.is_some());
        let result = http.execute(sending).await;
        if let Some(logged) = &logged {
            logged.finish(&result, attempt);
        }
        let elapsed = started.elapsed();
        let unauthorized = matches!(&result, Ok(r) if r.status() == StatusCode::UNAUTHORIZED);
        if !unauthorized && let (Auth::Digest(digest), Some(l)) = (&shared.auth, lease.take()) {
            digest.release(l);
        }
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                let wait = policy.backoff_for(retries + 1);
                let budget = retries + 1 < policy.max_attempts && elapsed + wait <= policy.deadline;
                let may = policy.after_send_error(&e, repeatable);
                if !repeatable && !e.is_connect() {
                    note(|r| r.ambiguous = true);
                }
                if let (true, true, Some(next)) = (may, budget, replay) {
                    retries += 1;
                    stale_resends = STALE_RESENDS;
                    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, error = %e, "retrying after a failed send");
                    tokio::time::sleep(wait).await;
                    req = next;
                    continue;
                }
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                tracing::debug!(attempt, error = %e, "send failed");
                return Err(e);
            }
        };
        // Decisions go by the real status: an envelope's, when one was asked for.
        let response = if enveloped {
            crate::envelope::unwrap(response).await?
        } else {
            response
        };
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED {
            match on_401(
                &shared.auth,
                response.headers(),
                token.as_ref(),
                !auth_resent,
                &mut lease,
                &mut stale_resends,
            ) {
                Next::Resend => {
                    if let Some(next) = replay {
                        auth_resent = true;
                        req = next;
                        continue;
                    }
                }
                Next::Fail(e) => {
                    tracing::debug!(error = %e, "authentication failed");
                    note(|r| r.auth_error = Some(e));
                }
                Next::PassOn => {}
            }
            return finish(response, ctx, operation, started);
        }
        let decision = policy.after_status(status, response.headers(), retries + 1, repeatable);
        // A POST answered 5xx may have been applied, unless the server says
        // it was not (503 with `Retry-After`).
        let refused = status == StatusCode::SERVICE_UNAVAILABLE
            && response
                .headers()
                .contains_key(reqwest::header::RETRY_AFTER);
        if !repeatable && status.is_server_error() && !refused {
            note(|r| r.ambiguous = true);
        }
        let wait = match decision {
            Decision::Stop => None,
            Decision::TooLong(wait) => {
                note(|r| r.retry_after = Some(wait));
                None
            }
            Decision::Wait { wait, told } => {
                if told && elapsed + wait > policy.deadline {
                    note(|r| r.retry_after = Some(wait));
                    None
                } else {
                    Some(wait)
                }
            }
        };
        if let Some(wait) = wait {
            let budget = retries + 1 < policy.max_attempts && elapsed + wait <= policy.deadline;
            if let (true, Some(next)) = (budget, replay) {
                retries += 1;
                stale_resends = STALE_RESENDS;
                tracing::info!(
                    attempt,
                    status = status.as_u16(),
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                drop(response);
                tokio::time::sleep(wait).await;
                req = next;
                continue;
            }
        }
        return finish(response, ctx, operation, started);
    }
}

enum Authorized {
    /// Ready to send; carries the bearer token used, for a 401.
    Ready(Option<SecretString>),
    /// The token endpoint refused; its answer stands in for the call's.
    Answered(Response),
    /// The token endpoint could not be reached.
    Failed(reqwest::Error),
}

fn set_bearer(request: &mut reqwest::Request, token: &SecretString) {
    if let Some(v) = sensitive(&format!("Bearer {}", token.expose_secret())) {
        request.headers_mut().insert(AUTHORIZATION, v);
    }
}

async fn authorize(
    http: &reqwest::Client,
    auth: &Auth,
    request: &mut reqwest::Request,
    lease: &mut Option<Lease>,
) -> Authorized {
    match auth {
        Auth::None => Authorized::Ready(None),
        Auth::Digest(digest) => {
            if lease.is_none() {
                *lease = digest.lease();
            }
            if let Some(l) = lease.as_mut()
                && let Err(e) = digest.authorize(request, l)
            {
                // Dropped: the server's 401 will bring a challenge we can
                // answer, or say why not.
                tracing::debug!(error = %e, "cannot answer the leased challenge");
                *lease = None;
            }
            Authorized::Ready(None)
        }
        Auth::Bearer(token) => {
            set_bearer(request, token);
            Authorized::Ready(None)
        }
        Auth::ServiceAccount(cache) => match cache.token(http).await {
            Ok(token) => {
                set_bearer(request, &token);
                Authorized::Ready(Some(token))
            }
            Err(TokenFailure::Refused(response, e)) => {
                note(|r| r.auth_error = Some(e));
                Authorized::Answered(response)
            }
            Err(TokenFailure::Unreadable(e) | TokenFailure::Unreachable(e)) => {
                note(|r| r.auth_error = Some(e));
                let mut bad_gateway = http::Response::new(Vec::<u8>::new());
                *bad_gateway.status_mut() = StatusCode::BAD_GATEWAY;
                Authorized::Answered(Response::from(bad_gateway))
            }
            Err(TokenFailure::Transport(e)) => Authorized::Failed(e),
        },
    }
}

enum Next {
    Resend,
    Fail(AuthError),
    PassOn,
}

fn on_401(
    auth: &Auth,
    headers: &HeaderMap,
    token: Option<&SecretString>,
    may_resend: bool,
    lease: &mut Option<Lease>,
    stale_resends: &mut u8,
) -> Next {
    match auth {
        Auth::None => Next::PassOn,
        Auth::Digest(digest) => match digest.after_401(headers, lease.take(), stale_resends) {
            After401::Resend(fresh) => {
                *lease = Some(fresh);
                Next::Resend
            }
            After401::Fail(e) => Next::Fail(e),
        },
        Auth::ServiceAccount(cache) => {
            // Drop the token, refresh once, retry once.
            if let Some(used) = token {
                cache.invalidate(used);
            }
            if may_resend {
                Next::Resend
            } else {
                Next::Fail(AuthError::Rejected { detail: None })
            }
        }
        Auth::Bearer(_) => Next::Fail(AuthError::Rejected { detail: None }),
    }
}

/// Reports the final response (already unwrapped from a requested
/// envelope): rate limits, deprecation, status.
fn finish(
    response: Response,
    ctx: &Context,
    operation: &str,
    started: Instant,
) -> reqwest::Result<Response> {
    let found = Reported::scan(response.headers());
    let rate_limit = rate_limit(&found);
    warn_deprecation(&found, ctx, operation);
    let status = response.status();
    note(|r| {
        r.status = Some(status);
        r.rate_limit = rate_limit;
    });
    let span = tracing::Span::current();
    span.record("status", status.as_u16());
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    Ok(response)
}

// Named once: a header looked up by `&str` is parsed on every lookup.
const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
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
            let slot = if *name == RATELIMIT_LIMIT {
                &mut found.limit
            } else if *name == RATELIMIT_REMAINING {
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

fn header_number(value: Option<&reqwest::header::HeaderValue>) -> Option<u64> {
    let text = value?.to_str().ok()?.trim();
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn rate_limit(found: &Reported<'_>) -> Option<RateLimit> {
    let limit = header_number(found.limit);
    let remaining = header_number(found.remaining);
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
            system = version.system,
            version = version.version,
            deprecation = deprecation.as_deref().unwrap_or("-"),
            sunset = sunset.as_deref().unwrap_or("-"),
            "the server marks this API version as deprecated for this operation: move to a newer version module"
        );
    }
}
