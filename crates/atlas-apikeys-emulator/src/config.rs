//! Emulator configuration, from JSON or TOML or defaults; the seed data
//! it starts with is in `seed`.

use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::seed::{ApiKey, Grants, Org, Project, Seed, ServiceAccount, defaults};

use crate::digest::DigestConfig;
use crate::faults::FaultConfig;
pub use crate::system::System;

/// Request-rate limit per caller.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in milliseconds.
    pub window_ms: u64,
}

/// Everything the emulator can be told.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Which product to play.
    pub system: System,
    /// Where to listen (default `127.0.0.1:0`: loopback, a free port).
    pub bind: SocketAddr,
    /// Initial state.
    pub seed: Seed,
    /// Digest settings.
    pub digest: DigestConfig,
    /// Lifetime of issued access tokens, in seconds.
    pub token_lifetime_secs: u64,
    /// Unexpired access tokens a service account may hold at once; past
    /// it, a token request answers 403 (Atlas: 100). 0: no limit.
    pub max_active_tokens: usize,
    /// Token requests a service account may make per window (Atlas: 10 a
    /// minute); past it, 429 with `Retry-After`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_rate: Option<RateLimitConfig>,
    /// Atlas's rate limits: token buckets per endpoint set and scope
    /// ([`crate::buckets::EndpointSet::atlas_defaults`] unless told; empty: none).
    pub rate_limits: Vec<crate::buckets::EndpointSet>,
    /// Per-caller request limit (none by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,
    /// Atlas: requests for a version date before this one answer 410
    /// `VERSION_GONE` (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions_gone_before: Option<String>,
    /// Largest request body accepted, in bytes. A larger declared
    /// `Content-Length` is refused with 413 before any of the body is read.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's headers, in
    /// milliseconds; then the connection is closed.
    pub header_timeout_ms: u64,
    /// How long a client may take to send a request's body, in milliseconds;
    /// then the answer is 408 and the connection is closed.
    pub body_timeout_ms: u64,
    /// Serve everything below this path (`/gateway/mongodb`), as behind a
    /// gateway that routes by prefix; empty: at the root.
    pub path_prefix: String,
    /// Role sets, when not the system's documented ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<crate::roles::RoleSets>,
    /// Fault injection.
    pub faults: FaultConfig,
    /// Take every API request as made by the seed's API key with this public
    /// key, without a challenge: for serving behind a reverse proxy that has
    /// authenticated the caller, and for tests of what an unauthenticated
    /// client sends. Accepted only on a loopback address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticated_as: Option<String>,
    /// Serve HTTPS with this certificate and key (plain HTTP without).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<crate::tls::TlsConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            system: System::Atlas,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: Seed::example(),
            digest: DigestConfig::default(),
            token_lifetime_secs: 3600,
            max_active_tokens: 100,
            token_rate: Some(RateLimitConfig {
                requests: 10,
                window_ms: 60_000,
            }),
            rate_limits: crate::buckets::EndpointSet::atlas_defaults(),
            rate_limit: None,
            versions_gone_before: None,
            max_body_bytes: 64 * 1024,
            header_timeout_ms: 10_000,
            body_timeout_ms: 10_000,
            path_prefix: String::new(),
            roles: None,
            faults: FaultConfig::default(),
            authenticated_as: None,
            tls: None,
        }
    }
}

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid JSON or TOML of this shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// The seed is inconsistent.
    #[error("seed: {0}")]
    Seed(String),
}

/// Whether `s` is 24 lowercase hexadecimal characters, as every id is.
pub(crate) fn hex24(s: &str) -> bool {
    s.len() == 24
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Config {
    /// Reads a configuration file: `.toml` as TOML, anything else as JSON.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: name.clone(),
            source,
        })?;
        let parsed: Result<Self, String> = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str(&text).map_err(|e| e.to_string())
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        let config = parsed.map_err(|message| ConfigError::Parse {
            path: name,
            message,
        })?;
        config.check()?;
        Ok(config)
    }

    /// Checks that the seed's references hold together.
    pub fn check(&self) -> Result<(), ConfigError> {
        let seed = &self.seed;
        let org = |id: &str| seed.organizations.iter().any(|o| o.id == id);
        let project = |id: &str| seed.projects.iter().any(|p| p.id == id);
        for o in &seed.organizations {
            if !hex24(&o.id) {
                return Err(ConfigError::Seed(format!(
                    "organization id {:?} is not 24 lowercase hex",
                    o.id
                )));
            }
        }
        for p in &seed.projects {
            if !hex24(&p.id) || !org(&p.org_id) {
                return Err(ConfigError::Seed(format!(
                    "project {:?}: bad id or unknown organization",
                    p.id
                )));
            }
        }
        // A grant names a seeded organization and seeded projects only.
        let known = |g: &Grants| org(&g.org_id) && g.project_roles.keys().all(|p| project(p));
        for k in &seed.api_keys {
            if !hex24(&k.id) || !known(&k.grants) {
                return Err(ConfigError::Seed(format!(
                    "API key {:?}: bad id, unknown organization or project",
                    k.id
                )));
            }
        }
        if let Some(s) = seed.service_accounts.iter().find(|s| !known(&s.grants)) {
            return Err(ConfigError::Seed(format!(
                "service account {:?}: unknown organization or project",
                s.client_id
            )));
        }
        if let Some(public) = &self.authenticated_as {
            if !self.bind.ip().is_loopback() {
                return Err(ConfigError::Seed(format!(
                    "authenticated_as skips authentication, so it is refused on {}: bind to loopback",
                    self.bind
                )));
            }
            if !seed.api_keys.iter().any(|k| &k.public_key == public) {
                return Err(ConfigError::Seed(format!(
                    "authenticated_as {public:?} is no API key's public key"
                )));
            }
        }
        if let Some(d) = &self.versions_gone_before {
            crate::versioning::parse_date(d).ok_or_else(|| {
                ConfigError::Seed(format!("versions_gone_before {d:?} is not YYYY-MM-DD"))
            })?;
        }
        Ok(())
    }
}
