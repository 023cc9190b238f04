//! OAuth 2.0 client credentials for service accounts, with one token cache
//! per client shared by every clone and task.
//!
//! Single flight: a cold or expiring cache is refreshed by exactly one task
//! while the others wait for its result, errors included (the token endpoint
//! is rate limited, about ten requests a minute). A failure is kept for the
//! endpoint's `Retry-After`, or a short backoff, so a burst of calls during an
//! outage makes one token request per window instead of one each. The
//! endpoint's 429, 5xx and connect failures are retried under the API's
//! retry policy. Tokens are refreshed min(60 s, half their lifetime) before
//! they expire; a 401 with a cached token drops it so the retry fetches a new
//! one. Every number the server sends is used with overflow-safe arithmetic.

mod endpoint;
mod store;

pub use store::TokenStore;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::ACCEPT;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::AuthError;
use crate::wire::retry::{Decision, RetryPolicy};

/// Refresh at most this long before a token expires (less for short-lived
/// tokens: half their lifetime).
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

use endpoint::{below, error_code, refresh_at};

/// How long a token endpoint failure is kept when the endpoint gives no
/// `Retry-After`.
const FAILURE_BACKOFF: Duration = Duration::from_secs(2);

/// The value behind `mutex`, even after a panic elsewhere poisoned it: the
/// cache holds plain data, whole at every step.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Clone)]
struct Token {
    access: SecretString,
    /// When to stop using it: its expiry less the refresh margin.
    refresh_at: Instant,
    /// When it expires, by the wall clock (for a store).
    expires: SystemTime,
}

/// A service account's token source.
pub(crate) struct TokenCache {
    client_id: String,
    client_secret: SecretString,
    token_url: reqwest::Url,
    revoke_url: reqwest::Url,
    current: Mutex<Option<Token>>,
    /// The last failure and until when it stands.
    failed: Mutex<Option<(Instant, AuthError)>>,
    refresh: tokio::sync::Mutex<()>,
    policy: RetryPolicy,
    /// Where the token is kept between processes, if anywhere.
    store: Option<Arc<dyn TokenStore>>,
    /// The store is read once, when the first call finds no token.
    store_read: AtomicBool,
}

/// One token request that failed.
enum Fetch {
    /// The endpoint could not be reached.
    Transport(reqwest::Error),
    /// The endpoint answered, but not with a token.
    Refused {
        status: reqwest::StatusCode,
        headers: reqwest::header::HeaderMap,
        error: AuthError,
    },
    /// The endpoint answered 200 with something that is not a token.
    Unreadable,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; an hour when not said.
    expires_in: Option<u64>,
}

impl TokenCache {
    pub(crate) fn new(
        client_id: String,
        client_secret: SecretString,
        base_url: &reqwest::Url,
        policy: RetryPolicy,
        store: Option<Arc<dyn TokenStore>>,
    ) -> Result<Self, String> {
        Ok(Self {
            client_id,
            client_secret,
            token_url: below(base_url, "api/oauth/token")?,
            revoke_url: below(base_url, "api/oauth/revoke")?,
            current: Mutex::new(None),
            failed: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            policy,
            store,
            store_read: AtomicBool::new(false),
        })
    }

    /// The store's token, while it has more than the refresh margin left.
    fn stored(&self) -> Option<Token> {
        let (access, expires) = self.store.as_ref()?.load()?;
        let left = expires.duration_since(SystemTime::now()).ok()?;
        let usable = left.checked_sub(EXPIRY_MARGIN)?;
        Some(Token {
            access: SecretString::from(access.expose_secret().to_owned()),
            refresh_at: Instant::now().checked_add(usable)?,
            expires,
        })
    }

    /// The cached token, while it is not due for refresh.
    fn fresh(&self) -> Option<SecretString> {
        let mut current = lock(&self.current);
        if current.is_none() && !self.store_read.swap(true, Ordering::Relaxed) {
            *current = self.stored();
        }
        current
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .map(|t| t.access.clone())
    }

    fn standing_failure(&self) -> Option<AuthError> {
        let failed = lock(&self.failed);
        failed
            .as_ref()
            .filter(|(until, _)| Instant::now() < *until)
            .map(|(_, error)| error.clone())
    }

    /// A valid access token, fetching one when needed (single flight; a
    /// failure is shared with every caller until its window passes).
    /// `requests` counts the token requests this caller made.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        requests: &mut u32,
    ) -> Result<SecretString, AuthError> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if let Some(failure) = self.standing_failure() {
            return Err(failure);
        }
        // Rare, and its state is large (the lock, retries, the token
        // request): boxed, so every call's future does not carry it.
        Box::pin(self.refresh(http, requests)).await
    }

    /// The single-flight fetch behind [`Self::token`].
    async fn refresh(
        &self,
        http: &reqwest::Client,
        requests: &mut u32,
    ) -> Result<SecretString, AuthError> {
        let _flight = self.refresh.lock().await;
        // Whoever held the lock before us may have refreshed, or failed.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        if let Some(failure) = self.standing_failure() {
            return Err(failure);
        }
        match self.fetch_with_retries(http, requests).await {
            Ok(token) => {
                let access = token.access.clone();
                if let Some(store) = &self.store {
                    store.save(&crate::Secret::new(access.expose_secret()), token.expires);
                }
                *lock(&self.current) = Some(token);
                *lock(&self.failed) = None;
                Ok(access)
            }
            Err((error, wait)) => {
                let until = Instant::now()
                    .checked_add(wait.unwrap_or(FAILURE_BACKOFF))
                    .unwrap_or_else(Instant::now);
                *lock(&self.failed) = Some((until, error.clone()));
                Err(error)
            }
        }
    }

    /// Fetches a token, retrying the endpoint's 429, 5xx and connect
    /// failures under the retry policy. On failure: why, and the endpoint's
    /// `Retry-After`.
    async fn fetch_with_retries(
        &self,
        http: &reqwest::Client,
        requests: &mut u32,
    ) -> Result<Token, (AuthError, Option<Duration>)> {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let budget = |wait: Duration| {
                attempt < self.policy.max_attempts
                    && started.elapsed() + wait <= self.policy.deadline
            };
            match self.fetch(http, requests).await {
                Ok(token) => return Ok(token),
                Err(Fetch::Transport(e)) => {
                    let wait = self.policy.wait_before_retry(attempt);
                    if self.policy.after_send_error(&e, true) && budget(wait) {
                        tracing::info!(attempt, error = %e, "retrying the token request");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    let reason = crate::error::with_causes(&e);
                    return Err((AuthError::TokenEndpointUnreachable { reason }, None));
                }
                Err(Fetch::Refused {
                    status,
                    headers,
                    error,
                }) => {
                    let decision = self.policy.after_status(status, &headers, attempt, true);
                    let told =
                        crate::wire::retry::retry_after(&headers, std::time::SystemTime::now());
                    let retried = match decision {
                        Decision::Wait { wait, .. } => Some(wait),
                        Decision::Stop if status.is_server_error() => {
                            Some(self.policy.wait_before_retry(attempt))
                        }
                        Decision::Stop | Decision::TooLong(_) => None,
                    }
                    .filter(|wait| budget(*wait));
                    if let Some(wait) = retried {
                        tracing::info!(
                            attempt,
                            status = status.as_u16(),
                            "retrying the token request"
                        );
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err((error, told));
                }
                Err(Fetch::Unreadable) => return Err((AuthError::BadTokenResponse, None)),
            }
        }
    }

    /// Drops `used` if it is still the cached token (a 401 says it is no
    /// longer good); a token another task fetched meanwhile is kept.
    pub(crate) fn invalidate(&self, used: &SecretString) {
        let mut current = lock(&self.current);
        if current
            .as_ref()
            .is_some_and(|t| t.access.expose_secret() == used.expose_secret())
        {
            *current = None;
            // Refused here, refused for the next process too.
            if let Some(store) = &self.store {
                store.clear();
            }
        }
    }

    async fn fetch(&self, http: &reqwest::Client, requests: &mut u32) -> Result<Token, Fetch> {
        let started = Instant::now();
        // reqwest marks the Basic credentials header sensitive.
        let request = http
            .post(self.token_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .build()
            .map_err(Fetch::Transport)?;
        *requests += 1;
        let logged = crate::wire::exchange::Exchange::start(&request, "token");
        let result = http.execute(request).await;
        if let Some(logged) = &logged {
            logged.finish(&result, 0);
        }
        let response = crate::wire::limit::bounded(result.map_err(Fetch::Transport)?);
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let code = error_code(response).await.map_err(Fetch::Transport)?;
            let error = AuthError::TokenEndpoint {
                status: status.as_u16(),
                code,
            };
            return Err(Fetch::Refused {
                status,
                headers,
                error,
            });
        }
        let body = response.bytes().await.map_err(Fetch::Transport)?;
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| Fetch::Unreadable)?;
        let expires_in = parsed.expires_in.unwrap_or(3600);
        const YEAR: u64 = 365 * 24 * 3600;
        let wall = SystemTime::now();
        Ok(Token {
            access: SecretString::from(parsed.access_token),
            refresh_at: refresh_at(started, expires_in),
            expires: wall
                .checked_add(Duration::from_secs(expires_in.min(YEAR)))
                .unwrap_or(wall),
        })
    }

    /// Revokes the cached token, if any, and forgets it.
    pub(crate) async fn revoke(&self, http: &reqwest::Client) -> Result<(), AuthError> {
        let token = lock(&self.current).take();
        if let Some(store) = &self.store {
            store.clear();
        }
        let Some(token) = token else {
            return Ok(());
        };
        let unreachable = |e: reqwest::Error| AuthError::TokenEndpointUnreachable {
            reason: crate::error::with_causes(&e),
        };
        let request = http
            .post(self.revoke_url.clone())
            .basic_auth(&self.client_id, Some(self.client_secret.expose_secret()))
            .form(&[
                ("token", token.access.expose_secret()),
                ("token_type_hint", "access_token"),
            ])
            .build()
            .map_err(unreachable)?;
        let response = http
            .execute(request)
            .await
            .map(crate::wire::limit::bounded)
            .map_err(unreachable)?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let code = error_code(response).await.map_err(unreachable)?;
        Err(AuthError::TokenEndpoint {
            status: status.as_u16(),
            code,
        })
    }
}
