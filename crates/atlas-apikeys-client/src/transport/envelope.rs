//! `envelope=true`: the server wraps a single result as
//! `{"status": <code>, "content": <body>}` for clients that cannot read HTTP
//! status codes. The transport unwraps it so the generated code sees the real
//! status and body, whichever way the caller asked.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;

/// Whether the request asked for an envelope.
pub(crate) fn requested(request: &reqwest::Request) -> bool {
    request
        .url()
        .query_pairs()
        .any(|(k, v)| k == "envelope" && v == "true")
}

#[derive(Deserialize)]
struct Envelope {
    status: u16,
    #[serde(default)]
    content: serde_json::Value,
}

/// Unwraps an enveloped response. A body that is not an envelope (a proxy's
/// error page, say) is passed on untouched, for the caller to report.
pub(crate) async fn unwrap(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let mut headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let (status, body) = match serde_json::from_slice::<Envelope>(&bytes) {
        Ok(env) => match reqwest::StatusCode::from_u16(env.status) {
            Ok(inner) => {
                crate::wire::observe::note(|r| r.unwrapped_envelope = true);
                let body = if env.content.is_null() {
                    Vec::new()
                } else {
                    serde_json::to_vec(&env.content).unwrap_or_default()
                };
                (inner, body)
            }
            Err(_) => (status, bytes.to_vec()),
        },
        Err(_) => (status, bytes.to_vec()),
    };
    headers.remove(CONTENT_LENGTH);
    if body.is_empty() {
        headers.remove(CONTENT_TYPE);
    } else if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
