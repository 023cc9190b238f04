//! The client's errors: why authentication failed, and why a call got no
//! successful answer.
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

/// Why a call got no successful answer: one value that says what happened,
/// from building the request to the server's refusal. Never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// The request could not be built (an input missing, a header a value
    /// cannot be, a media type the version table cannot send).
    #[error("cannot build the request: {0}")]
    Construction(String),
    /// The request or its answer took longer than the configured timeout.
    #[error("timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The TLS handshake failed (an untrusted or mismatched certificate).
    #[error("TLS: {0}")]
    Tls(#[source] reqwest::Error),
    /// No connection could be made (DNS, refused, unreachable).
    #[error("cannot connect: {0}")]
    Connect(#[source] reqwest::Error),
    /// Sending the request or receiving the answer failed midway (a reset
    /// connection, a body cut off or over the limit).
    #[error("{0}")]
    Dispatch(#[source] reqwest::Error),
    /// Authentication failed: credentials rejected, a challenge this client
    /// cannot answer, or a token endpoint that refused, was unreachable or
    /// answered nonsense.
    #[error("authentication: {0}")]
    Auth(AuthError),
    /// The server answered with an error status (after the retries the
    /// policy allows).
    #[error("{0}")]
    Response(Box<ErrorResponse>),
    /// The server answered with success, but not with what the operation
    /// returns.
    #[error("HTTP {status}: unreadable answer ({reason})")]
    Unreadable {
        /// The HTTP status.
        status: u16,
        /// Why it could not be read.
        reason: String,
        /// The body as received (bounded by the response limit).
        body: Body,
    },
}

impl CallError {
    /// A send failure of `reqwest`, by what went wrong.
    pub(crate) fn from_send(e: reqwest::Error) -> Self {
        // A connect timeout is a connect failure: the host is unreachable.
        if is_tls(&e) {
            CallError::Tls(e)
        } else if e.is_connect() {
            CallError::Connect(e)
        } else if e.is_timeout() {
            CallError::Timeout(e)
        } else if e.is_builder() {
            CallError::Construction(e.to_string())
        } else {
            CallError::Dispatch(e)
        }
    }
}

/// `e` and its causes, on one line: reqwest's own message leaves out the
/// cause (a refused connection, the response limit; often it is only
/// "builder error").
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// Whether a TLS failure is somewhere in `e`'s causes.
fn is_tls(e: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<rustls::Error>() {
            return true;
        }
        // An `io::Error`'s `source` skips the error it wraps (an `io::Error`
        // around a rustls error, as the connector makes): look inside.
        cause = match c
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    false
}

/// An error answer as received: status (an envelope's, when one was
/// unwrapped), headers, the wait the server asked for, and the body
/// (bounded by the response limit). Its `Debug` shows only headers known to
/// hold no secret, and the body's length.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The HTTP status.
    pub status: reqwest::StatusCode,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// `Retry-After`, when the server sent one that reads.
    pub retry_after: Option<std::time::Duration>,
    /// The body.
    pub body: Body,
}

/// An answer's body as received (within the response limit). Its `Debug`
/// shows only its length: a body may hold a secret (a created key's private
/// key, a token).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Body(
    /// The bytes.
    pub bytes::Bytes,
);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Body {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// Headers an error answer's `Debug` shows: none of them carries a
/// credential or a nonce.
const SAFE_HEADERS: [&str; 8] = [
    "content-type",
    "content-length",
    "date",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "deprecation",
    "sunset",
];

impl std::fmt::Debug for ErrorResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .filter(|(name, _)| SAFE_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or("(not text)")))
            .collect();
        f.debug_struct("ErrorResponse")
            .field("status", &self.status.as_u16())
            .field("headers", &headers)
            .field("retry_after", &self.retry_after)
            .field("body", &self.body)
            .finish()
    }
}

impl std::fmt::Display for ErrorResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())
    }
}
