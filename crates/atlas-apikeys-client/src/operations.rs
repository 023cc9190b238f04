//! The three operations in version-neutral form: [`KeyOperations`], which
//! codegen implements for every generated client, so code above this crate
//! drives any version of any system without naming a version module or a
//! generated type.
//!
//! Why glue instead of the generated methods: progenitor's positional
//! signatures and struct literals change when upstream adds an optional query
//! parameter or body field. The glue codegen emits calls them by name, so such
//! drift changes generated code only.

use std::future::Future;
use std::pin::Pin;

use progenitor_client::{Error, ResponseValue};

use crate::{AuthError, OrgRole, ProjectRole};

/// The `envelope` and `pretty` query flags every operation takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// Ask the server to wrap the result as `{status, content}`.
    pub envelope: Option<bool>,
    /// Ask the server to indent its JSON.
    pub pretty: Option<bool>,
}

/// Where a call goes: the organization id (for the organization key) or the
/// project id, the key's id, and the query flags.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The organization or project id.
    pub scope: &'a str,
    /// The API key's id.
    pub key: &'a str,
    /// The query flags.
    pub flags: Flags,
}

/// A change to a key: its description, its roles (organization roles for
/// the organization key, project roles in a project), or both.
#[derive(Debug, Clone, Copy)]
pub struct KeyChange<'a, R> {
    /// The new description.
    pub desc: Option<&'a str>,
    /// The new roles (replacing the old ones).
    pub roles: Option<&'a [R]>,
}

impl<R> Default for KeyChange<'_, R> {
    fn default() -> Self {
        Self {
            desc: None,
            roles: None,
        }
    }
}

/// A change to an organization API key.
pub type OrgKeyChange<'a> = KeyChange<'a, OrgRole>;

/// A change to a key in a project; the description only where the system
/// takes it there (Atlas).
pub type ProjectKeyChange<'a> = KeyChange<'a, ProjectRole>;

/// A boxed call: one future type whatever the generated client.
pub type Call<'a, T> =
    Pin<Box<dyn Future<Output = Result<ResponseValue<T>, Error<ApiErrorRecord>>> + Send + 'a>>;

/// The three operations of one generated client. Codegen implements it for
/// every generated client; `ApiVersion::connect` builds one.
pub trait KeyOperations: Send + Sync + std::fmt::Debug {
    /// Whether assigning a key that is already in the project replaces its
    /// roles (public API v1.0, whose one PATCH does both) rather than failing
    /// with `API_KEY_ALREADY_IN_GROUP` (Atlas).
    fn assign_replaces(&self) -> bool;

    /// Updates an organization API key.
    fn update_org_key<'a>(
        &'a self,
        at: Target<'a>,
        change: OrgKeyChange<'a>,
    ) -> Call<'a, KeyRecord>;

    /// Assigns an organization API key to a project with `roles`.
    fn assign_to_project<'a>(&'a self, at: Target<'a>, roles: &'a [ProjectRole]) -> Call<'a, ()>;

    /// Changes a key's roles (and, where taken, description) in a project.
    fn update_project_key<'a>(
        &'a self,
        at: Target<'a>,
        change: ProjectKeyChange<'a>,
    ) -> Call<'a, KeyRecord>;

    /// Revokes the cached service-account token; a no-op for other
    /// credentials.
    fn revoke_token(&self) -> Pin<Box<dyn Future<Output = Result<(), AuthError>> + Send + '_>>;
}

pub use crate::generated::records::{
    ApiErrorRecord, BadRequestRecord, FieldRecord, KeyRecord, LinkRecord, RoleRecord,
};

/// Moves a generated field into a record field, whether the generated one is
/// required (`T`), optional (`Option<T>`) or a list. The glue calls it for
/// every field, so a field that turns optional in a new version still fits.
#[doc(hidden)]
pub trait Field<T> {
    /// The converted value.
    fn field(self) -> T;
}

impl<S: Into<T>, T> Field<Option<T>> for Option<S> {
    fn field(self) -> Option<T> {
        self.map(Into::into)
    }
}

impl Field<Option<String>> for String {
    fn field(self) -> Option<String> {
        Some(self)
    }
}

impl<S: Into<T>, T> Field<Vec<T>> for Vec<S> {
    fn field(self) -> Vec<T> {
        self.into_iter().map(Into::into).collect()
    }
}

impl<S: Into<T>, T> Field<Vec<T>> for Option<Vec<S>> {
    fn field(self) -> Vec<T> {
        self.unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }
}

/// Fills a generated body field from an operation's input, whatever its
/// generated form (`Option<String>`, `Vec<R>`, `Option<Vec<R>>`).
#[doc(hidden)]
pub trait Input<T> {
    /// The body field's value.
    fn input(self) -> T;
}

impl Input<Option<String>> for Option<&str> {
    fn input(self) -> Option<String> {
        self.map(str::to_owned)
    }
}

impl<R: Clone> Input<Vec<R>> for Option<&[R]> {
    fn input(self) -> Vec<R> {
        self.map(<[R]>::to_vec).unwrap_or_default()
    }
}

impl<R: Clone> Input<Option<Vec<R>>> for Option<&[R]> {
    fn input(self) -> Option<Vec<R>> {
        self.map(<[R]>::to_vec)
    }
}

/// Converts a generated client's error into one over [`ApiErrorRecord`].
#[doc(hidden)]
pub fn error_record<E: Into<ApiErrorRecord>>(e: Error<E>) -> Error<ApiErrorRecord> {
    match e {
        Error::ErrorResponse(value) => Error::ErrorResponse(value_record(value, Into::into)),
        Error::InvalidRequest(m) => Error::InvalidRequest(m),
        Error::CommunicationError(e) => Error::CommunicationError(e),
        Error::InvalidUpgrade(e) => Error::InvalidUpgrade(e),
        Error::ResponseBodyError(e) => Error::ResponseBodyError(e),
        Error::InvalidResponsePayload(b, e) => Error::InvalidResponsePayload(b, e),
        Error::UnexpectedResponse(r) => Error::UnexpectedResponse(r),
        Error::Custom(m) => Error::Custom(m),
    }
}

/// Converts a successful generated response's payload.
#[doc(hidden)]
pub fn value_record<S, T: std::fmt::Debug>(
    v: ResponseValue<S>,
    f: impl FnOnce(S) -> T,
) -> ResponseValue<T> {
    match v.map::<T, _, std::convert::Infallible>(f) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}
