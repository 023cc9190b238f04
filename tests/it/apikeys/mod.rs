//! The validation crate end to end against a real loopback server: typed
//! calls for every operation and version, every documented rule rejected
//! before anything is sent, idempotent assignment, envelopes, errors, and
//! responses that know more than the SDK.

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    ApiKeyId, ApiKeys, Description, Ensured, Error, ErrorCode, OrgId, OrgKeyUpdate, OrgRole,
    ProjectId, ProjectKeyUpdate, ProjectRole, ProjectRoles, Rule,
};
use atlas_apikeys_emulator::{Emulator, Reply};
use atlas_apikeys_tests::{take_one, vouching_emulator};
use serde_json::json;

fn org() -> OrgId {
    "32b6e34b3d91647abb20e7b8".parse().unwrap()
}

fn project() -> ProjectId {
    "5e2211c17a3e5a48f5497de3".parse().unwrap()
}

fn key() -> ApiKeyId {
    "5d1113b25a115342acc2d1aa".parse().unwrap()
}

fn desc(s: &str) -> Description {
    Description::new(s).unwrap()
}

use atlas_apikeys_emulator::defaults::key_json;

async fn keys_for(server: &Emulator, version: &'static ApiVersion) -> ApiKeys {
    ApiKeys::builder()
        .anonymous()
        .version(version)
        .base_url(server.url())
        .build()
        .expect("client")
}

/// Asserts the call failed validation with `field` and `rule`, and that the
/// server received nothing.
fn rejected(
    server: &Emulator,
    result: Result<impl std::fmt::Debug, Error>,
    field: &str,
    rule: &Rule,
) -> String {
    let err = result.expect_err("must be rejected");
    let v = err
        .validation()
        .unwrap_or_else(|| panic!("not a validation error: {err:?}"));
    assert_eq!(v.field, field, "{err}");
    assert_eq!(&v.rule, rule, "{err}");
    assert!(
        server.take_seen().is_empty(),
        "an invalid request reached the network: {err}"
    );
    err.to_string()
}

/// A request's method, path and JSON body, to compare in one go.
fn summary(req: &atlas_apikeys_emulator::Seen) -> (&str, &str, serde_json::Value) {
    (
        &req.method,
        &req.path,
        req.json().unwrap_or(serde_json::Value::Null),
    )
}

mod builder;
mod errors;
mod operations;
mod settings;
mod validation;
