//! What a version module pins: the media type each operation speaks.

/// One API version of one system, as a generated module pins it.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct ApiVersion {
    /// `atlas`, `cloud-manager` or `ops-manager`.
    pub system: crate::System,
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
    /// Builds this version's client behind the version-neutral operations.
    pub connect: Connect,
}

/// Builds a version's client behind [`crate::KeyOperations`].
pub type Connect =
    fn(crate::ClientConfig) -> Result<Box<dyn crate::KeyOperations>, crate::BuildError>;

/// Two tables are the same version when system and version agree.
impl PartialEq for ApiVersion {
    fn eq(&self, other: &Self) -> bool {
        self.system == other.system && self.version == other.version
    }
}

impl Eq for ApiVersion {}

impl std::fmt::Debug for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiVersion")
            .field("system", &self.system)
            .field("version", &self.version)
            .field("default_base_url", &self.default_base_url)
            .field("operations", &self.operations)
            .field("org_roles", &self.org_roles)
            .field("project_roles", &self.project_roles)
            .finish_non_exhaustive()
    }
}

impl ApiVersion {
    /// The entry for an operation, by progenitor's snake_case operation id
    /// (`update_org_api_key`) or the API's own name (`updateOrgApiKey`).
    pub fn operation(&self, id: &str) -> Option<&'static OperationMedia> {
        self.operations
            .iter()
            .find(|op| op.operation_id == id || op.api_name == id)
    }

    /// The media-table entry serving `op` in this version (its stand-in where
    /// the version has one instead), or `None` when this version does not
    /// offer it.
    pub fn offers(&self, op: crate::Op) -> Option<&'static OperationMedia> {
        self.operation(op.api_name())
            .or_else(|| op.stand_in().and_then(|id| self.operation(id)))
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

/// One system's entry in the role catalogue (`openapi/roles/`): its roles,
/// whatever API version is pinned. Where the lists come from is said in the
/// docs of each system's module in [`crate::catalogue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SystemRoles {
    /// `atlas`, `cloud-manager` or `ops-manager`.
    pub system: crate::System,
    /// Organization roles.
    pub org: &'static [crate::OrgRole],
    /// Project roles.
    pub project: &'static [crate::ProjectRole],
}

/// `YYYY-MM-DD` as a comparable `(year, month, day)`, when it is a real
/// calendar date (leap years included): how API version dates are read by
/// the SDK and by the emulator alike.
///
/// ```
/// use atlas_apikeys_client::calendar_date;
/// assert_eq!(calendar_date("2024-02-29"), Some((2024, 2, 29)));
/// assert_eq!(calendar_date("2023-02-29"), None);
/// assert_eq!(calendar_date("2023-1-01"), None);
/// ```
pub fn calendar_date(text: &str) -> Option<(u16, u8, u8)> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        .iter()
        .all(|&i| b[i].is_ascii_digit());
    if !digits {
        return None;
    }
    let (y, m, d): (u16, u8, u8) = (
        text[..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..].parse().ok()?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}
