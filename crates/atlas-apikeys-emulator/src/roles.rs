//! The roles each system documents, as the server enforces them.

use serde::{Deserialize, Serialize};

use crate::config::System;

/// Organization and project roles a system accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSets {
    /// Organization roles.
    pub org: Vec<String>,
    /// Project roles.
    pub project: Vec<String>,
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl RoleSets {
    /// The documented sets of `system`. Atlas accepts
    /// `ORG_STREAM_PROCESSING_ADMIN`, which later spec versions add: a server
    /// that knows a role before an SDK does.
    pub fn documented(system: System) -> Self {
        const CM_PROJECT: &[&str] = &[
            "GROUP_AUTOMATION_ADMIN",
            "GROUP_BACKUP_ADMIN",
            "GROUP_BILLING_ADMIN",
            "GROUP_DATA_ACCESS_ADMIN",
            "GROUP_DATA_ACCESS_READ_ONLY",
            "GROUP_DATA_ACCESS_READ_WRITE",
            "GROUP_MONITORING_ADMIN",
            "GROUP_OWNER",
            "GROUP_READ_ONLY",
            "GROUP_USER_ADMIN",
        ];
        match system {
            System::Atlas => Self {
                org: owned(&[
                    "ORG_OWNER",
                    "ORG_MEMBER",
                    "ORG_GROUP_CREATOR",
                    "ORG_BILLING_ADMIN",
                    "ORG_BILLING_READ_ONLY",
                    "ORG_READ_ONLY",
                    "ORG_STREAM_PROCESSING_ADMIN",
                ]),
                project: owned(&[
                    "GROUP_BACKUP_MANAGER",
                    "GROUP_CLUSTER_MANAGER",
                    "GROUP_DATA_ACCESS_ADMIN",
                    "GROUP_DATA_ACCESS_READ_ONLY",
                    "GROUP_DATA_ACCESS_READ_WRITE",
                    "GROUP_DATABASE_ACCESS_ADMIN",
                    "GROUP_OBSERVABILITY_VIEWER",
                    "GROUP_OWNER",
                    "GROUP_READ_ONLY",
                    "GROUP_SEARCH_INDEX_EDITOR",
                    "GROUP_STREAM_PROCESSING_OWNER",
                ]),
            },
            System::CloudManager => Self {
                org: owned(&[
                    "ORG_OWNER",
                    "ORG_MEMBER",
                    "ORG_GROUP_CREATOR",
                    "ORG_BILLING_ADMIN",
                    "ORG_BILLING_READ_ONLY",
                    "ORG_READ_ONLY",
                ]),
                project: owned(CM_PROJECT),
            },
            System::OpsManager => Self {
                org: owned(&[
                    "ORG_OWNER",
                    "ORG_MEMBER",
                    "ORG_GROUP_CREATOR",
                    "ORG_READ_ONLY",
                ]),
                project: CM_PROJECT
                    .iter()
                    .filter(|r| **r != "GROUP_BILLING_ADMIN")
                    .map(|r| (*r).to_owned())
                    .collect(),
            },
        }
    }
}
