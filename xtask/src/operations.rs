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
