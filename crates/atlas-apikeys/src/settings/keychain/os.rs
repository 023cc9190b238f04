//! The operating system's keychain, through the `keyring` crate, read as
//! go-keyring (the Atlas CLI's library) writes it.

use std::time::Duration;

use secrecy::SecretString;

use super::{KEYCHAIN_TIMEOUT, KEYCHAIN_VALUE_BYTES, Keychain, KeychainError, SERVICE_PREFIX};

/// The OS keychain: the Secret Service on Linux and FreeBSD (over the
/// session bus that `DBUS_SESSION_BUS_ADDRESS` names), the login keychain
/// on macOS, the Credential Manager on Windows; elsewhere
/// [`KeychainError::Unsupported`]. Each read waits at most its timeout
/// ([`KEYCHAIN_TIMEOUT`] unless set). It never writes.
#[derive(Debug, Clone, Copy)]
pub struct OsKeychain {
    timeout: Duration,
}

impl Default for OsKeychain {
    fn default() -> Self {
        Self::new()
    }
}

impl OsKeychain {
    /// The keychain, waited on for at most [`KEYCHAIN_TIMEOUT`].
    pub fn new() -> Self {
        Self {
            timeout: KEYCHAIN_TIMEOUT,
        }
    }

    /// The same, waited on for at most `timeout`.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl Keychain for OsKeychain {
    fn read(
        &self,
        profile: &str,
        properties: &[&str],
    ) -> Result<Vec<Option<SecretString>>, KeychainError> {
        let service = format!("{SERVICE_PREFIX}{profile}");
        let properties: Vec<String> = properties.iter().map(|p| (*p).to_owned()).collect();
        within(self.timeout, move || {
            properties
                .iter()
                .map(|p| Ok(lookup(&service, p)?.map(SecretString::from)))
                .collect()
        })
    }
}

/// Runs `read` on a thread of its own and waits at most `timeout`: a
/// keychain that never answers is left behind, and goes with the process.
pub(super) fn within<T: Send + 'static>(
    timeout: Duration,
    read: impl FnOnce() -> Result<T, KeychainError> + Send + 'static,
) -> Result<T, KeychainError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keychain".into())
        .spawn(move || {
            let _ = tx.send(read());
        })
        .map_err(|e| KeychainError::Unavailable(format!("cannot start a thread: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(answer) => answer,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(KeychainError::TimedOut(timeout)),
        // The reader panicked: the platform library failed, not the wait.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(KeychainError::Unavailable(
            "the keychain's reader stopped without an answer".into(),
        )),
    }
}

/// The bytes stored for `account` under `service` by go-keyring: Secret
/// Service items matched on `service` and `username` alone, in any
/// collection (the keyring crate's own entries carry a `target` that
/// go-keyring's lack). Where several match (written by two tools), the
/// first, as go-keyring reads it.
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
fn stored(service: &str, account: &str) -> Result<Option<Vec<u8>>, KeychainError> {
    use keyring::secret_service::SsCredential;
    let all = SsCredential::new_with_no_target(service, account)
        .and_then(|c| c.get_all_passwords())
        .map_err(failed(service, account))?;
    Ok(all.into_iter().next().map(String::into_bytes))
}

/// A generic password of the login keychain, as go-keyring writes it.
#[cfg(target_os = "macos")]
fn stored(service: &str, account: &str) -> Result<Option<Vec<u8>>, KeychainError> {
    match keyring::Entry::new(service, account).and_then(|e| e.get_secret()) {
        Err(keyring::Error::NoEntry) => Ok(None),
        found => found.map(Some).map_err(failed(service, account)),
    }
}

/// A generic credential named `service:account`, as go-keyring writes it:
/// its blob is the value's UTF-8 bytes (read raw, not as the keyring
/// crate's own UTF-16).
#[cfg(windows)]
fn stored(service: &str, account: &str) -> Result<Option<Vec<u8>>, KeychainError> {
    let target = format!("{service}:{account}");
    let entry = keyring::Entry::new_with_target(&target, service, account);
    match entry.and_then(|e| e.get_secret()) {
        Err(keyring::Error::NoEntry) => Ok(None),
        found => found.map(Some).map_err(failed(service, account)),
    }
}

/// Elsewhere the keyring crate has no store of the platform's.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    windows
)))]
fn stored(_: &str, _: &str) -> Result<Option<Vec<u8>>, KeychainError> {
    Err(KeychainError::Unsupported)
}

/// A keyring failure, named by entry (keyring's messages never quote a
/// stored value).
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    windows
))]
fn failed(service: &str, account: &str) -> impl Fn(keyring::Error) -> KeychainError {
    let entry = format!("{service}/{account}");
    move |e| KeychainError::Unavailable(format!("{entry}: {e}"))
}

/// The value stored for `account` under `service`, if any.
fn lookup(service: &str, account: &str) -> Result<Option<String>, KeychainError> {
    let Some(bytes) = stored(service, account)? else {
        return Ok(None);
    };
    if bytes.len() > KEYCHAIN_VALUE_BYTES {
        return Err(KeychainError::Unavailable(format!(
            "{service}/{account}: the stored value is longer than {KEYCHAIN_VALUE_BYTES} bytes"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        KeychainError::Unavailable(format!(
            "{service}/{account}: the stored value is not UTF-8"
        ))
    })?;
    decode(text).map(Some)
}

/// A stored value as the Atlas CLI wrote it: go-keyring writes values on
/// macOS base64- or hex-encoded behind a marker.
pub(super) fn decode(value: String) -> Result<String, KeychainError> {
    use base64::Engine as _;
    let bad =
        |what: &str| KeychainError::Unavailable(format!("a stored value is not valid {what}"));
    let bytes = if let Some(b64) = value.strip_prefix("go-keyring-base64:") {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| bad("base64"))?
    } else if let Some(hex) = value.strip_prefix("go-keyring-encoded:") {
        let digit = |c: u8| (c as char).to_digit(16).ok_or_else(|| bad("hex"));
        hex.as_bytes()
            .chunks(2)
            .map(|pair| match pair {
                [h, l] => Ok((digit(*h)? * 16 + digit(*l)?) as u8),
                _ => Err(bad("hex")),
            })
            .collect::<Result<Vec<u8>, _>>()?
    } else {
        return Ok(value);
    };
    String::from_utf8(bytes).map_err(|_| bad("UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_keyrings_encoded_values_are_decoded_and_never_quoted() {
        let plain = "6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f";
        assert_eq!(decode(plain.into()).unwrap(), plain);
        let b64 = "go-keyring-base64:NmM2ZDdhNWUtMWI3Yy00ZDJiLTlhNTUtMWEyYjNjNGQ1ZTZm";
        assert_eq!(decode(b64.into()).unwrap(), plain);
        let hex: String = plain.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(decode(format!("go-keyring-encoded:{hex}")).unwrap(), plain);
        for bad in [
            "go-keyring-base64:6c6d7a5e!",
            "go-keyring-encoded:6c6d7a5e-1b7",
        ] {
            let e = decode(bad.into()).unwrap_err().to_string();
            assert!(!e.contains("6c6d7a5e"), "{e}");
        }
    }

    #[test]
    fn a_keychain_that_never_answers_is_left_behind() {
        let (_hold, wait) = std::sync::mpsc::channel::<()>();
        let r = within(Duration::from_millis(20), move || {
            // Blocks until the test ends: no answer ever comes.
            let _ = wait.recv();
            Ok(())
        });
        assert!(matches!(r, Err(KeychainError::TimedOut(_))), "{r:?}");
        assert_eq!(within(KEYCHAIN_TIMEOUT, || Ok(7)).unwrap(), 7);
        // A reader that fails outright is not reported as a timeout.
        let r = within(KEYCHAIN_TIMEOUT, || -> Result<(), _> {
            panic!("platform library")
        });
        assert!(matches!(r, Err(KeychainError::Unavailable(_))), "{r:?}");
    }
}
