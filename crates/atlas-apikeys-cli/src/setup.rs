//! What a command runs with: system, API version, base URL, credentials and
//! default ids, from flags, then the environment, then the Atlas CLI
//! profile.

use std::cell::Cell;

use atlas_apikeys::client::{ApiVersion, Credentials, DryRun, System};
use atlas_apikeys::settings::{ProcessEnv, Settings, vars};
use atlas_apikeys::{ApiKeyId, ApiKeys, Error};

use crate::cli::{Global, SystemArg};
use crate::exit::Failure;
use crate::scope::{ScopeId, ScopeKind, Target};

impl From<SystemArg> for System {
    fn from(system: SystemArg) -> Self {
        match system {
            SystemArg::Atlas => System::Atlas,
            SystemArg::CloudManager => System::CloudManager,
            SystemArg::OpsManager => System::OpsManager,
        }
    }
}

/// Everything resolved for a command.
pub struct Setup {
    /// Environment and profile.
    pub settings: Settings,
    /// The version table requests follow.
    pub version: &'static ApiVersion,
    /// Print requests instead of sending them.
    pub dry_run: bool,
    /// Everything the client needs but credentials and the dry run.
    builder: atlas_apikeys::ApiKeysBuilder,
    private_key_file: Option<std::path::PathBuf>,
    client_secret_file: Option<std::path::PathBuf>,
    /// Both ids came as positionals, in this tool's order.
    positional_pair: Cell<bool>,
    /// The base URL, and whether a service account's token is kept
    /// between runs (`--no-token-cache`: not).
    base_url: String,
    token_cache: bool,
}

fn version(
    system: System,
    wanted: Option<&str>,
    from_flag: bool,
) -> Result<&'static ApiVersion, Failure> {
    if system != System::Atlas
        && let Some(v) = wanted.filter(|v| from_flag && *v != "v1.0" && *v != "1.0")
    {
        return Err(Failure::usage(format!(
            "--api-version {v:?}: Cloud Manager and Ops Manager have one version, v1.0"
        )));
    }
    let source = if from_flag {
        "--api-version"
    } else {
        vars::API_VERSION
    };
    let wanted = wanted.filter(|_| system == System::Atlas);
    let chosen = atlas_apikeys::version_for(system, wanted).map_err(|e| {
        let known: Vec<&str> = atlas_apikeys::atlas_versions().map(|v| v.version).collect();
        Failure::usage(format!(
            "{source}: {e} (versions this build knows: {})",
            known.join(", ")
        ))
    })?;
    match wanted {
        None if system == System::Atlas => crate::echo::err(&format!(
            "warning: no API version pinned; using {} (the newest this build knows). Pin one with --api-version, {} or the profile's api_version.",
            chosen.version.version,
            vars::API_VERSION
        )),
        Some(date) if !chosen.exact => {
            let why = if chosen.version.version < date.trim() {
                "the newest version on or before it"
            } else {
                "the oldest version, whose requests name the first release of these endpoints"
            };
            crate::echo::err(&format!(
                "note: API version {} resolves to {} ({why})",
                date.trim(),
                chosen.version.version
            ));
        }
        _ => {}
    }
    Ok(chosen.version)
}

impl Setup {
    /// Resolves the global options.
    pub fn resolve(global: &Global) -> Result<Setup, Failure> {
        let settings = Settings::load(&ProcessEnv, global.profile.as_deref())
            .map_err(|e| Failure::usage(e.to_string()))?;
        for secret in settings.secrets() {
            crate::echo::remember(secret);
        }
        if let Some(e) = settings.profile_error() {
            crate::echo::err(&format!(
                "warning: no profile setting is used (service, base URL, version, ids): {e}"
            ));
        }
        let system = global
            .system
            .map(System::from)
            .or(settings.system)
            .unwrap_or(System::Atlas);
        let (wanted, from_flag) = match &global.api_version {
            Some(v) => (Some(v.as_str()), true),
            None => (settings.api_version.as_deref(), false),
        };
        let version = version(system, wanted, from_flag)?;
        let base_url = match global
            .base_url
            .clone()
            .or_else(|| settings.base_url_for(system))
        {
            Some(url) => url,
            None if system == System::OpsManager => {
                return Err(Failure::usage(format!(
                    "Ops Manager needs its URL: --base-url, {} or the profile's ops_manager_url (https://host:port)",
                    vars::OPS_MANAGER_URL
                )));
            }
            None => version.default_base_url.unwrap_or_default().to_owned(),
        };
        if !base_url.contains("://") {
            return Err(Failure::usage(format!(
                "base URL {base_url:?} has no scheme: write https://{base_url} (or http:// for a local server)"
            )));
        }
        let mut builder = ApiKeys::builder()
            .version(version)
            .base_url(base_url.clone())
            .envelope(global.envelope)
            .pretty(global.pretty == Some(true))
            // Servers' logs tell the command from other users of the SDK.
            .user_agent_suffix(concat!("atlas-apikeys-cli/", env!("CARGO_PKG_VERSION")));
        if global.allow_insecure_http {
            builder = builder.allow_insecure_http();
        }
        // A private CA (Ops Manager on premises): flag, environment, profile.
        let ca = match &global.ca_cert {
            Some(path) => Some((path.clone(), "--ca-cert")),
            None => settings
                .ca_certificate
                .as_ref()
                .map(|p| (p.into(), settings.ca_certificate_source())),
        };
        if let Some((path, from)) = ca {
            let pem = crate::limits::read(&path, crate::limits::CA_CERT_BYTES, "CA certificate")
                .map_err(|e| Failure::usage(format!("{from}: {e}")))?;
            builder = builder.add_root_certificates_pem(pem);
        }
        if settings.skip_verify {
            // Loopback only: the client refuses it for any other host.
            builder = builder.danger_skip_tls_verification();
        }
        // The keys' organization, when the settings name one: an assign
        // whose answer was lost is then settled by reading the key back.
        if let Some(org) = settings.org_id.as_deref().and_then(|o| o.parse().ok()) {
            builder = builder.org(org);
        }
        Ok(Setup {
            settings,
            version,
            dry_run: global.dry_run,
            builder,
            private_key_file: global.private_key_file.clone(),
            client_secret_file: global.client_secret_file.clone(),
            positional_pair: Cell::new(false),
            base_url,
            token_cache: !global.no_token_cache,
        })
    }

    /// The scope id and the key id, from `ID ID`, or `KEY_ID` with the
    /// Atlas CLI's flag, or `KEY_ID` with the environment's or profile's
    /// default; parsed.
    pub fn target<S, Id>(&self, target: &Target<S>) -> Result<(Id, ApiKeyId), Failure>
    where
        S: ScopeKind,
        Id: std::str::FromStr<Err = atlas_apikeys::IdError>,
    {
        let scope = target.scope();
        let (name, flag) = (scope.name, scope.flag());
        let (id, key) = match (target.ids.as_slice(), target.flag.as_deref()) {
            ([_, _], Some(_)) => Err(Failure::usage(format!(
                "{name} given twice: as the first ID and with {flag}; give `KEY_ID {flag} {name}` or `{name} KEY_ID`"
            ))),
            ([id, key], None) => {
                self.positional_pair.set(true);
                Ok((id.clone(), key.clone()))
            }
            ([key], Some(id)) => Ok((id.to_owned(), key.clone())),
            ([key], None) => match scope.default(&self.settings) {
                Some(id) => Ok((id.to_owned(), key.clone())),
                None => Err(Failure::usage(format!(
                    "missing {name}: give `{name} KEY_ID`, or `KEY_ID {flag} {name}`, or set {}{}",
                    scope.variable,
                    self.settings
                        .profile_error()
                        .map(|e| format!(" (the profile could not be read: {e})"))
                        .unwrap_or_default()
                ))),
            },
            _ => Err(Failure::usage(format!(
                "give `{name} KEY_ID` or `KEY_ID {flag} {name}`"
            ))),
        }?;
        let id = parse_id(&id, name).map_err(Failure::usage)?;
        Ok((id, parse_id(&key, "KEY_ID").map_err(Failure::usage)?))
    }

    /// A list command's scope id: the positional, the Atlas CLI's flag, or
    /// the environment's or profile's default; parsed.
    pub fn scope_id<S, Id>(&self, given: &ScopeId<S>) -> Result<Id, Failure>
    where
        S: ScopeKind,
        Id: std::str::FromStr<Err = atlas_apikeys::IdError>,
    {
        let scope = S::SCOPE;
        let (name, flag) = (scope.name, scope.flag());
        let id = match (given.id.as_deref(), given.flag.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(Failure::usage(format!(
                    "{name} given twice: as ID and with {flag}; give one"
                )));
            }
            (Some(id), None) | (None, Some(id)) => id,
            (None, None) => scope.default(&self.settings).ok_or_else(|| {
                Failure::usage(format!(
                    "missing {name}: give it, or {flag} {name}, or set {}",
                    scope.variable
                ))
            })?,
        };
        parse_id(id, name).map_err(Failure::usage)
    }

    /// A client for the resolved settings. A dry run needs no credentials,
    /// and reads none.
    pub fn client(&self) -> Result<ApiKeys, Failure> {
        let builder = self.builder.clone();
        let builder = if self.dry_run {
            builder.anonymous().dry_run(DryRun::All)
        } else {
            let credentials = crate::credentials::resolve(
                &self.settings,
                self.version.system,
                self.private_key_file.as_deref(),
                self.client_secret_file.as_deref(),
            );
            let credentials = credentials.map_err(Failure::transport)?;
            let kept = match &credentials {
                Credentials::ServiceAccount { client_id, .. } if self.token_cache => {
                    crate::token_file::TokenFile::new(&self.base_url, client_id)
                }
                _ => None,
            };
            let builder = builder.credentials(credentials);
            match kept {
                Some(file) => builder.token_store(std::sync::Arc::new(file)),
                None => builder,
            }
        };
        builder.build().map_err(Failure::from)
    }

    /// A client like [`Setup::client`]'s, as the key `public`/`private`
    /// (a new key, to prove it works).
    pub fn client_as(&self, public: &str, private: &str) -> Result<ApiKeys, Failure> {
        let builder = self.builder.clone().api_key(public, private);
        builder.build().map_err(Failure::from)
    }

    /// The organization `given` (by `field`), else the settings' default,
    /// parsed.
    pub fn org(&self, given: Option<&str>, field: &str) -> Result<atlas_apikeys::OrgId, String> {
        let org = given.or(self.settings.org_id.as_deref()).ok_or_else(|| {
            format!("{field}: not given, and no MONGODB_ATLAS_ORG_ID or profile org_id")
        })?;
        parse_id(org, field)
    }

    /// The failure for `e`, with a hint where the ids may have been given
    /// in the Atlas CLI's order.
    pub fn explain(&self, e: Error) -> Failure {
        let swapped = self.positional_pair.get()
            && e.status() == Some(404)
            && [
                "ORG_NOT_FOUND",
                "GROUP_NOT_FOUND",
                "API_KEY_NOT_FOUND",
                "RESOURCE_NOT_FOUND",
                "INVALID_ORG_ID",
                "INVALID_GROUP_ID",
            ]
            .iter()
            .any(|code| e.is_code(code));
        let failure = Failure::from(e);
        if swapped {
            failure.hint("two IDs are read as `ORG_ID|PROJECT_ID KEY_ID`; the Atlas CLI's order is `KEY_ID --orgId ORG_ID` (or --projectId). Were they swapped?")
        } else {
            failure
        }
    }
}

/// An id, trimmed and parsed; the message names `what` and the problem
/// without echoing more than the id's shape.
pub fn parse_id<T: std::str::FromStr<Err = atlas_apikeys::IdError>>(
    value: &str,
    what: &str,
) -> Result<T, String> {
    value
        .trim()
        .parse()
        .map_err(|e: atlas_apikeys::IdError| format!("{what} {}: {}", e.shown(), e.problem()))
}
