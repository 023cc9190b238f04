//! Credential pairs (public and private key, or client id and secret),
//! whole or in part, as read from one place: the environment or the
//! profile. The two places are never mixed: credentials come from the
//! environment as a unit when it sets any that the system takes.

use secrecy::SecretString;

/// A credential pair read from one place.
#[derive(Debug, Clone, Default)]
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
    fn read((id, secret): Halves) -> Self {
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

    /// Whether either half is set.
    fn any(&self) -> bool {
        self.id.is_some() || self.missing.is_some()
    }
}

/// Both kinds of pair, as one place holds them.
#[derive(Debug, Clone, Default)]
pub(super) struct Found {
    /// The programmatic API key.
    pub(super) key: Credential,
    /// The service account.
    pub(super) account: Credential,
}

impl Found {
    pub(super) fn read(key: Halves, account: Halves) -> Self {
        Self {
            key: Credential::read(key),
            account: Credential::read(account),
        }
    }

    /// Whether a whole pair of a kind the system takes is set (`oauth`:
    /// service accounts are taken too).
    pub(super) fn whole(&self, oauth: bool) -> bool {
        self.key.pair.is_some() || (oauth && self.account.pair.is_some())
    }

    /// Whether any half of a kind the system takes is set (`oauth`: service
    /// accounts are taken too).
    pub(super) fn any(&self, oauth: bool) -> bool {
        self.key.any() || (oauth && self.account.any())
    }
}
