//! Turning the client crate's [`CallError`] into this crate's [`Error`]:
//! error answers read leniently as `ApiError`s (a body that is not one kept
//! as an excerpt), unreadable answers, authentication and transport
//! failures, the raw answer kept beside what was read of it.

use atlas_apikeys_client::CallError;

use crate::error::{ApiError, Error, ErrorCode, FieldViolation};

/// Converts a failed call's error.
pub(crate) fn from_call(e: CallError) -> Error {
    match e {
        CallError::Response(response) => {
            let mut api = error_body(response.status.as_u16(), &response.body);
            api.response = Some(response);
            Error::Api(Box::new(api))
        }
        CallError::Unreadable {
            status,
            reason,
            body,
        } => Error::InvalidResponse {
            status,
            reason,
            excerpt: excerpt(&body),
        },
        CallError::Auth(e) => Error::Auth(e),
        other => Error::Transport(other),
    }
}

/// An error status's body: an `ApiError` if it reads as one (leniently),
/// otherwise the status with an excerpt.
fn error_body(status: u16, body: &[u8]) -> ApiError {
    #[derive(serde::Deserialize, Default)]
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
        fields: Vec<FieldViolation>,
    }
    let parsed = serde_json::from_slice::<Lenient>(body)
        .ok()
        .filter(|l| l.error_code.is_some() || l.detail.is_some());
    let excerpt = parsed.is_none().then(|| excerpt(body));
    let l = parsed.unwrap_or_default();
    ApiError {
        status,
        code: l.error_code.as_deref().map(ErrorCode::from_raw),
        error_code: l.error_code,
        reason: l.reason,
        detail: l.detail,
        parameters: l.parameters,
        bad_request_detail: l.bad_request_detail.map(|d| d.fields).unwrap_or_default(),
        excerpt,
        response: None,
    }
}

/// The first 160 printable characters of a body, whitespace folded, with
/// secret-looking values redacted first: JSON fields by name, and in any
/// other text (an HTML page, a form, JSON cut short) the value after a
/// secret-looking name. An excerpt ends up in error messages and logs.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 160;
    let redacted = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            value.to_string()
        }
        Err(_) => redact_text(&String::from_utf8_lossy(body)),
    };
    let text = redacted.as_str();
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

/// Names (lower case, `_`/`-` removed) whose values are credentials.
const SECRET_NAMES: [&str; 6] = [
    "privatekey",
    "secret",
    "token",
    "password",
    "authorization",
    "credential",
];

/// In free text: after each secret-looking name, skip the separators
/// (`"`, `'`, `:`, `=`, spaces) and replace the value up to the next
/// delimiter (the end of the line or markup, for `Authorization`, whose
/// value has spaces and quotes) with `[REDACTED]`.
fn redact_text(text: &str) -> String {
    // Compare on a folded copy (lower case, `_` and `-` dropped), mapping
    // each folded byte back to its position in `text`.
    let mut folded = String::new();
    let mut at = Vec::new();
    for (i, c) in text.char_indices() {
        if c == '_' || c == '-' {
            continue;
        }
        for l in c.to_lowercase() {
            let mut buf = [0u8; 4];
            for _ in l.encode_utf8(&mut buf).bytes() {
                at.push(i);
            }
            folded.push(l);
        }
    }
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for name in SECRET_NAMES {
        for (found, _) in folded.match_indices(name) {
            let Some(&last) = at.get(found + name.len() - 1) else {
                continue;
            };
            let after = last + text[last..].chars().next().map_or(1, char::len_utf8);
            let rest = &text[after..];
            // The rest of the name (`privateKeyValue`), then separators.
            let word = rest
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len());
            let sep = rest[word..]
                .find(|c: char| !matches!(c, '"' | '\'' | ':' | '=' | ' ' | '\t'))
                .map_or(rest.len(), |n| word + n);
            if !rest[word..sep].contains([':', '=']) {
                continue; // a name in prose, not a key with a value
            }
            let value = &rest[sep..];
            let end = if name == "authorization" {
                value.find(['\n', '\r', '<']).unwrap_or(value.len())
            } else {
                value
                    .find(|c: char| c.is_whitespace() || "\"',;&<>}]".contains(c))
                    .unwrap_or(value.len())
            };
            if end > 0 {
                cuts.push((after + sep, after + sep + end));
            }
        }
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end) in cuts {
        if start < pos {
            continue;
        }
        out.push_str(&text[pos..start]);
        out.push_str("[REDACTED]");
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Replaces the values of fields whose names suggest a credential.
fn redact(value: &mut serde_json::Value) {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const KEY: &str = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d";

    #[test]
    fn secrets_in_text_that_is_not_json_are_redacted() {
        for body in [
            format!("<html><body>privateKey={KEY}</body></html>"),
            format!("{{\"privateKey\":\"{KEY}\",\"desc\":\"cut sh"),
            format!("private_key: {KEY}\nnext"),
            format!("client_secret={KEY}&grant_type=client_credentials"),
            format!("Authorization: Digest username=\"zmmrboas\", response=\"{KEY}\"\nHost: x"),
            format!("access-token = '{KEY}'"),
        ] {
            let shown = excerpt(body.as_bytes());
            assert!(
                !shown.contains(KEY) && !shown.contains("4a6b"),
                "{body:?} -> {shown}"
            );
            assert!(shown.contains("[REDACTED]"), "{body:?} -> {shown}");
        }
        // Prose that names a secret without a value stays readable.
        let shown = excerpt(b"<p>The token expired; sign in again.</p>");
        assert!(shown.contains("token expired"), "{shown}");
    }

    proptest! {
        #[test]
        fn any_body_gives_an_excerpt_without_panicking(body in any::<Vec<u8>>()) {
            let _ = excerpt(&body);
        }

        #[test]
        fn any_text_near_secret_names_is_handled(
            prefix in "[ -~]{0,20}",
            name in prop_oneof![Just("privateKey"), Just("PRIVATE_KEY"), Just("Secret"), Just("toKen"), Just("authorization")],
            sep in "[ :=\"']{0,4}",
            value in "[ -~]{0,30}",
        ) {
            let _ = excerpt(format!("{prefix}{name}{sep}{value}").as_bytes());
        }
    }
}
