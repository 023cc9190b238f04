//! [`ApiKeysBuilder`]: how an [`ApiKeys`] client is configured, by hand or
//! from the environment and the Atlas CLI's profile.

use std::sync::Arc;
use std::time::Duration;

use atlas_apikeys_client::operations::Flags;
use atlas_apikeys_client::{
    ApiVersion, ClientConfig, Credentials, DryRun, RetryPolicy, System, VERSIONS,
};

use crate::api_keys::ApiKeys;
use crate::error::Error;
use crate::ids::OrgId;
use crate::versions::{latest_atlas_version, newest_version as newest};

/// Configures an [`ApiKeys`] client.
#[derive(Debug, Clone)]
pub struct ApiKeysBuilder {
    version: &'static ApiVersion,
    config: ClientConfig,
    retry: RetryPolicy,
    /// The query flags every call sends; a flag not asked for is not sent.
    flags: Flags,
    /// Given to the connection at `build`, which checks them first.
    credentials: Option<Credentials>,
    anonymous: bool,
    /// The organization the keys belong to, for reading a key back.
    org: Option<OrgId>,
}

impl ApiKeysBuilder {
    /// Targets MongoDB Cloud Manager (public API v1.0,
    /// `https://cloud.mongodb.com` by default).
    pub fn cloud_manager(mut self) -> Self {
        self.version = newest(System::CloudManager).unwrap_or(self.version);
        self
    }

    /// Targets a MongoDB Ops Manager at `base_url`
    /// (`https://{host}:{port}`; there is no default).
    pub fn ops_manager(mut self, base_url: impl Into<String>) -> Self {
        self.version = newest(System::OpsManager).unwrap_or(self.version);
        self.config = self.config.base_url(base_url);
        self
    }

    /// Pins the version, and with it the system: a generated module's
    /// `API_VERSION`, an entry of `VERSIONS`, or what
    /// [`atlas_version_for`](crate::atlas_version_for) chose for a date.
    /// The one way to pin; the default is the newest Atlas version.
    ///
    /// ```
    /// let chosen = atlas_apikeys::atlas_version_for("2025-01-01")?;
    /// let keys = atlas_apikeys::ApiKeys::builder().version(chosen.version).anonymous().build()?;
    /// assert_eq!(keys.version(), chosen.version);
    /// # Ok::<(), atlas_apikeys::Error>(())
    /// ```
    pub fn version(mut self, version: &'static ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// The API's base URL (default: the system's documented one).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config = self.config.base_url(url);
        self
    }

    /// Authenticates with a programmatic API key (HTTP Digest). The private
    /// key is held as a secret and never printed.
    pub fn api_key(self, public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        self.credentials(Credentials::api_key(public_key, private_key))
    }

    /// Authenticates as a service account (OAuth 2.0 client credentials);
    /// tokens are cached and refreshed by one task at a time. Atlas and Cloud
    /// Manager offer service accounts; Ops Manager does not.
    pub fn service_account(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials(Credentials::service_account(client_id, client_secret))
    }

    /// Authenticates with an access token obtained elsewhere.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::bearer(token))
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends requests without credentials. Without this (or credentials),
    /// [`Self::build`] fails: a client that can only collect 401s is a
    /// configuration mistake. For servers that need none, and tests.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The retry policy (default: 4 attempts, 250 ms to 8 s full-jitter
    /// backoff, `Retry-After` up to 60 s, 90 s deadline).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self.config = self.config.retry(policy);
        self
    }

    /// Connect and per-request timeouts (default 10 s and 60 s).
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.config = self.config.timeouts(connect, request);
        self
    }

    /// Allows plain `http://` to hosts other than loopback (refused by
    /// default: digest over plain HTTP can be sniffed, a bearer token stolen).
    pub fn allow_insecure_http(mut self) -> Self {
        self.config = self.config.allow_insecure_http();
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, timeouts, TLS roots).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.config = self.config.http_client(http);
        self
    }

    /// Names the program on top of this crate in every request's
    /// `User-Agent` (`atlas-apikeys/0.1.0 my-tool/2.3`); visible ASCII, at
    /// most 200 characters, or [`Self::build`] refuses it.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.config = self.config.user_agent_suffix(suffix);
        self
    }

    /// Keeps a service account's access token in `store` between processes
    /// (a file, say), so a program run many times an hour reuses one token.
    pub fn token_store(
        mut self,
        store: std::sync::Arc<dyn atlas_apikeys_client::TokenStore>,
    ) -> Self {
        self.config = self.config.token_store(store);
        self
    }

    /// Sends every request through the proxy at `url`; without it, the
    /// environment's `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` decide.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.config = self.config.proxy(url);
        self
    }

    /// Trusts the certificates in `pem` as roots, beside the system's (a
    /// private CA); a bundle without a certificate fails [`Self::build`].
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.config = self.config.add_root_certificates_pem(pem);
        self
    }

    /// DANGER: accepts any certificate, to a loopback host only unless
    /// [`Self::danger_skip_tls_verification_off_loopback`] is called too.
    pub fn danger_skip_tls_verification(mut self) -> Self {
        self.config = self.config.danger_skip_tls_verification();
        self
    }

    /// DANGER: with [`Self::danger_skip_tls_verification`], to any host.
    pub fn danger_skip_tls_verification_off_loopback(mut self) -> Self {
        self.config = self.config.danger_skip_tls_verification_off_loopback();
        self
    }

    /// Asks the server to wrap results as `{status, content}`; the client
    /// unwraps them, so results look the same either way.
    pub fn envelope(mut self, on: bool) -> Self {
        self.flags.envelope = on.then_some(true);
        self
    }

    /// Asks the server to indent its JSON.
    pub fn pretty(mut self, on: bool) -> Self {
        self.flags.pretty = on.then_some(true);
        self
    }

    /// The organization the keys this client manages belong to. With it, an
    /// assign whose answer was lost is settled by reading the key back
    /// (`getOrgApiKey`); without it, `ensure_project_roles` settles it with
    /// the idempotent project PATCH and a strict assign reports the failure.
    pub fn org(mut self, org: OrgId) -> Self {
        self.org = Some(org);
        self
    }

    /// A dry run: writes ([`DryRun::Writes`]), or every request
    /// ([`DryRun::All`]), are held back, and the call that would have sent
    /// one ends with [`Error::Planned`] holding it. Nothing pretends to be
    /// the server's answer.
    pub fn dry_run(mut self, mode: DryRun) -> Self {
        self.config = self.config.dry_run(mode);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<ApiKeys, Error> {
        let Some(version) = VERSIONS.iter().copied().find(|v| **v == *self.version) else {
            let known: Vec<String> = VERSIONS
                .iter()
                .map(|v| format!("{} {}", v.system, v.version))
                .collect();
            return Err(Error::Config(format!(
                "{} {} is not a version this crate drives (it drives: {})",
                self.version.system,
                self.version.version,
                known.join(", ")
            )));
        };
        let config = match self.credentials {
            Some(Credentials::ServiceAccount { .. } | Credentials::Bearer(_))
                if version.system == System::OpsManager =>
            {
                return Err(Error::Config(
                    "Ops Manager offers no service accounts or access tokens: use a programmatic API key".into(),
                ));
            }
            Some(credentials) => self.config.credentials(credentials),
            None if self.anonymous => self.config,
            None => {
                return Err(Error::Config(
                    "no credentials: call api_key(), service_account(), bearer_token() or credentials() (ApiKeys::from_env() reads them from the environment), or anonymous() for a server that needs none".into(),
                ));
            }
        };
        Ok(ApiKeys {
            ops: Arc::from((version.connect)(config)?),
            retry: self.retry,
            version,
            flags: self.flags,
            rate_limit: Arc::default(),
            org: self.org,
        })
    }
}

impl ApiKeys {
    /// A builder set to the newest Atlas version.
    pub fn builder() -> ApiKeysBuilder {
        ApiKeysBuilder {
            version: latest_atlas_version(),
            config: ClientConfig::new(),
            retry: RetryPolicy::default(),
            flags: Flags::default(),
            credentials: None,
            anonymous: false,
            org: None,
        }
    }

    /// A client configured the way the command line is, from the
    /// environment and the Atlas CLI's profile (`MONGODB_ATLAS_PROFILE`, else
    /// `default`): credentials, base URL (Ops Manager's own for Ops
    /// Manager), and the API version (`MONGODB_ATLAS_API_VERSION`, any date).
    /// The profile's `service` picks the system. With the `keychain`
    /// feature, a profile's secrets are read from the OS keychain too, where
    /// newer Atlas CLI versions keep them: that read blocks (a desktop may
    /// prompt to unlock it; at most 20 s), so call this off an async
    /// runtime's threads (`spawn_blocking`). See [`settings`](crate::settings)
    /// for every variable.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), atlas_apikeys::Error> {
    /// let keys = atlas_apikeys::ApiKeys::from_env()?;
    /// println!("{} {}", keys.version().system, keys.version().version);
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<ApiKeys, Error> {
        #[allow(unused_mut)] // Read into only with the keychain feature.
        let mut settings = crate::settings::Settings::load(&crate::settings::ProcessEnv, None)?;
        #[cfg(feature = "keychain")]
        settings.read_keychain(
            &crate::settings::keychain::OsKeychain::new(),
            settings.system.unwrap_or(System::Atlas),
        );
        Self::from_settings(&settings)
    }

    /// A client from resolved [`Settings`](crate::settings::Settings).
    pub fn from_settings(settings: &crate::settings::Settings) -> Result<ApiKeys, Error> {
        let system = settings.system.unwrap_or(System::Atlas);
        let version = crate::versions::version_for(system, settings.api_version.as_deref())
            .map_err(|e| Error::Config(format!("{}: {e}", crate::settings::vars::API_VERSION)))?
            .version;
        let mut builder = Self::builder()
            .version(version)
            .credentials(settings.credentials_for(system)?);
        if let Some(org) = settings.org_id.as_deref().and_then(|o| o.parse().ok()) {
            builder = builder.org(org);
        }
        if let Some(url) = settings.base_url_for(system) {
            builder = builder.base_url(url);
        } else if system == System::OpsManager {
            return Err(Error::Config(format!(
                "Ops Manager needs its URL: set {} (https://host:port)",
                crate::settings::vars::OPS_MANAGER_URL
            )));
        }
        // A private CA, as the command line takes it.
        if let Some(pem) = settings.ca_certificate_pem()? {
            builder = builder.add_root_certificates_pem(pem);
        }
        if settings.skip_verify {
            builder = builder.danger_skip_tls_verification();
        }
        builder.build()
    }
}
