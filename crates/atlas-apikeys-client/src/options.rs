//! What a client is built from ([`ClientConfig`]: base URL, credentials,
//! retries, timeouts) and why building can fail ([`BuildError`]). Below the
//! version tables, whose `connect` takes it, and below `config`, which
//! builds from it.

use std::time::Duration;

use crate::auth::Credentials;
use crate::wire::retry::RetryPolicy;

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
#[derive(Clone)]
pub struct ClientConfig {
    pub(crate) base_url: Option<String>,
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) allow_insecure_http: bool,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) dry_run: DryRun,
    /// Appended to [`USER_AGENT`], after a space.
    pub(crate) user_agent_suffix: Option<String>,
    /// PEM bundles whose certificates are trusted as roots too.
    pub(crate) root_certificates: Vec<Vec<u8>>,
    /// Certificates go unverified (to loopback only, without the next).
    pub(crate) skip_verification: bool,
    /// ... to other hosts too.
    pub(crate) skip_verification_off_loopback: bool,
    /// Every request through this proxy, whatever the environment says.
    pub(crate) proxy: Option<String>,
    /// Where a service account's token is kept between processes.
    pub(crate) token_store: Option<std::sync::Arc<dyn crate::auth::TokenStore>>,
}

/// What a client sends. In a dry run, a request that is not sent is
/// answered with what it would have been ([`crate::operations::Answer::Planned`]),
/// never with a pretended server answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DryRun {
    /// Everything is sent.
    #[default]
    Off,
    /// Reads (GET) are sent; writes are recorded, not sent.
    Writes,
    /// Nothing is sent: reads are recorded too (a client without
    /// credentials can plan).
    All,
}

impl DryRun {
    /// Whether a request with `method` is recorded instead of sent.
    pub fn holds(self, method: &reqwest::Method) -> bool {
        match self {
            DryRun::Off => false,
            DryRun::Writes => method != reqwest::Method::GET,
            DryRun::All => true,
        }
    }
}

/// `raw` as an error may show it: what stands before its last `@` (a user
/// name and password, whatever they hold) withheld.
pub(crate) fn without_userinfo(raw: &str) -> String {
    match (raw.find("://"), raw.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}[withheld]{}", &raw[..scheme + 3], &raw[at..])
        }
        // No scheme before it: everything before the `@` goes.
        (_, Some(at)) => format!("[withheld]{}", &raw[at..]),
        _ => raw.to_owned(),
    }
}

impl std::fmt::Debug for ClientConfig {
    /// URLs with their user name and password withheld (a proxy's may hold
    /// them); certificates by count.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |url: &Option<String>| url.as_deref().map(without_userinfo);
        f.debug_struct("ClientConfig")
            .field("base_url", &shown(&self.base_url))
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("http", &self.http.is_some())
            .field("dry_run", &self.dry_run)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("root_certificates", &self.root_certificates.len())
            .field("skip_verification", &self.skip_verification)
            .field(
                "skip_verification_off_loopback",
                &self.skip_verification_off_loopback,
            )
            .field("proxy", &shown(&self.proxy))
            .field("token_store", &self.token_store.is_some())
            .finish()
    }
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
            dry_run: DryRun::Off,
            user_agent_suffix: None,
            root_certificates: Vec::new(),
            skip_verification: false,
            skip_verification_off_loopback: false,
            proxy: None,
            token_store: None,
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

    /// Whether to send writes, or everything ([`DryRun`]); default: send.
    pub fn dry_run(mut self, mode: DryRun) -> Self {
        self.dry_run = mode;
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

    /// Names the program on top of this crate in every request's
    /// `User-Agent` (`atlas-apikeys/0.1.0 my-tool/2.3`), as the Go SDK's
    /// `UseUserAgent` does; visible ASCII only, at most 200 characters
    /// (ignored with [`Self::http_client`], whose `User-Agent` is the
    /// caller's).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Sends every request through the proxy at `url` (`http://host:port`,
    /// user name and password allowed), HTTPS through a `CONNECT` tunnel.
    /// Without it, `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
    /// decide, as curl reads them (ignored with [`Self::http_client`]).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Keeps a service account's access token in `store` between
    /// processes (see [`crate::TokenStore`]); without it, each process
    /// fetches its own.
    pub fn token_store(mut self, store: std::sync::Arc<dyn crate::auth::TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Trusts the certificates in `pem` (one or more `CERTIFICATE` blocks)
    /// as roots, beside the system's: the private certificate authority an
    /// Ops Manager on premises usually has. Read when the client is built,
    /// which fails, naming the problem, on a bundle without a certificate
    /// (ignored with [`Self::http_client`]).
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// DANGER: accepts any certificate for any host name, so anyone on the
    /// path can read and change the traffic, credentials included. Allowed
    /// to a loopback host only, unless
    /// [`Self::danger_skip_tls_verification_off_loopback`] is called too;
    /// prefer [`Self::add_root_certificates_pem`].
    pub fn danger_skip_tls_verification(mut self) -> Self {
        self.skip_verification = true;
        self
    }

    /// DANGER: with [`Self::danger_skip_tls_verification`], to hosts other
    /// than loopback too. Alone, it does nothing.
    pub fn danger_skip_tls_verification_off_loopback(mut self) -> Self {
        self.skip_verification_off_loopback = true;
        self
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
    /// The proxy URL is not usable (its user name and password withheld).
    #[error("proxy {url:?}: {reason}")]
    Proxy {
        /// The URL given, userinfo withheld.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A root-certificate bundle holds no usable certificate.
    #[error("root certificates: {reason}")]
    Certificate {
        /// What is wrong with the bundle.
        reason: String,
    },
    /// Verification skipped for a host that is not loopback without the
    /// second opt-in, or with a proxy.
    #[error(
        "base URL {url:?}: skipping TLS verification is allowed to loopback hosts only, never through a proxy; to a remote host it takes a second, explicit opt-in (prefer trusting its CA certificate)"
    )]
    SkipVerification {
        /// The URL given.
        url: String,
    },
    /// The `User-Agent` suffix is not one a header can carry.
    #[error("user agent suffix {suffix:?}: {reason}")]
    UserAgent {
        /// The suffix given.
        suffix: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The system has no default base URL (Ops Manager) and none was given.
    #[error("{system} has no default base URL: give one")]
    NoBaseUrl {
        /// The system.
        system: crate::System,
    },
}
