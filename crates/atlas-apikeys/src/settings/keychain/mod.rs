//! An Atlas CLI profile's secrets from the operating system's keychain.
//! Newer Atlas CLI versions move a profile's credentials out of
//! `config.toml` into the keychain: one entry per property, under the
//! service `atlascli_<profile>` with the property's name as the account
//! (go-keyring's layout: Secret Service attributes `service` and `username`
//! on Linux, a generic password on macOS, the target `service:account` in
//! Windows' Credential Manager). As the Atlas CLI does, what the keychain
//! holds wins over the file, and the environment wins over both.

use std::time::Duration;

use secrecy::SecretString;

/// The keychain service of an Atlas CLI profile is this prefix and the
/// profile's name.
pub const SERVICE_PREFIX: &str = "atlascli_";

/// The properties the Atlas CLI keeps in the keychain that make up
/// credentials: an API key's two halves, then a service account's.
pub const PROPERTIES: [&str; 4] = [
    "public_api_key",
    "private_api_key",
    "client_id",
    "client_secret",
];

/// How long [`OsKeychain`] waits for the keychain: long enough for a
/// desktop's unlock prompt, short enough that a keychain that never
/// answers (no one to see its prompt) does not hang a script.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The largest value read from the keychain, in bytes: credentials are
/// tens of bytes.
pub const KEYCHAIN_VALUE_BYTES: usize = 4096;

/// Why the keychain could not be read. Never quotes a stored value.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// This build or platform reads no keychain.
    #[error("this build reads no keychain")]
    Unsupported,
    /// The keychain answered with an error, or is not there (no Secret
    /// Service on the session bus, no session bus).
    #[error("{0}")]
    Unavailable(String),
    /// The keychain did not answer in time.
    #[error("the keychain did not answer within {} s", .0.as_secs())]
    TimedOut(Duration),
}

/// A store of profiles' secrets: the OS keychain, or a test's table.
pub trait Keychain {
    /// The value of each of `properties` of profile `profile`, in order:
    /// `None` where nothing is stored.
    fn read(
        &self,
        profile: &str,
        properties: &[&str],
    ) -> Result<Vec<Option<SecretString>>, KeychainError>;
}

/// No keychain: says [`KeychainError::Unsupported`] to every read.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoKeychain;

impl Keychain for NoKeychain {
    fn read(&self, _: &str, _: &[&str]) -> Result<Vec<Option<SecretString>>, KeychainError> {
        Err(KeychainError::Unsupported)
    }
}

/// What came of asking the keychain, for the message when credentials
/// are still missing.
#[derive(Debug, Clone, Default)]
pub(super) enum Outcome {
    /// Never asked: [`Settings::read_keychain`](super::Settings::read_keychain)
    /// was not called, or the file held a whole credential.
    #[default]
    NotAsked,
    /// Not asked: the environment's credentials set the profile's aside.
    SetAside,
    /// Asked, and it could not answer.
    Failed(KeychainError),
    /// Asked, and it held this many of the properties asked for.
    Read(usize),
}

impl Outcome {
    /// Whether the keychain held any of the profile's credentials.
    pub(super) fn found_some(&self) -> bool {
        matches!(self, Outcome::Read(n) if *n > 0)
    }

    /// Why a profile whose file names credentials without their secrets
    /// gave none: the tail of the "no credentials" message.
    pub(super) fn explain(&self, profile: &str, path: &std::path::Path) -> String {
        let head = format!(
            "; the Atlas CLI profile {profile:?} ({}) keeps its secrets in the operating system's keychain",
            path.display()
        );
        let tail = "export them in those variables";
        match self {
            Outcome::NotAsked => format!("{head}, which was not read: {tail}"),
            Outcome::SetAside => format!(
                "{head}, not read since the environment sets credentials: export them whole in those variables"
            ),
            Outcome::Failed(KeychainError::Unsupported) => {
                format!("{head}, which this build does not read: {tail}")
            }
            Outcome::Failed(e) => format!("{head}, which could not be read ({e}): {tail}"),
            Outcome::Read(0) => format!(
                "{head}, which holds none of them (service {SERVICE_PREFIX}{profile}): {tail}"
            ),
            Outcome::Read(_) => format!(
                "{head}, where they are not whole (service {SERVICE_PREFIX}{profile}): {tail}"
            ),
        }
    }
}

/// The properties worth asking for: those the profile's `auth_type` names
/// (none for a user account, whose tokens these are not), and service
/// accounts' only where the system takes them (`oauth`). Fewer reads, and
/// on macOS fewer prompts.
pub(super) fn wanted(auth_type: Option<&str>, oauth: bool) -> &'static [&'static str] {
    let (key, account, all) = (&PROPERTIES[..2], &PROPERTIES[2..], &PROPERTIES[..]);
    match auth_type {
        Some("user_account") => &[],
        Some("api_keys") => key,
        Some("service_account") if oauth => account,
        _ if oauth => all,
        _ => key,
    }
}

/// Overlays what the keychain holds of `properties` for `profile` on the
/// file's values (the keychain wins, as in the Atlas CLI; a blank value
/// counts as none). Returns the key's and the service account's halves, and
/// what came of asking.
pub(super) fn overlay(
    keychain: &dyn Keychain,
    profile: &str,
    properties: &[&str],
    (mut key, mut account): (super::Halves, super::Halves),
) -> (super::Halves, super::Halves, Outcome) {
    tracing::info!(profile, ?properties, "reading the OS keychain");
    let values = match keychain.read(profile, properties) {
        Ok(values) if values.len() == properties.len() => values,
        Ok(_) => {
            let e = KeychainError::Unavailable("the keychain answered out of order".into());
            return (key, account, Outcome::Failed(e));
        }
        Err(e) => {
            tracing::info!(profile, error = %e, "the OS keychain could not be read");
            return (key, account, Outcome::Failed(e));
        }
    };
    let mut found = 0;
    for (property, value) in properties.iter().zip(values) {
        use secrecy::ExposeSecret as _;
        let Some(value) = value.map(|v| v.expose_secret().trim().to_owned()) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        found += 1;
        match *property {
            "public_api_key" => key.0 = Some(value),
            "private_api_key" => key.1 = Some(value.into()),
            "client_id" => account.0 = Some(value),
            "client_secret" => account.1 = Some(value.into()),
            _ => found -= 1,
        }
    }
    tracing::info!(profile, found, "read the OS keychain");
    (key, account, Outcome::Read(found))
}

#[cfg(feature = "keychain")]
pub use os::OsKeychain;

#[cfg(feature = "keychain")]
mod os;
