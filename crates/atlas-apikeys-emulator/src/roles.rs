//! The roles each system documents, as the server enforces them: the role
//! catalogue's, unless a seed file overrides them.

use serde::{Deserialize, Serialize};

use crate::system::System;

/// Organization and project roles a system accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSets {
    /// Organization roles.
    pub org: Vec<String>,
    /// Project roles.
    pub project: Vec<String>,
}

impl RoleSets {
    /// The roles `system` has, from the role catalogue (`openapi/roles/`),
    /// the same lists the SDK validates against. Empty for a system the
    /// catalogue lacks, so every role is refused rather than guessed.
    pub fn documented(system: System) -> Self {
        let entry = atlas_apikeys_client::catalogue::CATALOGUE
            .iter()
            .find(|e| e.system == system);
        Self {
            org: entry
                .map(|e| e.org.iter().map(|r| r.as_str().to_owned()).collect())
                .unwrap_or_default(),
            project: entry
                .map(|e| e.project.iter().map(|r| r.as_str().to_owned()).collect())
                .unwrap_or_default(),
        }
    }
}
