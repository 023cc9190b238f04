//! The requests, built from typed parts and checked against the chosen
//! system and version before anything is sent: once, by whoever checks
//! first ([`KeyUpdate::checked`]), or by the call that sends them.

use atlas_apikeys_client::ApiVersion;

use crate::description::Description;
use crate::error::{Rule, ValidationError};
use crate::roles::{self, OrgRole, ProjectRole, ScopedRole};

/// The version a value was checked for: sending it to a client of that
/// version checks nothing again. A note about the value, not part of it:
/// it never makes two values unequal, and every change clears it.
#[derive(Clone, Copy, Default)]
pub(crate) struct CheckedFor(Option<&'static ApiVersion>);

impl std::fmt::Debug for CheckedFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(v) => write!(f, "{} {}", v.system, v.version),
            None => f.write_str("no"),
        }
    }
}

/// `checked` and `ensure_valid`, the same for every request type that
/// carries a [`CheckedFor`] and a `validate(version)`.
macro_rules! checked_methods {
    () => {
        /// [`Self::validate`]d for `version`, and so marked: a client of that
        /// version sends it without checking it again.
        pub fn checked(mut self, version: &'static ApiVersion) -> Result<Self, ValidationError> {
            self.validate(version)?;
            self.checked = CheckedFor(Some(version));
            Ok(self)
        }

        /// What sending checks: nothing again when it was checked for this
        /// very table (a copy with other role lists is not it).
        pub(crate) fn ensure_valid(&self, version: &ApiVersion) -> Result<(), ValidationError> {
            match self.checked.0 {
                Some(v) if std::ptr::eq(v, version) => Ok(()),
                _ => self.validate(version),
            }
        }
    };
}

impl PartialEq for CheckedFor {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for CheckedFor {}

/// An update of an API key's description and/or roles of one scope. Only
/// what is set is sent. Use it as [`OrgKeyUpdate`] or [`ProjectKeyUpdate`].
///
/// ```
/// use atlas_apikeys::{Description, OrgKeyUpdate, OrgRole, ProjectKeyUpdate, ProjectRole};
/// let org = OrgKeyUpdate::new()
///     .description(Description::new("ci key")?)
///     .roles([OrgRole::OrgReadOnly]);
/// let project = ProjectKeyUpdate::new().roles([ProjectRole::GroupOwner]);
/// # Ok::<(), atlas_apikeys::DescriptionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUpdate<R> {
    pub(crate) desc: Option<Description>,
    pub(crate) roles: Option<Vec<R>>,
    pub(crate) allow_unlisted: bool,
    checked: CheckedFor,
}

/// Update an organization API key: description and/or organization roles.
pub type OrgKeyUpdate = KeyUpdate<OrgRole>;

/// Update an organization API key in one project: its project roles (which
/// replace its current ones there) and/or its description.
pub type ProjectKeyUpdate = KeyUpdate<ProjectRole>;

impl<R: ScopedRole> Default for KeyUpdate<R> {
    fn default() -> Self {
        Self {
            desc: None,
            roles: None,
            allow_unlisted: false,
            checked: CheckedFor::default(),
        }
    }
}

impl<R: ScopedRole> KeyUpdate<R> {
    /// An update that changes nothing yet (sending it is a validation error).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the new description.
    pub fn description(mut self, desc: Description) -> Self {
        self.desc = Some(desc);
        self.checked = CheckedFor::default();
        self
    }

    /// Sets the roles (replacing the current ones of this scope).
    pub fn roles(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles = Some(roles.into_iter().collect());
        self.checked = CheckedFor::default();
        self
    }

    /// The description this update sends, if any.
    pub fn description_value(&self) -> Option<&Description> {
        self.desc.as_ref()
    }

    /// The roles this update sends, if any.
    pub fn roles_value(&self) -> Option<&[R]> {
        self.roles.as_deref()
    }

    /// Lets `Unknown` roles through when they are well-formed names of this
    /// scope (`ORG_*`, `GROUP_*`): for a role the server knows before this
    /// SDK does.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self.checked = CheckedFor::default();
        self
    }

    checked_methods!();

    /// Checks the documented rules for `version` (what sending does first):
    /// at least one of description and roles; roles, if given, non-empty,
    /// unique, of this scope, and documented by `version`.
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        if self.desc.is_none() && self.roles.is_none() {
            return Err(ValidationError::new("body", Rule::NothingToUpdate, "{}"));
        }
        match &self.roles {
            Some(r) => roles::check(r, version, self.allow_unlisted, "roles"),
            None => Ok(()),
        }
    }
}

/// A new API key: its description and its roles of one scope, both
/// required (at least one role). Use it as [`NewOrgKey`] or
/// [`NewProjectKey`].
///
/// ```
/// use atlas_apikeys::{Description, NewOrgKey, OrgRole};
/// let new = NewOrgKey::new(Description::new("deploy bot")?, [OrgRole::OrgMember]);
/// # Ok::<(), atlas_apikeys::DescriptionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey<R> {
    pub(crate) desc: Description,
    pub(crate) roles: Vec<R>,
    pub(crate) allow_unlisted: bool,
    checked: CheckedFor,
}

/// A new organization API key, with organization roles.
pub type NewOrgKey = NewKey<OrgRole>;

/// A new organization API key created in a project, with project roles.
pub type NewProjectKey = NewKey<ProjectRole>;

impl<R: ScopedRole> NewKey<R> {
    /// A key described by `desc`, with these roles (at least one, no
    /// duplicates, checked when sent).
    pub fn new(desc: Description, roles: impl IntoIterator<Item = R>) -> Self {
        Self {
            desc,
            roles: roles.into_iter().collect(),
            allow_unlisted: false,
            checked: CheckedFor::default(),
        }
    }

    /// Lets well-formed names of this scope the SDK does not know through.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self.checked = CheckedFor::default();
        self
    }

    checked_methods!();

    /// The description.
    pub fn description(&self) -> &Description {
        &self.desc
    }

    /// The roles.
    pub fn roles(&self) -> &[R] {
        &self.roles
    }

    /// Checks the documented rules for `version`: roles non-empty, unique,
    /// of this scope, and documented by `version` (the description is
    /// checked when made).
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        roles::check(&self.roles, version, self.allow_unlisted, "roles")
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
    checked: CheckedFor,
}

impl ProjectRoles {
    /// These roles (at least one, no duplicates, checked when sent).
    pub fn new(roles: impl IntoIterator<Item = ProjectRole>) -> Self {
        Self {
            roles: roles.into_iter().collect(),
            allow_unlisted: false,
            checked: CheckedFor::default(),
        }
    }

    /// Lets well-formed `GROUP_*` names the SDK does not know through.
    pub fn allow_unlisted_roles(mut self) -> Self {
        self.allow_unlisted = true;
        self.checked = CheckedFor::default();
        self
    }

    checked_methods!();

    /// The roles.
    pub fn roles(&self) -> &[ProjectRole] {
        &self.roles
    }

    /// Checks the documented rules for `version`: non-empty, unique,
    /// project roles that `version` documents.
    pub fn validate(&self, version: &ApiVersion) -> Result<(), ValidationError> {
        roles::check(&self.roles, version, self.allow_unlisted, "roles")
    }
}

impl From<&ProjectRoles> for ProjectKeyUpdate {
    fn from(roles: &ProjectRoles) -> Self {
        Self {
            desc: None,
            roles: Some(roles.roles.clone()),
            allow_unlisted: roles.allow_unlisted,
            // Roles valid for a version make this update valid for it.
            checked: roles.checked,
        }
    }
}
