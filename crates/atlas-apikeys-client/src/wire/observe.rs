//! What was observed during one call, its token requests included, for
//! callers that need more than progenitor's result carries (its
//! `InvalidResponsePayload` error, for one, has the body but not the status;
//! an authentication failure has no variant of its own).

use std::cell::RefCell;
use std::future::Future;

use reqwest::StatusCode;

use crate::error::AuthError;

/// Facts about one call.
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
    /// Why authentication failed, when it did.
    pub auth_error: Option<AuthError>,
    /// The rate-limit headers of the last response.
    pub rate_limit: Option<RateLimit>,
    /// The wait the server asked for (`Retry-After` on a 429 or 503) when it
    /// was longer than the retry policy allows, so the call failed at once.
    pub retry_after: Option<std::time::Duration>,
    /// Whether a POST failed in a way that leaves open whether the server
    /// applied it (timeout, reset, 500, 502, 504, 503 without `Retry-After`).
    pub ambiguous: bool,
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

tokio::task_local! {
    // Boxed: the task-local is swapped in and out of the thread on every
    // poll, and a pointer is cheaper to swap than the record.
    static CALL: RefCell<Box<CallRecord>>;
}

/// Runs `call` (a generated client method's future) and returns its output
/// with what the transport observed. Calls outside `observe` record nothing.
///
/// ```no_run
/// # async fn demo(client: atlas_apikeys_client::v2025_02_19::Client) {
/// use atlas_apikeys_client::{observe, v2025_02_19::types::UpdateAtlasOrganizationApiKey};
/// let body = UpdateAtlasOrganizationApiKey { desc: Some("x".into()), roles: vec![] };
/// let (result, record) = observe(client.update_org_api_key(
///     "32b6e34b3d91647abb20e7b8", "5d1113b25a115342acc2d1aa", None, None, &body,
/// )).await;
/// println!("status {:?} after {} exchange(s)", record.status, record.exchanges);
/// # }
/// ```
pub async fn observe<F: Future>(call: F) -> (F::Output, CallRecord) {
    CALL.scope(RefCell::new(Box::default()), async move {
        let output = call.await;
        let record = CALL.with(|r| std::mem::take(&mut **r.borrow_mut()));
        (output, record)
    })
    .await
}

/// Updates the current call's record, if the call is being observed.
pub(crate) fn note(update: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|r| update(&mut r.borrow_mut()));
}

/// A request as it would have been sent: what `plan` collects instead of
/// sending. Credentials are never part of it: the request is taken before
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

tokio::task_local! {
    static PLAN: RefCell<Vec<PlannedRequest>>;
}

/// Runs `call` without sending anything: each request the generated client
/// would send is collected and answered `204 No Content` locally, so an
/// operation whose next request depends on a real answer stops at its first.
///
/// ```no_run
/// # async fn demo(client: atlas_apikeys_client::v2025_02_19::Client) {
/// use atlas_apikeys_client::{plan, v2025_02_19::types::UpdateAtlasOrganizationApiKey};
/// let body = UpdateAtlasOrganizationApiKey { desc: Some("x".into()), roles: vec![] };
/// let (_, requests) = plan(client.update_org_api_key(
///     "32b6e34b3d91647abb20e7b8", "5d1113b25a115342acc2d1aa", None, None, &body,
/// )).await;
/// println!("{} {}", requests[0].method, requests[0].url);
/// # }
/// ```
pub async fn plan<F: Future>(call: F) -> (F::Output, Vec<PlannedRequest>) {
    PLAN.scope(RefCell::new(Vec::new()), async move {
        let output = call.await;
        let planned = PLAN.with(|p| std::mem::take(&mut *p.borrow_mut()));
        (output, planned)
    })
    .await
}

/// Inside `plan`: records `request` and returns the local answer.
pub(crate) fn planned(request: &reqwest::Request) -> Option<reqwest::Response> {
    PLAN.try_with(|p| {
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
        p.borrow_mut().push(PlannedRequest {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers,
            body: request
                .body()
                .and_then(|b| b.as_bytes())
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        });
        let mut answer = http::Response::new(Vec::<u8>::new());
        *answer.status_mut() = StatusCode::NO_CONTENT;
        reqwest::Response::from(answer)
    })
    .ok()
}
