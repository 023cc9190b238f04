//! One call from the wire's point of view: authenticate, send, retry, and
//! report. What it returns is the answer as received, or why there is none
//! ([`CallError`]), and what the call did ([`CallRecord`]): no answer is
//! ever made up, and nothing travels beside the call.

mod envelope;
mod report;

use std::time::Instant;

use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::{Instrument, field};

use crate::auth::digest::{After401, Lease, STALE_RESENDS};
use crate::auth::{AuthError, sensitive};
use crate::config::{Auth, Context};
use crate::error::CallError;
use crate::wire::limit;
use crate::wire::record::CallRecord;
use crate::wire::retry::Decision;

/// An answer as received: its status (an envelope's, when one was
/// unwrapped), headers and body (read within the response limit).
pub(crate) struct Answered {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
}

/// What one call came to, and what it did.
pub(crate) type Sent = (Result<Answered, CallError>, CallRecord);

/// Sends `request` for `operation`, authenticating and retrying as the
/// context says. Never logs bodies or credentials.
///
/// A plain `fn`: the request goes straight into the boxed retry loop, so the
/// futures that enclose this one carry a pointer, not the loop's state.
pub(crate) fn send<'a>(
    http: &'a reqwest::Client,
    ctx: &'a Context,
    request: reqwest::Request,
    operation: &'a str,
) -> impl Future<Output = Sent> + Send + 'a {
    let version = ctx.version();
    let span = tracing::info_span!(
        "atlas_apikeys.call",
        operation,
        system = version.system.as_str(),
        version = version.version,
        status = field::Empty,
        duration_ms = field::Empty,
    );
    Box::pin(run(http, ctx, request, operation)).instrument(span)
}

/// A response on its way: still streaming, or read already (an envelope
/// had to be opened to find the real status).
enum Got {
    Streaming(Response),
    Read(Answered),
}

impl Got {
    fn status(&self) -> StatusCode {
        match self {
            Got::Streaming(r) => r.status(),
            Got::Read(a) => a.status,
        }
    }

    fn headers(&self) -> &HeaderMap {
        match self {
            Got::Streaming(r) => r.headers(),
            Got::Read(a) => &a.headers,
        }
    }
}

/// The retry loop. A plain `fn` returning an `async move` block: an
/// `async fn` would keep its argument twice in the future's state, and the
/// request is its largest part.
#[allow(clippy::manual_async_fn)] // see above: the request is stored once
fn run<'a>(
    http: &'a reqwest::Client,
    ctx: &'a Context,
    mut req: reqwest::Request,
    operation: &'a str,
) -> impl Future<Output = Sent> + Send + 'a {
    async move {
        let mut record = CallRecord::default();
        let started = Instant::now();
        let shared = &ctx.shared;
        let policy = shared.retry;
        let enveloped = envelope::requested(&req);
        // A POST (assign, create, add entries) is not sent again after it may
        // have been applied: a repeat could make a second key or trip over
        // the first. A DELETE is, and the caller reads a 404 then as done
        // (`CallRecord::resent_in_doubt`).
        let repeatable = req.method() != reqwest::Method::POST;
        // A copy for a next attempt is only worth taking when there can be one:
        // retries allowed, or credentials that may need a second exchange.
        let may_resend = policy.max_attempts > 1
            || matches!(shared.auth, Auth::Digest(_) | Auth::ServiceAccount(_));
        let mut attempt = 0u32;
        let mut retries = 0u32;
        let mut auth_resent = false;
        // Digest: the challenge this call answers, and the `stale=true` resends
        // left in this attempt.
        let mut lease: Option<Lease> = None;
        let mut stale_resends = STALE_RESENDS;
        // The rate-limit bucket every attempt draws on.
        let bucket = shared.pace.key(req.method(), req.url().path());
        loop {
            attempt += 1;
            // Before authorizing: a digest challenge is not held while the
            // bucket refills.
            shared.pace.admit(bucket).await;
            // The copy for a next attempt is taken before authorization: every
            // attempt gets a fresh Authorization and a byte-identical body. A
            // streaming body cannot be copied, and gets one attempt.
            let replay = if may_resend { req.try_clone() } else { None };
            let token = match authorize(http, &shared.auth, &mut req, &mut lease, &mut record).await
            {
                Ok(token) => token,
                Err(e) => {
                    tracing::debug!(error = %e, "authentication failed");
                    return (Err(CallError::Auth(e)), record);
                }
            };
            record.exchanges += 1;
            // A digest request with no challenge to answer is sent to learn one.
            let learns = matches!(shared.auth, Auth::Digest(_)) && lease.is_none();
            let logged = crate::wire::exchange::Exchange::start(
                &req,
                if learns { "digest challenge" } else { "api" },
            );
            // `req` is spent here; every path that goes round again sets it from
            // `replay`.
            let result = http.execute(req).await;
            if let Some(logged) = &logged {
                logged.finish(&result, attempt);
            }
            let elapsed = started.elapsed();
            let unauthorized = matches!(&result, Ok(r) if r.status() == StatusCode::UNAUTHORIZED);
            if !unauthorized && let (Auth::Digest(digest), Some(l)) = (&shared.auth, lease.take()) {
                digest.release(l);
            }
            let response = match result {
                Ok(response) => limit::bounded(response),
                Err(e) => {
                    let wait = policy.wait_before_retry(retries + 1);
                    let budget =
                        retries + 1 < policy.max_attempts && elapsed + wait <= policy.deadline;
                    let may = policy.after_send_error(&e, repeatable);
                    if !repeatable && !e.is_connect() {
                        record.ambiguous = true;
                    }
                    if let (true, true, Some(next)) = (may, budget, replay) {
                        retries += 1;
                        record.resent_in_doubt |= !e.is_connect();
                        stale_resends = STALE_RESENDS;
                        tracing::info!(attempt, wait_ms = wait.as_millis() as u64, error = %e, "retrying after a failed send");
                        tokio::time::sleep(wait).await;
                        req = next;
                        continue;
                    }
                    tracing::Span::current()
                        .record("duration_ms", started.elapsed().as_millis() as u64);
                    tracing::debug!(attempt, error = %e, "send failed");
                    return (Err(CallError::from_send(e)), record);
                }
            };
            // Decisions go by the real status: an envelope's, when one was asked for.
            let got = if enveloped {
                // Boxed: rare, and its body-reading state is large.
                match Box::pin(envelope::open(response)).await {
                    Ok((answered, unwrapped)) => {
                        record.unwrapped_envelope = unwrapped;
                        Got::Read(answered)
                    }
                    Err(e) => return (Err(CallError::from_send(e)), record),
                }
            } else {
                Got::Streaming(response)
            };
            // A 429's body says the bucket's capacity and refill: read it
            // (within the response limit) for the pace to learn from.
            let got = match got {
                Got::Streaming(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => {
                    match read(r).await {
                        Ok(answered) => Got::Read(answered),
                        Err(e) => return (Err(e), record),
                    }
                }
                got => got,
            };
            let body = match &got {
                Got::Read(a) if a.status == StatusCode::TOO_MANY_REQUESTS => Some(&a.body[..]),
                _ => None,
            };
            shared
                .pace
                .answered(bucket, got.status(), got.headers(), body);
            let status = got.status();
            if status == StatusCode::UNAUTHORIZED {
                match on_401(
                    &shared.auth,
                    got.headers(),
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
                        report::finish(status, got.headers(), ctx, operation, started, &mut record);
                        return (Err(CallError::Auth(e)), record);
                    }
                    Next::PassOn => {}
                }
                return finish(got, ctx, operation, started, record).await;
            }
            let decision = policy.after_status(status, got.headers(), retries + 1, repeatable);
            // A POST answered 5xx may have been applied, unless the server says
            // it was not (503 with `Retry-After`).
            let refused = status == StatusCode::SERVICE_UNAVAILABLE
                && got.headers().contains_key(reqwest::header::RETRY_AFTER);
            if !repeatable && status.is_server_error() && !refused {
                record.ambiguous = true;
            }
            let wait = match decision {
                Decision::Stop => None,
                Decision::TooLong(wait) => {
                    record.retry_after = Some(wait);
                    None
                }
                Decision::Wait { wait, told } => {
                    if told && elapsed + wait > policy.deadline {
                        record.retry_after = Some(wait);
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
                    record.resent_in_doubt |= status.is_server_error() && !refused;
                    stale_resends = STALE_RESENDS;
                    tracing::info!(
                        attempt,
                        status = status.as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    drop(got);
                    tokio::time::sleep(wait).await;
                    req = next;
                    continue;
                }
            }
            return finish(got, ctx, operation, started, record).await;
        }
    }
}

/// Reports the final answer and reads what is left of its body.
async fn finish(
    got: Got,
    ctx: &Context,
    operation: &str,
    started: Instant,
    mut record: CallRecord,
) -> Sent {
    report::finish(
        got.status(),
        got.headers(),
        ctx,
        operation,
        started,
        &mut record,
    );
    let answered = match got {
        Got::Read(answered) => Ok(answered),
        Got::Streaming(response) => read(response).await,
    };
    (answered, record)
}

/// A response read whole, status and headers kept.
async fn read(response: reqwest::Response) -> Result<Answered, CallError> {
    let (status, headers) = (response.status(), response.headers().clone());
    match response.bytes().await {
        Ok(body) => Ok(Answered {
            status,
            headers,
            body,
        }),
        Err(e) => Err(CallError::from_send(e)),
    }
}

fn set_bearer(request: &mut reqwest::Request, token: &SecretString) {
    if let Some(v) = sensitive(&format!("Bearer {}", token.expose_secret())) {
        request.headers_mut().insert(AUTHORIZATION, v);
    }
}

/// Sets the request's credentials: the bearer token used, for a 401, or
/// why there are none.
async fn authorize(
    http: &reqwest::Client,
    auth: &Auth,
    request: &mut reqwest::Request,
    lease: &mut Option<Lease>,
    record: &mut CallRecord,
) -> Result<Option<SecretString>, AuthError> {
    match auth {
        Auth::None => Ok(None),
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
            Ok(None)
        }
        Auth::Bearer(token) => {
            set_bearer(request, token);
            Ok(None)
        }
        Auth::ServiceAccount(cache) => {
            let token = cache.token(http, &mut record.token_requests).await?;
            set_bearer(request, &token);
            Ok(Some(token))
        }
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
