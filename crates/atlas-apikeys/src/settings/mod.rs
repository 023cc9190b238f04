//! Settings from the environment and from the Atlas CLI's own profiles, so
//! [`ApiKeys::from_env`](crate::ApiKeys::from_env) and the command line find
//! what an Atlas user already configured. Precedence: what the caller passes
//! (a flag), then the environment, then the profile (its secrets in the OS
//! keychain first, where the Atlas CLI keeps them, then its file).

mod credential;
pub mod keychain;
mod profile;

use std::path::PathBuf;

use atlas_apikeys_client::{Credentials, System};
use secrecy::{ExposeSecret, SecretString};

pub use profile::{CA_CERT_BYTES, CONFIG_BYTES, Profile, atlas_cli_config_path};

use credential::{Found, Half, Halves};
use keychain::Keychain;

/// Where variables come from (the process environment, or a test's table).
pub trait Env {
    /// A variable's value, trimmed of surrounding whitespace; `None` when
    /// unset or blank.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        let value = std::env::var(name).ok()?;
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    }
}

/// Environment variables read, in the Atlas CLI's spelling.
pub mod vars;

/// Why settings could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The Atlas CLI configuration file exists but cannot be read or parsed.
    #[error("cannot read the Atlas CLI configuration {path}: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why (secret values are never quoted).
        reason: String,
    },
    /// A profile was asked for by name and is not in the file.
    #[error("no profile {name:?} in {path} (profiles there: {known})")]
    NoSuchProfile {
        /// The name asked for.
        name: String,
        /// The file.
        path: PathBuf,
        /// The profiles that exist.
        known: String,
    },
    /// Credentials are incomplete.
    #[error("{0}")]
    Credentials(String),
    /// The CA certificate file named by the settings cannot be read.
    #[error("{from}: cannot read the CA certificate {path}: {reason}")]
    CaCertificate {
        /// Where the setting came from.
        from: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Everything resolved from the environment and a profile.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Settings {
    /// The profile read, if any.
    pub profile: Option<Profile>,
    /// The system the profile's `service` names.
    pub system: Option<System>,
    /// Default organization id.
    pub org_id: Option<String>,
    /// Default project id.
    pub project_id: Option<String>,
    /// Atlas API version (a date).
    pub api_version: Option<String>,
    base_url: Option<String>,
    ops_manager_url: Option<String>,
    cloudgov: bool,
    /// Credentials from the environment, and from the profile.
    from_env: Found,
    from_profile: Found,
    /// The profile's output format (`json`, `plaintext`).
    pub output: Option<String>,
    /// A PEM file of CA certificates to trust: `MONGODB_ATLAS_CA_CERTIFICATE`,
    /// else the profile's `ops_manager_ca_certificate` (as mongocli writes it).
    pub ca_certificate: Option<String>,
    ca_from_env: bool,
    /// The profile's `ops_manager_skip_verify` is `true`.
    pub skip_verify: bool,
    secrets: Vec<SecretString>,
    profile_error: Option<String>,
    keychain: keychain::Outcome,
}

fn first(env: &dyn Env, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| env.var(n))
}

impl Settings {
    /// Reads the environment, then the profile (`profile`, else
    /// `MONGODB_ATLAS_PROFILE`, else `default`) for what is not set there.
    /// The keychain is read only by [`read_keychain`](Self::read_keychain),
    /// once credentials are needed.
    pub fn load(env: &dyn Env, profile: Option<&str>) -> Result<Settings, SettingsError> {
        let named = profile
            .map(str::to_owned)
            .or_else(|| env.var(vars::PROFILE));
        // A configuration that cannot be read matters only when a setting
        // must come from it: unless a profile was named, the error waits
        // until then.
        let (profile, profile_error) = match Profile::load(env, named.as_deref()) {
            Ok(profile) => (profile, None),
            Err(e @ SettingsError::Unreadable { .. }) if named.is_none() => {
                (None, Some(e.to_string()))
            }
            Err(e) => return Err(e),
        };
        let p = profile.clone().unwrap_or_default();
        let env_key: Halves = (
            first(env, &vars::PUBLIC_API_KEY),
            first(env, &vars::PRIVATE_API_KEY).map(SecretString::from),
        );
        let env_account: Halves = (
            env.var(vars::CLIENT_ID),
            env.var(vars::CLIENT_SECRET).map(SecretString::from),
        );
        let secrets: Vec<SecretString> = [
            &env_key.1,
            &env_account.1,
            &p.private_api_key,
            &p.client_secret,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        Ok(Settings {
            system: p.system(),
            org_id: env.var(vars::ORG_ID).or_else(|| p.org_id.clone()),
            project_id: env.var(vars::PROJECT_ID).or_else(|| p.project_id.clone()),
            api_version: env.var(vars::API_VERSION).or_else(|| p.api_version.clone()),
            base_url: env.var(vars::BASE_URL).or_else(|| p.base_url.clone()),
            ops_manager_url: env
                .var(vars::OPS_MANAGER_URL)
                .or_else(|| p.ops_manager_url.clone()),
            cloudgov: p.service.as_deref() == Some("cloudgov"),
            from_env: Found::read(env_key, env_account),
            from_profile: Found::read(p.key(), p.account()),
            output: p.output.clone(),
            ca_certificate: env
                .var(vars::CA_CERTIFICATE)
                .or_else(|| p.ops_manager_ca_certificate.clone()),
            ca_from_env: env.var(vars::CA_CERTIFICATE).is_some(),
            skip_verify: p
                .ops_manager_skip_verify
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "yes"),
            secrets,
            profile_error,
            profile,
            keychain: keychain::Outcome::NotAsked,
        })
    }

    /// Reads the profile's secrets from `keychain`, where newer Atlas CLI
    /// versions keep them, when `system`'s credentials would come from the
    /// profile (the environment sets none it takes) and its file holds no
    /// whole one: what the keychain holds then wins over the file. Only the
    /// properties the profile's `auth_type` names are asked for. Each read
    /// may wait on the keychain (a desktop's unlock prompt; at most
    /// [`KEYCHAIN_TIMEOUT`](keychain::KEYCHAIN_TIMEOUT) for the OS one), so
    /// call it when credentials are needed, off an async runtime's threads.
    pub fn read_keychain(&mut self, keychain: &dyn Keychain, system: System) {
        let oauth = system.offers_oauth();
        let Some(p) = &self.profile else { return };
        if self.from_env.any(oauth) {
            self.keychain = keychain::Outcome::SetAside;
            return;
        }
        let wanted = keychain::wanted(p.auth_type.as_deref(), oauth);
        if self.from_profile.whole(oauth) || wanted.is_empty() {
            return;
        }
        let (key, account, outcome) =
            keychain::overlay(keychain, &p.name, wanted, (p.key(), p.account()));
        self.secrets
            .extend([&key.1, &account.1].into_iter().flatten().cloned());
        self.from_profile = Found::read(key, account);
        self.keychain = outcome;
    }

    /// Where [`ca_certificate`](Self::ca_certificate) came from, for
    /// messages: the variable's name, or the profile's setting.
    pub fn ca_certificate_source(&self) -> &'static str {
        match self.ca_from_env {
            true => vars::CA_CERTIFICATE,
            false => "the profile's ops_manager_ca_certificate",
        }
    }

    /// The PEM text of [`ca_certificate`](Self::ca_certificate), at most
    /// [`CA_CERT_BYTES`]; `None` when none is set.
    pub fn ca_certificate_pem(&self) -> Result<Option<String>, SettingsError> {
        let Some(path) = &self.ca_certificate else {
            return Ok(None);
        };
        let pem = profile::read_bounded(path.as_ref(), CA_CERT_BYTES, "a CA certificate file");
        pem.map(Some).map_err(|e| SettingsError::CaCertificate {
            from: self.ca_certificate_source(),
            path: PathBuf::from(path),
            reason: e.to_string(),
        })
    }

    /// Every secret read from the environment or the profile, whether or
    /// not it is used: a caller that prints text from elsewhere (a server,
    /// a file) withholds them by value.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(|s| s.expose_secret())
    }

    /// Why the Atlas CLI configuration could not be read, when no profile
    /// was named and so nothing failed yet.
    pub fn profile_error(&self) -> Option<&str> {
        self.profile_error.as_deref()
    }

    /// The base URL for `system`: for Ops Manager, its own URL first and the
    /// base URL only when that is unset; otherwise the base URL (Atlas for
    /// Government when the profile's service is `cloudgov`). `None`: the
    /// version's default.
    pub fn base_url_for(&self, system: System) -> Option<String> {
        if system == System::OpsManager {
            return self
                .ops_manager_url
                .clone()
                .or_else(|| self.base_url.clone());
        }
        self.base_url.clone().or_else(|| {
            (self.cloudgov && system == System::Atlas)
                .then(|| "https://cloud.mongodbgov.com".to_owned())
        })
    }

    /// The API key's public part, from the environment or the profile (for a
    /// private key read from a file).
    pub fn public_key(&self) -> Option<&str> {
        let (env, profile) = (&self.from_env.key.id, &self.from_profile.key.id);
        env.as_deref().or(profile.as_deref())
    }

    /// The service account's client id, from the environment or the profile
    /// (for a secret read from a file).
    pub fn client_id(&self) -> Option<&str> {
        let (env, profile) = (&self.from_env.account.id, &self.from_profile.account.id);
        env.as_deref().or(profile.as_deref())
    }

    /// Credentials for `system`: a service account when one is configured
    /// and the system offers it, otherwise an API key.
    pub fn credentials_for(&self, system: System) -> Result<Credentials, SettingsError> {
        let oauth = system.offers_oauth();
        // One place as a unit: the environment when it sets any credential
        // this system takes (a profile's service account must not beat an
        // API key exported for this run), else the profile.
        let in_env = self.from_env.any(oauth);
        let found = if in_env {
            &self.from_env
        } else {
            &self.from_profile
        };
        if oauth && let Some((id, secret)) = &found.account.pair {
            return Ok(Credentials::service_account(
                id.clone(),
                secret.expose_secret(),
            ));
        }
        if oauth && found.account.missing == Some(Half::Secret) {
            return Err(SettingsError::Credentials(format!(
                "{} is set but no client secret ({})",
                vars::CLIENT_ID,
                vars::CLIENT_SECRET
            )));
        }
        if let Some((public, private)) = &found.key.pair {
            return Ok(Credentials::api_key(
                public.clone(),
                private.expose_secret(),
            ));
        }
        let partial = found.key.missing.map(|half| match half {
            Half::Secret => "a public key is set but no private key",
            Half::Id => "a private key is set but no public key",
        });
        let mut message = if let Some(partial) = partial {
            format!(
                "{partial} ({} and {})",
                vars::PUBLIC_API_KEY[0],
                vars::PRIVATE_API_KEY[0]
            )
        } else if oauth {
            format!(
                "no credentials: set {} and {} (service account), or {} and {} (API key)",
                vars::CLIENT_ID,
                vars::CLIENT_SECRET,
                vars::PUBLIC_API_KEY[0],
                vars::PRIVATE_API_KEY[0]
            )
        } else {
            format!(
                "no credentials: set {} and {} (Ops Manager takes API keys only)",
                vars::PUBLIC_API_KEY[0],
                vars::PRIVATE_API_KEY[0]
            )
        };
        match &self.profile {
            Some(p) if in_env && self.from_profile.any(oauth) => message.push_str(&format!(
                "; the Atlas CLI profile {:?}'s credentials were set aside, since the environment sets some",
                p.name
            )),
            Some(p) if p.secret_kept_elsewhere() || self.keychain.found_some() => {
                message.push_str(&self.keychain.explain(&p.name, &p.path))
            }
            Some(p) if partial.is_none() => message.push_str(&format!(
                "; the Atlas CLI profile {:?} ({}) holds none",
                p.name,
                p.path.display()
            )),
            _ => {}
        }
        if let Some(e) = &self.profile_error {
            message.push_str(&format!("; and the profile could not be read: {e}"));
        }
        Err(SettingsError::Credentials(message))
    }
}

#[cfg(test)]
mod tests;
