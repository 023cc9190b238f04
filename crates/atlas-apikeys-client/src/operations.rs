//! The covered operations in version-neutral form: [`KeyOperations`], which
//! codegen implements for every generated client, so code above this crate
//! drives any version of any system without naming a version module or a
//! generated type. An operation is an [`Op`] and a [`Request`]; its answer
//! an [`Answer`].
//!
//! Why glue instead of the generated methods: progenitor's positional
//! signatures and struct literals change when upstream adds an optional query
//! parameter or body field. The glue codegen emits calls them by name, so such
//! drift changes generated code only.

use std::future::Future;
use std::pin::Pin;

use crate::error::CallError;
use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::wire::record::{CallRecord, PlannedRequest};
use crate::{AuthError, Op, OrgRole, ProjectRole};

/// The `envelope` and `pretty` query flags every operation takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// Ask the server to wrap the result as `{status, content}`.
    pub envelope: Option<bool>,
    /// Ask the server to indent its JSON.
    pub pretty: Option<bool>,
}

/// One operation's inputs, version-neutral: the glue reads each generated
/// method's parameters and body fields from it by name, so a new operation
/// over the same inputs needs no new signature. Ids are typed down to here:
/// an organization id cannot stand where a project id goes. Build one as
/// `Request { key: Some(&id), ..Request::new(flags) }`, which keeps
/// compiling when a field is added.
#[derive(Debug, Clone, Copy, Default)]
pub struct Request<'a> {
    /// The organization id (`orgId`).
    pub org: Option<&'a OrgId>,
    /// The project id (`groupId`).
    pub project: Option<&'a ProjectId>,
    /// The API key's id (`apiUserId`).
    pub key: Option<&'a ApiKeyId>,
    /// The description (`desc`) a body sends.
    pub desc: Option<&'a str>,
    /// The organization roles a body sends.
    pub org_roles: Option<&'a [OrgRole]>,
    /// The project roles a body sends.
    pub project_roles: Option<&'a [ProjectRole]>,
    /// The query flags.
    pub flags: Flags,
    /// `includeCount`: whether a page says how many items there are in all.
    pub include_count: Option<bool>,
    /// `itemsPerPage`: the size of a page.
    pub items_per_page: Option<i64>,
    /// `pageNum`: which page, from 1.
    pub page_num: Option<i64>,
    /// The access-list entry a path names (`ipAddress`), as written
    /// (`203.0.113.0/24`; the path escapes its slash).
    pub access_entry: Option<&'a str>,
    /// The access-list entries a body sends.
    pub access_entries: Option<&'a [crate::AccessEntry]>,
}

impl<'a> Request<'a> {
    /// A request with these query flags and nothing else.
    pub fn new(flags: Flags) -> Self {
        Request {
            flags,
            ..Request::default()
        }
    }
}

/// What an operation answered, read into this crate's public types.
#[derive(Debug)]
#[non_exhaustive]
pub enum Answer {
    /// No body (a 204), or one the operation does not read.
    Nothing,
    /// An API key.
    Key(crate::ApiKey),
    /// A page of API keys.
    Keys(crate::Page<crate::ApiKey>),
    /// An access-list entry.
    Entry(crate::AccessListEntry),
    /// A page of access-list entries.
    Entries(crate::Page<crate::AccessListEntry>),
    /// A page of the rate-limit buckets that apply to the caller.
    RateLimits(crate::Page<crate::EndpointLimit>),
    /// A dry run held the request back: what would have been sent.
    Planned(PlannedRequest),
}

/// What a call came to, and what it did. Failures are values: the
/// transport's retries, authentication and the server's refusal are in the
/// [`CallError`]; the exchanges, rate limits and whether a failed POST may
/// have been applied in the [`CallRecord`].
pub type Called = (Result<Answer, CallError>, CallRecord);

/// A boxed call: one future type whatever the generated client.
pub type Call<'a> = Pin<Box<dyn Future<Output = Called> + Send + 'a>>;

/// The covered operations of one generated client. Codegen implements it
/// for every generated client; `ApiVersion::connect` builds one.
pub trait KeyOperations: Send + Sync + std::fmt::Debug {
    /// Whether assigning a key that is already in the project replaces its
    /// roles (public API v1.0, whose one PATCH does both) rather than failing
    /// with `API_KEY_ALREADY_IN_GROUP` (Atlas).
    fn assign_replaces(&self) -> bool;

    /// Sends `op` with the inputs of `req` it takes. The version's media
    /// table says whether it offers `op` ([`crate::ApiVersion::offers`]);
    /// one it does not is refused before sending.
    fn call<'a>(&'a self, op: Op, req: Request<'a>) -> Call<'a>;

    /// What the client knows of the server's rate-limit buckets, shared
    /// by its clones.
    fn pace(&self) -> &crate::Pace;

    /// Revokes the cached service-account token; a no-op for other
    /// credentials.
    fn revoke_token(&self) -> Pin<Box<dyn Future<Output = Result<(), AuthError>> + Send + '_>>;
}

/// An input the generated method needs, or the error that names it.
#[doc(hidden)]
pub fn need<'a, T: AsRef<str> + ?Sized>(
    value: Option<&'a T>,
    name: &str,
) -> Result<&'a str, CallError> {
    value
        .map(AsRef::as_ref)
        .ok_or_else(|| CallError::Construction(format!("the request has no `{name}`")))
}

/// A request that could not be built.
#[doc(hidden)]
pub fn construction(e: reqwest::Error) -> CallError {
    CallError::Construction(e.to_string())
}

/// The call for an operation no generated method of this client serves.
#[doc(hidden)]
pub async fn not_generated(op: Op) -> Called {
    let why = format!("{} is not offered by this client", op.api_name());
    (Err(CallError::Construction(why)), CallRecord::default())
}

/// Reads an answer's body as the generated type `T`.
#[doc(hidden)]
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
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
