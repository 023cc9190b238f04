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
use crate::ids::show;

mod sealed {
    /// Only this crate's role types are scoped roles.
    pub trait Sealed {}
    impl Sealed for super::OrgRole {}
    impl Sealed for super::ProjectRole {}
}

/// A role of one scope: [`OrgRole`] or [`ProjectRole`].
pub trait ScopedRole: sealed::Sealed + Clone + PartialEq + AsRef<str> + 'static {
    /// `organization` or `project`.
    const SCOPE: &'static str;
    /// Wire prefix of this scope's roles.
    const PREFIX: &'static str;
    /// Wire prefix of the other scope's roles.
    const OTHER_PREFIX: &'static str;

    /// The roles of this scope that `version` documents.
    fn documented(version: &ApiVersion) -> &'static [Self];
}

impl ScopedRole for OrgRole {
    const SCOPE: &'static str = "organization";
    const PREFIX: &'static str = "ORG_";
    const OTHER_PREFIX: &'static str = "GROUP_";

    fn documented(version: &ApiVersion) -> &'static [Self] {
        version.org_roles
    }
}

impl ScopedRole for ProjectRole {
    const SCOPE: &'static str = "project";
    const PREFIX: &'static str = "GROUP_";
    const OTHER_PREFIX: &'static str = "ORG_";

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
        if wire.starts_with(R::OTHER_PREFIX) {
            let rule = Rule::WrongScope { expected: R::SCOPE };
            return Err(ValidationError::new(at, rule, show(wire)));
        }
        if !is_role_name(wire) {
            return Err(ValidationError::new(at, Rule::RoleNameFormat, show(wire)));
        }
        if allow_unlisted && wire.starts_with(R::PREFIX) {
            continue;
        }
        let rule = Rule::NotDocumented {
            scope: R::SCOPE,
            target: format!("{} {}", version.system, version.version),
            documented: documented.iter().map(|r| r.as_ref().to_owned()).collect(),
        };
        return Err(ValidationError::new(at, rule, show(wire)));
    }
    Ok(())
}
