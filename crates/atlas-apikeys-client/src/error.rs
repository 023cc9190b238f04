//! The client's errors that are not HTTP answers: why authentication failed.
//! A module of its own, below `auth` and `wire`, so both can name it
//! without depending on each other.

/// Why authentication failed. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The server refused the credentials (a 401 to a fresh challenge, or to
    /// a fresh token).
    #[error("the server rejected the credentials (HTTP 401){}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Rejected {
        /// The server's explanation, if it gave one.
        detail: Option<String>,
    },
    /// A 401 without a `WWW-Authenticate` challenge to answer.
    #[error("HTTP 401 without a WWW-Authenticate challenge")]
    NoChallenge,
    /// A challenge this client cannot answer.
    #[error("cannot answer the server's challenge: {0}")]
    BadChallenge(String),
    /// The token endpoint refused to issue a token.
    #[error("token endpoint answered HTTP {status}{}", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    TokenEndpoint {
        /// The HTTP status (401 for bad client credentials, 429 when rate
        /// limited).
        status: u16,
        /// The `errorCode` (or OAuth `error`), when the body had one.
        code: Option<String>,
    },
    /// The token endpoint could not be reached, just now or moments ago
    /// (the failure stands for a short while, so a burst of calls during an
    /// outage does not hammer it).
    #[error("token endpoint unreachable: {reason}")]
    TokenEndpointUnreachable {
        /// What failed.
        reason: String,
    },
    /// The token endpoint answered 200 with something that is not a token.
    #[error("token endpoint answered with an unreadable token response")]
    BadTokenResponse,
}
