//! The send paths of generated code: the glue's typed one ([`exchange`]),
//! the generated methods' ([`respond`]), and the media types both restore.
//!
//! progenitor 0.15 cannot generate from vendor media types, so codegen
//! rewrites them to `application/json` and records the real ones per
//! operation. Here they go back on the wire: `Accept` always, `Content-Type`
//! when a body is sent. (progenitor's own `api-version` header is removed by
//! codegen: the Atlas API versions through the media type instead.)

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::Context;
use crate::error::{Body, CallError, ErrorResponse};
use crate::operations::{Answer, Called};
use crate::wire::record::{CallRecord, PlannedRequest};

/// One exchange of the glue: the version's media types on the built
/// request, then, unless a dry run holds it back, the transport; a success
/// read by `decode`, an error status returned as it came.
pub(crate) async fn exchange(
    http: &reqwest::Client,
    ctx: &Context,
    request: Result<reqwest::Request, CallError>,
    operation: &str,
    decode: impl FnOnce(&[u8]) -> Result<Answer, serde_json::Error>,
) -> Called {
    let mut request = match request {
        Ok(request) => request,
        Err(e) => return (Err(e), CallRecord::default()),
    };
    if let Err(why) = pre(ctx, &mut request, operation) {
        return (Err(CallError::Construction(why)), CallRecord::default());
    }
    if ctx.shared.dry_run.holds(request.method()) {
        let planned = PlannedRequest::of(&request);
        return (Ok(Answer::Planned(planned)), CallRecord::default());
    }
    let (sent, record) = crate::transport::send(http, ctx, request, operation).await;
    let result = sent.and_then(|answered| {
        if !answered.status.is_success() {
            let retry_after =
                crate::wire::retry::retry_after(&answered.headers, std::time::SystemTime::now());
            return Err(CallError::Response(Box::new(ErrorResponse {
                status: answered.status,
                headers: answered.headers,
                retry_after,
                body: Body(answered.body),
            })));
        }
        decode(&answered.body).map_err(|e| CallError::Unreadable {
            status: answered.status.as_u16(),
            // serde quotes a value it could not take: withheld if secret.
            reason: crate::shown::withhold_secrets(&e.to_string()).into_owned(),
            body: Body(answered.body.clone()),
        })
    });
    (result, record)
}

/// The generated methods' send path: the version's media types, then the
/// transport. The answer is handed to progenitor's decoding as it was
/// received (an envelope's status and content when one was opened); a call
/// that got none fails with the transport's own error where progenitor has
/// a place for it (`CommunicationError`, `InvalidRequest`), and with its
/// words otherwise (`Custom`: a media type the version table lacks,
/// authentication, a dry run).
pub(crate) async fn respond<E>(
    http: &reqwest::Client,
    ctx: &Context,
    mut request: reqwest::Request,
    operation_id: &str,
) -> Result<reqwest::Response, progenitor_client::Error<E>> {
    use progenitor_client::Error;
    pre(ctx, &mut request, operation_id).map_err(Error::Custom)?;
    if ctx.shared.dry_run.holds(request.method()) {
        return Err(Error::Custom(format!(
            "dry run: {} {} was not sent",
            request.method(),
            request.url().path()
        )));
    }
    match crate::transport::send(http, ctx, request, operation_id)
        .await
        .0
    {
        Ok(answered) => {
            let mut response = http::Response::new(answered.body);
            *response.status_mut() = answered.status;
            *response.headers_mut() = answered.headers;
            Ok(reqwest::Response::from(response))
        }
        Err(
            CallError::Timeout(e)
            | CallError::Tls(e)
            | CallError::Connect(e)
            | CallError::Dispatch(e),
        ) => Err(Error::CommunicationError(e)),
        Err(CallError::Construction(m)) => Err(Error::InvalidRequest(m)),
        Err(other) => Err(Error::Custom(other.to_string())),
    }
}

/// Sets the operation's media types on `request`. Fails (without sending)
/// when the version's table lacks the operation or holds an invalid value.
pub(crate) fn pre(
    ctx: &Context,
    request: &mut reqwest::Request,
    operation_id: &str,
) -> Result<(), String> {
    let version = ctx.version();
    let op = version.operation(operation_id).ok_or_else(|| {
        format!(
            "no media type for operation {operation_id} in {} {}",
            version.system, version.version
        )
    })?;
    // `from_static` neither copies nor allocates, but panics on a byte a
    // header may not hold; the check before it rules that out.
    let value = |v: &'static str| {
        if v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) {
            Ok(HeaderValue::from_static(v))
        } else {
            Err(format!("invalid media type {v:?} for {operation_id}"))
        }
    };
    let accept = value(op.accept)?;
    let content_type = match (request.body(), op.content_type) {
        (Some(_), Some(ct)) => Some(value(ct)?),
        _ => None,
    };
    let headers = request.headers_mut();
    headers.insert(ACCEPT, accept);
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, ct);
    }
    Ok(())
}

/// What progenitor's `encode_path` escapes in a path segment.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Escapes a path segment exactly as progenitor's `encode_path` does, but
/// borrows when nothing needs escaping. Codegen routes `&str` path
/// parameters here.
pub(crate) fn encode_path(segment: &str) -> std::borrow::Cow<'_, str> {
    // Ids are hex: most segments need no look at the set.
    if segment
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    {
        return std::borrow::Cow::Borrowed(segment);
    }
    percent_encoding::utf8_percent_encode(segment, PATH_SET).into()
}

/// Adds an optional query parameter only when it has a value: what
/// progenitor's `.query(QueryParam)` sends for `None` is nothing, but reqwest
/// re-serializes the URL to find that out. Codegen routes optional
/// parameters here.
pub(crate) trait QueryOpt: Sized {
    fn query_opt<T: serde::Serialize>(self, name: &str, value: &Option<T>) -> Self;
}

impl QueryOpt for reqwest::RequestBuilder {
    fn query_opt<T: serde::Serialize>(self, name: &str, value: &Option<T>) -> Self {
        match value {
            Some(_) => self.query(&progenitor_client::QueryParam::new(name, value)),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn path_segments_are_escaped_as_progenitor_escapes_them(segment in any::<String>()) {
            prop_assert_eq!(
                super::encode_path(&segment).into_owned(),
                progenitor_client::encode_path(&segment)
            );
        }
    }

    /// A media type no header can hold fails the call before sending; it
    /// must never reach `HeaderValue::from_static`, which would panic.
    #[test]
    fn a_media_type_a_header_cannot_hold_is_an_error() {
        // Any generated version will do: only its media table is replaced.
        let base = crate::generated::VERSIONS[0];
        for bad in [
            "application/json\n",
            "application/\u{7f}json",
            "application/jsön",
        ] {
            let ops: &'static [crate::OperationMedia] = Box::leak(
                base.operations
                    .iter()
                    .map(|op| crate::OperationMedia { accept: bad, ..*op })
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            );
            let version: &'static crate::ApiVersion = Box::leak(Box::new(crate::ApiVersion {
                operations: ops,
                ..*base
            }));
            let (base, _, ctx) = crate::ClientConfig::new()
                .base_url("http://127.0.0.1:9")
                .build(version)
                .expect("config");
            let op = &ops[0];
            let mut request = reqwest::Request::new(
                op.method.parse().expect("method"),
                format!("{base}/x").parse().expect("url"),
            );
            let err = super::pre(&ctx, &mut request, op.operation_id).unwrap_err();
            assert!(err.contains("invalid media type"), "{err}");
            assert!(request.headers().is_empty());
        }
    }

    #[test]
    fn a_plain_id_is_borrowed() {
        assert!(matches!(
            super::encode_path("32b6e34b3d91647abb20e7b8"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(super::encode_path("a/b %"), "a%2Fb%20%25");
    }
}
