//! Client configuration and the state a generated `Client` carries besides
//! its `reqwest::Client`: the API version it speaks, and the authentication
//! and retry state shared by all its clones.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::ApiVersion;
use crate::auth::Credentials;
use crate::auth::digest::Digest;
use crate::auth::oauth::TokenCache;
use crate::transport::retry::RetryPolicy;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("atlas-apikeys/", env!("CARGO_PKG_VERSION"));

/// How a client connects: base URL, credentials, retries, timeouts.
///
/// ```
/// use std::time::Duration;
/// use atlas_apikeys_client::{ClientConfig, Credentials, RetryPolicy, v2025_02_19};
///
/// let client = v2025_02_19::connect(
///     ClientConfig::new()
///         .credentials(Credentials::api_key("zmmrboas", "private-key-from-a-vault"))
///         .retry(RetryPolicy::default().max_attempts(3))
///         .timeouts(Duration::from_secs(5), Duration::from_secs(30)),
/// )?;
/// # Ok::<(), atlas_apikeys_client::BuildError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: Option<String>,
    credentials: Credentials,
    retry: RetryPolicy,
    connect_timeout: Duration,
    request_timeout: Duration,
    allow_insecure_http: bool,
    http: Option<reqwest::Client>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: Credentials::None,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            allow_insecure_http: false,
            http: None,
        }
    }
}

impl ClientConfig {
    /// Defaults: the version's documented base URL, no credentials, the
    /// default retry policy, 10 s to connect, 60 s per request.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API's base URL (scheme and host, and port or path prefix if any).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How requests authenticate.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Connect and per-request timeouts (ignored with [`Self::http_client`]).
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Allows plain `http://` to hosts other than loopback. Digest over plain
    /// HTTP can be sniffed and replayed, and a bearer token over it is simply
    /// stolen: only for networks you control.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, TLS roots). Its
    /// timeouts and `User-Agent` are the caller's.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The base URL, the HTTP client and the context for `version`. Used by
    /// each version module's `connect`.
    pub fn build(
        self,
        version: &'static ApiVersion,
    ) -> Result<(String, reqwest::Client, Context), BuildError> {
        let base_url = match (self.base_url, version.default_base_url) {
            (Some(url), _) => url,
            (None, Some(url)) => url.to_owned(),
            (None, None) => {
                return Err(BuildError::NoBaseUrl {
                    system: version.system,
                });
            }
        };
        let base_url = base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base_url).map_err(|e| BuildError::BaseUrl {
            url: without_userinfo(&base_url),
            reason: e.to_string(),
        })?;
        refuse_extras(&url)?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&url) => {}
            "http" => return Err(BuildError::InsecureHttp { url: base_url }),
            other => {
                return Err(BuildError::BaseUrl {
                    url: base_url.clone(),
                    reason: format!("scheme {other:?} is not https"),
                });
            }
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.request_timeout)
                .user_agent(USER_AGENT)
                .build()
                .map_err(BuildError::Http)?,
        };
        let auth = match self.credentials {
            Credentials::None => Auth::None,
            Credentials::ApiKey {
                public_key,
                private_key,
            } => Auth::Digest(Digest::new(public_key, private_key)),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => Auth::ServiceAccount(Box::new(
                TokenCache::new(client_id, client_secret, &url, self.retry).map_err(|reason| {
                    BuildError::BaseUrl {
                        url: base_url.clone(),
                        reason,
                    }
                })?,
            )),
            Credentials::Bearer(token) => Auth::Bearer(token),
        };
        let context = Context {
            version,
            shared: Arc::new(Shared {
                auth,
                retry: self.retry,
            }),
        };
        Ok((base_url, http, context))
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The HTTP client (TLS backend, resolver) could not be initialised.
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// The base URL is not usable.
    #[error("base URL {url:?}: {reason}")]
    BaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain HTTP to a host that is not loopback, without opting in.
    #[error(
        "base URL {url:?} is plain http to a non-loopback host: credentials could be sniffed; use https, or allow insecure http explicitly"
    )]
    InsecureHttp {
        /// The URL given.
        url: String,
    },
    /// The system has no default base URL (Ops Manager) and none was given.
    #[error("{system} has no default base URL: give one")]
    NoBaseUrl {
        /// The system.
        system: &'static str,
    },
}

pub(crate) enum Auth {
    None,
    Digest(Digest),
    ServiceAccount(Box<TokenCache>),
    Bearer(SecretString),
}

pub(crate) struct Shared {
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
}

/// `raw` as an error may show it: what stands before its last `@` (a user
/// name and password, whatever they hold) withheld.
fn without_userinfo(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}[withheld]{}", &raw[..scheme + 3], &raw[at..])
        }
        (None, Some(at)) => format!("[withheld]{}", &raw[at..]),
        _ => raw.to_owned(),
    }
}

/// Refuses what a base URL must not carry: userinfo (sent as `Basic`
/// authorization on every request, and printed wherever the URL is), a
/// query or a fragment (the operation's path would be appended after them,
/// and the request sent elsewhere). The URL in the error never holds the
/// userinfo.
fn refuse_extras(url: &reqwest::Url) -> Result<(), BuildError> {
    let mut shown = url.clone();
    let reason = if !url.username().is_empty() || url.password().is_some() {
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        "holds a user name or password, which would be sent to the server in the clear and printed; give credentials as credentials (an API key or a service account)"
    } else if url.query().is_some() {
        "has a query (`?…`): operation paths are appended to the base URL, so give scheme, host, port and path only"
    } else if url.fragment().is_some() {
        "has a fragment (`#…`): operation paths are appended to the base URL, so give scheme, host, port and path only"
    } else {
        return Ok(());
    };
    Err(BuildError::BaseUrl {
        url: shown.as_str().trim_end_matches('/').to_owned(),
        reason: reason.to_owned(),
    })
}

/// Per-client state the hooks read: the version's media types, and the
/// authentication and retry state every clone of the client shares.
#[derive(Clone)]
pub struct Context {
    version: &'static ApiVersion,
    pub(crate) shared: Arc<Shared>,
}

impl Context {
    /// State for a client that speaks `version`, without credentials and
    /// with the default retry policy.
    pub fn new(version: &'static ApiVersion) -> Self {
        Self {
            version,
            shared: Arc::new(Shared {
                auth: Auth::None,
                retry: RetryPolicy::default(),
            }),
        }
    }

    /// The version this client speaks.
    pub fn version(&self) -> &'static ApiVersion {
        self.version
    }

    /// Revokes the cached service-account token, if any (`POST
    /// {base}/api/oauth/revoke`); the next call fetches a new one.
    pub async fn revoke_token(&self, http: &reqwest::Client) -> Result<(), crate::AuthError> {
        use crate::auth::oauth::TokenFailure;
        match &self.shared.auth {
            Auth::ServiceAccount(cache) => cache.revoke(http).await.map_err(|f| match f {
                TokenFailure::Refused(_, e)
                | TokenFailure::Unreadable(e)
                | TokenFailure::Unreachable(e) => e,
                TokenFailure::Transport(e) => crate::AuthError::TokenEndpoint {
                    status: e.status().map_or(0, |s| s.as_u16()),
                    code: None,
                },
            }),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.shared.auth {
            Auth::None => "none",
            Auth::Digest(_) => "digest",
            Auth::ServiceAccount(_) => "service-account",
            Auth::Bearer(_) => "bearer",
        };
        f.debug_struct("Context")
            .field("system", &self.version.system)
            .field("version", &self.version.version)
            .field("auth", &auth)
            .field("retry", &self.shared.retry)
            .finish()
    }
}
