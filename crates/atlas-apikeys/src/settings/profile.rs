//! The Atlas CLI's `config.toml`: where it is and what one profile holds.

use std::path::{Path, PathBuf};

use atlas_apikeys_client::System;
use secrecy::SecretString;

use super::{Env, SettingsError};

/// One profile of the Atlas CLI's `config.toml`. Secret fields never print:
/// they are `SecretString`s, whose `Debug` shows `[REDACTED]`.
#[derive(Clone, Default, Debug)]
#[non_exhaustive]
pub struct Profile {
    /// The profile's name (`default` unless chosen).
    pub name: String,
    /// The file it came from.
    pub path: PathBuf,
    /// `org_id`.
    pub org_id: Option<String>,
    /// `project_id`.
    pub project_id: Option<String>,
    /// `public_api_key`.
    pub public_api_key: Option<String>,
    /// `private_api_key`.
    pub private_api_key: Option<SecretString>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `client_secret`.
    pub client_secret: Option<SecretString>,
    /// `service`: `cloud`, `cloudgov`, `cloud-manager` or `ops-manager`.
    pub service: Option<String>,
    /// `ops_manager_url`.
    pub ops_manager_url: Option<String>,
    /// `ops_manager_ca_certificate`: a PEM file of CA certificates.
    pub ops_manager_ca_certificate: Option<String>,
    /// `ops_manager_skip_verify`: `true` to skip TLS verification.
    pub ops_manager_skip_verify: Option<String>,
    /// `base_url` (this tool's own key).
    pub base_url: Option<String>,
    /// `api_version` (this tool's own key).
    pub api_version: Option<String>,
    /// `auth_type`, as newer Atlas CLI versions write it.
    pub auth_type: Option<String>,
    /// `output`: the Atlas CLI's output format (`json`, `plaintext`).
    pub output: Option<String>,
}

/// The settings a profile may hold, each a string.
const KEYS: [&str; 15] = [
    "org_id",
    "project_id",
    "public_api_key",
    "private_api_key",
    "client_id",
    "client_secret",
    "service",
    "ops_manager_url",
    "ops_manager_ca_certificate",
    "ops_manager_skip_verify",
    "base_url",
    "api_version",
    "auth_type",
    "output",
    "access_token",
];

/// The largest configuration file read: the Atlas CLI's holds a few
/// profiles of a dozen lines.
pub const CONFIG_BYTES: u64 = 1 << 20;

/// A number that reads as a date, `YYYYMMDD`.
fn is_yyyymmdd(n: i64) -> bool {
    (10_000_101..=99_991_231).contains(&n)
}

/// The largest CA certificate file read: a bundle of a few hundred CAs.
pub const CA_CERT_BYTES: u64 = 1 << 20;

/// A file's text, at most `limit` bytes: a larger one is refused before it
/// is read whole. `what` names it in the error.
pub(super) fn read_bounded(path: &Path, limit: u64, what: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the {} KiB limit for {what}",
            limit >> 10
        )));
    }
    Ok(text)
}

/// Where the Atlas CLI keeps `config.toml`: `$XDG_CONFIG_HOME/atlascli`,
/// else `~/.config/atlascli` (`~/Library/Application Support/atlascli` on
/// macOS, `%AppData%\atlascli` on Windows).
pub fn atlas_cli_config_path(env: &dyn Env) -> Option<PathBuf> {
    if let Some(xdg) = env.var("XDG_CONFIG_HOME") {
        return Some(Path::new(&xdg).join("atlascli").join("config.toml"));
    }
    if cfg!(windows) {
        return env
            .var("APPDATA")
            .map(|d| Path::new(&d).join("atlascli").join("config.toml"));
    }
    let home = env.var("HOME")?;
    let base = if cfg!(target_os = "macos") {
        Path::new(&home).join("Library").join("Application Support")
    } else {
        Path::new(&home).join(".config")
    };
    Some(base.join("atlascli").join("config.toml"))
}

impl Profile {
    /// Reads profile `name` (or `default`) from the Atlas CLI's configuration.
    /// No file, or no `default` profile when none was named, is `Ok(None)`;
    /// a named profile that is missing is an error.
    pub fn load(env: &dyn Env, name: Option<&str>) -> Result<Option<Profile>, SettingsError> {
        let Some(path) = atlas_cli_config_path(env) else {
            return Ok(None);
        };
        let text = match read_bounded(&path, CONFIG_BYTES, "a configuration file") {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return match name {
                    Some(name) => Err(SettingsError::NoSuchProfile {
                        name: name.to_owned(),
                        path,
                        known: "none: the file does not exist".into(),
                    }),
                    None => Ok(None),
                };
            }
            Err(e) => {
                return Err(SettingsError::Unreadable {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        Self::parse(&text, &path, name)
    }

    /// Reads profile `name` (or `default`) from `config.toml` text.
    pub fn parse(
        text: &str,
        path: &Path,
        name: Option<&str>,
    ) -> Result<Option<Profile>, SettingsError> {
        let unreadable = |line: Option<usize>, reason: String| SettingsError::Unreadable {
            path: path.to_owned(),
            reason: match line {
                Some(line) => format!("line {line}: {reason}"),
                None => reason,
            },
        };
        let line_of = |offset: usize| {
            let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
            before.iter().filter(|b| **b == b'\n').count() + 1
        };
        // The message and line only: the parser's excerpt could hold a secret.
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            unreadable(e.span().map(|s| line_of(s.start)), e.message().to_owned())
        })?;
        let wanted = name.unwrap_or("default");
        let Some(section) = table.get(wanted).and_then(toml::Value::as_table) else {
            return match name {
                None => Ok(None),
                Some(name) => Err(SettingsError::NoSuchProfile {
                    name: name.to_owned(),
                    path: path.to_owned(),
                    known: table
                        .iter()
                        .filter(|(_, v)| v.is_table())
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            };
        };
        // Every setting is a string; the one that names a date may also be
        // written as the number `20250219`. Anything else is refused by name
        // (a value silently ignored would send with another setting).
        for (key, value) in section {
            let date = key == "api_version" && value.as_integer().is_some_and(is_yyyymmdd);
            if KEYS.contains(&key.as_str()) && !value.is_str() && !date {
                return Err(unreadable(
                    None,
                    format!(
                        "profile {wanted:?}: {key} must be a string, not a {}",
                        value.type_str()
                    ),
                ));
            }
        }
        let text = |key: &str| {
            let value = section.get(key)?;
            let text = match value.as_integer() {
                Some(n) => {
                    let n = n.to_string();
                    format!("{}-{}-{}", &n[..4], &n[4..6], &n[6..])
                }
                None => value.as_str()?.trim().to_owned(),
            };
            (!text.is_empty()).then_some(text)
        };
        let secret = |key: &str| text(key).map(SecretString::from);
        Ok(Some(Profile {
            name: wanted.to_owned(),
            path: path.to_owned(),
            org_id: text("org_id"),
            project_id: text("project_id"),
            public_api_key: text("public_api_key"),
            private_api_key: secret("private_api_key"),
            client_id: text("client_id"),
            client_secret: secret("client_secret"),
            service: text("service"),
            ops_manager_url: text("ops_manager_url"),
            ops_manager_ca_certificate: text("ops_manager_ca_certificate"),
            ops_manager_skip_verify: text("ops_manager_skip_verify"),
            base_url: text("base_url"),
            api_version: text("api_version"),
            auth_type: text("auth_type"),
            output: text("output"),
        }))
    }

    /// The system `service` names, if it names one.
    pub fn system(&self) -> Option<System> {
        match self.service.as_deref()? {
            "cloud" | "cloudgov" | "atlas" => Some(System::Atlas),
            "cloud-manager" | "cloud_manager" | "cm" => Some(System::CloudManager),
            "ops-manager" | "ops_manager" | "om" => Some(System::OpsManager),
            _ => None,
        }
    }

    /// The API key's halves, as the file holds them.
    pub(super) fn key(&self) -> super::Halves {
        (self.public_api_key.clone(), self.private_api_key.clone())
    }

    /// The service account's halves, as the file holds them.
    pub(super) fn account(&self) -> super::Halves {
        (self.client_id.clone(), self.client_secret.clone())
    }

    /// Whether the profile names credentials but keeps their secret
    /// elsewhere (newer Atlas CLI versions use the OS keychain).
    pub(super) fn secret_kept_elsewhere(&self) -> bool {
        (self.public_api_key.is_some() && self.private_api_key.is_none())
            || (self.client_id.is_some() && self.client_secret.is_none())
            || (self.public_api_key.is_none()
                && self.client_id.is_none()
                && self
                    .auth_type
                    .as_deref()
                    .is_some_and(|t| t != "user_account"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_parses_and_hides_its_secrets() {
        let text = "[default]\n  org_id = \"32b6e34b3d91647abb20e7b8\"\n  public_api_key = \"abcdefgh\"\n  private_api_key = \"6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f\"\n  service = \"cloud\"\n[other]\n  service = \"ops-manager\"\n";
        let p = Profile::parse(text, Path::new("c.toml"), None)
            .unwrap()
            .unwrap();
        assert_eq!(p.org_id.as_deref(), Some("32b6e34b3d91647abb20e7b8"));
        assert_eq!(p.system(), Some(System::Atlas));
        let shown = format!("{p:?}");
        assert!(!shown.contains("6c6d7a5e"), "{shown}");
        assert!(
            shown.contains("abcdefgh"),
            "the public key is not a secret: {shown}"
        );
        let service_account = Profile {
            client_secret: Some("mdb_sa_sk_hidden".into()),
            ..p.clone()
        };
        assert!(!format!("{service_account:?}").contains("mdb_sa_sk_hidden"));
        let other = Profile::parse(text, Path::new("c.toml"), Some("other"))
            .unwrap()
            .unwrap();
        assert_eq!(other.system(), Some(System::OpsManager));
        let missing = Profile::parse(text, Path::new("c.toml"), Some("nope")).unwrap_err();
        assert!(missing.to_string().contains("default, other"), "{missing}");
    }

    #[test]
    fn a_bad_file_never_quotes_its_text() {
        let text = "[default]\nprivate_api_key = \"6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f\n";
        let e = Profile::parse(text, Path::new("c.toml"), None).unwrap_err();
        assert!(!e.to_string().contains("6c6d7a5e"), "{e}");
    }
}
