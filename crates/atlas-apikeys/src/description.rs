//! API key descriptions: 1 to 250 characters, counted as JSON Schema counts
//! them (Unicode code points, not bytes).

use std::fmt;

use crate::shown::show;

/// The fewest characters a description may have.
pub const MIN_CHARS: usize = 1;
/// The most characters a description may have.
pub const MAX_CHARS: usize = 250;

/// A validated API key description.
///
/// ```
/// use atlas_apikeys::Description;
/// let d = Description::new("déploiement 🚀")?;
/// assert_eq!(d.as_str(), "déploiement 🚀");
/// assert!(Description::new("").is_err());
/// assert!(Description::new("é".repeat(250)).is_ok()); // 500 bytes, 250 characters
/// assert!(Description::new("x".repeat(251)).is_err());
/// # Ok::<(), atlas_apikeys::DescriptionError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Description(String);

/// A description outside 1 to 250 characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "desc {shown}: must be {MIN_CHARS} to {MAX_CHARS} characters (Unicode code points); got {chars}"
)]
pub struct DescriptionError {
    chars: usize,
    shown: String,
}

impl DescriptionError {
    /// The number of characters the input had.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The offending input as shown in messages (quoted, truncated).
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl Description {
    /// Validates a description.
    pub fn new(text: impl Into<String>) -> Result<Self, DescriptionError> {
        let text = text.into();
        let chars = text.chars().count();
        if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
            Ok(Self(text))
        } else {
            Err(DescriptionError {
                chars,
                shown: show(&text),
            })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::str::FromStr for Description {
    type Err = DescriptionError;

    fn from_str(text: &str) -> Result<Self, DescriptionError> {
        Self::new(text)
    }
}

impl TryFrom<&str> for Description {
    type Error = DescriptionError;

    fn try_from(text: &str) -> Result<Self, DescriptionError> {
        Self::new(text)
    }
}

impl TryFrom<String> for Description {
    type Error = DescriptionError;

    fn try_from(text: String) -> Result<Self, DescriptionError> {
        Self::new(text)
    }
}

impl AsRef<str> for Description {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Description({:?})", self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Description {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
