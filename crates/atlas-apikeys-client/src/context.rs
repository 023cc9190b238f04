//! The state a generated `Client` carries besides its `reqwest::Client`.

use std::time::Duration;

use crate::ApiVersion;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("atlas-apikeys/", env!("CARGO_PKG_VERSION"));

/// Per-client state the hooks read: which version's media types to send.
///
/// Version modules build it for you (`v2025_02_19::client`); construct one
/// directly only to pair a shared `Client` type with a version by hand.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    version: &'static ApiVersion,
}

impl Context {
    /// State for a client that speaks `version`.
    pub const fn new(version: &'static ApiVersion) -> Self {
        Self { version }
    }

    /// The version this client speaks.
    pub fn version(&self) -> &'static ApiVersion {
        self.version
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The HTTP client (TLS backend, resolver) could not be initialised.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

/// The HTTP client version modules use by default: rustls, a connect timeout
/// of 10 s, a request timeout of 60 s, and this crate's `User-Agent`.
pub fn http_client() -> Result<reqwest::Client, BuildError> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent(USER_AGENT)
        .build()
        .map_err(BuildError::Http)
}
