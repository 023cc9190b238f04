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
    let value = |v: &str| {
        HeaderValue::from_str(v).map_err(|_| format!("invalid media type {v:?} for {operation_id}"))
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

    #[test]
    fn a_plain_id_is_borrowed() {
        assert!(matches!(
            super::encode_path("32b6e34b3d91647abb20e7b8"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(super::encode_path("a/b %"), "a%2Fb%20%25");
    }
}
