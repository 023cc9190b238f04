//! A loopback API server that authenticates like Atlas: HTTP Digest with
//! verified responses, nonce lifetimes and an anti-replay window on `nc`,
//! and an OAuth 2.0 client-credentials token endpoint. Behind authentication
//! it answers from a script, so tests can inject faults. Counters say how
//! many exchanges, challenges and token requests each test caused.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::Response;

use crate::capture::Reply;

pub use atlas_apikeys_emulator::digest::Algorithm;
use atlas_apikeys_emulator::digest::{DigestConfig, Nonces, Verdict};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Digest realm.
    pub realm: String,
    /// Public key → private key.
    pub api_keys: HashMap<String, String>,
    /// The challenges offered, in header order.
    pub algorithms: Vec<Algorithm>,
    /// Offer `qop="auth"` (false: RFC 2069 style, no qop).
    pub qop: bool,
    /// How long a nonce is accepted.
    pub nonce_lifetime: Duration,
    /// Client id → client secret.
    pub service_accounts: HashMap<String, String>,
    /// `expires_in` of issued tokens, in seconds.
    pub token_lifetime: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            realm: "MMS Public API".into(),
            api_keys: HashMap::from([(
                "zmmrboas".into(),
                "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d".into(),
            )]),
            algorithms: vec![Algorithm::Md5],
            qop: true,
            nonce_lifetime: Duration::from_secs(300),
            service_accounts: HashMap::from([("mdb_sa_id_0123".into(), "mdb_sa_sk_s3cr3t".into())]),
            token_lifetime: 3600,
        }
    }
}

/// What the server counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Requests to the API routes.
    pub exchanges: u64,
    /// 401 answers with a challenge.
    pub challenges: u64,
    /// Of those, with `stale=true`.
    pub stale: u64,
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// Requests to the revoke endpoint.
    pub revocations: u64,
    /// API requests that authenticated.
    pub authenticated: u64,
}

/// One authenticated or refused API request, as seen.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Method.
    pub method: String,
    /// Body bytes.
    pub body: Bytes,
    /// Whether it authenticated.
    pub authenticated: bool,
    /// The digest algorithm it answered with, if digest.
    pub algorithm: Option<String>,
}

#[derive(Default)]
struct Inner {
    nonces: Nonces,
    tokens: HashMap<String, Instant>,
    counters: Counters,
    script: VecDeque<Reply>,
    token_script: VecDeque<Reply>,
    challenge_override: Option<Option<String>>,
    seen: Vec<Seen>,
    next: u64,
    rotate_after_reply: bool,
}

struct Shared {
    config: Config,
    inner: Mutex<Inner>,
}

/// The running server; stops when dropped.
pub struct AuthServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl AuthServer {
    /// Starts a server on a free loopback port.
    pub async fn start(config: Config) -> Self {
        let shared = Arc::new(Shared {
            config,
            inner: Mutex::new(Inner::default()),
        });
        let app = axum::Router::new()
            .route("/api/oauth/token", axum::routing::post(token))
            .route("/api/oauth/revoke", axum::routing::post(revoke))
            .fallback(api)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, shared, task }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The counters so far.
    pub fn counters(&self) -> Counters {
        self.lock().counters
    }

    /// Every API request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    /// Queues an answer for the next authenticated API request (default: a
    /// key for PATCH, 204 for POST).
    pub fn reply(&self, reply: Reply) {
        self.lock().script.push_back(reply);
    }

    /// Queues an answer for the next token request instead of a token.
    pub fn token_reply(&self, reply: Reply) {
        self.lock().token_script.push_back(reply);
    }

    /// Forgets every nonce: the next digest request is answered `stale=true`.
    pub fn rotate_nonces(&self) {
        self.lock().nonces.clear();
    }

    /// Forgets every nonce right after the next scripted reply is sent, so
    /// the request after it meets a `stale=true` challenge.
    pub fn rotate_nonces_after_next_reply(&self) {
        self.lock().rotate_after_reply = true;
    }

    /// Invalidates every issued token (as if they expired server-side).
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Replaces the challenge header of 401 answers (`None`: send none).
    pub fn challenge_override(&self, header: Option<&str>) {
        self.lock().challenge_override = Some(header.map(str::to_owned));
    }
}

impl Drop for AuthServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The key JSON the API routes answer with by default.
pub fn key_json() -> serde_json::Value {
    serde_json::json!({
        "id": "5d1113b25a115342acc2d1aa",
        "desc": "ci key",
        "publicKey": "zmmrboas",
        "privateKey": "********-****-****-9e0f1a2b3c4d",
        "roles": [{ "orgId": "32b6e34b3d91647abb20e7b8", "roleName": "ORG_MEMBER" }]
    })
}

fn api_error(status: u16, code: &str) -> Response {
    Reply::json(
        status,
        serde_json::json!({ "error": status, "errorCode": code, "reason": "Unauthorized" }),
    )
    .into_response()
}

fn digest_config(shared: &Shared) -> DigestConfig {
    DigestConfig {
        realm: shared.config.realm.clone(),
        algorithms: shared.config.algorithms.clone(),
        qop: shared.config.qop,
        nonce_lifetime_ms: shared.config.nonce_lifetime.as_millis() as u64,
        ..DigestConfig::default()
    }
}

fn challenge(shared: &Shared, inner: &mut Inner, stale: bool) -> Response {
    inner.counters.challenges += 1;
    if stale {
        inner.counters.stale += 1;
    }
    let mut response = api_error(401, "UNAUTHORIZED");
    if let Some(over) = &inner.challenge_override {
        if let Some(h) = over
            && let Ok(v) = HeaderValue::from_str(h)
        {
            response.headers_mut().append(header::WWW_AUTHENTICATE, v);
        }
        return response;
    }
    for value in inner.nonces.challenges(&digest_config(shared), stale) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::WWW_AUTHENTICATE, v);
        }
    }
    response
}

/// How an API request authenticated.
enum Outcome {
    Digest(Verdict),
    Bearer,
    Refused { stale: bool },
}

async fn api(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut inner = shared.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.counters.exchanges += 1;
    let verdict = match authorization.as_deref() {
        Some(a) if a.len() > 7 && a[..7].eq_ignore_ascii_case("Digest ") => {
            let keys = shared.config.api_keys.clone();
            let verdict = inner.nonces.verify(
                &digest_config(&shared),
                parts.method.as_str(),
                &target,
                &body,
                a,
                |user| keys.get(user).cloned(),
            );
            match verdict {
                Verdict::Challenge { stale } => Outcome::Refused { stale },
                valid => Outcome::Digest(valid),
            }
        }
        Some(a) if a.starts_with("Bearer ") => {
            let valid = inner
                .tokens
                .get(&a[7..])
                .is_some_and(|exp| Instant::now() < *exp);
            if valid {
                Outcome::Bearer
            } else {
                Outcome::Refused { stale: false }
            }
        }
        _ => Outcome::Refused { stale: false },
    };
    let (authenticated, algorithm) = match &verdict {
        Outcome::Digest(Verdict::Valid { algorithm, .. }) => {
            (true, Some(algorithm.name().to_owned()))
        }
        Outcome::Bearer => (true, None),
        _ => (false, None),
    };
    inner.seen.push(Seen {
        method: parts.method.to_string(),
        body,
        authenticated,
        algorithm,
    });
    match verdict {
        Outcome::Refused { stale } => {
            if authorization
                .as_deref()
                .is_some_and(|a| a.starts_with("Bearer "))
            {
                inner.counters.challenges += 1;
                return api_error(401, "UNAUTHORIZED");
            }
            challenge(&shared, &mut inner, stale)
        }
        Outcome::Digest(_) | Outcome::Bearer => {
            inner.counters.authenticated += 1;
            let scripted = !inner.script.is_empty();
            if scripted && std::mem::take(&mut inner.rotate_after_reply) {
                inner.nonces.clear();
            }
            let reply = inner.script.pop_front().unwrap_or_else(|| {
                if parts.method == Method::POST {
                    Reply::empty(204)
                } else {
                    Reply::json(200, key_json())
                }
            });
            reply.into_response()
        }
    }
}

async fn token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 16)
        .await
        .unwrap_or_default();
    let mut inner = shared.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.counters.token_requests += 1;
    if let Some(reply) = inner.token_script.pop_front() {
        return reply.into_response();
    }
    let authorized = atlas_apikeys_emulator::basic_credentials(&parts.headers)
        .is_some_and(|(id, secret)| shared.config.service_accounts.get(&id) == Some(&secret));
    if !authorized || body.as_ref() != b"grant_type=client_credentials" {
        return Reply::json(401, serde_json::json!({ "error": "invalid_client" })).into_response();
    }
    inner.next += 1;
    let access = format!("eyJ0ZXN0IjoidG9rZW4ifQ.{:016x}", inner.next);
    inner.tokens.insert(
        access.clone(),
        Instant::now() + Duration::from_secs(shared.config.token_lifetime),
    );
    Reply::json(
        200,
        serde_json::json!({ "access_token": access, "expires_in": shared.config.token_lifetime, "token_type": "Bearer" }),
    ).into_response()
}

async fn revoke(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 16)
        .await
        .unwrap_or_default();
    let mut inner = shared.inner.lock().unwrap_or_else(|e| e.into_inner());
    inner.counters.revocations += 1;
    let authorized = atlas_apikeys_emulator::basic_credentials(&parts.headers)
        .is_some_and(|(id, secret)| shared.config.service_accounts.get(&id) == Some(&secret));
    if !authorized {
        return Reply::json(401, serde_json::json!({ "error": "invalid_client" })).into_response();
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    for pair in text.split('&') {
        if let Some(token) = pair.strip_prefix("token=") {
            inner.tokens.remove(token);
        }
    }
    Reply::empty(200).into_response()
}
