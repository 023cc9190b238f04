//! Programmatic API key management for MongoDB Atlas with validated, typed
//! inputs: what the Atlas Administration API documents (24-hex ids,
//! 1–250-character descriptions, role sets per version, "at least one of
//! description and roles") is checked **before anything is sent**, with
//! errors that name the field, the rule and the offending value.
//!
//! - [`ApiKeys::list_org_keys`], [`ApiKeys::list_project_keys`]: every key,
//!   page after page (or one [`PageRequest`]).
//! - [`ApiKeys::create_org_key`], [`ApiKeys::create_project_key`]: a new key,
//!   whose private key this answer shows once.
//! - [`ApiKeys::org_key`]: read a key, with its roles everywhere.
//! - [`ApiKeys::update_org_key`]: description and/or organization roles.
//! - [`ApiKeys::assign_to_project`]: give a key project roles in a project.
//! - [`ApiKeys::update_project_roles`]: replace its roles there (and/or its
//!   description).
//! - [`ApiKeys::ensure_project_roles`]: idempotent "exactly these roles in
//!   this project".
//! - [`ApiKeys::unassign_from_project`], [`ApiKeys::delete_org_key`].
//! - [`ApiKeys::access_list`], [`ApiKeys::add_access_entries`],
//!   [`ApiKeys::delete_access_entry`]: where a key may call from.
//!
//! Responses are lenient where the server may know more than this SDK:
//! unknown roles arrive as `Unknown`, extra fields are ignored, documented
//! nulls are `None`. The private key is a [`PrivateKey`] that never prints.
//!
//! ```
//! use atlas_apikeys::{ApiKeyId, Error};
//! let err = ApiKeyId::parse("5D1113B25A115342ACC2D1AA").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "apiUserId (API key id) \"5D1113B25A115342ACC2D1AA\": must be 24 hexadecimal characters \
//!      (0-9, a-f, lower case); character 2 ('D') is upper case, use 'd'"
//! );
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api_keys;
mod builder;
mod description;
mod error;
mod request;
mod roles;
pub mod settings;
mod versions;

/// How input appears in messages: quoted, truncated, secret shapes withheld.
pub use atlas_apikeys_client::shown;
// The typed ids and the key live in the client crate, which decodes the
// wire straight into them; named here as this crate always named them.
pub(crate) use atlas_apikeys_client::{ids, key as response};

pub use api_keys::{ApiKeys, Ensured, MAX_LISTED, MAX_PAGE_ITEMS, PageRequest};
pub use atlas_apikeys_client as client;
pub use atlas_apikeys_client::ids::{
    ApiKeyId, ID_LEN, IdError, IdKind, IdProblem, OrgId, ProjectId,
};
pub use atlas_apikeys_client::key::{
    ApiKey, KeyRoles, Link, OrgRoleAssignment, OtherRoleAssignment, PrivateKey,
    ProjectRoleAssignment,
};
pub use atlas_apikeys_client::{AccessEntry, AccessEntryError, AccessListEntry, Page};
pub use builder::ApiKeysBuilder;
pub use description::{Description, DescriptionError, MAX_CHARS, MIN_CHARS};
pub use error::{
    ApiError, Error, ErrorCode, FieldViolation, Rule, TransportError, ValidationError,
};
pub use request::{
    KeyUpdate, NewKey, NewOrgKey, NewProjectKey, OrgKeyUpdate, ProjectKeyUpdate, ProjectRoles,
};
pub use roles::{OrgRole, ProjectRole, RoleName, RoleScope, ScopedRole};
pub use versions::{
    ChosenVersion, VersionError, atlas_version_for, atlas_versions, first_atlas_release,
    latest_atlas_version, newest_version, version_for,
};

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;
