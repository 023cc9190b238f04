//! Request handling: routing, authentication, authorization, versioning,
//! validation, the three operations, OAuth, and response rendering.
//!
//! Routing is by hand so every refusal, an unknown path or a bad body
//! included, is an `ApiError` body rather than a framework's plain text.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::config::{Config, System};
use crate::digest::Verdict;
use crate::faults::Fault;
use crate::state::{Principal, State};

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

/// The success media type of Atlas v2 responses.
pub const ATLAS_SUCCESS_TYPE: &str = "application/vnd.atlas.2023-01-01+json;charset=utf-8";

/// Rendering options from the query.
#[derive(Default, Clone, Copy)]
struct Opts {
    envelope: bool,
    pretty: bool,
    atlas: bool,
}

/// A refusal as an `ApiError`.
struct Refused {
    status: u16,
    code: &'static str,
    detail: String,
    fields: Vec<(String, String)>,
    extra_headers: Vec<(&'static str, String)>,
}

fn refuse(status: u16, code: &'static str, detail: impl Into<String>) -> Refused {
    Refused {
        status,
        code,
        detail: detail.into(),
        fields: Vec::new(),
        extra_headers: Vec::new(),
    }
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

fn render(status: u16, body: Option<Value>, opts: Opts, error: bool) -> Response {
    // Enveloped answers are HTTP 200: the envelope exists for clients that
    // cannot read the status, so the status lives in the body only.
    let (status, body) = if opts.envelope {
        let wrapped = json!({ "status": status, "content": body.unwrap_or(Value::Null) });
        (200, Some(wrapped))
    } else {
        (status, body)
    };
    let text = match &body {
        Some(v) if opts.pretty => serde_json::to_string_pretty(v).unwrap_or_default(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let mut response = Response::new(Body::from(text));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if body.is_some() {
        let ct = if opts.atlas && !error {
            ATLAS_SUCCESS_TYPE
        } else {
            "application/json"
        };
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    response
}

fn render_error(r: Refused, opts: Opts) -> Response {
    let mut body = json!({
        "detail": r.detail,
        "error": r.status,
        "errorCode": r.code,
        "parameters": [],
        "reason": reason(r.status),
    });
    if !r.fields.is_empty() {
        body["badRequestDetail"] = json!({
            "fields": r.fields.iter().map(|(f, d)| json!({ "field": f, "description": d })).collect::<Vec<_>>()
        });
    }
    let mut response = render(r.status, Some(body), opts, true);
    // Appended: a 401 carries one `WWW-Authenticate` per configured algorithm.
    for (name, value) in r.extra_headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, v);
        }
    }
    response
}

/// What a route is.
enum Route<'a> {
    OrgKey { org: &'a str, key: &'a str },
    ProjectKey { project: &'a str, key: &'a str },
    Token,
    Revoke,
}

fn route(system: System, path: &str) -> Option<Route<'_>> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    match (system, segments.as_slice()) {
        (_, ["api", "oauth", "token"]) if system.offers_oauth() => Some(Route::Token),
        (_, ["api", "oauth", "revoke"]) if system.offers_oauth() => Some(Route::Revoke),
        (System::Atlas, ["api", "atlas", "v2", "orgs", org, "apiKeys", key])
        | (
            System::CloudManager | System::OpsManager,
            ["api", "public", "v1.0", "orgs", org, "apiKeys", key],
        ) => Some(Route::OrgKey { org, key }),
        (System::Atlas, ["api", "atlas", "v2", "groups", project, "apiKeys", key])
        | (
            System::CloudManager | System::OpsManager,
            ["api", "public", "v1.0", "groups", project, "apiKeys", key],
        ) => Some(Route::ProjectKey { project, key }),
        _ => None,
    }
}

/// Handles one request. `faults` were drawn by the connection layer.
pub async fn handle(
    app: Arc<App>,
    request: axum::extract::Request,
    faults: Vec<Fault>,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or_default().to_owned();
    let system = app.config.system;
    let mut opts = Opts {
        atlas: system == System::Atlas,
        ..Opts::default()
    };
    let Some(route) = route(system, &path) else {
        return render_error(
            refuse(
                404,
                "RESOURCE_NOT_FOUND",
                format!("No resource at {path} on this {} emulator.", system.name()),
            ),
            opts,
        );
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
    for fault in &faults {
        match fault {
            Fault::Status(status) => {
                return render(
                    *status,
                    Some(json!({ "error": status, "detail": "injected" })),
                    injected,
                    true,
                );
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
                let mut r = render(
                    *status,
                    Some(json!({ "error": status, "errorCode": code, "detail": "injected" })),
                    injected,
                    true,
                );
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return r;
            }
            Fault::Html502 => return html_502(),
            _ => {}
        }
    }
    let max = app.config.max_body_bytes;
    let too_large = || {
        let mut r = render_error(
            refuse(
                413,
                "PAYLOAD_TOO_LARGE",
                format!("The request body exceeds {max} bytes."),
            ),
            opts,
        );
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
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
            let mut r = render_error(
                refuse(
                    408,
                    "REQUEST_TIMEOUT",
                    "The request body did not arrive in time.",
                ),
                opts,
            );
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return r;
        }
    };
    let response = match route {
        Route::Token => token(&app, &parts.method, &parts.headers, &body),
        Route::Revoke => revoke(&app, &parts.method, &parts.headers, &body),
        Route::OrgKey { org: scope, key }
        | Route::ProjectKey {
            project: scope,
            key,
        } => {
            let is_org = matches!(route, Route::OrgKey { .. });
            if !is_org && faults.contains(&Fault::UnassignFirst) {
                let mut state = app.lock();
                if let Some(k) = state.keys.get_mut(key) {
                    k.project_roles.remove(scope);
                }
            }
            let request = Call {
                method: &parts.method,
                path: &path,
                query: &query,
                headers: &parts.headers,
                body: &body,
            };
            match api(&app, &request, &mut opts, is_org, scope, key) {
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

/// Sends the headers and half the body, then fails the body stream: the
/// client sees a response cut short.
async fn truncate(response: Response) -> Response {
    let (parts, body) = response.into_parts();
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
    let mut parts = parts;
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len().max(1)),
    );
    Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)))
}

fn is_hex24(s: &str) -> bool {
    s.len() == 24
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn query_flag(query: &str, name: &str) -> Result<bool, Refused> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            return match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(refuse(
                    400,
                    "INVALID_QUERY_PARAMETER",
                    format!("{name} must be true or false, not {other:?}."),
                )),
            };
        }
    }
    Ok(false)
}

fn check_paging(query: &str) -> Result<(), Refused> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let range = match k {
            "pageNum" => 1..=i64::MAX,
            "itemsPerPage" => 1..=500,
            "includeCount" => {
                query_flag(pair, "includeCount")?;
                continue;
            }
            _ => continue,
        };
        if !v.parse::<i64>().is_ok_and(|n| range.contains(&n)) {
            return Err(refuse(
                400,
                "INVALID_QUERY_PARAMETER",
                format!("{k}={v:?} is out of range."),
            ));
        }
    }
    Ok(())
}

/// Authenticates a request to an API route.
fn authenticate(
    app: &App,
    state: &mut State,
    method: &Method,
    target: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Principal, Refused> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let challenge = |state: &mut State, stale: bool| {
        state.counters.challenges += 1;
        if stale {
            state.counters.stale += 1;
        }
        let mut r = refuse(401, "UNAUTHORIZED", "Authentication is required.");
        r.extra_headers = state
            .nonces
            .challenges(&app.config.digest, stale)
            .into_iter()
            .map(|c| ("www-authenticate", c))
            .collect();
        r
    };
    match authorization {
        Some(a) if a.len() > 7 && a[..7].eq_ignore_ascii_case("Digest ") => {
            let verdict = {
                // Disjoint borrows: the nonce table mutably, the keys to look up.
                let State { nonces, keys, .. } = &mut *state;
                nonces.verify(
                    &app.config.digest,
                    method.as_str(),
                    target,
                    body,
                    a,
                    |user| {
                        keys.values()
                            .find(|k| k.public_key == user)
                            .map(|k| k.private_key.clone())
                    },
                )
            };
            match verdict {
                Verdict::Valid { user, .. } => state
                    .key_by_public(&user)
                    .map(Principal::Key)
                    .ok_or_else(|| challenge(state, false)),
                Verdict::Challenge { stale } => Err(challenge(state, stale)),
            }
        }
        Some(a) if a.starts_with("Bearer ") && app.config.system.offers_oauth() => state
            .token_owner(&a[7..])
            .map(Principal::Account)
            .ok_or_else(|| {
                refuse(
                    401,
                    "INVALID_TOKEN",
                    "The access token is invalid or expired.",
                )
            }),
        _ => Err(challenge(state, false)),
    }
}

fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, Refused> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim();
    let json_like = media == "application/json"
        || (media.starts_with("application/vnd.atlas.") && media.ends_with("+json"));
    if !json_like {
        return Err(refuse(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("Send JSON (application/json or a versioned Atlas type), not {ct:?}."),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        refuse(
            400,
            "INVALID_JSON",
            format!("The request body is not valid JSON: {e}."),
        )
    })
}

fn bad_field(code: &'static str, field: &str, description: String) -> Refused {
    let mut r = refuse(400, code, format!("Invalid attribute {field} specified."));
    r.fields = vec![(field.to_owned(), description)];
    r
}

/// Reads `{desc?, roles?}`; `need_roles` for the v1.0 project PATCH.
fn key_update(
    body: &Value,
    scope_roles: &[String],
    other_roles: &[String],
    scope: &str,
    need_roles: bool,
) -> Result<(Option<String>, Option<Vec<String>>), Refused> {
    let Some(obj) = body.as_object() else {
        return Err(refuse(
            400,
            "INVALID_JSON",
            "The request body must be a JSON object.",
        ));
    };
    let desc = match obj.get("desc") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let n = s.chars().count();
            if !(1..=250).contains(&n) {
                return Err(bad_field(
                    "INVALID_ATTRIBUTE",
                    "desc",
                    format!("must be 1 to 250 characters, not {n}"),
                ));
            }
            Some(s.clone())
        }
        Some(_) => {
            return Err(bad_field(
                "INVALID_ATTRIBUTE",
                "desc",
                "must be a string".into(),
            ));
        }
    };
    let roles = match obj.get("roles") {
        None | Some(Value::Null) => None,
        Some(v) => Some(role_list(v, scope_roles, other_roles, scope)?),
    };
    if need_roles && roles.is_none() {
        return Err(refuse(
            400,
            "MISSING_ATTRIBUTE",
            "The attribute roles is required.",
        ));
    }
    if desc.is_none() && roles.is_none() {
        return Err(refuse(
            400,
            "MISSING_ATTRIBUTE",
            "Specify desc, roles, or both.",
        ));
    }
    Ok((desc, roles))
}

fn role_list(
    value: &Value,
    scope_roles: &[String],
    other_roles: &[String],
    scope: &str,
) -> Result<Vec<String>, Refused> {
    let Some(items) = value.as_array() else {
        return Err(bad_field(
            "INVALID_ATTRIBUTE",
            "roles",
            "must be an array of role names".into(),
        ));
    };
    if items.is_empty() {
        return Err(bad_field(
            "INVALID_ATTRIBUTE",
            "roles",
            "must name at least one role".into(),
        ));
    }
    let mut out = Vec::new();
    for item in items {
        let Some(name) = item.as_str() else {
            return Err(bad_field(
                "INVALID_ATTRIBUTE",
                "roles",
                "must be an array of role names".into(),
            ));
        };
        if other_roles.iter().any(|r| r == name) {
            return Err(bad_field(
                "INVALID_ROLE_FOR_SCOPE",
                "roles",
                format!("{name} is not an {scope} role"),
            ));
        }
        if !scope_roles.iter().any(|r| r == name) {
            return Err(bad_field(
                "INVALID_ENUM_VALUE",
                "roles",
                format!("{name} is not a role of this API"),
            ));
        }
        if !out.iter().any(|r: &String| r == name) {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

fn redact(private: &str) -> String {
    let tail: String = private
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("********-****-****-{tail}")
}

fn key_json(state: &State, id: &str, base: &str) -> Value {
    let Some(k) = state.keys.get(id) else {
        return Value::Null;
    };
    let mut roles: Vec<Value> = k
        .org_roles
        .iter()
        .map(|r| json!({ "orgId": k.org_id, "roleName": r }))
        .collect();
    for (project, list) in &k.project_roles {
        roles.extend(
            list.iter()
                .map(|r| json!({ "groupId": project, "roleName": r })),
        );
    }
    json!({
        "desc": k.description,
        "id": k.id,
        "links": [{ "href": format!("{base}/orgs/{}/apiKeys/{}", k.org_id, k.id), "rel": "self" }],
        "privateKey": redact(&k.private_key),
        "publicKey": k.public_key,
        "roles": roles,
    })
}

/// The parts of a request the API routes read.
struct Call<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a str,
    headers: &'a HeaderMap,
    body: &'a Bytes,
}

fn api(
    app: &App,
    call: &Call<'_>,
    opts: &mut Opts,
    is_org: bool,
    scope_id: &str,
    key_id: &str,
) -> Result<Response, Refused> {
    let Call {
        method,
        path,
        query,
        headers,
        ..
    } = *call;
    let system = app.config.system;
    let allowed = match (system, is_org) {
        (System::Atlas, false) => method == Method::POST || method == Method::PATCH,
        _ => method == Method::PATCH,
    };
    if !allowed {
        let mut r = refuse(
            405,
            "METHOD_NOT_ALLOWED",
            format!("{method} is not supported on {path}."),
        );
        r.extra_headers.push((
            "allow",
            if system == System::Atlas && !is_org {
                "PATCH, POST"
            } else {
                "PATCH"
            }
            .into(),
        ));
        return Err(r);
    }
    let target = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let mut state = app.lock();
    state.counters.exchanges += 1;
    let who = authenticate(app, &mut state, method, &target, headers, call.body)?;
    state.counters.authenticated += 1;
    let mut rate_headers = Vec::new();
    if let Some(limit) = app.config.rate_limit {
        let caller = format!("{who:?}");
        match state.take_rate(
            &caller,
            limit.requests,
            Duration::from_millis(limit.window_ms),
        ) {
            Ok(remaining) => {
                rate_headers = vec![
                    ("ratelimit-limit", limit.requests.to_string()),
                    ("ratelimit-remaining", remaining.to_string()),
                ];
            }
            Err(retry_after) => {
                state.counters.rate_limited += 1;
                let mut r = refuse(429, "RATE_LIMITED", "Too many requests; retry later.");
                r.extra_headers = vec![
                    ("retry-after", retry_after.to_string()),
                    ("ratelimit-limit", limit.requests.to_string()),
                    ("ratelimit-remaining", "0".into()),
                ];
                return Err(r);
            }
        }
    }
    let result = operate(app, &mut state, call, opts, is_org, scope_id, key_id, &who);
    drop(state);
    let mut response = match result {
        Ok(r) => r,
        Err(refused) => render_error(refused, *opts),
    };
    for (name, value) in rate_headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, v);
        }
    }
    Ok(response)
}

#[allow(clippy::too_many_arguments)]
fn operate(
    app: &App,
    state: &mut State,
    call: &Call<'_>,
    opts: &mut Opts,
    is_org: bool,
    scope_id: &str,
    key_id: &str,
    who: &Principal,
) -> Result<Response, Refused> {
    let Call {
        method,
        query,
        headers,
        body,
        ..
    } = *call;
    let system = app.config.system;
    opts.envelope = query_flag(query, "envelope")?;
    opts.pretty = query_flag(query, "pretty")?;
    if system == System::Atlas {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
        crate::versioning::negotiate(accept, app.config.versions_gone_before.as_deref())
            .map_err(|r| refuse(r.status, r.code, r.detail))?;
    }
    if !is_org {
        check_paging(query)?;
    }
    let (id_code, id_name) = if is_org {
        ("INVALID_ORG_ID", "orgId")
    } else {
        ("INVALID_GROUP_ID", "groupId")
    };
    if !is_hex24(scope_id) {
        return Err(refuse(
            400,
            id_code,
            format!("{id_name} {scope_id:?} is not 24 lowercase hexadecimal characters."),
        ));
    }
    if !is_hex24(key_id) {
        return Err(refuse(
            400,
            "INVALID_API_KEY_ID",
            format!("apiUserId {key_id:?} is not 24 lowercase hexadecimal characters."),
        ));
    }
    let body = parse_body(headers, body)?;
    let (org_roles, project_roles) = (state.roles.org.clone(), state.roles.project.clone());
    let base = if system == System::Atlas {
        "/api/atlas/v2"
    } else {
        "/api/public/v1.0"
    };

    // Who may act where.
    let Some(grants) = state.grants(who) else {
        return Err(refuse(401, "UNAUTHORIZED", "The caller no longer exists."));
    };
    let caller_org = grants.org_id.to_owned();
    let org_owner = grants.org_roles.iter().any(|r| r == "ORG_OWNER");
    let project_owner = |p: &str| {
        grants
            .project_roles
            .get(p)
            .is_some_and(|rs| rs.iter().any(|r| r == "GROUP_OWNER"))
    };
    let unauthorized = || {
        refuse(
            403,
            "USER_UNAUTHORIZED",
            "The caller is not authorized to perform this action.",
        )
    };

    if is_org {
        let (desc, roles) = key_update(&body, &org_roles, &project_roles, "organization", false)?;
        if !state.orgs.contains_key(scope_id) {
            return Err(refuse(
                404,
                "ORG_NOT_FOUND",
                format!("No organization with ID {scope_id} exists."),
            ));
        }
        if caller_org != scope_id || !org_owner {
            return Err(unauthorized());
        }
        let key = state.keys.get_mut(key_id).filter(|k| k.org_id == scope_id);
        let Some(key) = key else {
            return Err(refuse(
                404,
                "API_KEY_NOT_FOUND",
                format!("No API key with ID {key_id} exists."),
            ));
        };
        if let Some(d) = desc {
            key.description = d;
        }
        if let Some(r) = roles {
            key.org_roles = r;
        }
        return Ok(render(
            200,
            Some(key_json(state, key_id, base)),
            *opts,
            false,
        ));
    }

    let Some(project) = state.projects.get(scope_id).cloned() else {
        return Err(refuse(
            404,
            "GROUP_NOT_FOUND",
            format!("No project with ID {scope_id} exists."),
        ));
    };
    let authorized = (caller_org == project.org_id && org_owner) || project_owner(scope_id);
    // Validate before authorizing, as a real API does.
    enum Op {
        Assign(Vec<String>),
        Update(Option<String>, Option<Vec<String>>),
        AssignOrReplace(Option<String>, Vec<String>),
    }
    let op = match (system, method.clone()) {
        (System::Atlas, Method::POST) => {
            let Some(items) = body.as_array() else {
                return Err(refuse(
                    400,
                    "INVALID_JSON",
                    "The request body must be an array of role assignments.",
                ));
            };
            let mut roles = Vec::new();
            for item in items {
                if let Some(list) = item.get("roles") {
                    for r in role_list(list, &project_roles, &org_roles, "project")? {
                        if !roles.contains(&r) {
                            roles.push(r);
                        }
                    }
                }
            }
            if roles.is_empty() {
                return Err(refuse(
                    400,
                    "MISSING_ATTRIBUTE",
                    "Specify at least one project role.",
                ));
            }
            Op::Assign(roles)
        }
        (System::Atlas, _) => {
            let (d, r) = key_update(&body, &project_roles, &org_roles, "project", false)?;
            Op::Update(d, r)
        }
        _ => {
            let (d, r) = key_update(&body, &project_roles, &org_roles, "project", true)?;
            Op::AssignOrReplace(d, r.unwrap_or_default())
        }
    };
    if !authorized {
        return Err(unauthorized());
    }
    let key = state
        .keys
        .get_mut(key_id)
        .filter(|k| k.org_id == project.org_id);
    let Some(key) = key else {
        return Err(refuse(
            404,
            "API_KEY_NOT_FOUND",
            format!("No API key with ID {key_id} exists."),
        ));
    };
    match op {
        Op::Assign(roles) => {
            if key.project_roles.contains_key(scope_id) {
                return Err(refuse(
                    409,
                    "API_KEY_ALREADY_IN_GROUP",
                    format!("The API key {key_id} is already assigned to project {scope_id}."),
                ));
            }
            key.project_roles.insert(scope_id.to_owned(), roles);
            Ok(render(204, None, *opts, false))
        }
        Op::Update(desc, roles) => {
            if !key.project_roles.contains_key(scope_id) {
                return Err(refuse(
                    404,
                    "API_KEY_NOT_FOUND",
                    format!("The API key {key_id} is not assigned to project {scope_id}."),
                ));
            }
            if let Some(d) = desc {
                key.description = d;
            }
            if let Some(r) = roles {
                key.project_roles.insert(scope_id.to_owned(), r);
            }
            Ok(render(
                200,
                Some(key_json(state, key_id, base)),
                *opts,
                false,
            ))
        }
        Op::AssignOrReplace(desc, roles) => {
            if let Some(d) = desc {
                key.description = d;
            }
            key.project_roles.insert(scope_id.to_owned(), roles);
            Ok(render(
                200,
                Some(key_json(state, key_id, base)),
                *opts,
                false,
            ))
        }
    }
}

/// The HTTP Basic credentials of a request (OAuth client authentication).
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, encoded).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    render(
        status,
        Some(json!({ "error": error, "error_description": description })),
        Opts::default(),
        true,
    )
}

fn client_ok(app: &App, headers: &HeaderMap) -> Option<String> {
    let (id, secret) = basic_credentials(headers)?;
    let state = app.lock();
    state
        .accounts
        .get(&id)
        .filter(|a| a.client_secret == secret)
        .map(|_| id)
}

fn token(app: &App, method: &Method, headers: &HeaderMap, body: &Bytes) -> Response {
    if method != Method::POST {
        return oauth_error(405, "invalid_request", "Use POST.");
    }
    let Some(client) = client_ok(app, headers) else {
        return oauth_error(401, "invalid_client", "Client authentication failed.");
    };
    if form_value(body, "grant_type").as_deref() != Some("client_credentials") {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "Only client_credentials is supported.",
        );
    }
    let mut state = app.lock();
    if let Some(limit) = app.config.rate_limit
        && let Err(retry) = state.take_rate(
            &format!("token:{client}"),
            limit.requests,
            Duration::from_millis(limit.window_ms),
        )
    {
        state.counters.rate_limited += 1;
        let mut r = render_error(
            refuse(429, "RATE_LIMITED", "Too many token requests."),
            Opts::default(),
        );
        if let Ok(v) = HeaderValue::from_str(&retry.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let lifetime = app.config.token_lifetime_secs;
    let Some(access) = state.issue_token(&client, Duration::from_secs(lifetime)) else {
        return oauth_error(503, "temporarily_unavailable", "No randomness for a token.");
    };
    render(
        200,
        Some(json!({ "access_token": access, "expires_in": lifetime, "token_type": "Bearer" })),
        Opts::default(),
        true,
    )
}

fn revoke(app: &App, method: &Method, headers: &HeaderMap, body: &Bytes) -> Response {
    app.lock().counters.revocations += 1;
    if method != Method::POST {
        return oauth_error(405, "invalid_request", "Use POST.");
    }
    let Some(client) = client_ok(app, headers) else {
        return oauth_error(401, "invalid_client", "Client authentication failed.");
    };
    if let Some(token) = form_value(body, "token") {
        let mut state = app.lock();
        if state
            .tokens
            .get(&token)
            .is_some_and(|(owner, _)| *owner == client)
        {
            state.tokens.remove(&token);
        }
    }
    render(200, None, Opts::default(), true)
}
