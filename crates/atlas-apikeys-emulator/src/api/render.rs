//! Rendering: `ApiError` bodies, the envelope (applied here and nowhere
//! else), pretty JSON and media types.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

/// Rendering options from the query.
#[derive(Default, Clone, Copy)]
pub(super) struct Opts {
    pub(super) envelope: bool,
    pub(super) pretty: bool,
    /// The Atlas resource version a success answers with; `None` off Atlas.
    pub(super) atlas: Option<&'static str>,
}

/// A refusal as an `ApiError`.
pub(super) struct Refused {
    pub(super) status: u16,
    pub(super) code: &'static str,
    pub(super) detail: String,
    pub(super) fields: Vec<(String, String)>,
    pub(super) extra_headers: Vec<(&'static str, String)>,
    /// What the `parameters` list names (the caller's address, say).
    pub(super) parameters: Vec<String>,
}

pub(super) fn refuse(status: u16, code: &'static str, detail: impl Into<String>) -> Refused {
    Refused {
        status,
        code,
        detail: detail.into(),
        fields: Vec::new(),
        extra_headers: Vec::new(),
        parameters: Vec::new(),
    }
}

pub(super) fn render(status: u16, body: Option<Value>, opts: Opts, error: bool) -> Response {
    // Enveloped answers are HTTP 200: the envelope exists for clients that
    // cannot read the status, so the status lives in the body only.
    let (status, body) = if opts.envelope {
        let wrapped = json!({ "status": status, "content": body.unwrap_or(Value::Null) });
        (200, Some(wrapped))
    } else {
        (status, body)
    };
    let text = match &body {
        Some(v) if opts.pretty => serde_json::to_string_pretty(v).unwrap_or_default(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if body.is_some() {
        let ct = match opts.atlas.filter(|_| !error) {
            Some(version) => HeaderValue::from_str(&crate::versioning::media_type(version))
                .unwrap_or(HeaderValue::from_static("application/json")),
            None => HeaderValue::from_static("application/json"),
        };
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    response
}

pub(super) fn render_error(r: Refused, opts: Opts) -> Response {
    let reason = StatusCode::from_u16(r.status)
        .ok()
        .and_then(|s| s.canonical_reason());
    let mut body = json!({
        "detail": r.detail,
        "error": r.status,
        "errorCode": r.code,
        "parameters": r.parameters,
        "reason": reason.unwrap_or("Error"),
    });
    if !r.fields.is_empty() {
        body["badRequestDetail"] = json!({
            "fields": r.fields.iter().map(|(f, d)| json!({ "field": f, "description": d })).collect::<Vec<_>>()
        });
    }
    let mut response = render(r.status, Some(body), opts, true);
    // Appended: a 401 carries one `WWW-Authenticate` per configured algorithm.
    for (name, value) in r.extra_headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, v);
        }
    }
    response
}
