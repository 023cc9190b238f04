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
use crate::error::{Error, ErrorCode, Rule, ValidationError};
use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::request::{OrgKeyUpdate, ProjectKeyUpdate, ProjectRoles};
use crate::response::{self, ApiKey};

// Every generated version is driven through `KeyOperations`, which codegen
// implements for each generated client: this crate names no version module
// and no generated type, so a new version needs no edit here.

/// The outcome of [`ApiKeys::ensure_project_roles`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Ensured {
    /// The key was not in the project; it is now, with these roles (Atlas).
    Assigned,
    /// The key's roles in the project are now exactly these. On Cloud Manager
    /// and Ops Manager, whose one PATCH assigns or replaces, this is always
    /// the answer.
    Updated(ApiKey),
    /// Cloud Manager and Ops Manager: the one PATCH assigns or replaces, and
    /// its answer does not say which; the key now has exactly these roles.
    Set(ApiKey),
    /// The key is in the project with exactly these roles, but whether this
    /// call assigned it is not known: the assign's answer was lost (a
    /// dropped connection, a proxy's 5xx), and its repeat found the key
    /// there, placed by the lost assign or there already.
    Present(ApiKey),
}

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
    ops: Arc<dyn KeyOperations>,
    retry: RetryPolicy,
    version: &'static ApiVersion,
    /// The query flags every call sends.
    flags: Flags,
    rate_limit: Arc<Mutex<Option<RateLimit>>>,
}

impl ApiKeys {
    /// The client the builder configured.
    pub(crate) fn assemble(
        ops: Arc<dyn KeyOperations>,
        retry: RetryPolicy,
        version: &'static ApiVersion,
        flags: Flags,
    ) -> Self {
        ApiKeys {
            ops,
            retry,
            version,
            flags,
            rate_limit: Arc::default(),
        }
    }

    /// The system and API version this client speaks.
    pub fn version(&self) -> &'static ApiVersion {
        self.version
    }

    /// The `RateLimit-Limit` / `RateLimit-Remaining` headers of the last
    /// response that had them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        *self.rate_limit.lock().unwrap_or_else(|e| e.into_inner())
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
            project: Some(project.as_str()),
            key: Some(key.as_str()),
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
        update.validate(self.version)?;
        let req = Request {
            org: Some(org.as_str()),
            key: Some(key.as_str()),
            desc: update.description_value().map(Description::as_str),
            org_roles: update.roles_value(),
            ..Request::new(self.flags)
        };
        // `send` directly: a helper's `async` layer would copy its future.
        self.send(Op::UpdateOrgKey, req)
            .await
            .0
            .and_then(response::api_key)
    }

    /// One organization API key: its description, public key and roles in
    /// the organization and in each project (`getOrgApiKey`). Needs a role
    /// in the organization.
    pub async fn org_key(&self, org: &OrgId, key: &ApiKeyId) -> Result<ApiKey, Error> {
        let req = Request {
            org: Some(org.as_str()),
            key: Some(key.as_str()),
            ..Request::new(self.flags)
        };
        self.send(Op::GetOrgKey, req)
            .await
            .0
            .and_then(response::api_key)
    }

    /// Assigns an organization API key to a project with these project roles.
    /// Needs the Project Owner role.
    ///
    /// On Atlas the server answers 204, and assigning a key that is already
    /// in the project fails with `API_KEY_ALREADY_IN_GROUP`
    /// ([`Self::ensure_project_roles`] handles it). On Cloud Manager and Ops
    /// Manager this is the project PATCH, which assigns or replaces.
    pub async fn assign_to_project(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
    ) -> Result<(), Error> {
        let at = self.in_project(project, key);
        roles.validate(self.version)?;
        self.assign(at, roles, false).await.map(|_| ())
    }

    /// The assign, retried once after a failure that leaves open whether the
    /// server applied it (the transport never repeats a POST on its own
    /// then). A 409 `API_KEY_ALREADY_IN_GROUP` to that retry says the key is
    /// there, but not whether the first attempt put it there or it was there
    /// already. With `replace`, the same roles are then set with the
    /// idempotent PATCH and the key it returned is the answer; without, the
    /// 409 is (a strict assign must not replace roles it did not set).
    async fn assign(
        &self,
        at: Request<'_>,
        roles: &ProjectRoles,
        replace: bool,
    ) -> Result<Option<ApiKey>, Error> {
        let post = Request {
            project_roles: Some(roles.roles()),
            ..at
        };
        let (first, record) = self.send(Op::AssignToProject, post).await;
        let Err(error) = first else { return Ok(None) };
        if !record.ambiguous || self.retry.max_attempts < 2 || self.ops.assign_replaces() {
            return Err(error);
        }
        tracing::info!(error = %error, "the assign may have been applied; retrying it once");
        tokio::time::sleep(self.retry.wait_before_retry(1)).await;
        match self.send(Op::AssignToProject, post).await.0 {
            Ok(_) => Ok(None),
            Err(e)
                if replace && e.status() == Some(409) && e.is_code("API_KEY_ALREADY_IN_GROUP") =>
            {
                tracing::info!("the key is in the project; setting the roles with PATCH");
                self.project_key(at, &ProjectKeyUpdate::from(roles))
                    .await
                    .map(Some)
            }
            Err(e) => Err(e),
        }
    }

    /// Replaces an organization API key's roles in a project, and/or its
    /// description (Atlas). Needs the Project Owner role.
    ///
    /// On Cloud Manager and Ops Manager the project endpoint takes roles
    /// only: roles are required and a description is rejected before
    /// sending (change it with [`Self::update_org_key`]).
    pub async fn update_project_roles(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        update: &ProjectKeyUpdate,
    ) -> Result<ApiKey, Error> {
        self.check_project_update(update)?;
        self.project_key(self.in_project(project, key), update)
            .await
    }

    /// `update`'s own rules, and the public API's: its project endpoint
    /// takes roles only.
    fn check_project_update(&self, update: &ProjectKeyUpdate) -> Result<(), Error> {
        update.validate(self.version)?;
        if !self.ops.assign_replaces() {
            return Ok(());
        }
        if let Some(desc) = &update.desc {
            let rule = Rule::NotAccepted {
                target: self.target(),
            };
            return Err(
                ValidationError::new("desc", rule, crate::shown::show(desc.as_str())).into(),
            );
        }
        if update.roles.is_none() {
            let rule = Rule::Required {
                target: self.target(),
            };
            return Err(ValidationError::new("roles", rule, "(none)").into());
        }
        Ok(())
    }

    async fn project_key(
        &self,
        at: Request<'_>,
        update: &ProjectKeyUpdate,
    ) -> Result<ApiKey, Error> {
        let req = Request {
            desc: update.description_value().map(Description::as_str),
            project_roles: update.roles_value(),
            ..at
        };
        self.send(Op::UpdateProjectKey, req)
            .await
            .0
            .and_then(response::api_key)
    }

    /// Makes the key have exactly `roles` in the project, whether or not it
    /// was assigned before. On Atlas: assigns it, and when the server answers
    /// that it is already there (409 `API_KEY_ALREADY_IN_GROUP`), replaces
    /// its roles. On Cloud Manager and Ops Manager: the project PATCH, which
    /// does both. Safe to repeat.
    pub async fn ensure_project_roles(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
    ) -> Result<Ensured, Error> {
        let update = ProjectKeyUpdate::from(roles);
        roles.validate(self.version)?;
        let at = self.in_project(project, key);
        if self.ops.assign_replaces() {
            return self.project_key(at, &update).await.map(Ensured::Set);
        }
        let assigned = |done: Option<ApiKey>| match done {
            None => Ensured::Assigned,
            Some(key) => Ensured::Present(key),
        };
        match self.assign(at, roles, true).await {
            Ok(done) => return Ok(assigned(done)),
            Err(e) if e.status() == Some(409) && e.is_code("API_KEY_ALREADY_IN_GROUP") => {}
            Err(e) => return Err(e),
        }
        match self.project_key(at, &update).await {
            // Removed from the project between the 409 and the PATCH: assign again.
            Err(e) if e.status() == Some(404) => {
                tracing::info!("the key left the project meanwhile; assigning it again");
                self.assign(at, roles, true).await.map(assigned)
            }
            other => other.map(Ensured::Updated),
        }
    }
}
