//! Role rules: a role list is non-empty when given, has no duplicates, holds
//! only roles of its scope, and only roles the chosen system and version
//! document, unless the caller allows unlisted ones (for a role the server
//! knows before this SDK does).
//!
//! The documented lists come from the fragments through codegen
//! (`ApiVersion::org_roles`, `ApiVersion::project_roles`), not from a
//! hand-kept copy.

use atlas_apikeys_client::ApiVersion;
pub use atlas_apikeys_client::{OrgRole, ProjectRole, RoleName};

use crate::error::{Rule, ValidationError};
use crate::shown::show;

mod sealed {
    /// Only this crate's role types are scoped roles.
    pub trait Sealed {}
    impl Sealed for super::OrgRole {}
    impl Sealed for super::ProjectRole {}
}

/// The scope a role belongs to. Role names carry it: `ORG_` for the
/// organization, `GROUP_` for a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleScope {
    /// Organization roles.
    Organization,
    /// Project roles.
    Project,
}

impl RoleScope {
    /// `organization` or `project`, as messages name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Project => "project",
        }
    }

    /// The wire prefix of this scope's role names.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Organization => "ORG_",
            Self::Project => "GROUP_",
        }
    }

    /// The other scope.
    pub fn other(self) -> Self {
        match self {
            Self::Organization => Self::Project,
            Self::Project => Self::Organization,
        }
    }
}

/// A role of one scope: [`OrgRole`] or [`ProjectRole`].
pub trait ScopedRole: sealed::Sealed + Clone + PartialEq + AsRef<str> + 'static {
    /// The scope.
    const SCOPE: RoleScope;

    /// The roles of this scope that `version` documents.
    fn documented(version: &ApiVersion) -> &'static [Self];
}

impl ScopedRole for OrgRole {
    const SCOPE: RoleScope = RoleScope::Organization;

    fn documented(version: &ApiVersion) -> &'static [Self] {
        version.org_roles
    }
}

impl ScopedRole for ProjectRole {
    const SCOPE: RoleScope = RoleScope::Project;

    fn documented(version: &ApiVersion) -> &'static [Self] {
        version.project_roles
    }
}

fn is_role_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks one role list. `field` is the list's API name (`roles`).
pub(crate) fn check<R: ScopedRole>(
    roles: &[R],
    version: &ApiVersion,
    allow_unlisted: bool,
    field: &str,
) -> Result<(), ValidationError> {
    if roles.is_empty() {
        return Err(ValidationError::new(field, Rule::EmptyRoles, "[]"));
    }
    let documented = R::documented(version);
    for (i, role) in roles.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let wire = role.as_ref();
        if roles[..i].contains(role) {
            return Err(ValidationError::new(at, Rule::DuplicateRole, show(wire)));
        }
        if documented.contains(role) {
            continue;
        }
        if wire.starts_with(R::SCOPE.other().prefix()) {
            let rule = Rule::WrongScope {
                expected: R::SCOPE.name(),
            };
            return Err(ValidationError::new(at, rule, show(wire)));
        }
        if !is_role_name(wire) {
            return Err(ValidationError::new(at, Rule::RoleNameFormat, show(wire)));
        }
        if allow_unlisted && wire.starts_with(R::SCOPE.prefix()) {
            continue;
        }
        let rule = Rule::NotDocumented {
            scope: R::SCOPE.name(),
            target: format!("{} {}", version.system, version.version),
            documented: documented.iter().map(|r| r.as_ref().to_owned()).collect(),
        };
        return Err(ValidationError::new(at, rule, show(wire)));
    }
    Ok(())
}
