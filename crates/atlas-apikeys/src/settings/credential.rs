//! A credential pair (public and private key, or client id and secret),
//! whole or in part, and where it was read from.

use secrecy::SecretString;

/// A credential pair (public and private key, or client id and secret) read
/// from one place: the environment when either half is set there, else the
/// profile. Half from each would mix two identities.
pub(super) struct Credential {
    /// Both halves.
    pub(super) pair: Option<(String, SecretString)>,
    /// The id half (public key, client id), whether or not the pair is whole.
    pub(super) id: Option<String>,
    /// The half that is missing when only one is set.
    pub(super) missing: Option<Half>,
}

/// A half of a credential pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Half {
    Id,
    Secret,
}

pub(super) type Halves = (Option<String>, Option<SecretString>);

impl Credential {
    pub(super) fn choose(env: Halves, profile: Halves) -> Self {
        let (id, secret) = if env.0.is_some() || env.1.is_some() {
            env
        } else {
            profile
        };
        let missing = match (&id, &secret) {
            (Some(_), None) => Some(Half::Secret),
            (None, Some(_)) => Some(Half::Id),
            _ => None,
        };
        Self {
            pair: id.clone().zip(secret),
            id,
            missing,
        }
    }
}
