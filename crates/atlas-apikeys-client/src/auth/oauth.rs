//! OAuth 2.0 client credentials for service accounts, with one token cache
//! per client shared by every clone and task.
//!
//! Single flight: a cold or expiring cache is refreshed by exactly one task
//! while the others wait for its result (the token endpoint is rate limited,
//! about ten requests a minute). Tokens are refreshed a margin before they
//! expire; a 401 with a cached token drops it so the retry fetches a new one.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::AuthError;

/// Refresh this long before a token expires.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct Token {
    access: SecretString,
    expires_at: Instant,
}

/// A service account's token source.
pub(crate) struct TokenCache {
    client_id: String,
    client_secret: SecretString,
    token_url: reqwest::Url,
    revoke_url: reqwest::Url,
    current: Mutex<Option<Token>>,
    refresh: tokio::sync::Mutex<()>,
}

/// A token request that failed.
pub(crate) enum TokenFailure {
    /// The endpoint answered, but not with a token: the response is handed
    /// back so the caller can return it as the call's response.
    Refused(reqwest::Response, AuthError),
    /// The endpoint answered 200 with something unreadable.
    Unreadable(AuthError),
    /// The endpoint could not be reached.
    Transport(reqwest::Error),
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default = "default_expiry")]
    expires_in: u64,
}

fn default_expiry() -> u64 {
    3600
}

impl TokenCache {
    pub(crate) fn new(
        client_id: String,
        client_secret: SecretString,
        base_url: &reqwest::Url,
    ) -> Result<Self, String> {
        let join = |path: &str| {
            base_url
                .join(path)
                .map_err(|e| format!("cannot form the token URL from {base_url}: {e}"))
        };
        Ok(Self {
            client_id,
            client_secret,
            token_url: join("/api/oauth/token")?,
            revoke_url: join("/api/oauth/revoke")?,
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    fn fresh(&self) -> Option<SecretString> {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|t| Instant::now() + EXPIRY_MARGIN < t.expires_at)
            .map(|t| t.access.clone())
    }

    /// A valid access token, fetching one when needed (single flight).
    pub(crate) async fn token(&self, http: &reqwest::Client) -> Result<SecretString, TokenFailure> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _flight = self.refresh.lock().await;
        // Whoever held the lock before us may have refreshed already.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let token = self.fetch(http).await?;
        let access = token.access.clone();
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
        Ok(access)
    }

    /// Drops `used` if it is still the cached token (a 401 says it is no
    /// longer good); a token another task fetched meanwhile is kept.
    pub(crate) fn invalidate(&self, used: &SecretString) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current
            .as_ref()
            .is_some_and(|t| t.access.expose_secret() == used.expose_secret())
        {
            *current = None;
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<Token, TokenFailure> {
        let started = Instant::now();
        // reqwest marks the Basic credentials header sensitive.
        let request = http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .build()
            .map_err(TokenFailure::Transport)?;
        crate::call::note(|r| r.token_requests += 1);
        let response = http
            .execute(request)
            .await
            .map_err(TokenFailure::Transport)?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "service account token request");
        if !status.is_success() {
            let (response, code) = error_code(response)
                .await
                .map_err(TokenFailure::Transport)?;
            let error = AuthError::TokenEndpoint {
                status: status.as_u16(),
                code,
            };
            return Err(TokenFailure::Refused(response, error));
        }
        let body = response.bytes().await.map_err(TokenFailure::Transport)?;
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| TokenFailure::Unreadable(AuthError::BadTokenResponse))?;
        Ok(Token {
            access: SecretString::from(parsed.access_token),
            expires_at: started + Duration::from_secs(parsed.expires_in),
        })
    }

    /// Revokes the cached token, if any, and forgets it.
    pub(crate) async fn revoke(&self, http: &reqwest::Client) -> Result<(), TokenFailure> {
        let token = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let Some(token) = token else {
            return Ok(());
        };
        let request = http
            .post(self.revoke_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[
                ("token", token.access.expose_secret()),
                ("token_type_hint", "access_token"),
            ])
            .build()
            .map_err(TokenFailure::Transport)?;
        let response = http
            .execute(request)
            .await
            .map_err(TokenFailure::Transport)?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            let (response, code) = error_code(response)
                .await
                .map_err(TokenFailure::Transport)?;
            Err(TokenFailure::Refused(
                response,
                AuthError::TokenEndpoint {
                    status: status.as_u16(),
                    code,
                },
            ))
        }
    }
}

/// Reads an error body's `errorCode` (Atlas) or `error` (OAuth), and rebuilds
/// the response so it can still be handed on.
async fn error_code(
    response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, Option<String>)> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let code = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("errorCode")
                .or_else(|| v.get("error"))
                .and_then(|c| c.as_str().map(str::to_owned))
        });
    let mut rebuilt = http::Response::new(body.to_vec());
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    Ok((reqwest::Response::from(rebuilt), code))
}
