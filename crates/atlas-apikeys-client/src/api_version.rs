//! What a version module pins: the media type each operation speaks.

/// One API version of one system, as a generated module pins it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiVersion {
    /// `atlas`, `cloud-manager` or `ops-manager`.
    pub system: &'static str,
    /// The version: a date (`2025-02-19`) for Atlas, `v1.0` for the others.
    pub version: &'static str,
    /// The documented base URL, when the system has a fixed one.
    pub default_base_url: Option<&'static str>,
    /// Media types per operation.
    pub operations: &'static [OperationMedia],
    /// The organization roles this version documents.
    pub org_roles: &'static [crate::OrgRole],
    /// The project roles this version documents.
    pub project_roles: &'static [crate::ProjectRole],
}

impl ApiVersion {
    /// The entry for an operation, by progenitor's snake_case operation id
    /// (`update_org_api_key`) or the API's own name (`updateOrgApiKey`).
    pub fn operation(&self, id: &str) -> Option<&'static OperationMedia> {
        self.operations
            .iter()
            .find(|op| op.operation_id == id || op.api_name == id)
    }
}

/// The media types one operation sends and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationMedia {
    /// progenitor's snake_case operation id, the generated method's name.
    pub operation_id: &'static str,
    /// The operationId in the API's spec.
    pub api_name: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// The `Accept` header value: the versioned media type on Atlas.
    pub accept: &'static str,
    /// The `Content-Type` header value when a body is sent.
    pub content_type: Option<&'static str>,
}
