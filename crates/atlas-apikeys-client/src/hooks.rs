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

            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                $crate::transport::exec(&self.client, &self.inner, request, _info.operation_id)
                    .await
            }
        }
    };
}
pub(crate) use impl_client_hooks;
