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

/// What a role list is checked against.
pub(crate) struct Scope<'a, R> {
    /// `organization` or `project`.
    pub name: &'static str,
    /// What the version documents.
    pub documented: &'a [R],
    /// Wire prefix of this scope's roles.
    pub prefix: &'static str,
    /// Wire prefix of the other scope's roles.
    pub other_prefix: &'static str,
}

/// The scope for organization roles of `version`.
pub(crate) fn org_scope(version: &ApiVersion) -> Scope<'_, OrgRole> {
    Scope {
        name: "organization",
        documented: version.org_roles,
        prefix: "ORG_",
        other_prefix: "GROUP_",
    }
}

/// The scope for project roles of `version`.
pub(crate) fn project_scope(version: &ApiVersion) -> Scope<'_, ProjectRole> {
    Scope {
        name: "project",
        documented: version.project_roles,
        prefix: "GROUP_",
        other_prefix: "ORG_",
    }
}

fn is_role_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Checks one role list. `field` is the list's API name (`roles`).
pub(crate) fn check<R: PartialEq + AsRef<str>>(
    roles: &[R],
    scope: &Scope<'_, R>,
    version: &ApiVersion,
    allow_unlisted: bool,
    field: &str,
) -> Result<(), ValidationError> {
    if roles.is_empty() {
        return Err(ValidationError::new(field, Rule::EmptyRoles, "[]"));
    }
    for (i, role) in roles.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let wire = role.as_ref();
        if roles[..i].contains(role) {
            return Err(ValidationError::new(at, Rule::DuplicateRole, show(wire)));
        }
        if scope.documented.contains(role) {
            continue;
        }
        if wire.starts_with(scope.other_prefix) {
            return Err(ValidationError::new(
                at,
                Rule::WrongScope {
                    expected: scope.name,
                },
                show(wire),
            ));
        }
        if !is_role_name(wire) {
            return Err(ValidationError::new(at, Rule::RoleNameFormat, show(wire)));
        }
        if allow_unlisted && wire.starts_with(scope.prefix) {
            continue;
        }
        return Err(ValidationError::new(
            at,
            Rule::NotDocumented {
                scope: scope.name,
                target: format!("{} {}", version.system, version.version),
                documented: scope
                    .documented
                    .iter()
                    .map(|r| r.as_ref().to_owned())
                    .collect(),
            },
            show(wire),
        ));
    }
    Ok(())
}
