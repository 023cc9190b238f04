//! Credentials and what they do to a request: HTTP Digest for programmatic
//! API keys, OAuth 2.0 client credentials for service accounts, or a bearer
//! token the caller already has.

pub(crate) mod digest;
pub(crate) mod oauth;

pub use crate::error::AuthError;
pub use oauth::TokenStore;

use std::fmt;

use reqwest::header::HeaderValue;
use secrecy::SecretString;

/// How requests authenticate.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No `Authorization` header (for tests against servers that need none).
    #[default]
    None,
    /// A programmatic API key: HTTP Digest with the public key as user name
    /// and the private key as password.
    ApiKey {
        /// The public key (not a secret).
        public_key: String,
        /// The private key.
        private_key: SecretString,
    },
    /// A service account: OAuth 2.0 client credentials exchanged for an
    /// access token at `{base}/api/oauth/token`.
    ServiceAccount {
        /// The client id (not a secret).
        client_id: String,
        /// The client secret.
        client_secret: SecretString,
    },
    /// An access token obtained elsewhere, sent as `Authorization: Bearer`.
    Bearer(SecretString),
}

impl Credentials {
    /// A programmatic API key.
    pub fn api_key(public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        Self::ApiKey {
            public_key: public_key.into(),
            private_key: SecretString::from(private_key.into()),
        }
    }

    /// A service account.
    pub fn service_account(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self::ServiceAccount {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(SecretString::from(token.into()))
    }

    /// `digest`, `service-account`, `bearer` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ApiKey { .. } => "digest",
            Self::ServiceAccount { .. } => "service-account",
            Self::Bearer(_) => "bearer",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::ApiKey { public_key, .. } => f
                .debug_struct("ApiKey")
                .field("public_key", public_key)
                .field("private_key", &"[REDACTED]")
                .finish(),
            Self::ServiceAccount { client_id, .. } => f
                .debug_struct("ServiceAccount")
                .field("client_id", client_id)
                .field("client_secret", &"[REDACTED]")
                .finish(),
            Self::Bearer(_) => f.write_str("Bearer([REDACTED])"),
        }
    }
}

/// Marks a header value as sensitive so `Debug` output of requests and HTTP
/// libraries' logs show it as such.
pub(crate) fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut v = HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}
