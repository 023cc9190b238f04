//! The emulator's seed: organizations, projects, API keys and service
//! accounts, and the example seed's ids and credentials (`defaults`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    /// Its organization and roles.
    pub grants: Grants,
}

/// A service account (OAuth client credentials).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccount {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Its organization and roles.
    pub grants: Grants,
}

/// What a key or service account may do: the organization it belongs to,
/// its roles there, and its roles per project.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// The organization.
    pub org_id: String,
    /// Organization roles.
    pub org_roles: Vec<String>,
    /// Roles per project id.
    #[serde(default)]
    pub project_roles: BTreeMap<String, Vec<String>>,
}

impl Grants {
    /// `role` in organization `org`, and no project roles.
    pub fn org(org: &str, role: &str) -> Self {
        Self {
            org_id: org.into(),
            org_roles: vec![role.into()],
            project_roles: BTreeMap::new(),
        }
    }
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
    /// A key of the default seed: its id and the pair it signs in with
    /// (public key as digest user name, private key as password).
    #[derive(Clone, Copy)]
    #[non_exhaustive]
    pub struct SeedKey {
        /// 24-hex id.
        pub id: &'static str,
        /// The digest user name.
        pub public_key: &'static str,
        /// The digest password.
        pub private_key: &'static str,
    }

    /// A service account of the default seed: the OAuth client credentials
    /// it signs in with.
    #[derive(Clone, Copy)]
    #[non_exhaustive]
    pub struct SeedServiceAccount {
        /// The client id.
        pub client_id: &'static str,
        /// The client secret.
        pub client_secret: &'static str,
    }

    /// The example organization.
    pub const ORG: &str = "32b6e34b3d91647abb20e7b8";
    /// Its project.
    pub const PROJECT: &str = "5e2211c17a3e5a48f5497de3";
    /// The owner key (ORG_OWNER): the key the demo authenticates with.
    pub const OWNER: SeedKey = SeedKey {
        id: "5f8ba1c2d3e4f5a6b7c8d9e0",
        public_key: "zmmrboas",
        private_key: "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
    };
    /// The key the demo manages (ORG_MEMBER, in no project).
    pub const TARGET: SeedKey = SeedKey {
        id: "5d1113b25a115342acc2d1aa",
        public_key: "tgtkeyab",
        private_key: "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
    };
    /// A read-only key (ORG_READ_ONLY): authenticated, not authorized.
    pub const READER: SeedKey = SeedKey {
        id: "5d1113b25a115342acc2d1ab",
        public_key: "rdonlyky",
        private_key: "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e",
    };
    /// A second project of the example organization.
    pub const OTHER_PROJECT: &str = "5e2211c17a3e5a48f5497de4";
    /// The service account (ORG_OWNER).
    pub const SERVICE_ACCOUNT: SeedServiceAccount = SeedServiceAccount {
        client_id: "mdb_sa_id_0123456789abcdef",
        client_secret: "mdb_sa_sk_s3cr3tv4lu3",
    };
    /// The other organization, which the example keys cannot reach.
    pub const FOREIGN_ORG: &str = "6a1b2c3d4e5f60718293a4b5";
    /// A key of the other organization (ORG_OWNER there).
    pub const FOREIGN: SeedKey = SeedKey {
        id: "6a1b2c3d4e5f60718293a4d7",
        public_key: "frgnkeyz",
        private_key: "d3e4f5a6-b7c8-4d9e-8f1a-2b3c4d5e6f70",
    };
    /// A project of the other organization.
    pub const FOREIGN_PROJECT: &str = "6a1b2c3d4e5f60718293a4c6";

    /// The example target key as Atlas answers it (private key masked, an
    /// organization role and a project role): the one fixture tests and
    /// benchmarks script replies with.
    pub fn key_json() -> serde_json::Value {
        serde_json::json!({
            "id": TARGET.id,
            "desc": "ci key",
            "publicKey": TARGET.public_key,
            "privateKey": "********-****-****-db2c132ca78d",
            "links": [{ "href": format!("https://cloud.mongodb.com/api/atlas/v2/orgs/{ORG}/apiKeys/{}", TARGET.id), "rel": "self" }],
            "roles": [
                { "orgId": ORG, "roleName": "ORG_MEMBER" },
                { "groupId": PROJECT, "roleName": "GROUP_READ_ONLY" }
            ]
        })
    }
}

impl Seed {
    /// A small organization: an owner key, a key to manage, a read-only key,
    /// a service account, two projects; and a second organization.
    pub fn example() -> Self {
        use defaults::*;
        let key = |key: SeedKey, desc: &str, org: &str, role: &str| ApiKey {
            id: key.id.into(),
            public_key: key.public_key.into(),
            private_key: key.private_key.into(),
            description: desc.into(),
            grants: Grants::org(org, role),
        };
        let org = |id: &str, name: &str| Org {
            id: id.into(),
            name: name.into(),
        };
        let project = |id: &str, org_id: &str, name: &str| Project {
            id: id.into(),
            org_id: org_id.into(),
            name: name.into(),
        };
        Self {
            organizations: vec![
                org(ORG, "Example Org"),
                org(FOREIGN_ORG, "Someone Else's Org"),
            ],
            projects: vec![
                project(PROJECT, ORG, "payments"),
                project(OTHER_PROJECT, ORG, "analytics"),
                project(FOREIGN_PROJECT, FOREIGN_ORG, "theirs"),
            ],
            api_keys: vec![
                key(OWNER, "automation owner", ORG, "ORG_OWNER"),
                key(TARGET, "deploy bot", ORG, "ORG_MEMBER"),
                key(READER, "auditor", ORG, "ORG_READ_ONLY"),
                key(FOREIGN, "not yours", FOREIGN_ORG, "ORG_OWNER"),
            ],
            service_accounts: vec![ServiceAccount {
                client_id: SERVICE_ACCOUNT.client_id.into(),
                client_secret: SERVICE_ACCOUNT.client_secret.into(),
                grants: Grants::org(ORG, "ORG_OWNER"),
            }],
        }
    }
}
