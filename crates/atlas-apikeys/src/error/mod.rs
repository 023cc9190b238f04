//! The one error type of this crate: validation, API, transport.

pub(crate) mod convert;

use std::fmt;

use crate::description::DescriptionError;
use crate::ids::IdError;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented rule; nothing was sent.
    #[error("invalid request: {0}")]
    Validation(#[from] ValidationError),
    /// The server answered with an error.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The server answered with a success status but a body that is not the
    /// documented JSON.
    #[error("HTTP {status}: unexpected response body ({reason}): {excerpt}")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// Why the body could not be read.
        reason: String,
        /// A short, printable excerpt of the body.
        excerpt: String,
    },
    /// Authentication failed: wrong credentials, a challenge that cannot be
    /// answered, or a token endpoint that refused.
    #[error("authentication: {0}")]
    Auth(#[from] atlas_apikeys_client::AuthError),
    /// The pinned API version is no longer served (410 `VERSION_GONE`).
    #[error(
        "{system} API version {version} is no longer served: move to a newer version module{}",
        detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
    )]
    VersionGone {
        /// The system.
        system: atlas_apikeys_client::System,
        /// The pinned version.
        version: &'static str,
        /// The server's explanation.
        detail: Option<String>,
    },
    /// Not a failure: a dry run held this request back, and nothing that
    /// depended on its answer ran.
    #[error("dry run: {} {} was not sent", .0.method, .0.url)]
    Planned(Box<atlas_apikeys_client::PlannedRequest>),
    /// The pinned version does not offer the operation; nothing was sent.
    #[error("{system} API version {version} does not offer {operation}; nothing was sent")]
    Unsupported {
        /// The operation (its operationId).
        operation: &'static str,
        /// The system.
        system: atlas_apikeys_client::System,
        /// The pinned version.
        version: &'static str,
    },
    /// The server refused for now (429, or 503) and asked to wait longer
    /// than the retry policy allows (`max_retry_after`, or past its
    /// deadline): the call failed at once instead of retrying early, which
    /// would only earn another refusal.
    #[error(
        "rate limited: the server asks to wait {}s before retrying, longer than the retry policy allows ({api})",
        retry_after.as_secs()
    )]
    RateLimited {
        /// The wait the server asked for (`Retry-After`).
        retry_after: std::time::Duration,
        /// The refusal itself.
        api: Box<ApiError>,
    },
    /// Listing every page found more than `limit` items: read them a page
    /// at a time instead.
    #[error("more than {limit} {what}: read them a page at a time")]
    ListTooLong {
        /// The most a listing holds.
        limit: usize,
        /// What was listed.
        what: &'static str,
    },
    /// The request could not be sent or the response not received.
    #[error("transport: {0}")]
    Transport(#[source] TransportError),
    /// The HTTP client could not be set up: a base URL that cannot work,
    /// plain http beyond loopback, or the TLS stack.
    #[error("client setup: {0}")]
    ClientSetup(#[from] atlas_apikeys_client::BuildError),
    /// The settings cannot work together: no credentials, an unknown API
    /// version, another system's version table, a profile that is missing.
    #[error("configuration: {0}")]
    Config(String),
}

impl From<crate::versions::VersionError> for Error {
    fn from(e: crate::versions::VersionError) -> Self {
        Error::Config(format!("API version {e}"))
    }
}

impl From<crate::settings::SettingsError> for Error {
    fn from(e: crate::settings::SettingsError) -> Self {
        Error::Config(e.to_string())
    }
}

impl Error {
    /// Whether this is an API error with the given `errorCode`.
    ///
    /// ```
    /// # fn handle(err: atlas_apikeys::Error) {
    /// if err.is_code("API_KEY_NOT_FOUND") {
    ///     // the key was deleted meanwhile
    /// }
    /// # }
    /// ```
    pub fn is_code(&self, code: &str) -> bool {
        self.api().and_then(|a| a.error_code.as_deref()) == Some(code)
    }

    /// The API error, if the server answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) | Self::RateLimited { api, .. } => Some(api),
            _ => None,
        }
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api(api) | Self::RateLimited { api, .. } => Some(api.status),
            Self::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The validation error, if the request was rejected before sending.
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Self::Validation(v) => Some(v),
            _ => None,
        }
    }
}

impl From<IdError> for Error {
    fn from(e: IdError) -> Self {
        Self::Validation(e.into())
    }
}

impl From<DescriptionError> for Error {
    fn from(e: DescriptionError) -> Self {
        Self::Validation(e.into())
    }
}

/// A request that breaks a rule: which field, which rule, which value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule} (got {value})")]
#[non_exhaustive]
pub struct ValidationError {
    /// The API field (`desc`, `roles[1]`, `orgId`, ...).
    pub field: String,
    /// The rule broken.
    pub rule: Rule,
    /// The offending value as shown (quoted, truncated; secrets withheld).
    pub value: String,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, rule: Rule, value: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule,
            value: value.into(),
        }
    }
}

impl From<IdError> for ValidationError {
    fn from(e: IdError) -> Self {
        Self::new(
            e.kind().field(),
            Rule::IdFormat(e.problem().clone()),
            e.shown(),
        )
    }
}

impl From<DescriptionError> for ValidationError {
    fn from(e: DescriptionError) -> Self {
        Self::new("desc", Rule::DescriptionLength, e.shown())
    }
}

/// The documented rules a request can break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rule {
    /// Ids are 24 lowercase hex characters.
    #[error("{0}")]
    IdFormat(crate::ids::IdProblem),
    /// Descriptions are 1 to 250 characters.
    #[error(
        "must be {} to {} characters (Unicode code points)",
        crate::description::MIN_CHARS,
        crate::description::MAX_CHARS
    )]
    DescriptionLength,
    /// An update must change the description, the roles, or both.
    #[error("give a description, roles, or both: an empty update changes nothing")]
    NothingToUpdate,
    /// A role list, when given, must not be empty.
    #[error("must list at least one role when given")]
    EmptyRoles,
    /// A role may appear once per list.
    #[error("lists a role more than once")]
    DuplicateRole,
    /// The role belongs to the other scope (organization vs project).
    #[error("belongs to the other scope: this field takes {expected} roles")]
    WrongScope {
        /// `organization` or `project`: what the field takes.
        expected: &'static str,
    },
    /// The chosen system and version do not document this role.
    #[error("{}; to send a role this SDK does not know yet, allow unlisted roles on the request", self.finding())]
    NotDocumented {
        /// `organization` or `project`.
        scope: &'static str,
        /// `atlas 2025-02-19`, `ops-manager v1.0`.
        target: String,
        /// The roles that version documents.
        documented: Vec<String>,
    },
    /// Even with unlisted roles allowed, a role name is upper-case words
    /// joined by underscores.
    #[error("is not a role name (A-Z, 0-9 and _)")]
    RoleNameFormat,
    /// A list of access-list entries must hold at least one.
    #[error("must list at least one address or CIDR block")]
    NoEntries,
    /// An access-list entry may appear once per request.
    #[error("lists an address or block more than once")]
    DuplicateEntry,
    /// A number outside the range the API takes.
    #[error("must be from {min} to {max}")]
    OutOfRange {
        /// The least it takes.
        min: u32,
        /// The most it takes.
        max: u32,
    },
    /// The chosen system's endpoint does not take this field.
    #[error(
        "is not accepted by {target}'s project endpoint (change the description with update_org_key)"
    )]
    NotAccepted {
        /// `cloud-manager v1.0`, ...
        target: String,
    },
    /// The chosen system's endpoint requires this field.
    #[error("is required by {target}'s project endpoint")]
    Required {
        /// `cloud-manager v1.0`, ...
        target: String,
    },
}

impl Rule {
    /// What was found, without the advice on what to do about it: for
    /// front ends (the CLI) that give their own advice. The same as the
    /// `Display` text for every rule but [`Rule::NotDocumented`].
    pub fn finding(&self) -> String {
        match self {
            Self::NotDocumented {
                scope,
                target,
                documented,
            } => format!(
                "is not {} {scope} role of {target} (documented: {})",
                if scope.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                },
                documented.join(", ")
            ),
            other => other.to_string(),
        }
    }
}

/// An error answer from the server.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (the envelope's, when one was unwrapped).
    pub status: u16,
    /// The `errorCode`, as a known code where this SDK knows it.
    pub code: Option<ErrorCode>,
    /// The `errorCode` as sent.
    pub error_code: Option<String>,
    /// `reason`: the HTTP reason phrase the server gives.
    pub reason: Option<String>,
    /// `detail`: the server's explanation.
    pub detail: Option<String>,
    /// `parameters`: the values substituted into `detail`.
    pub parameters: Vec<serde_json::Value>,
    /// `badRequestDetail.fields`: the fields the server rejected.
    pub bad_request_detail: Vec<FieldViolation>,
    /// For a body that is not an `ApiError` (a proxy's HTML page): a short,
    /// printable excerpt of it.
    pub excerpt: Option<String>,
    /// The answer as received: status, headers, `Retry-After` and body.
    /// Its `Debug` shows only headers known to hold no secret.
    pub response: Option<Box<atlas_apikeys_client::ErrorResponse>>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.error_code {
            write!(f, " {code}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        } else if let Some(reason) = &self.reason {
            write!(f, ": {reason}")?;
        }
        for v in &self.bad_request_detail {
            write!(f, "; {}: {}", v.field, v.description)?;
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, ": not an API error body: {excerpt}")?;
        }
        Ok(())
    }
}

/// One field the server rejected (read leniently: a missing part is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct FieldViolation {
    /// The field.
    pub field: String,
    /// Why.
    pub description: String,
}

/// `errorCode` values this SDK acts on or documents. Others stay in
/// [`ApiError::error_code`] and arrive here as `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// No API key with that id exists (in that organization).
    ApiKeyNotFound,
    /// The key is already assigned to the project (answer to a re-assign).
    ApiKeyAlreadyInGroup,
    /// The caller has no access to the project, or it does not exist.
    NotInGroup,
    /// The resource does not exist.
    ResourceNotFound,
    /// A request attribute is invalid.
    InvalidAttribute,
    /// Too many requests.
    RateLimited,
    /// The requested API version is no longer served.
    VersionGone,
    /// Any other code.
    Other(String),
}

impl ErrorCode {
    /// Reads an `errorCode`.
    pub fn from_raw(code: &str) -> Self {
        match code {
            "API_KEY_NOT_FOUND" => Self::ApiKeyNotFound,
            "API_KEY_ALREADY_IN_GROUP" => Self::ApiKeyAlreadyInGroup,
            "NOT_IN_GROUP" => Self::NotInGroup,
            "RESOURCE_NOT_FOUND" => Self::ResourceNotFound,
            "INVALID_ATTRIBUTE" => Self::InvalidAttribute,
            "RATE_LIMITED" => Self::RateLimited,
            "VERSION_GONE" => Self::VersionGone,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Why a request could not be sent or its answer not received: the client
/// crate's [`atlas_apikeys_client::CallError`] (in [`Error::Transport`],
/// never its `Response`, `Unreadable` or `Auth`, which are [`Error::Api`],
/// [`Error::InvalidResponse`] and [`Error::Auth`]).
pub type TransportError = atlas_apikeys_client::CallError;
