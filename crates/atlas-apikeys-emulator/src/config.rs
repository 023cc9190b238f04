//! Emulator configuration and seed data, from JSON or TOML or defaults.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::digest::DigestConfig;
use crate::faults::FaultConfig;

/// Which MongoDB product the emulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum System {
    /// Atlas: Admin API v2 under `/api/atlas/v2`, digest and OAuth.
    Atlas,
    /// Cloud Manager: public API v1.0 under `/api/public/v1.0`, digest and OAuth.
    CloudManager,
    /// Ops Manager: public API v1.0 under `/api/public/v1.0`, digest only.
    OpsManager,
}

impl System {
    /// `atlas`, `cloud-manager`, `ops-manager`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Atlas => "atlas",
            Self::CloudManager => "cloud-manager",
            Self::OpsManager => "ops-manager",
        }
    }

    /// Whether the system offers service accounts (OAuth).
    pub fn offers_oauth(self) -> bool {
        !matches!(self, Self::OpsManager)
    }
}

/// An organization.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// 24-hex id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A project (Atlas: group).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 24-hex id.
    pub id: String,
    /// The owning organization.
    pub org_id: String,
    /// Display name.
    pub name: String,
}

/// An organization API key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// 24-hex id.
    pub id: String,
    /// The digest user name.
    pub public_key: String,
    /// The digest password.
    pub private_key: String,
    /// Description.
    pub description: String,
    /// The organization it belongs to.
    pub org_id: String,
    /// Its organization roles.
    pub org_roles: Vec<String>,
    /// Its roles per project id.
    #[serde(default)]
    pub project_roles: BTreeMap<String, Vec<String>>,
}

/// A service account (OAuth client credentials).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Its organization.
    pub org_id: String,
    /// Its organization roles.
    pub org_roles: Vec<String>,
    /// Its roles per project id.
    #[serde(default)]
    pub project_roles: BTreeMap<String, Vec<String>>,
}

/// The initial state.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Seed {
    /// Organizations.
    pub organizations: Vec<Org>,
    /// Projects.
    pub projects: Vec<Project>,
    /// API keys.
    pub api_keys: Vec<ApiKey>,
    /// Service accounts.
    pub service_accounts: Vec<ServiceAccount>,
}

/// Ids and credentials of the default seed, for demos and tests.
pub mod defaults {
    /// The example organization.
    pub const ORG: &str = "32b6e34b3d91647abb20e7b8";
    /// Its project.
    pub const PROJECT: &str = "5e2211c17a3e5a48f5497de3";
    /// A second project of the same organization.
    pub const OTHER_PROJECT: &str = "5e2211c17a3e5a48f5497de4";
    /// Another organization, which the example keys cannot reach.
    pub const FOREIGN_ORG: &str = "6a1b2c3d4e5f60718293a4b5";
    /// A project of the other organization.
    pub const FOREIGN_PROJECT: &str = "6a1b2c3d4e5f60718293a4c6";
    /// The owner key's id (ORG_OWNER): the key the demo authenticates with.
    pub const OWNER_KEY: &str = "5f8ba1c2d3e4f5a6b7c8d9e0";
    /// The owner key's public key.
    pub const OWNER_PUBLIC: &str = "zmmrboas";
    /// The owner key's private key.
    pub const OWNER_PRIVATE: &str = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d";
    /// The key the demo manages (ORG_MEMBER, in no project).
    pub const TARGET_KEY: &str = "5d1113b25a115342acc2d1aa";
    /// A read-only key (ORG_READ_ONLY): authenticated, not authorized.
    pub const READER_KEY: &str = "5d1113b25a115342acc2d1ab";
    /// The read-only key's public key.
    pub const READER_PUBLIC: &str = "rdonlyky";
    /// The read-only key's private key.
    pub const READER_PRIVATE: &str = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";
    /// A key of the other organization.
    pub const FOREIGN_KEY: &str = "6a1b2c3d4e5f60718293a4d7";
    /// The service account's client id (ORG_OWNER).
    pub const CLIENT_ID: &str = "mdb_sa_id_0123456789abcdef";
    /// The service account's client secret.
    pub const CLIENT_SECRET: &str = "mdb_sa_sk_s3cr3tv4lu3";
}

impl Seed {
    /// A small organization: an owner key, a key to manage, a read-only key,
    /// a service account, two projects; and a second organization.
    pub fn example() -> Self {
        use defaults::*;
        let key =
            |id: &str, public: &str, private: &str, desc: &str, org: &str, role: &str| ApiKey {
                id: id.into(),
                public_key: public.into(),
                private_key: private.into(),
                description: desc.into(),
                org_id: org.into(),
                org_roles: vec![role.into()],
                project_roles: BTreeMap::new(),
            };
        Self {
            organizations: vec![
                Org {
                    id: ORG.into(),
                    name: "Example Org".into(),
                },
                Org {
                    id: FOREIGN_ORG.into(),
                    name: "Someone Else's Org".into(),
                },
            ],
            projects: vec![
                Project {
                    id: PROJECT.into(),
                    org_id: ORG.into(),
                    name: "payments".into(),
                },
                Project {
                    id: OTHER_PROJECT.into(),
                    org_id: ORG.into(),
                    name: "analytics".into(),
                },
                Project {
                    id: FOREIGN_PROJECT.into(),
                    org_id: FOREIGN_ORG.into(),
                    name: "theirs".into(),
                },
            ],
            api_keys: vec![
                key(
                    OWNER_KEY,
                    OWNER_PUBLIC,
                    OWNER_PRIVATE,
                    "automation owner",
                    ORG,
                    "ORG_OWNER",
                ),
                key(
                    TARGET_KEY,
                    "tgtkeyab",
                    "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
                    "deploy bot",
                    ORG,
                    "ORG_MEMBER",
                ),
                key(
                    READER_KEY,
                    READER_PUBLIC,
                    READER_PRIVATE,
                    "auditor",
                    ORG,
                    "ORG_READ_ONLY",
                ),
                key(
                    FOREIGN_KEY,
                    "frgnkeyz",
                    "d3e4f5a6-b7c8-4d9e-8f1a-2b3c4d5e6f70",
                    "not yours",
                    FOREIGN_ORG,
                    "ORG_OWNER",
                ),
            ],
            service_accounts: vec![ServiceAccount {
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                org_id: ORG.into(),
                org_roles: vec!["ORG_OWNER".into()],
                project_roles: BTreeMap::new(),
            }],
        }
    }
}

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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            system: System::Atlas,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: Seed::example(),
            digest: DigestConfig::default(),
            token_lifetime_secs: 3600,
            rate_limit: None,
            versions_gone_before: None,
            max_body_bytes: 64 * 1024,
            header_timeout_ms: 10_000,
            body_timeout_ms: 10_000,
            path_prefix: String::new(),
            roles: None,
            faults: FaultConfig::default(),
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

impl Config {
    /// Reads a configuration file: `.toml` as TOML, anything else as JSON.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: name.clone(),
            source,
        })?;
        let config: Self = if path.extension().is_some_and(|e| e == "toml") {
            toml::from_str(&text).map_err(|e| ConfigError::Parse {
                path: name,
                message: e.to_string(),
            })?
        } else {
            serde_json::from_str(&text).map_err(|e| ConfigError::Parse {
                path: name,
                message: e.to_string(),
            })?
        };
        config.check()?;
        Ok(config)
    }

    /// Checks that the seed's references hold together.
    pub fn check(&self) -> Result<(), ConfigError> {
        let seed = &self.seed;
        let hex24 = |s: &str| {
            s.len() == 24
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
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
        for k in &seed.api_keys {
            if !hex24(&k.id) || !org(&k.org_id) || k.project_roles.keys().any(|p| !project(p)) {
                return Err(ConfigError::Seed(format!(
                    "API key {:?}: bad id, unknown organization or project",
                    k.id
                )));
            }
        }
        for s in &seed.service_accounts {
            if !org(&s.org_id) || s.project_roles.keys().any(|p| !project(p)) {
                return Err(ConfigError::Seed(format!(
                    "service account {:?}: unknown organization or project",
                    s.client_id
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
