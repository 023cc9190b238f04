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

/// The properties the Atlas CLI keeps in the keychain that name
/// credentials, in the order [`Keychain::read`] answers them.
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

/// No keychain: what [`Settings::load`](super::Settings::load) uses.
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
    /// Not asked: the environment's credentials set the profile's aside,
    /// or the file held a whole one.
    #[default]
    NotAsked,
    /// Asked, and it could not answer.
    Failed(KeychainError),
    /// Asked, and it held this many of [`PROPERTIES`].
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
        match self {
            Outcome::NotAsked => format!(
                "{head}, not read since the environment sets credentials: export them whole in those variables"
            ),
            Outcome::Failed(KeychainError::Unsupported) => {
                format!("{head}, which this build does not read: export them in those variables")
            }
            Outcome::Failed(e) => {
                format!("{head}, which could not be read ({e}): export them in those variables")
            }
            Outcome::Read(0) => format!(
                "{head}, which holds none of them (service {SERVICE_PREFIX}{profile}): export them in those variables"
            ),
            Outcome::Read(_) => format!(
                "{head}, where they are not whole (service {SERVICE_PREFIX}{profile}): export them in those variables"
            ),
        }
    }
}

/// Overlays what the keychain holds for `profile` on the file's values
/// (the keychain wins, as in the Atlas CLI). Returns the key's and the
/// service account's halves, and what came of asking.
pub(super) fn overlay(
    keychain: &dyn Keychain,
    profile: &str,
    key: super::Halves,
    account: super::Halves,
) -> (super::Halves, super::Halves, Outcome) {
    let values = match keychain.read(profile, &PROPERTIES) {
        Ok(values) if values.len() == PROPERTIES.len() => values,
        Ok(_) => {
            let e = KeychainError::Unavailable("the keychain answered out of order".into());
            return (key, account, Outcome::Failed(e));
        }
        Err(e) => {
            tracing::debug!(profile, error = %e, "keychain not read");
            return (key, account, Outcome::Failed(e));
        }
    };
    let found = values.iter().flatten().count();
    tracing::debug!(profile, found, "keychain read");
    let mut values = values.into_iter();
    let mut next = || values.next().flatten();
    let expose = |s: SecretString| secrecy::ExposeSecret::expose_secret(&s).to_owned();
    let (public, private, id, secret) = (next(), next(), next(), next());
    let key = (public.map(expose).or(key.0), private.or(key.1));
    let account = (id.map(expose).or(account.0), secret.or(account.1));
    (key, account, Outcome::Read(found))
}

#[cfg(feature = "keychain")]
pub use os::OsKeychain;

#[cfg(feature = "keychain")]
mod os;
