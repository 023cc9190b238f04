//! The sides compared: the SDK, raw reqwest sending the same bytes, a
//! challenge-per-call digest client, and the minimal loopback server.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_apikeys::client::RetryPolicy;
use atlas_apikeys::{ApiKeyId, ApiKeys, ApiKeysBuilder, Description, OrgId, OrgKeyUpdate};
use atlas_apikeys_emulator::{Config, Emulator, defaults};

use crate::measure::Call;

/// The media type the SDK sends for `update_org_key` in the newest version:
/// what the raw side must send too, for the same bytes on the wire.
fn media() -> &'static str {
    atlas_apikeys::latest_atlas_version()
        .operation("updateOrgApiKey")
        .map_or("application/json", |op| op.accept)
}

/// Requests as a server saw them: sorted headers and the body.
pub(crate) type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A loopback server that answers every request with the same key and keeps
/// the first requests it sees (to check both sides send the same bytes).
pub(crate) async fn minimal_server(seen: Seen) -> String {
    let body = defaults::key_json().to_string();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let body = body.clone();
        let seen = seen.clone();
        async move {
            let (parts, b) = request.into_parts();
            let bytes = axum::body::to_bytes(b, 1 << 20).await.unwrap_or_default();
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() < 4 {
                let mut headers: Vec<(String, String)> = parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                headers.sort();
                seen.push((headers, bytes.to_vec()));
            }
            (
                [(
                    "content-type",
                    atlas_apikeys_emulator::versioning::success_type(),
                )],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    url
}

pub(crate) fn sdk_call(keys: ApiKeys) -> Call {
    let org: OrgId = defaults::ORG.parse().expect("id");
    let key: ApiKeyId = defaults::TARGET.id.parse().expect("id");
    let update = OrgKeyUpdate::new().description(Description::new("bench").expect("desc"));
    Arc::new(move || {
        let (keys, update) = (keys.clone(), update.clone());
        Box::pin(async move { keys.update_org_key(&org, &key, &update).await.is_ok() })
    })
}

/// The SDK side on a new client built from `b`, without retries.
pub(crate) fn no_retry(b: ApiKeysBuilder) -> Result<Call, String> {
    b.retry(RetryPolicy::none())
        .build()
        .map(sdk_call)
        .map_err(|e| e.to_string())
}

/// The emulator's default configuration without its rate-limit buckets:
/// comparisons 1 to 7 measure the client and the server, not a limit
/// (comparison 8 measures the buckets).
pub(crate) fn unlimited() -> Config {
    Config {
        rate_limits: Vec::new(),
        ..Config::default()
    }
}

/// An emulator, or why it did not start.
pub(crate) async fn emulator(config: Config) -> Result<Emulator, String> {
    Emulator::start(config).await.map_err(|e| e.to_string())
}

pub(crate) fn raw_call(url: &str, bearer: Option<String>) -> Call {
    // A careful hand-written client: the SDK's default timeouts and User-Agent.
    let http = reqwest::Client::builder()
        .user_agent(atlas_apikeys::client::USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let target = format!(
        "{url}/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    );
    // Looked up once: the baseline does no per-call work the SDK avoids.
    let media = media();
    Arc::new(move || {
        let (http, target, bearer) = (http.clone(), target.clone(), bearer.clone());
        Box::pin(async move {
            let mut request = http
                .patch(&target)
                .header("accept", media)
                .header("content-type", media)
                .body(r#"{"desc":"bench"}"#);
            if let Some(token) = &bearer {
                request = request.bearer_auth(token);
            }
            match request.send().await {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok(),
                _ => false,
            }
        })
    })
}

/// The two-exchange digest client MongoDB's Go SDK and `curl --digest` are:
/// every call first learns a fresh challenge from a 401.
pub(crate) fn two_exchange_digest_call(url: &str) -> Call {
    let http = reqwest::Client::new();
    let path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    );
    let target = format!("{url}{path}");
    let media = media();
    Arc::new(move || {
        let (http, target, path) = (http.clone(), target.clone(), path.clone());
        Box::pin(async move {
            let body = r#"{"desc":"bench"}"#;
            let send = |auth: Option<String>| {
                let mut r = http
                    .patch(&target)
                    .header("accept", media)
                    .header("content-type", media)
                    .body(body);
                if let Some(a) = auth {
                    r = r.header("authorization", a);
                }
                r.send()
            };
            let Ok(first) = send(None).await else {
                return false;
            };
            let Some(challenge) = first
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
            else {
                return false;
            };
            let _ = first.bytes().await;
            let Ok(mut client) = http_auth::PasswordClient::try_from(challenge.as_str()) else {
                return false;
            };
            let Ok(auth) = client.respond(&http_auth::PasswordParams {
                username: defaults::OWNER.public_key,
                password: defaults::OWNER.private_key,
                uri: &path,
                method: "PATCH",
                body: None,
            }) else {
                return false;
            };
            match send(Some(auth)).await {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok(),
                _ => false,
            }
        })
    })
}

pub(crate) async fn token(url: &str) -> String {
    let sa = defaults::SERVICE_ACCOUNT;
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/oauth/token"))
        .basic_auth(sa.client_id, Some(sa.client_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token JSON");
    response["access_token"].as_str().expect("token").to_owned()
}
