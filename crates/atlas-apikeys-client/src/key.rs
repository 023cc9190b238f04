//! An API key, the one type every version's answer is read into, straight
//! from the wire: the private key never prints, roles are split by scope,
//! and unknown roles or extra fields do not fail the response. It
//! serializes in Atlas's shape, which the command line prints.

use std::fmt;

use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::{OrgRole, ProjectRole, Secret};

/// An organization API key as the server describes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiKey {
    /// The key's id.
    pub id: ApiKeyId,
    /// Its description.
    pub description: Option<String>,
    /// Its roles, split by scope.
    pub roles: KeyRoles,
    /// Its public key (the digest user name); not a secret.
    pub public_key: Option<String>,
    /// Its private key, as the server returns it (redacted after creation).
    /// Never printed.
    pub private_key: Option<PrivateKey>,
    /// Related resources.
    pub links: Vec<Link>,
}

/// A key's roles as the server lists them, split by scope: an entry with a
/// role name and a valid `groupId` is a project role, one with a role name
/// and only a valid `orgId` an organization role, and anything else is kept
/// as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyRoles {
    /// Organization roles.
    pub org: Vec<OrgRoleAssignment>,
    /// Roles per project.
    pub project: Vec<ProjectRoleAssignment>,
    /// Role entries that name neither a valid organization nor a valid
    /// project.
    pub other: Vec<OtherRoleAssignment>,
}

/// A private key. `Debug` shows `PrivateKey([REDACTED])`; there is no
/// `Display`.
#[derive(Clone)]
pub struct PrivateKey(Secret);

impl PrivateKey {
    /// The key's text. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey([REDACTED])")
    }
}

/// A link to a related resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct Link {
    /// The URL.
    pub href: Option<String>,
    /// The relation.
    pub rel: Option<String>,
}

/// A role in an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrgRoleAssignment {
    /// The organization.
    pub org_id: OrgId,
    /// The role (possibly one this SDK does not know yet).
    pub role: OrgRole,
}

/// A role in a project.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProjectRoleAssignment {
    /// The project (`groupId`).
    pub project_id: ProjectId,
    /// The role (possibly one this SDK does not know yet).
    pub role: ProjectRole,
}

/// A role entry that fits neither scope.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OtherRoleAssignment {
    /// `orgId` as sent.
    pub org_id: Option<String>,
    /// `groupId` as sent.
    pub group_id: Option<String>,
    /// `roleName` as sent.
    pub role_name: Option<String>,
}

/// Atlas's shape for a key, as the command line prints it: `id`, `desc`,
/// `publicKey`, and `roles[]` with `roleName` and `orgId` or `groupId`
/// (organization roles, then project roles, then entries kept as sent).
/// Never the private key, whatever the server sent, nor the links.
impl serde::Serialize for ApiKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut key = serializer.serialize_map(Some(4))?;
        key.serialize_entry("id", self.id.as_str())?;
        key.serialize_entry("desc", &self.description)?;
        key.serialize_entry("publicKey", &self.public_key)?;
        key.serialize_entry("roles", &self.roles)?;
        key.end()
    }
}

/// A key's roles as one list of Atlas role entries: organization roles,
/// then project roles, then entries kept as sent.
impl serde::Serialize for KeyRoles {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let org = self.org.iter().map(|r| Entry {
            org_id: Some(r.org_id.as_str()),
            group_id: None,
            role_name: Some(r.role.as_str()),
        });
        let project = self.project.iter().map(|r| Entry {
            org_id: None,
            group_id: Some(r.project_id.as_str()),
            role_name: Some(r.role.as_str()),
        });
        let other = self.other.iter().map(|r| Entry {
            org_id: r.org_id.as_deref(),
            group_id: r.group_id.as_deref(),
            role_name: r.role_name.as_deref(),
        });
        serializer.collect_seq(org.chain(project).chain(other))
    }
}

/// One role entry: `orgId` and `groupId` when it has them, and `roleName`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    org_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<&'a str>,
    role_name: Option<&'a str>,
}

impl ApiKey {
    /// The key's roles in one project.
    pub fn roles_in(&self, project: &ProjectId) -> Vec<&ProjectRole> {
        self.roles
            .project
            .iter()
            .filter(|r| &r.project_id == project)
            .map(|r| &r.role)
            .collect()
    }
}

impl KeyRoles {
    /// Splits the role entries of a response by scope.
    fn split(entries: Vec<OtherRoleAssignment>) -> Self {
        let mut roles = Self::default();
        for r in entries {
            let org = r.org_id.as_deref().and_then(|s| OrgId::parse(s).ok());
            let project = r.group_id.as_deref().and_then(|s| ProjectId::parse(s).ok());
            match (project, org, &r.role_name) {
                (Some(project_id), _, Some(n)) => roles.project.push(ProjectRoleAssignment {
                    project_id,
                    role: ProjectRole::from_wire(n),
                }),
                (None, Some(org_id), Some(n)) => roles.org.push(OrgRoleAssignment {
                    org_id,
                    role: OrgRole::from_wire(n),
                }),
                _ => roles.other.push(r),
            }
        }
        roles
    }
}

/// A key as the wire has it, read leniently: every field may be missing or
/// null, and fields this SDK does not know are ignored.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    id: Option<String>,
    desc: Option<String>,
    public_key: Option<String>,
    private_key: Option<Secret>,
    links: Option<Vec<Link>>,
    roles: Option<Vec<OtherRoleAssignment>>,
}

/// Any version's key, from Atlas's shape (public API v1.0 answers in it
/// too): straight from the wire into the one public type. Only an id that
/// is not one fails it.
impl<'de> serde::Deserialize<'de> for ApiKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let wire = Wire::deserialize(deserializer)?;
        let id = ApiKeyId::parse(wire.id.as_deref().unwrap_or_default()).map_err(|e| {
            D::Error::custom(format_args!("the key's id is not valid: {}", e.problem()))
        })?;
        Ok(ApiKey {
            id,
            description: wire.desc,
            roles: KeyRoles::split(wire.roles.unwrap_or_default()),
            public_key: wire.public_key,
            private_key: wire.private_key.map(PrivateKey),
            links: wire.links.unwrap_or_default(),
        })
    }
}
