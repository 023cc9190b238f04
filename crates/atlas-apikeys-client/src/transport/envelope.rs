//! `envelope=true`: the server wraps a single result as
//! `{"status": <code>, "content": <body>}` for clients that cannot read HTTP
//! status codes, and adds `"status"` beside a list's `results`. The
//! transport opens it so the caller sees the real status and body,
//! whichever way it asked.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;

use super::Answered;

/// Whether the request asked for an envelope.
pub(super) fn requested(request: &reqwest::Request) -> bool {
    request
        .url()
        .query_pairs()
        .any(|(k, v)| k == "envelope" && v == "true")
}

#[derive(Deserialize)]
struct Envelope {
    status: u16,
    content: Option<serde_json::Value>,
    /// A list's fields, beside its status.
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

/// Opens an enveloped response: the real status and content, and whether
/// it was an envelope. A body that is not one (a proxy's error page, say) is
/// passed on untouched, for the caller to report.
pub(super) async fn open(response: reqwest::Response) -> reqwest::Result<(Answered, bool)> {
    let status = response.status();
    let mut headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let opened = serde_json::from_slice::<Envelope>(&bytes)
        .ok()
        .and_then(|env| {
            let status = reqwest::StatusCode::from_u16(env.status).ok()?;
            let content = match env.content {
                Some(content) => content,
                None if env.rest.is_empty() => serde_json::Value::Null,
                None => serde_json::Value::Object(env.rest),
            };
            Some((status, content))
        });
    let Some((status, content)) = opened else {
        return Ok((
            Answered {
                status,
                headers,
                body: bytes,
            },
            false,
        ));
    };
    let body = if content.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec(&content).unwrap_or_default()
    };
    headers.remove(CONTENT_LENGTH);
    if body.is_empty() {
        headers.remove(CONTENT_TYPE);
    } else if !headers.contains_key(CONTENT_TYPE) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    let body = body.into();
    Ok((
        Answered {
            status,
            headers,
            body,
        },
        true,
    ))
}
