//! [`ApiKeys`]: the key operations (and an idempotent assign) with typed,
//! validated inputs, on Atlas (Admin API v2), Cloud Manager or Ops Manager
//! (public API v1.0). Switching systems is a change of builder call.

use std::sync::{Arc, Mutex};

use atlas_apikeys_client::operations::{Answer, Flags, Request};
use atlas_apikeys_client::{
    ApiVersion, CallError, CallRecord, KeyOperations, Op, RateLimit, RetryPolicy,
};

use crate::description::Description;
use crate::error::convert::from_call;
use crate::error::{Error, ErrorCode};
use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::request::{NewOrgKey, NewProjectKey, OrgKeyUpdate};
use crate::response::ApiKey;

mod access;
mod limits;
mod pages;
mod project;

pub use pages::{MAX_LISTED, MAX_PAGE_ITEMS, PageRequest};
pub use project::Ensured;

/// A removal's outcome: a 404 to a DELETE sent again after an attempt that
/// may have been applied means that attempt removed it.
pub(super) fn gone((result, record): (Result<Answer, Error>, CallRecord)) -> Result<(), Error> {
    match result {
        Err(e) if record.resent_in_doubt && e.status() == Some(404) => {
            tracing::info!(error = %e, "not found when sent again: the first attempt removed it");
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// The key an operation answered with.
fn key_of(answer: Answer) -> Result<ApiKey, Error> {
    match answer {
        Answer::Key(key) => Ok(key),
        _ => Err(Error::InvalidResponse {
            status: 200,
            reason: "the answer holds no API key".into(),
            excerpt: String::new(),
        }),
    }
}

// Every generated version is driven through `KeyOperations`, which codegen
// implements for each generated client: this crate names no version module
// and no generated type, so a new version needs no edit here.

/// Programmatic API key management with validated inputs.
///
/// ```no_run
/// # async fn demo() -> Result<(), atlas_apikeys::Error> {
/// use atlas_apikeys::{ApiKeyId, ApiKeys, Description, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole, ProjectRoles};
///
/// let keys = ApiKeys::from_env()?; // credentials from MONGODB_ATLAS_* or the Atlas CLI profile
/// // The same program on Ops Manager: ApiKeys::builder().ops_manager("https://om.example.com:8443")
/// let org: OrgId = "32b6e34b3d91647abb20e7b8".parse()?;
/// let project: ProjectId = "5e2211c17a3e5a48f5497de3".parse()?;
/// let key: ApiKeyId = "5d1113b25a115342acc2d1aa".parse()?;
///
/// keys.update_org_key(&org, &key, &OrgKeyUpdate::new()
///     .description(Description::new("deploy bot")?)
///     .roles([OrgRole::OrgMember])).await?;
/// keys.ensure_project_roles(&project, &key, &ProjectRoles::new([ProjectRole::GroupReadOnly])).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ApiKeys {
    pub(crate) ops: Arc<dyn KeyOperations>,
    pub(crate) retry: RetryPolicy,
    pub(crate) version: &'static ApiVersion,
    /// The query flags every call sends.
    pub(crate) flags: Flags,
    pub(crate) rate_limit: Arc<Mutex<Option<RateLimit>>>,
    /// The keys' organization, when known: to read a key back.
    pub(crate) org: Option<OrgId>,
}

impl ApiKeys {
    /// The system and API version this client speaks.
    pub fn version(&self) -> &'static ApiVersion {
        self.version
    }

    /// The `RateLimit-Limit` / `RateLimit-Remaining` headers of the last
    /// response that had them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What this client (and its clones) knows of the server's rate-limit
    /// buckets: it never sends into one it knows to be empty. Teach it the
    /// server's buckets with [`Pace::learn`](atlas_apikeys_client::Pace::learn).
    pub fn pace(&self) -> &atlas_apikeys_client::Pace {
        self.ops.pace()
    }

    /// Revokes the cached service-account token (`POST /api/oauth/revoke`);
    /// a no-op for other credentials.
    pub async fn revoke_token(&self) -> Result<(), Error> {
        self.ops.revoke_token().await.map_err(Error::Auth)
    }

    /// Sends `op`: its answer in this crate's types, and what the call did.
    /// An operation this version does not offer is refused before anything
    /// is sent; a request a dry run held back is [`Error::Planned`]. Every
    /// operation awaits it directly, with no wrapper between: each `async`
    /// layer would copy the one inside it.
    async fn send(&self, op: Op, req: Request<'_>) -> (Result<Answer, Error>, CallRecord) {
        if self.version.offers(op).is_none() {
            let unsupported = Error::Unsupported {
                operation: op.api_name(),
                system: self.version.system,
                version: self.version.version,
            };
            return (Err(unsupported), CallRecord::default());
        }
        // The glue's calls are boxed already, so their state is not carried
        // (and moved) by every caller's future.
        let (result, record) = self.ops.call(op, req).await;
        if let Some(limit) = record.rate_limit {
            *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner()) = Some(limit);
        }
        let result = match result {
            Ok(Answer::Planned(planned)) => Err(Error::Planned(Box::new(planned))),
            Ok(answer) => Ok(answer),
            Err(e) => Err(self.failure(e, &record)),
        };
        (result, record)
    }

    fn failure(&self, e: CallError, record: &CallRecord) -> Error {
        match from_call(e) {
            Error::Api(api) if api.status == 410 && api.code == Some(ErrorCode::VersionGone) => {
                Error::VersionGone {
                    system: self.version.system,
                    version: self.version.version,
                    detail: api.detail.clone(),
                }
            }
            Error::Api(api) if matches!(api.status, 429 | 503) && record.retry_after.is_some() => {
                Error::RateLimited {
                    retry_after: record.retry_after.unwrap_or_default(),
                    api,
                }
            }
            other => other,
        }
    }

    /// A request for `key` in the project, with this client's query flags.
    fn in_project<'a>(&self, project: &'a ProjectId, key: &'a ApiKeyId) -> Request<'a> {
        Request {
            project: Some(project),
            key: Some(key),
            ..Request::new(self.flags)
        }
    }

    fn target(&self) -> String {
        format!("{} {}", self.version.system, self.version.version)
    }

    /// Updates an organization API key's description and/or organization
    /// roles. Needs the Organization Owner role.
    pub async fn update_org_key(
        &self,
        org: &OrgId,
        key: &ApiKeyId,
        update: &OrgKeyUpdate,
    ) -> Result<ApiKey, Error> {
        update.ensure_valid(self.version)?;
        let req = Request {
            org: Some(org),
            key: Some(key),
            desc: update.description_value().map(Description::as_str),
            org_roles: update.roles_value(),
            ..Request::new(self.flags)
        };
        // `send` directly: a helper's `async` layer would copy its future.
        self.send(Op::UpdateOrgKey, req).await.0.and_then(key_of)
    }

    /// One organization API key: its description, public key and roles in
    /// the organization and in each project (`getOrgApiKey`). Needs a role
    /// in the organization.
    pub async fn org_key(&self, org: &OrgId, key: &ApiKeyId) -> Result<ApiKey, Error> {
        let req = Request {
            org: Some(org),
            key: Some(key),
            ..Request::new(self.flags)
        };
        self.send(Op::GetOrgKey, req).await.0.and_then(key_of)
    }

    /// Creates an organization API key (`createOrgApiKey`). Its answer is
    /// the only time the API shows the private key
    /// ([`ApiKey::private_key`]): keep it then, as a secret. Needs the
    /// Organization Owner role.
    pub async fn create_org_key(&self, org: &OrgId, new: &NewOrgKey) -> Result<ApiKey, Error> {
        new.ensure_valid(self.version)?;
        let req = Request {
            org: Some(org),
            desc: Some(new.desc.as_str()),
            org_roles: Some(&new.roles),
            ..Request::new(self.flags)
        };
        self.send(Op::CreateOrgKey, req).await.0.and_then(key_of)
    }

    /// Creates an organization API key with roles in a project
    /// (`createGroupApiKey`). As with [`Self::create_org_key`], its answer
    /// is the only time the private key is shown. Needs the Project Owner
    /// role.
    pub async fn create_project_key(
        &self,
        project: &ProjectId,
        new: &NewProjectKey,
    ) -> Result<ApiKey, Error> {
        new.ensure_valid(self.version)?;
        let req = Request {
            project: Some(project),
            desc: Some(new.desc.as_str()),
            project_roles: Some(&new.roles),
            ..Request::new(self.flags)
        };
        self.send(Op::CreateProjectKey, req)
            .await
            .0
            .and_then(key_of)
    }

    /// Deletes an organization API key (`deleteOrgApiKey`): it leaves every
    /// project, and its access list goes with it. It cannot be undone.
    /// Needs the Organization Owner role.
    pub async fn delete_org_key(&self, org: &OrgId, key: &ApiKeyId) -> Result<(), Error> {
        let req = Request {
            org: Some(org),
            key: Some(key),
            ..Request::new(self.flags)
        };
        gone(self.send(Op::DeleteOrgKey, req).await)
    }
}
