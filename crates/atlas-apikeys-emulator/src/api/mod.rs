//! Request handling: routing, authentication, authorization, versioning,
//! validation, the key operations, OAuth, and response rendering.
//!
//! Routing is by hand so every refusal, an unknown path or a bad body
//! included, is an `ApiError` body rather than a framework's plain text.

mod access_list;
mod auth;
mod collection;
mod limits;
mod oauth;
mod operations;
mod render;
mod validate;

pub use oauth::basic_credentials;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::config::{Config, System};
use crate::faults::Fault;
use crate::script::{AuthNote, Seen};
use crate::state::State;

use auth::*;
use oauth::*;
use operations::*;
use render::*;
use render::{Refused, refuse};
use validate::*;

/// Shared by every request.
pub struct App {
    /// Configuration.
    pub config: Config,
    /// State.
    pub state: std::sync::Mutex<State>,
}

impl App {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where a call came from: its peer's address, which access lists check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) std::net::IpAddr);

/// What a route is.
enum Route<'a> {
    /// An organization's keys (`key: None`), or one of them; with `access`,
    /// that key's access list (`Some(None)`) or one entry of it.
    OrgKey {
        org: &'a str,
        key: Option<&'a str>,
        access: Option<Option<&'a str>>,
    },
    /// A project's keys (`key: None`), or one of them.
    ProjectKey {
        project: &'a str,
        key: Option<&'a str>,
    },
    /// Atlas's rate limits: every endpoint set, or one.
    RateLimits(Option<&'a str>),
    Token,
    Revoke,
}

fn route(system: System, path: &str) -> Option<Route<'_>> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    match (system, segments.as_slice()) {
        (_, ["api", "oauth", "token"]) if system.offers_oauth() => Some(Route::Token),
        (_, ["api", "oauth", "revoke"]) if system.offers_oauth() => Some(Route::Revoke),
        (System::Atlas, ["api", "atlas", "v2", "rateLimits"]) => Some(Route::RateLimits(None)),
        (System::Atlas, ["api", "atlas", "v2", "rateLimits", set]) => {
            Some(Route::RateLimits(Some(*set)))
        }
        (System::Atlas, ["api", "atlas", "v2", scope, id, "apiKeys", rest @ ..])
        | (
            System::CloudManager | System::OpsManager,
            ["api", "public", "v1.0", scope, id, "apiKeys", rest @ ..],
        ) => {
            let (key, access) = match (*scope, rest) {
                (_, []) => (None, None),
                (_, [key]) => (Some(*key), None),
                ("orgs", [key, "accessList"]) => (Some(*key), Some(None)),
                ("orgs", [key, "accessList", entry]) => (Some(*key), Some(Some(*entry))),
                _ => return None,
            };
            match *scope {
                "orgs" => Some(Route::OrgKey {
                    org: id,
                    key,
                    access,
                }),
                "groups" => Some(Route::ProjectKey { project: id, key }),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Handles one request and logs it as it arrived. `faults` were drawn by
/// the connection layer.
pub async fn handle(
    app: Arc<App>,
    request: axum::extract::Request,
    faults: Vec<Fault>,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut note = AuthNote::default();
    let mut read = Bytes::new();
    let response = respond(&app, &parts, body, &faults, &mut note, &mut read).await;
    let mut headers = parts.headers;
    // Kept for tests to read, but never printed by `Debug`.
    if let header::Entry::Occupied(mut entry) = headers.entry(header::AUTHORIZATION) {
        for value in entry.iter_mut() {
            value.set_sensitive(true);
        }
    }
    app.lock().script.saw(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: read,
        authenticated: note.authenticated,
        algorithm: note.algorithm,
    });
    response
}

/// The answer to one request; `note` and `read` take what the log keeps.
async fn respond(
    app: &App,
    parts: &axum::http::request::Parts,
    body: Body,
    faults: &[Fault],
    note: &mut AuthNote,
    read: &mut Bytes,
) -> Response {
    let not_found =
        |detail: String, opts: Opts| render_error(refuse(404, "RESOURCE_NOT_FOUND", detail), opts);
    let prefix = app.config.path_prefix.trim_end_matches('/');
    let Some(path) = parts.uri.path().strip_prefix(prefix).map(str::to_owned) else {
        return not_found(
            format!("Nothing is served outside {prefix}."),
            Opts::default(),
        );
    };
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let system = app.config.system;
    let mut opts = Opts {
        atlas: (system == System::Atlas)
            .then(|| crate::versioning::Resource::Keys.versions().last().copied())
            .flatten(),
        ..Opts::default()
    };
    let Some(route) = route(system, &path) else {
        let detail = format!(
            "No resource at {path} on this {} emulator.",
            system.as_str()
        );
        return not_found(detail, opts);
    };
    if matches!(route, Route::Token) {
        // Counted on arrival: a fault may answer it.
        app.lock().counters.token_requests += 1;
    }
    if !faults.is_empty() {
        let mut state = app.lock();
        state.counters.faults += faults.len() as u64;
        if faults.contains(&Fault::RotateNonces) {
            state.nonces.clear();
        }
    }
    // Injected answers are enveloped like real ones when asked.
    let injected = Opts {
        envelope: query.split('&').any(|p| p == "envelope=true"),
        ..Opts::default()
    };
    for fault in faults {
        match fault {
            Fault::Status(status) => {
                let body = json!({ "error": status, "detail": "injected" });
                return render(*status, Some(body), injected, true);
            }
            Fault::Refuse {
                status,
                retry_after,
            } => {
                let code = if *status == 429 {
                    "RATE_LIMIT_EXCEEDED"
                } else {
                    "SERVICE_UNAVAILABLE"
                };
                let body = json!({ "error": status, "errorCode": code, "detail": "injected" });
                let mut r = render(*status, Some(body), injected, true);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
                return r;
            }
            Fault::Html502 => return html_502(),
            Fault::Flood { bytes, declared } => return flood(*bytes, *declared),
            _ => {}
        }
    }
    let max = app.config.max_body_bytes;
    // A refused body may still be arriving: the connection is closed after.
    let closing = |status, code, detail: String| {
        let mut r = render_error(refuse(status, code, detail), opts);
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
    };
    let too_large = || {
        let detail = format!("The request body exceeds {max} bytes.");
        closing(413, "PAYLOAD_TOO_LARGE", detail)
    };
    // Refused on the declared length, before waiting for a body that may
    // never come.
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return too_large();
    }
    let body_timeout = Duration::from_millis(app.config.body_timeout_ms);
    let body = match tokio::time::timeout(body_timeout, axum::body::to_bytes(body, max)).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return too_large(),
        Err(_) => {
            let detail = "The request body did not arrive in time.".into();
            return closing(408, "REQUEST_TIMEOUT", detail);
        }
    };
    // A reference count, not a copy of the body.
    *read = body.clone();
    let response = match route {
        Route::Token => token(app, &parts.method, &parts.headers, &body),
        Route::Revoke => revoke(app, &parts.method, &parts.headers, &body),
        Route::RateLimits(set) => {
            match limits::inspect(app, parts, &body, &path, set, &mut opts, note) {
                Ok(response) => response,
                Err(refused) => render_error(refused, opts),
            }
        }
        Route::OrgKey {
            org: scope, key, ..
        }
        | Route::ProjectKey {
            project: scope,
            key,
        } => {
            let (is_org, access) = match route {
                Route::OrgKey { access, .. } => (true, access),
                _ => (false, None),
            };
            if !is_org
                && faults.contains(&Fault::UnassignFirst)
                && let Some(key) = key
            {
                let mut state = app.lock();
                if let Some(k) = state.keys.get_mut(key) {
                    k.grants.project_roles.remove(scope);
                }
            }
            let at = operations::At {
                is_org,
                scope_id: scope,
                key_id: key,
                access,
            };
            match api(app, parts, &body, &mut opts, at, note) {
                Ok(response) => response,
                Err(refused) => render_error(refused, opts),
            }
        }
    };
    if faults.contains(&Fault::Truncate) {
        return truncate(response).await;
    }
    if faults.contains(&Fault::CommitThen502) {
        return html_502();
    }
    response
}

fn html_502() -> Response {
    let mut r = Response::new(Body::from(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
    ));
    *r.status_mut() = StatusCode::BAD_GATEWAY;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    r
}

/// A 200 whose body is `bytes` of white space, made chunk by chunk as the
/// client reads: the emulator's memory stays flat whatever the size.
fn flood(bytes: u64, declared: bool) -> Response {
    const CHUNK: u64 = 64 << 10;
    let chunk = Bytes::from(vec![b' '; CHUNK as usize]);
    let chunks = (0..bytes.div_ceil(CHUNK)).map(move |n| {
        let len = (bytes - n * CHUNK).min(CHUNK) as usize;
        Ok::<_, std::io::Error>(chunk.slice(..len))
    });
    let mut r = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if declared {
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    }
    r
}

/// Sends the headers and half the body, then fails the body stream: the
/// client sees a response cut short.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected truncation",
        )),
    ];
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len().max(1)),
    );
    Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
}
