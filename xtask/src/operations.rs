//! The operations this project covers, identified by method and path.
//!
//! Upstream renamed their operationIds in late 2025; selecting by method and
//! path and stamping the newest names keeps SDK method names stable across
//! spec versions.

/// One covered operation of the Atlas Admin API v2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Lower-case HTTP method, as OpenAPI path items key it.
    pub method: &'static str,
    /// Path template, as OpenAPI spells it.
    pub path: &'static str,
    /// The operationId the fragment records (upstream's newest name).
    pub operation_id: &'static str,
}

/// The three programmatic-API-key operations of Atlas Admin API v2.
pub const ATLAS_OPERATIONS: [Operation; 3] = [
    Operation {
        method: "patch",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}",
        operation_id: "updateOrgApiKey",
    },
    Operation {
        method: "post",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
        operation_id: "addGroupApiKey",
    },
    Operation {
        method: "patch",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
        operation_id: "updateGroupApiKeyRoles",
    },
];

impl Operation {
    /// `PATCH /api/...`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

/// What the version-neutral `KeyOperations` trait asks of a generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `update_org_key`: description and/or organization roles.
    UpdateOrgKey,
    /// `assign_to_project`: a key into a project with roles.
    AssignToProject,
    /// `update_project_key`: a key's roles (and description) in a project.
    UpdateProjectKey,
}

impl Call {
    /// Every call, in trait order.
    pub const ALL: [Call; 3] = [
        Call::UpdateOrgKey,
        Call::AssignToProject,
        Call::UpdateProjectKey,
    ];

    /// The operationId serving this call among `available`, and whether it
    /// is the project PATCH standing in for an assign (public API v1.0, whose
    /// one PATCH assigns or replaces).
    pub fn operation<'a>(self, available: &[&'a str]) -> Option<(&'a str, bool)> {
        let find = |id: &str| available.iter().copied().find(|a| *a == id);
        match self {
            Call::UpdateOrgKey => find("updateOrgApiKey").map(|id| (id, false)),
            Call::UpdateProjectKey => find("updateGroupApiKeyRoles").map(|id| (id, false)),
            Call::AssignToProject => find("addGroupApiKey")
                .map(|id| (id, false))
                .or_else(|| find("updateGroupApiKeyRoles").map(|id| (id, true))),
        }
    }

    /// Request-body properties this call always sends: the only ones a
    /// version may require.
    pub fn always_sends(self) -> &'static [&'static str] {
        match self {
            Call::AssignToProject => &["roles"],
            Call::UpdateOrgKey | Call::UpdateProjectKey => &[],
        }
    }
}

/// Parameters the glue fills from a call's arguments; any other must be optional.
pub const KNOWN_PARAMETERS: [&str; 5] = ["orgId", "groupId", "apiUserId", "envelope", "pretty"];
