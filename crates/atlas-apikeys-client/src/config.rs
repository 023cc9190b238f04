//! Building a client from its [`ClientConfig`] for a version, and the state
//! a generated `Client` carries besides its `reqwest::Client`: the API
//! version it speaks, and the authentication and retry state shared by all
//! its clones.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use secrecy::SecretString;

use crate::ApiVersion;
use crate::auth::Credentials;
use crate::auth::digest::Digest;
use crate::auth::oauth::TokenCache;
use crate::options::{BuildError, ClientConfig, USER_AGENT, without_userinfo};
use crate::wire::retry::RetryPolicy;

impl ClientConfig {
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
        let agent = match &self.user_agent_suffix {
            None => USER_AGENT.to_owned(),
            Some(suffix) => {
                let reason = if suffix.trim().is_empty() {
                    Some("is empty")
                } else if suffix.chars().count() > 200 {
                    Some("is longer than 200 characters")
                } else if !suffix.chars().all(|c| c == ' ' || c.is_ascii_graphic()) {
                    Some("holds characters other than visible ASCII and spaces")
                } else {
                    None
                };
                if let Some(reason) = reason {
                    return Err(BuildError::UserAgent {
                        suffix: suffix.chars().take(200).collect(),
                        reason,
                    });
                }
                format!("{USER_AGENT} {}", suffix.trim())
            }
        };
        // Unverified TLS goes to the named host only: not through a proxy
        // (which could read it) nor after a redirect (to anywhere).
        if self.skip_verification
            && ((!self.skip_verification_off_loopback && !is_loopback(&url))
                || self.proxy.is_some())
        {
            return Err(BuildError::SkipVerification {
                url: base_url.clone(),
            });
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut roots = Vec::new();
                for pem in &self.root_certificates {
                    roots.extend(root_certificates(pem)?);
                }
                let given = !roots.is_empty();
                let mut builder = reqwest::Client::builder();
                if self.skip_verification {
                    builder = builder
                        .no_proxy()
                        .redirect(reqwest::redirect::Policy::none());
                }
                if let Some(url) = &self.proxy {
                    let proxy =
                        reqwest::Proxy::all(url.as_str()).map_err(|e| BuildError::Proxy {
                            url: without_userinfo(url),
                            reason: crate::error::with_causes(&e)
                                .replace(url.as_str(), &without_userinfo(url)),
                        })?;
                    builder = builder.proxy(proxy);
                }
                builder
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.request_timeout)
                    .user_agent(agent)
                    .tls_certs_merge(roots)
                    .tls_danger_accept_invalid_certs(self.skip_verification)
                    .build()
                    .map_err(|e| match given {
                        // What was added is what the TLS stack refused.
                        true => BuildError::Certificate {
                            reason: format!(
                                "the TLS stack refused them ({e}): give the CA's certificate in PEM"
                            ),
                        },
                        false => BuildError::Http(e),
                    })?
            }
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
                TokenCache::new(
                    client_id,
                    client_secret,
                    &url,
                    self.retry,
                    self.token_store.clone(),
                )
                .map_err(|reason| BuildError::BaseUrl {
                    url: base_url.clone(),
                    reason,
                })?,
            )),
            Credentials::Bearer(token) => Auth::Bearer(token),
        };
        let context = Context {
            version,
            shared: Arc::new(Shared {
                auth,
                retry: self.retry,
                dry_run: self.dry_run,
                pace: Default::default(),
            }),
        };
        Ok((base_url, http, context))
    }
}

/// The certificates of one PEM bundle: at least one, each parsed.
fn root_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, BuildError> {
    let refuse = |reason: String| BuildError::Certificate { reason };
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(refuse(
            "no `-----BEGIN CERTIFICATE-----` block: give the CA's certificate in PEM".into(),
        ));
    }
    let certificates = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| refuse(format!("not a PEM certificate bundle: {e}")))?;
    if certificates.is_empty() {
        return Err(refuse("the bundle holds no certificate".into()));
    }
    Ok(certificates)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
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
    pub(crate) dry_run: crate::DryRun,
    /// What is known of the server's rate-limit buckets.
    pub(crate) pace: crate::Pace,
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
                dry_run: crate::DryRun::Off,
                pace: Default::default(),
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
        match &self.shared.auth {
            Auth::ServiceAccount(cache) => cache.revoke(http).await,
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
            .field("dry_run", &self.shared.dry_run)
            .finish()
    }
}
