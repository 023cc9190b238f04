//! Credentials inside API payloads (a key's `privateKey`): sent and received
//! as plain JSON strings, never printed.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A secret string field of a request or response. `Debug` shows
/// `Secret([REDACTED])`; there is no `Display`; serializing writes
/// `"[REDACTED]"`, so a response record written out with serde (a log, a
/// cache, a report) keeps the secret out. [`Secret::exposed`] serializes the
/// value itself, for the one place that must write it.
///
/// ```
/// let s = atlas_apikeys_client::Secret::new("a0b1c2d3-e4f5");
/// assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#""[REDACTED]""#);
/// assert_eq!(serde_json::to_string(&s.exposed()).unwrap(), r#""a0b1c2d3-e4f5""#);
/// assert_eq!(s.expose_secret(), "a0b1c2d3-e4f5");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret's text. Keep it out of logs.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The secret, as something that serializes its text: asked for by
    /// name, never by serializing a record that holds it.
    pub fn exposed(&self) -> Exposed<'_> {
        Exposed(self)
    }
}

/// A [`Secret`] that serializes its text; made by [`Secret::exposed`].
#[derive(Clone, Copy)]
pub struct Exposed<'a>(&'a Secret);

impl fmt::Debug for Exposed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl serde::Serialize for Exposed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("[REDACTED]")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}
