//! The emulator's state: organizations, projects, keys, service accounts,
//! tokens, nonces, rate windows and counters, behind one lock.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::config::{ApiKey, Config, Grants, Org, Project, RateLimitConfig, ServiceAccount};
use crate::digest::Nonces;
use crate::faults::Faults;
use crate::roles::RoleSets;

/// What the server counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Requests to API routes.
    pub exchanges: u64,
    /// 401 answers carrying a digest challenge.
    pub challenges: u64,
    /// Of those, `stale=true`.
    pub stale: u64,
    /// Authenticated API requests.
    pub authenticated: u64,
    /// Token endpoint requests.
    pub token_requests: u64,
    /// Revoke endpoint requests.
    pub revocations: u64,
    /// 429 answers.
    pub rate_limited: u64,
    /// Injected faults.
    pub faults: u64,
}

/// Who made a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An API key, by id.
    Key(String),
    /// A service account, by client id.
    Account(String),
}

/// Everything mutable.
pub struct State {
    /// Accepted roles.
    pub roles: RoleSets,
    /// Organizations by id.
    pub orgs: HashMap<String, Org>,
    /// Projects by id.
    pub projects: HashMap<String, Project>,
    /// Keys by id.
    pub keys: BTreeMap<String, ApiKey>,
    /// Service accounts by client id.
    pub accounts: HashMap<String, ServiceAccount>,
    /// Access token → (client id, expiry).
    pub tokens: HashMap<String, (String, Instant)>,
    /// Digest nonces.
    pub nonces: Nonces,
    /// Fault injection.
    pub faults: Faults,
    /// Rate windows: caller → (window start, requests).
    pub windows: HashMap<String, (Instant, u32)>,
    /// Rate-limit token buckets.
    pub buckets: crate::buckets::Buckets,
    /// Counters.
    pub counters: Counters,
    /// Scripted answers and the request log.
    pub script: crate::script::Script,
    /// Keys' access lists, and the organizations that require them.
    pub access: crate::access::AccessLists,
}

/// At most this many live tokens; expired ones are dropped first.
const MAX_TOKENS: usize = 65_536;
/// At most this many rate windows.
const MAX_WINDOWS: usize = 65_536;

impl State {
    /// State from configuration.
    pub fn new(config: &Config) -> Self {
        let seed = &config.seed;
        Self {
            roles: config
                .roles
                .clone()
                .unwrap_or_else(|| RoleSets::documented(config.system)),
            orgs: by(&seed.organizations, |o| &o.id),
            projects: by(&seed.projects, |p| &p.id),
            keys: by(&seed.api_keys, |k| &k.id),
            accounts: by(&seed.service_accounts, |s| &s.client_id),
            tokens: HashMap::new(),
            nonces: Nonces::default(),
            faults: Faults::new(config.faults.clone()),
            windows: HashMap::new(),
            buckets: Default::default(),
            counters: Counters::default(),
            script: Default::default(),
            access: Default::default(),
        }
    }

    /// The key id of a public key.
    pub fn key_by_public(&self, public_key: &str) -> Option<String> {
        self.keys
            .values()
            .find(|k| k.public_key == public_key)
            .map(|k| k.id.clone())
    }

    /// What a caller may do.
    pub fn grants(&self, who: &Principal) -> Option<&Grants> {
        match who {
            Principal::Key(id) => self.keys.get(id).map(|k| &k.grants),
            Principal::Account(id) => self.accounts.get(id).map(|a| &a.grants),
        }
    }

    /// Issues an access token for a client: 256 random bits from the
    /// operating system, so a token cannot be guessed from another. `None`
    /// when the system has no randomness to give.
    pub fn issue_token(&mut self, client_id: &str, lifetime: Duration) -> Option<String> {
        if self.tokens.len() >= MAX_TOKENS {
            let now = Instant::now();
            self.tokens.retain(|_, (_, exp)| *exp > now);
            evict_earliest(&mut self.tokens, |(_, exp)| *exp, MAX_TOKENS);
        }
        let mut bits = [0u8; 32];
        getrandom::getrandom(&mut bits).ok()?;
        let hex: String = bits.iter().map(|b| format!("{b:02x}")).collect();
        let token = format!("eyJhbGciOiJub25lIn0.{hex}");
        self.tokens.insert(
            token.clone(),
            // Any configured lifetime, however large, without overflow.
            (
                client_id.to_owned(),
                Instant::now()
                    .checked_add(lifetime)
                    .unwrap_or_else(|| Instant::now() + Duration::from_secs(100 * 365 * 86_400)),
            ),
        );
        Some(token)
    }

    /// How many unexpired tokens `client_id` holds.
    pub fn active_tokens(&self, client_id: &str) -> usize {
        let now = Instant::now();
        self.tokens
            .values()
            .filter(|(owner, exp)| owner == client_id && *exp > now)
            .count()
    }

    /// The client a live token belongs to.
    pub fn token_owner(&self, token: &str) -> Option<String> {
        self.tokens
            .get(token)
            .filter(|(_, exp)| Instant::now() < *exp)
            .map(|(id, _)| id.clone())
    }

    /// Counts a request against `caller`'s window: `Ok(remaining)` or
    /// `Err(seconds until the window resets)`, counted as rate limited.
    pub fn take_rate(&mut self, caller: &str, limit: RateLimitConfig) -> Result<u32, u64> {
        let (limit, window) = (limit.requests, Duration::from_millis(limit.window_ms));
        let now = Instant::now();
        if self.windows.len() >= MAX_WINDOWS {
            self.windows
                .retain(|_, (start, _)| now.duration_since(*start) < window);
            evict_earliest(&mut self.windows, |(start, _)| *start, MAX_WINDOWS);
        }
        let entry = self.windows.entry(caller.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            self.counters.rate_limited += 1;
            let left = window.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(limit - entry.1)
    }
}

/// A seed list as a table keyed by `id`.
fn by<T: Clone, M: FromIterator<(String, T)>>(items: &[T], id: impl Fn(&T) -> &String) -> M {
    items.iter().map(|x| (id(x).clone(), x.clone())).collect()
}

/// Keeps a table under `cap` when every entry is still live: drops the
/// eighth of it that sorts first by `key` (the earliest to expire, or the
/// oldest), so a flood costs one sort per `cap / 8` inserts.
fn evict_earliest<V>(table: &mut HashMap<String, V>, key: impl Fn(&V) -> Instant, cap: usize) {
    if table.len() < cap {
        return;
    }
    let mut order: Vec<(Instant, String)> =
        table.iter().map(|(k, v)| (key(v), k.clone())).collect();
    order.sort_unstable();
    for (_, k) in order.into_iter().take(cap / 8 + 1) {
        table.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_stay_under_their_cap_when_every_entry_is_live() {
        let mut table: HashMap<String, Instant> = HashMap::new();
        let now = Instant::now();
        for i in 0..1000u64 {
            if table.len() >= 100 {
                evict_earliest(&mut table, |t| *t, 100);
            }
            table.insert(i.to_string(), now + Duration::from_secs(i));
        }
        assert!(table.len() <= 100, "{}", table.len());
        // The latest entries survive.
        assert!(table.contains_key("999"));
    }
}
