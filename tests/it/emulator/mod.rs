//! The SDK against the emulator: every operation, version and auth mode,
//! the error paths a real server has, responses held to the fragments'
//! schemas, faults, and malformed requests that must never crash it.

mod buckets;
mod conformance;
mod digest;
mod faults;
mod limits;
mod log;
mod oauth;
mod operations;
use std::time::Duration;

use atlas_apikeys::client::{ApiVersion, RetryPolicy};
use atlas_apikeys::{
    ApiKeyId, ApiKeys, Description, Ensured, Error, OrgId, OrgKeyUpdate, OrgRole, ProjectId,
    ProjectKeyUpdate, ProjectRole, ProjectRoles,
};
use atlas_apikeys_emulator::config::RateLimitConfig;
use atlas_apikeys_emulator::{Config, Emulator, Fault, FaultConfig, System, defaults};
use atlas_apikeys_tests::assert_waited;
use atlas_apikeys_tests::schema::Fragment;
use serde_json::{Value, json};

async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

fn fast() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(20))
}

#[derive(Clone, Copy, Debug)]
enum Auth {
    Digest,
    ServiceAccount,
}

/// A client of `emu` with the example credentials of `auth`.
fn client(
    emu: &Emulator,
    auth: Auth,
    policy: RetryPolicy,
    version: Option<&'static ApiVersion>,
) -> ApiKeys {
    let mut b = ApiKeys::builder();
    if let Some(version) = version {
        b = b.version(version);
    }
    let b = b.base_url(emu.url()).retry(policy);
    match auth {
        Auth::Digest => b.api_key(defaults::OWNER.public_key, defaults::OWNER.private_key),
        Auth::ServiceAccount => b.service_account(
            defaults::SERVICE_ACCOUNT.client_id,
            defaults::SERVICE_ACCOUNT.client_secret,
        ),
    }
    .build()
    .expect("client")
}

fn keys(emu: &Emulator, version: &'static ApiVersion, auth: Auth) -> ApiKeys {
    client(emu, auth, fast(), Some(version))
}

/// An organization-key update that sets the description to `text`.
fn describe(text: &str) -> OrgKeyUpdate {
    OrgKeyUpdate::new().description(Description::new(text).unwrap())
}

fn org() -> OrgId {
    defaults::ORG.parse().unwrap()
}

fn project() -> ProjectId {
    defaults::PROJECT.parse().unwrap()
}

fn other_project() -> ProjectId {
    defaults::OTHER_PROJECT.parse().unwrap()
}

fn target() -> ApiKeyId {
    defaults::TARGET.id.parse().unwrap()
}

/// The example service account's token request, answered.
async fn token_request(http: &reqwest::Client, emu: &Emulator) -> reqwest::Response {
    let sa = defaults::SERVICE_ACCOUNT;
    http.post(format!("{}/api/oauth/token", emu.url()))
        .basic_auth(sa.client_id, Some(sa.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
}

/// An access token from the emulator, for raw requests.
async fn token(http: &reqwest::Client, emu: &Emulator) -> String {
    let response: Value = token_request(http, emu).await.json().await.unwrap();
    response["access_token"].as_str().unwrap().to_owned()
}

struct Raw {
    status: u16,
    content_type: String,
    body: Value,
}

/// `application/vnd.atlas.<date>+json`: what a client pinned to `version`
/// may ask for.
fn dated(version: &ApiVersion) -> String {
    format!("application/vnd.atlas.{}+json", version.version)
}

async fn raw(
    http: &reqwest::Client,
    emu: &Emulator,
    bearer: &str,
    (method, accept): (&str, &str),
    path: &str,
    body: &str,
) -> Raw {
    let request = http
        .request(method.parse().unwrap(), format!("{}{path}", emu.url()))
        .bearer_auth(bearer)
        .header("accept", accept)
        .header("content-type", accept)
        .body(body.to_owned());
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Raw {
        status,
        content_type,
        body,
    }
}

const ORG_PATH: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";

const GROUP_PATH: &str = "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}";

fn toml_text(config: &Config) -> String {
    // The TOML a user would write: the same structure, TOML syntax.
    let value: Value = serde_json::to_value(config).unwrap();
    let toml_value: toml_value::Value = serde_json::from_value(value).unwrap();
    toml_value::to_string(&toml_value)
}

mod toml_value {
    pub use toml::Value;
    /// The value as TOML text.
    pub fn to_string(v: &Value) -> String {
        toml::to_string(v).unwrap()
    }
}

fn digest_emulator(edit: impl FnOnce(&mut atlas_apikeys_emulator::digest::DigestConfig)) -> Config {
    let mut config = Config::default();
    edit(&mut config.digest);
    config
}

fn keys_with(emu: &Emulator, policy: RetryPolicy) -> ApiKeys {
    client(emu, Auth::Digest, policy, None)
}

fn service_account_keys(emu: &Emulator, policy: RetryPolicy) -> ApiKeys {
    client(emu, Auth::ServiceAccount, policy, None)
}

/// A PATCH to `target` (path and query) with these headers and body,
/// sent with reqwest and nothing added.
async fn patch(
    emu: &Emulator,
    target: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .patch(format!("{}{target}", emu.url()))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("the emulator answers")
}

/// Sends raw bytes on a fresh connection and reads until the server closes
/// it (or `limit` passes): what comes back, and how long it took.
async fn raw_exchange(emu: &Emulator, bytes: &[u8], limit: Duration) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut out)).await;
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

/// A PATCH of an organization key that declares `length` body bytes and
/// sends two.
fn patch_declaring(length: u64) -> String {
    let path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    );
    format!(
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{}}"
    )
}

fn with_timeouts(header_ms: u64, body_ms: u64) -> Config {
    Config {
        header_timeout_ms: header_ms,
        body_timeout_ms: body_ms,
        ..Config::default()
    }
}
