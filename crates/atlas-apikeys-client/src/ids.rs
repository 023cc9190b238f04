//! Typed ids: 24 lowercase hexadecimal characters (`^([a-f0-9]{24})$`).
//!
//! [`OrgId`], [`ProjectId`] and [`ApiKeyId`] are distinct types, so an
//! organization id cannot be passed where a project id goes. Parse errors say
//! which id, which rule, and where the input breaks it.

use std::fmt;
use std::str::FromStr;

/// The number of characters in every id.
pub const ID_LEN: usize = 24;

/// Which kind of id an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdKind {
    /// An organization id (`orgId`).
    Org,
    /// A project id (`groupId`: Atlas calls projects groups).
    Project,
    /// An organization API key's id (`apiUserId`).
    ApiKey,
}

impl IdKind {
    /// The API's name for the field.
    pub fn field(self) -> &'static str {
        match self {
            Self::Org => "orgId",
            Self::Project => "groupId",
            Self::ApiKey => "apiUserId",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Org => "organization id",
            Self::Project => "project id",
            Self::ApiKey => "API key id",
        }
    }
}

const RULE: &str = "must be 24 hexadecimal characters (0-9, a-f, lower case)";

/// How an input breaks the id rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdProblem {
    /// The input is empty.
    #[error("{RULE}; got an empty string")]
    Empty,
    /// Valid characters, wrong count (counted in characters).
    #[error("{RULE}; got {found} characters")]
    Length {
        /// Characters found.
        found: usize,
    },
    /// An upper-case hex digit; ids are lower case.
    #[error("{RULE}; character {position} ({found:?}) is upper case, use {:?}", found.to_ascii_lowercase())]
    Uppercase {
        /// 1-based character position.
        position: usize,
        /// The character.
        found: char,
    },
    /// A character that is not a hex digit.
    #[error("{RULE}; character {position} ({found:?}) is not a hex digit")]
    NotHex {
        /// 1-based character position.
        position: usize,
        /// The character.
        found: char,
    },
    /// Eight letters or digits: an API key's public key, not its id.
    #[error(
        "{RULE}; this looks like an API key's 8-character public key: pass the key's 24-hex id (its `id` field) instead"
    )]
    PublicKey,
    /// Shaped like a private key (a UUID); the input is not shown.
    #[error(
        "{RULE}; this looks like a secret (a private key or a client secret), so it is not shown: pass the key's 24-hex id instead"
    )]
    PrivateKey,
}

/// An id that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} ({noun}) {shown}: {problem}", field = kind.field(), noun = kind.noun())]
pub struct IdError {
    kind: IdKind,
    shown: String,
    problem: IdProblem,
}

impl IdError {
    /// Which id.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// How the input breaks the rule.
    pub fn problem(&self) -> &IdProblem {
        &self.problem
    }

    /// The offending input as shown in messages: quoted, truncated, or
    /// withheld when it looks like a secret.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

fn parse(kind: IdKind, input: &str) -> Result<[u8; ID_LEN], IdError> {
    let fail = |problem: IdProblem| {
        let shown = match problem {
            IdProblem::PrivateKey => "(withheld)".to_owned(),
            _ => crate::shown::show(input),
        };
        Err(IdError {
            kind,
            shown,
            problem,
        })
    };
    // Every id in every response passes here: a fixed-size check with no
    // early exit, which the compiler turns into a few vector instructions.
    if let Ok(out) = <[u8; ID_LEN]>::try_from(input.as_bytes())
        && out.iter().fold(true, |ok, b| {
            ok & (b.is_ascii_digit() | (b'a'..=b'f').contains(b))
        })
    {
        return Ok(out);
    }
    if input.is_empty() {
        return fail(IdProblem::Empty);
    }
    if crate::shown::holds_secret(input) {
        return fail(IdProblem::PrivateKey);
    }
    if kind == IdKind::ApiKey
        && input.len() == 8
        && input.bytes().all(|b| b.is_ascii_alphanumeric())
        && input
            .bytes()
            .any(|b| b.is_ascii_alphabetic() && !b.is_ascii_hexdigit())
    {
        return fail(IdProblem::PublicKey);
    }
    for (i, c) in input.chars().enumerate() {
        let position = i + 1;
        if ('A'..='F').contains(&c) {
            return fail(IdProblem::Uppercase { position, found: c });
        }
        if !(c.is_ascii_digit() || ('a'..='f').contains(&c)) {
            return fail(IdProblem::NotHex { position, found: c });
        }
    }
    fail(IdProblem::Length {
        found: input.chars().count(),
    })
}

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; ID_LEN]);

        impl $name {
            /// Parses and validates an id.
            pub fn parse(input: &str) -> Result<Self, IdError> {
                parse($kind, input).map(Self)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                // Only ASCII hex is ever stored.
                std::str::from_utf8(&self.0).unwrap_or_default()
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(input: &str) -> Result<Self, IdError> {
                Self::parse(input)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;

            fn try_from(input: &str) -> Result<Self, IdError> {
                Self::parse(input)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(input: String) -> Result<Self, IdError> {
                Self::parse(&input)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

hex_id!(
    /// An organization id: 24 lowercase hex characters.
    ///
    /// ```
    /// use atlas_apikeys_client::OrgId;
    /// let org: OrgId = "32b6e34b3d91647abb20e7b8".parse()?;
    /// assert_eq!(org.as_str(), "32b6e34b3d91647abb20e7b8");
    /// assert!("32B6E34B3D91647ABB20E7B8".parse::<OrgId>().is_err());
    /// # Ok::<(), atlas_apikeys_client::ids::IdError>(())
    /// ```
    OrgId,
    IdKind::Org
);

hex_id!(
    /// A project id: 24 lowercase hex characters. Atlas calls projects
    /// *groups*, so the API names this `groupId`.
    ///
    /// ```
    /// use atlas_apikeys_client::ProjectId;
    /// let project = ProjectId::parse("5e2211c17a3e5a48f5497de3")?;
    /// assert_eq!(project.to_string(), "5e2211c17a3e5a48f5497de3");
    /// # Ok::<(), atlas_apikeys_client::ids::IdError>(())
    /// ```
    ProjectId,
    IdKind::Project
);

hex_id!(
    /// An organization API key's id (`apiUserId`): 24 lowercase hex
    /// characters. Not the key's 8-character public key.
    ///
    /// ```
    /// use atlas_apikeys_client::ApiKeyId;
    /// let err = ApiKeyId::parse("zmmrboas").unwrap_err();
    /// assert!(err.to_string().contains("public key"));
    /// ```
    ApiKeyId,
    IdKind::ApiKey
);
