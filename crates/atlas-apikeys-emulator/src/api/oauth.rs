//! The OAuth endpoints: client credentials for tokens, and revocation.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use serde_json::json;

use super::*;
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

pub(super) fn form_value(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub(super) fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    render(
        status,
        Some(json!({ "error": error, "error_description": description })),
        Opts::default(),
        true,
    )
}

pub(super) fn client_ok(app: &App, headers: &HeaderMap) -> Option<String> {
    let (id, secret) = basic_credentials(headers)?;
    let state = app.lock();
    state
        .accounts
        .get(&id)
        .filter(|a| a.client_secret == secret)
        .map(|_| id)
}

pub(super) fn token(app: &App, method: &Method, headers: &HeaderMap, body: &Bytes) -> Response {
    if let Some(reply) = app.lock().script.token_replies.pop_front() {
        return reply.into_response();
    }
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
    // The server's general rate, then the token endpoint's own.
    let limits = [
        ("token", app.config.rate_limit),
        ("token-endpoint", app.config.token_rate),
    ];
    for (bucket, limit) in limits {
        if let Some(limit) = limit
            && let Err(retry) = state.take_rate(&format!("{bucket}:{client}"), limit)
        {
            let mut r = refuse(429, "RATE_LIMITED", "Too many token requests.");
            r.extra_headers.push(("retry-after", retry.to_string()));
            return render_error(r, Opts::default());
        }
    }
    let max = app.config.max_active_tokens;
    if max > 0 && state.active_tokens(&client) >= max {
        return oauth_error(
            403,
            "access_denied",
            "Access Token limit reached: revoke a token or wait for one to expire.",
        );
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

pub(super) fn revoke(app: &App, method: &Method, headers: &HeaderMap, body: &Bytes) -> Response {
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
