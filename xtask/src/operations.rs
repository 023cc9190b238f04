//! The operations this project covers: one entry each. Import selects them by
//! method and path, codegen emits the `Op` enum and the glue from them, and
//! nothing else in the workspace lists operations.
//!
//! Upstream renamed their operationIds in late 2025; selecting by method and
//! path and stamping the newest names keeps SDK method names stable across
//! spec versions.

/// One covered operation, as the Atlas Admin API v2 names it. The public API
/// v1.0 fragments (Cloud Manager, Ops Manager) use the same operationIds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The variant of the generated `Op` enum the SDK calls it by.
    pub op: &'static str,
    /// One line on what it does, for the generated docs.
    pub doc: &'static str,
    /// Lower-case HTTP method, as OpenAPI path items key it.
    pub method: &'static str,
    /// Path template, as OpenAPI spells it.
    pub path: &'static str,
    /// The operationId the fragment records (upstream's newest name).
    pub operation_id: &'static str,
    /// Whether every version must offer it (the three this project began
    /// with). The others are optional per version: a spec without them
    /// still imports.
    pub required: bool,
    /// Where a version lacks this operation, another that serves it (the
    /// public API's project PATCH, which assigns or replaces).
    pub stand_in: Option<&'static str>,
    /// Request-body properties it always sends: the only ones a version may
    /// require.
    pub always_sends: &'static [&'static str],
    /// The `Answer` variant its answer's body is read into (its one public
    /// type in the client crate), when the answer has one.
    pub returns: Option<&'static str>,
}

/// The covered operations, in the order the fragments list them.
pub const OPERATIONS: [Operation; 15] = [
    Operation {
        op: "UpdateOrgKey",
        doc: "Updates an organization API key: its description and/or organization roles.",
        method: "patch",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}",
        operation_id: "updateOrgApiKey",
        required: true,
        stand_in: None,
        always_sends: &[],
        returns: Some("Key"),
    },
    Operation {
        op: "ListOrgKeys",
        doc: "Lists an organization's API keys, a page at a time.",
        method: "get",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys",
        operation_id: "listOrgApiKeys",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Keys"),
    },
    Operation {
        op: "CreateOrgKey",
        doc: "Creates an organization API key; its answer holds the private key, shown this once.",
        method: "post",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys",
        operation_id: "createOrgApiKey",
        required: false,
        stand_in: None,
        always_sends: &["desc", "roles"],
        returns: Some("Key"),
    },
    Operation {
        op: "GetOrgKey",
        doc: "Returns one organization API key, with its roles in the organization and its projects.",
        method: "get",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}",
        operation_id: "getOrgApiKey",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Key"),
    },
    Operation {
        op: "DeleteOrgKey",
        doc: "Deletes an organization API key, and with it every project assignment and access-list entry.",
        method: "delete",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}",
        operation_id: "deleteOrgApiKey",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: None,
    },
    Operation {
        op: "ListProjectKeys",
        doc: "Lists the organization API keys assigned to a project, a page at a time.",
        method: "get",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys",
        operation_id: "listGroupApiKeys",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Keys"),
    },
    Operation {
        op: "CreateProjectKey",
        doc: "Creates an organization API key and assigns it to a project; its answer holds the private key, shown this once.",
        method: "post",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys",
        operation_id: "createGroupApiKey",
        required: false,
        stand_in: None,
        always_sends: &["desc", "roles"],
        returns: Some("Key"),
    },
    Operation {
        op: "AssignToProject",
        doc: "Assigns an organization API key to a project with project roles.",
        method: "post",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
        operation_id: "addGroupApiKey",
        required: true,
        stand_in: Some("updateGroupApiKeyRoles"),
        always_sends: &["roles"],
        returns: None,
    },
    Operation {
        op: "UpdateProjectKey",
        doc: "Replaces a key's roles (and, where taken, its description) in a project.",
        method: "patch",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
        operation_id: "updateGroupApiKeyRoles",
        required: true,
        stand_in: None,
        always_sends: &[],
        returns: Some("Key"),
    },
    Operation {
        op: "UnassignFromProject",
        doc: "Takes an organization API key out of a project; the key stays in the organization.",
        method: "delete",
        path: "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}",
        operation_id: "removeGroupApiKey",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: None,
    },
    Operation {
        op: "ListAccessEntries",
        doc: "Lists the addresses an organization API key may call from, a page at a time.",
        method: "get",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        operation_id: "listOrgApiKeyAccessListEntries",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Entries"),
    },
    Operation {
        op: "AddAccessEntries",
        doc: "Adds addresses or CIDR blocks to an organization API key's access list; answers the list.",
        method: "post",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList",
        operation_id: "createOrgApiKeyAccessListEntry",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Entries"),
    },
    Operation {
        op: "GetAccessEntry",
        doc: "Returns one entry of an organization API key's access list.",
        method: "get",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}",
        operation_id: "getOrgApiKeyAccessListEntry",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("Entry"),
    },
    Operation {
        op: "DeleteAccessEntry",
        doc: "Removes one entry from an organization API key's access list.",
        method: "delete",
        path: "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}",
        operation_id: "deleteOrgApiKeyAccessListEntry",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: None,
    },
    Operation {
        op: "ListRateLimits",
        doc: "Describes the rate-limit buckets that apply to the caller: each endpoint set's endpoints, scope, capacity and refill.",
        method: "get",
        path: "/api/atlas/v2/rateLimits",
        operation_id: "listRateLimits",
        required: false,
        stand_in: None,
        always_sends: &[],
        returns: Some("RateLimits"),
    },
];

impl Operation {
    /// `PATCH /api/...`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_ascii_uppercase(), self.path)
    }

    /// The operationId serving this operation among `available`, and whether
    /// it is the stand-in.
    pub fn served_by<'a>(&self, available: &[&'a str]) -> Option<(&'a str, bool)> {
        let find = |id: &str| available.iter().copied().find(|a| *a == id);
        find(self.operation_id)
            .map(|id| (id, false))
            .or_else(|| self.stand_in.and_then(find).map(|id| (id, true)))
    }
}

/// Parameters the glue fills, by wire name, and the field of the client
/// crate's `Request` each comes from. A generated client takes these and no
/// other: an optional parameter upstream adds is left out of it (a required
/// one is a wire change).
pub const PARAMETERS: [(&str, &str); 9] = [
    ("orgId", "org"),
    ("groupId", "project"),
    ("apiUserId", "key"),
    ("envelope", "flags.envelope"),
    ("pretty", "flags.pretty"),
    ("includeCount", "include_count"),
    ("itemsPerPage", "items_per_page"),
    ("pageNum", "page_num"),
    ("ipAddress", "access_entry"),
];

/// Request-body properties a generated request struct holds; an optional
/// one upstream adds is left out of it.
pub const BODY_PROPERTIES: [&str; 5] = ["desc", "roles", "userId", "ipAddress", "cidrBlock"];
