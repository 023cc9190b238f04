//! Environment variables read, in the Atlas CLI's spelling.

/// Service account id.
pub const CLIENT_ID: &str = "MONGODB_ATLAS_CLIENT_ID";
/// Service account secret.
pub const CLIENT_SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
/// Programmatic API key, public part: the name, then its older
/// spelling, read when the first is unset.
pub const PUBLIC_API_KEY: [&str; 2] = ["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY"];
/// Programmatic API key, private part: the name, then its older
/// spelling, read when the first is unset.
pub const PRIVATE_API_KEY: [&str; 2] =
    ["MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY"];
/// Base URL of Atlas or Cloud Manager.
pub const BASE_URL: &str = "MONGODB_ATLAS_BASE_URL";
/// Ops Manager's URL.
pub const OPS_MANAGER_URL: &str = "MONGODB_ATLAS_OPS_MANAGER_URL";
/// Default organization id.
pub const ORG_ID: &str = "MONGODB_ATLAS_ORG_ID";
/// Default project id.
pub const PROJECT_ID: &str = "MONGODB_ATLAS_PROJECT_ID";
/// Atlas API version (any date; the newest release on or before it).
pub const API_VERSION: &str = "MONGODB_ATLAS_API_VERSION";
/// Which Atlas CLI profile to read.
pub const PROFILE: &str = "MONGODB_ATLAS_PROFILE";
/// A PEM file of CA certificates to trust beside the system's.
pub const CA_CERTIFICATE: &str = "MONGODB_ATLAS_CA_CERTIFICATE";
