//! Generated client for MongoDB's programmatic API key management: read and
//! update an organization API key, assign it to a project, and update its
//! project roles.
//!
//! One module per Atlas Administration API version (`v2023_02_01`, ...,
//! listed in [`VERSIONS`]; [`newest_atlas`] is the newest); a downstream
//! crate pins a version by choosing its dated module. Versions of one API
//! share one generated client; [`KeyOperations`] drives any of them without
//! naming a version. Each module's [`ApiVersion`] table says which
//! versioned media type (`application/vnd.atlas.<date>+json`) every operation
//! sends as `Accept` and `Content-Type`; the send path puts it on the wire.
//!
//! This crate is the transport layer: it sends what it is given. The
//! `atlas-apikeys` crate validates ids, descriptions and roles before anything
//! is sent; use it unless you need the raw operations.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use atlas_apikeys_client::v2025_02_19 as atlas;
//!
//! let client = atlas::client("https://cloud.mongodb.com")?;
//! let body = atlas::types::UpdateAtlasOrganizationApiKey {
//!     desc: Some("ci key".into()),
//!     roles: vec![atlas::OrgRole::OrgReadOnly],
//! };
//! let key = client
//!     .update_org_api_key("32b6e34b3d91647abb20e7b8", "5d1113b25a115342acc2d1aa", None, None, &body)
//!     .await?;
//! assert_eq!(key.id.as_deref(), Some("5d1113b25a115342acc2d1aa"));
//! # Ok(()) }
//! ```
//!
//! Generated code lives in `src/generated/` (written by `cargo xtask codegen`,
//! never by hand); everything else in this crate is hand-written.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access;
mod api_version;
mod auth;
mod config;
mod error;
mod hooks;
pub mod ids;
pub mod key;
#[doc(hidden)]
pub mod open_enum;
pub mod operations;
mod options;
mod pace;
mod page;
mod secret;
pub mod shown;
mod system;
mod transport;
mod wire;

#[rustfmt::skip]
mod generated;

pub use access::{AccessEntry, AccessEntryError, AccessListEntry};
pub use api_version::{ApiVersion, Connect, OperationMedia, SystemRoles, calendar_date};
pub use auth::{Credentials, TokenStore};
pub use config::Context;
pub use error::{AuthError, Body, CallError, ErrorResponse};
pub use generated::enums::*;
pub use generated::media::Op;
pub use generated::*;
pub use ids::{ApiKeyId, OrgId, ProjectId};
pub use key::ApiKey;
pub use operations::KeyOperations;
pub use options::{BuildError, ClientConfig, DryRun, USER_AGENT};
pub use pace::{EndpointLimit, Pace};
pub use page::Page;
pub use secret::{Exposed, Secret};
pub use system::{System, UnknownSystem};
pub use wire::limit::{MAX_RESPONSE_BYTES, ResponseTooLarge};
pub use wire::record::{CallRecord, PlannedRequest, RateLimit};
pub use wire::retry::RetryPolicy;
