//! The three requests, built from typed parts and checked against the chosen
//! system and version before anything is sent.

use atlas_apikeys_client::ApiVersion;

use crate::description::Description;
use crate::error::{Rule, ValidationError};
use crate::roles::{self, OrgRole, ProjectRole};

/// Update an organization API key: its description, its organization roles,
/// or both. Only what is set is sent.
///
/// ```
/// use atlas_apikeys::{Description, OrgKeyUpdate, OrgRole};
/// let update = OrgKeyUpdate::new()
///     .description(Description::new("ci key")?)
///     .roles([OrgRole::OrgReadOnly]);
/// # Ok::<(), atlas_apikeys::DescriptionError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgKeyUpdate {
    pub(crate) desc: Option<Description>,
    pub(crate) roles: Option<Vec<OrgRole>>,
    pub(crate) allow_unlisted: bool,
}

impl OrgKeyUpdate {
    /// An update that changes nothing yet (sending it is a validation error).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the new description.
    pub fn description(mut self, desc: Description) -> Self {
        self.desc = Some(desc);
        self
    }

    /// Sets the key's organization roles (replacing the current ones).
    pub fn roles(mut self, roles: impl IntoIterator<Item = OrgRole>) -> Self {
        self.roles = Some(roles.into_iter().collect());
        self
    }

    /// Lets `OrgRole::Unknown` values through when they are well-formed
    /// `ORG_*` names: for a role the server knows before this SDK does.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self
    }

    /// Checks the documented rules for `version` (what sending does first):
    /// at least one of description and roles; roles, if given, non-empty,
    /// unique, organization roles that `version` documents.
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        if self.desc.is_none() && self.roles.is_none() {
            return Err(ValidationError::new("body", Rule::NothingToUpdate, "{}"));
        }
        if let Some(r) = &self.roles {
            roles::check(
                r,
                &roles::org_scope(version),
                version,
                self.allow_unlisted,
                "roles",
            )?;
        }
        Ok(())
    }
}

/// The project roles to give an organization API key: for assigning it to a
/// project, or for making its roles there exactly these.
///
/// ```
/// use atlas_apikeys::{ProjectRole, ProjectRoles};
/// let roles = ProjectRoles::new([ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectRoles {
    pub(crate) roles: Vec<ProjectRole>,
    pub(crate) allow_unlisted: bool,
}

impl ProjectRoles {
    /// These roles (at least one, no duplicates, checked when sent).
    pub fn new(roles: impl IntoIterator<Item = ProjectRole>) -> Self {
        Self {
            roles: roles.into_iter().collect(),
            allow_unlisted: false,
        }
    }

    /// Lets well-formed `GROUP_*` names the SDK does not know through.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self
    }

    /// The roles.
    pub fn roles(&self) -> &[ProjectRole] {
        &self.roles
    }

    /// Checks the documented rules for `version`: non-empty, unique,
    /// project roles that `version` documents.
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        roles::check(
            &self.roles,
            &roles::project_scope(version),
            version,
            self.allow_unlisted,
            "roles",
        )
    }
}

/// Update an organization API key in one project: its project roles (which
/// replace the current ones there), its description, or both.
///
/// ```
/// use atlas_apikeys::{ProjectKeyUpdate, ProjectRole};
/// let update = ProjectKeyUpdate::new().roles([ProjectRole::GroupOwner]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectKeyUpdate {
    pub(crate) desc: Option<Description>,
    pub(crate) roles: Option<Vec<ProjectRole>>,
    pub(crate) allow_unlisted: bool,
}

impl ProjectKeyUpdate {
    /// An update that changes nothing yet (sending it is a validation error).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the new description.
    pub fn description(mut self, desc: Description) -> Self {
        self.desc = Some(desc);
        self
    }

    /// Sets the key's roles in the project (replacing the current ones).
    pub fn roles(mut self, roles: impl IntoIterator<Item = ProjectRole>) -> Self {
        self.roles = Some(roles.into_iter().collect());
        self
    }

    /// Lets well-formed `GROUP_*` names the SDK does not know through.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self
    }

    /// Checks the documented rules for `version`: at least one of
    /// description and roles; roles, if given, non-empty, unique, project
    /// roles that `version` documents.
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        if self.desc.is_none() && self.roles.is_none() {
            return Err(ValidationError::new("body", Rule::NothingToUpdate, "{}"));
        }
        if let Some(r) = &self.roles {
            roles::check(
                r,
                &roles::project_scope(version),
                version,
                self.allow_unlisted,
                "roles",
            )?;
        }
        Ok(())
    }
}

impl From<&ProjectRoles> for ProjectKeyUpdate {
    fn from(roles: &ProjectRoles) -> Self {
        Self {
            desc: None,
            roles: Some(roles.roles.clone()),
            allow_unlisted: roles.allow_unlisted,
        }
    }
}
