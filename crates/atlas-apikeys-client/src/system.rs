//! The MongoDB products this crate speaks to, as one type that the SDK, the
//! settings, the command line and the emulator share. Each is spelled as
//! the version tables always spelled it (`atlas`, `cloud-manager`,
//! `ops-manager`), and compares equal to that spelling, so code written
//! against the strings keeps working.
//!
//! ```
//! use atlas_apikeys_client::System;
//! let s: System = "cloud-manager".parse().unwrap();
//! assert_eq!(s, System::CloudManager);
//! assert!(s == "cloud-manager" && "cloud-manager" == s);
//! assert_eq!(s.to_string(), "cloud-manager");
//! ```

use std::fmt;
use std::str::FromStr;

/// A MongoDB product with programmatic API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum System {
    /// MongoDB Atlas: the Admin API v2, versioned by date.
    Atlas,
    /// MongoDB Cloud Manager: the public API v1.0.
    CloudManager,
    /// MongoDB Ops Manager (self-hosted): the public API v1.0.
    OpsManager,
}

impl System {
    /// Every system, in this order.
    pub const ALL: [System; 3] = [System::Atlas, System::CloudManager, System::OpsManager];

    /// The spelling of tables, settings and the command line: `atlas`,
    /// `cloud-manager`, `ops-manager`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Atlas => "atlas",
            Self::CloudManager => "cloud-manager",
            Self::OpsManager => "ops-manager",
        }
    }

    /// Whether the system offers service accounts (OAuth 2.0 client
    /// credentials); Ops Manager takes API keys only.
    pub const fn offers_oauth(self) -> bool {
        !matches!(self, Self::OpsManager)
    }
}

impl fmt::Display for System {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a system's spelling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a system: {0:?} (one of {known})", known = System::ALL.map(System::as_str).join(", "))]
pub struct UnknownSystem(
    /// The name given.
    pub String,
);

impl FromStr for System {
    type Err = UnknownSystem;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        System::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| UnknownSystem(name.to_owned()))
    }
}

impl PartialEq<str> for System {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for System {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<System> for str {
    fn eq(&self, other: &System) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<System> for &str {
    fn eq(&self, other: &System) -> bool {
        *self == other.as_str()
    }
}

impl<'de> serde::Deserialize<'de> for System {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}
