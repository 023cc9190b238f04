//! Turning the generated clients' errors into this crate's [`Error`]:
//! documented `ApiError`s, undocumented statuses (whose bodies are read
//! here), bodies that are not JSON, and transport failures.

use atlas_apikeys_client::CallRecord;
use atlas_apikeys_client::operations::ApiErrorRecord;
use progenitor_client::Error as RawError;

use crate::error::{ApiError, Error, ErrorCode, FieldViolation, TransportError};

/// Converts a generated client's error. Async because an undocumented
/// status still has its body to read.
pub(crate) async fn from_raw(e: RawError<ApiErrorRecord>, record: &CallRecord) -> Error {
    match e {
        RawError::ErrorResponse(value) => {
            let status = value.status().as_u16();
            let p = value.into_inner();
            let fields = p
                .bad_request_detail
                .map(|d| {
                    d.fields
                        .into_iter()
                        .map(|f| {
                            (
                                f.field.unwrap_or_default(),
                                f.description.unwrap_or_default(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            api_error(
                status,
                p.error_code,
                p.reason,
                p.detail,
                p.parameters,
                fields,
            )
        }
        RawError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(body) => error_body(status, &body),
                Err(e) => Error::Transport(TransportError::Http(e)),
            }
        }
        RawError::InvalidResponsePayload(body, why) => {
            let status = record.status.map_or(0, |s| s.as_u16());
            if status >= 400 {
                error_body(status, &body)
            } else {
                Error::InvalidResponse {
                    status,
                    reason: why.to_string(),
                    excerpt: excerpt(&body),
                }
            }
        }
        RawError::CommunicationError(e)
        | RawError::ResponseBodyError(e)
        | RawError::InvalidUpgrade(e) => Error::Transport(TransportError::Http(e)),
        RawError::InvalidRequest(message) | RawError::Custom(message) => {
            Error::Transport(TransportError::Request(message))
        }
    }
}

/// An error status's body: an `ApiError` if it reads as one (leniently),
/// otherwise the status with an excerpt.
fn error_body(status: u16, body: &[u8]) -> Error {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Lenient {
        error_code: Option<String>,
        reason: Option<String>,
        detail: Option<String>,
        #[serde(default)]
        parameters: Vec<serde_json::Value>,
        bad_request_detail: Option<LenientDetail>,
    }
    #[derive(serde::Deserialize)]
    struct LenientDetail {
        #[serde(default)]
        fields: Vec<LenientField>,
    }
    #[derive(serde::Deserialize)]
    struct LenientField {
        #[serde(default)]
        field: String,
        #[serde(default)]
        description: String,
    }
    let parsed = serde_json::from_slice::<Lenient>(body)
        .ok()
        .filter(|l| l.error_code.is_some() || l.detail.is_some());
    match parsed {
        Some(l) => {
            let fields = l.bad_request_detail.map(|d| d.fields).unwrap_or_default();
            api_error(
                status,
                l.error_code,
                l.reason,
                l.detail,
                l.parameters,
                fields
                    .into_iter()
                    .map(|f| (f.field, f.description))
                    .collect(),
            )
        }
        None => Error::Api(Box::new(ApiError {
            status,
            code: None,
            error_code: None,
            reason: None,
            detail: None,
            parameters: Vec::new(),
            bad_request_detail: Vec::new(),
            excerpt: Some(excerpt(body)),
        })),
    }
}

fn api_error(
    status: u16,
    error_code: Option<String>,
    reason: Option<String>,
    detail: Option<String>,
    parameters: Vec<serde_json::Value>,
    fields: Vec<(String, String)>,
) -> Error {
    Error::Api(Box::new(ApiError {
        status,
        code: error_code.as_deref().map(ErrorCode::from_raw),
        error_code,
        reason,
        detail,
        parameters,
        bad_request_detail: fields
            .into_iter()
            .map(|(field, description)| FieldViolation { field, description })
            .collect(),
        excerpt: None,
    }))
}

/// The first 160 printable characters of a body, whitespace folded. JSON
/// bodies have secret-looking fields redacted first: an excerpt ends up in
/// error messages and logs.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 160;
    let redacted;
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            redacted = value.to_string();
            std::borrow::Cow::Borrowed(redacted.as_str())
        }
        Err(_) => String::from_utf8_lossy(body),
    };
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() || (c == ' ' && last_space) {
            continue;
        }
        last_space = c == ' ';
        if count == MAX {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    if out.is_empty() {
        "(empty body)".to_owned()
    } else {
        format!("{:?}", out.trim_end())
    }
}

/// Replaces the values of fields whose names suggest a credential.
fn redact(value: &mut serde_json::Value) {
    const SECRET_NAMES: [&str; 6] = [
        "privatekey",
        "secret",
        "token",
        "password",
        "authorization",
        "credential",
    ];
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let name = k.to_ascii_lowercase().replace(['_', '-'], "");
                if SECRET_NAMES.iter().any(|s| name.contains(s)) {
                    *v = serde_json::Value::String("[REDACTED]".into());
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}
