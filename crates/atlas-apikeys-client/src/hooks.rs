//! The `ClientHooks` implementation every generated client gets.
//!
//! progenitor 0.15 cannot generate from vendor media types, so codegen
//! rewrites them to `application/json` and records the real ones per
//! operation. Here they go back on the wire: `Accept` always, `Content-Type`
//! when a body is sent. (progenitor's own `api-version` header is removed by
//! codegen: the Atlas API versions through the media type instead.)

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::Context;

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

/// Implements `ClientHooks<Context>` for a generated `Client`; codegen emits
/// one invocation per generated client so new versions need no hand edits.
macro_rules! impl_client_hooks {
    ($client:ty) => {
        impl progenitor_client::ClientHooks<$crate::Context> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                $crate::hooks::pre(&self.inner, request, info.operation_id)
                    .map_err(progenitor_client::Error::Custom)
            }

            // Not `async`: an `async fn` would hold `request` in its own
            // state before handing it on.
            fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> impl ::std::future::Future<Output = reqwest::Result<reqwest::Response>> {
                $crate::transport::exec(&self.client, &self.inner, request, info.operation_id)
            }
        }
    };
}
pub(crate) use impl_client_hooks;

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
