//! Which MongoDB product the emulator plays: a module of its own, so the
//! role sets and the configuration can both name it.

use serde::{Deserialize, Serialize};

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
