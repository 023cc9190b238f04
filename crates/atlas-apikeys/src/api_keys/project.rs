//! The project side of [`ApiKeys`]: assigning and unassigning a key,
//! changing its roles in a project, making sure it has exactly some, and
//! settling an assign whose answer was lost.

use atlas_apikeys_client::Op;
use atlas_apikeys_client::operations::Request;

use super::{ApiKeys, key_of};
use crate::description::Description;
use crate::error::{Error, Rule, ValidationError};
use crate::ids::{ApiKeyId, ProjectId};
use crate::request::{ProjectKeyUpdate, ProjectRoles};
use crate::response::ApiKey;

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
    /// dropped connection, a proxy's 5xx), and the key was then found there
    /// (read back, or by the PATCH), placed by the lost assign or there
    /// already.
    Present(ApiKey),
}

/// What an assign whose answer was lost left behind.
enum Found {
    /// The key is in the project.
    There(ApiKey),
    /// It is not.
    Absent,
    /// No way to tell without changing anything.
    Unknown,
}

impl ApiKeys {
    /// Takes an organization API key out of a project (`removeGroupApiKey`);
    /// the key stays in the organization, with its roles elsewhere. Needs
    /// the Project Owner role.
    pub async fn unassign_from_project(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
    ) -> Result<(), Error> {
        let req = Request {
            project: Some(project),
            key: Some(key),
            ..Request::new(self.flags)
        };
        super::gone(self.send(Op::UnassignFromProject, req).await)
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
        roles.ensure_valid(self.version)?;
        self.assign(project, key, roles, false).await.map(|_| ())
    }

    /// The assign. After a failure that leaves open whether the server
    /// applied it (the transport never repeats a POST), it is not repeated
    /// blind: the key is read back (`getOrgApiKey`, when the organization is
    /// known) or, with `replace`, its roles set with the idempotent PATCH.
    /// Found in the project: with `replace` it now has exactly these roles
    /// and is the answer (`Present`); without, the failure stands (a strict
    /// assign must not claim, or replace, what it may not have done). Not
    /// there: the assign did not take, and is sent once more.
    async fn assign(
        &self,
        project: &ProjectId,
        key: &ApiKeyId,
        roles: &ProjectRoles,
        replace: bool,
    ) -> Result<Option<ApiKey>, Error> {
        let at = self.in_project(project, key);
        let post = Request {
            project_roles: Some(roles.roles()),
            ..at
        };
        let (first, record) = self.send(Op::AssignToProject, post).await;
        let Err(error) = first else { return Ok(None) };
        if !record.ambiguous || self.retry.max_attempts < 2 || self.ops.assign_replaces() {
            return Err(error);
        }
        tracing::info!(error = %error, "the assign may have been applied; finding out");
        tokio::time::sleep(self.retry.wait_before_retry(1)).await;
        let found = match self.find(project, at, roles, replace).await? {
            Found::Unknown => return Err(error),
            Found::There(key) if replace => key,
            Found::There(_) => return Err(error),
            Found::Absent => {
                tracing::info!("the assign did not take; sending it once more");
                return self.send(Op::AssignToProject, post).await.0.map(|_| None);
            }
        };
        let have = found.roles_in(project);
        let want = roles.roles();
        if have.len() == want.len() && want.iter().all(|r| have.contains(&r)) {
            return Ok(Some(found));
        }
        let update = ProjectKeyUpdate::from(roles);
        self.project_key(at, &update).await.map(Some)
    }

    /// Whether the key is in the project: read back when the organization
    /// is known and the read works; else, for `replace`, by setting the
    /// roles with the PATCH (a 404 says it is not there).
    async fn find(
        &self,
        project: &ProjectId,
        at: Request<'_>,
        roles: &ProjectRoles,
        replace: bool,
    ) -> Result<Found, Error> {
        let read = self
            .org
            .as_ref()
            .filter(|_| self.version.offers(Op::GetOrgKey).is_some());
        if let Some(org) = read {
            let req = Request {
                org: Some(org),
                ..at
            };
            match self.send(Op::GetOrgKey, req).await.0.and_then(key_of) {
                Ok(key) if key.roles_in(project).is_empty() => return Ok(Found::Absent),
                Ok(key) => return Ok(Found::There(key)),
                // The settings' organization may not be the key's (404,
                // 403), or the read failed: settle it as without one.
                Err(e) => tracing::info!(error = %e, "the key could not be read back"),
            }
        }
        if !replace {
            return Ok(Found::Unknown);
        }
        match self.project_key(at, &ProjectKeyUpdate::from(roles)).await {
            Ok(key) => Ok(Found::There(key)),
            Err(e) if e.status() == Some(404) => Ok(Found::Absent),
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
        update.ensure_valid(self.version)?;
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
            .and_then(key_of)
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
        roles.ensure_valid(self.version)?;
        let at = self.in_project(project, key);
        if self.ops.assign_replaces() {
            return self.project_key(at, &update).await.map(Ensured::Set);
        }
        let assigned = |done: Option<ApiKey>| match done {
            None => Ensured::Assigned,
            Some(key) => Ensured::Present(key),
        };
        match self.assign(project, key, roles, true).await {
            Ok(done) => return Ok(assigned(done)),
            Err(e) if e.status() == Some(409) && e.is_code("API_KEY_ALREADY_IN_GROUP") => {}
            Err(e) => return Err(e),
        }
        match self.project_key(at, &update).await {
            // Removed from the project between the 409 and the PATCH: assign again.
            Err(e) if e.status() == Some(404) => {
                tracing::info!("the key left the project meanwhile; assigning it again");
                self.assign(project, key, roles, true).await.map(assigned)
            }
            other => other.map(Ensured::Updated),
        }
    }
}
