//! What the transport observed during one call, for callers that need more
//! than progenitor's result carries (its `InvalidResponsePayload` error, for
//! one, has the body but not the status; an authentication failure has no
//! variant of its own).

use std::cell::RefCell;
use std::future::Future;

use reqwest::StatusCode;

use crate::AuthError;

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
