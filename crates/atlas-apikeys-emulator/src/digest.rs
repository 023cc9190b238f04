//! Server-side HTTP Digest (RFC 7616, 2617, 2069): challenges, verified
//! responses, nonce lifetimes, and anti-replay checks on `nc`.
//!
//! By default a nonce's `nc` must exceed the highest count seen for it, as
//! the strictest servers (Apache's and lighttpd's digest modules among them)
//! require: a client that shares one nonce between concurrent requests, whose
//! counts then arrive out of order, is refused there and must be refused
//! here. `nc_window` relaxes this to "any unused count within the window".

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use md5::Digest;

/// At most this many live nonces; the oldest are dropped first.
pub const MAX_NONCES: usize = 65_536;

/// A challenge algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Algorithm {
    /// `MD5`
    #[serde(rename = "MD5")]
    Md5,
    /// `MD5-sess`
    #[serde(rename = "MD5-sess")]
    Md5Sess,
    /// `SHA-256`
    #[serde(rename = "SHA-256")]
    Sha256,
    /// `SHA-256-sess`
    #[serde(rename = "SHA-256-sess")]
    Sha256Sess,
}

impl Algorithm {
    /// The name in challenges.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
            Self::Sha256 => "SHA-256",
            Self::Sha256Sess => "SHA-256-sess",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// The hash of `parts` joined by `:`, in lower-case hex (RFC 7616).
    fn h(self, parts: &[&[u8]]) -> String {
        fn run<D: Digest>(parts: &[&[u8]]) -> String {
            let mut d = D::new();
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    d.update(b":");
                }
                d.update(p);
            }
            d.finalize().iter().map(|b| format!("{b:02x}")).collect()
        }
        match self {
            Self::Md5 | Self::Md5Sess => run::<md5::Md5>(parts),
            Self::Sha256 | Self::Sha256Sess => run::<sha2::Sha256>(parts),
        }
    }

    fn session(self) -> bool {
        matches!(self, Self::Md5Sess | Self::Sha256Sess)
    }
}

/// Digest settings.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigestConfig {
    /// The realm (Atlas: `MMS Public API`).
    pub realm: String,
    /// Challenges offered, in header order.
    pub algorithms: Vec<Algorithm>,
    /// Offer `qop="auth"` (false: RFC 2069 style).
    pub qop: bool,
    /// How long a nonce is accepted, in milliseconds.
    pub nonce_lifetime_ms: u64,
    /// 0 (the default, strict): each `nc` must exceed the highest seen for
    /// its nonce. N > 0: any unused count at most N below the highest passes.
    pub nc_window: u32,
    /// Offer `qop="auth,auth-int"` (verified per RFC 7616 §3.4.3: H(A2)
    /// covers H(entity-body)).
    pub offer_auth_int: bool,
    /// Spell algorithm names in lower case (`algorithm=md5`), as some
    /// servers do; RFC 7616 makes them case-insensitive.
    pub lowercase_algorithm: bool,
}

impl Default for DigestConfig {
    fn default() -> Self {
        Self {
            realm: "MMS Public API".into(),
            algorithms: vec![Algorithm::Md5],
            qop: true,
            nonce_lifetime_ms: 300_000,
            nc_window: 0,
            offer_auth_int: false,
            lowercase_algorithm: false,
        }
    }
}

struct Nonce {
    issued: Instant,
    max_nc: u32,
    seen: BTreeSet<u32>,
}

/// Issued nonces.
#[derive(Default)]
pub struct Nonces {
    live: HashMap<String, Nonce>,
    issued: u64,
}

/// The outcome of checking an `Authorization: Digest` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The response is right: the user name (public key) and algorithm used.
    Valid {
        /// The user.
        user: String,
        /// The algorithm answered.
        algorithm: Algorithm,
    },
    /// Answer with a fresh challenge; `stale` when only the nonce is bad.
    Challenge {
        /// Whether the nonce expired or is unknown.
        stale: bool,
    },
}

impl Nonces {
    /// How many nonces are live.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no nonce is live.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Forgets every nonce (the next request is answered `stale=true`).
    pub fn clear(&mut self) {
        self.live.clear();
    }

    /// `WWW-Authenticate` values for a 401: one challenge per algorithm.
    pub fn challenges(&mut self, config: &DigestConfig, stale: bool) -> Vec<String> {
        if self.live.len() >= MAX_NONCES {
            let lifetime = Duration::from_millis(config.nonce_lifetime_ms);
            self.live.retain(|_, n| n.issued.elapsed() <= lifetime);
            if self.live.len() >= MAX_NONCES {
                self.live.clear();
            }
        }
        config
            .algorithms
            .iter()
            .map(|algorithm| {
                self.issued += 1;
                let nonce = Algorithm::Sha256.h(&[
                    format!("{}:{:?}:{:p}", self.issued, Instant::now(), self).as_bytes(),
                ])[..32]
                    .to_owned();
                self.live.insert(
                    nonce.clone(),
                    Nonce {
                        issued: Instant::now(),
                        max_nc: 0,
                        seen: BTreeSet::new(),
                    },
                );
                let qop = match (config.qop, config.offer_auth_int) {
                    (false, _) => "",
                    (true, false) => ", qop=\"auth\"",
                    (true, true) => ", qop=\"auth,auth-int\"",
                };
                let name = if config.lowercase_algorithm {
                    algorithm.name().to_ascii_lowercase()
                } else {
                    algorithm.name().to_owned()
                };
                format!(
                    "Digest realm=\"{}\", domain=\"\", nonce=\"{nonce}\", algorithm={name}{qop}, stale={stale}",
                    config.realm,
                )
            })
            .collect()
    }

    /// Checks a `Digest` credentials header for `method`, the request
    /// target `target` and its `body` (for `auth-int`); `password` looks up a
    /// user's password.
    pub fn verify(
        &mut self,
        config: &DigestConfig,
        method: &str,
        target: &str,
        body: &[u8],
        credentials: &str,
        password: impl Fn(&str) -> Option<String>,
    ) -> Verdict {
        let fresh = Verdict::Challenge { stale: false };
        let Ok(parsed) = http_auth::parse_challenges(credentials) else {
            return fresh;
        };
        let Some(c) = parsed
            .into_iter()
            .find(|c| c.scheme.eq_ignore_ascii_case("Digest"))
        else {
            return fresh;
        };
        let param = |name: &str| {
            c.params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.to_unescaped())
        };
        let (Some(user), Some(nonce), Some(uri), Some(response)) = (
            param("username"),
            param("nonce"),
            param("uri"),
            param("response"),
        ) else {
            return fresh;
        };
        let Some(algorithm) =
            param("algorithm").map_or(Some(Algorithm::Md5), |a| Algorithm::parse(&a))
        else {
            return fresh;
        };
        if !config.algorithms.contains(&algorithm)
            || uri != target
            || param("realm").as_deref() != Some(config.realm.as_str())
        {
            return fresh;
        }
        let Some(password) = password(&user) else {
            return fresh;
        };
        let lifetime = Duration::from_millis(config.nonce_lifetime_ms);
        let Some(state) = self.live.get_mut(&nonce) else {
            return Verdict::Challenge { stale: true };
        };
        if state.issued.elapsed() > lifetime {
            self.live.remove(&nonce);
            return Verdict::Challenge { stale: true };
        }
        let realm = config.realm.as_bytes();
        let mut ha1 = algorithm.h(&[user.as_bytes(), realm, password.as_bytes()]);
        let mut ha2 = algorithm.h(&[method.as_bytes(), uri.as_bytes()]);
        let ok = if config.qop {
            let (Some(qop), Some(nc), Some(cnonce)) = (param("qop"), param("nc"), param("cnonce"))
            else {
                return fresh;
            };
            let Ok(count) = u32::from_str_radix(&nc, 16) else {
                return fresh;
            };
            let auth_int = qop == "auth-int" && config.offer_auth_int;
            if (qop != "auth" && !auth_int) || nc.len() != 8 || count == 0 {
                return fresh;
            }
            if auth_int {
                let body_hash = algorithm.h(&[body]);
                ha2 = algorithm.h(&[method.as_bytes(), uri.as_bytes(), body_hash.as_bytes()]);
            }
            let replay = if config.nc_window == 0 {
                count <= state.max_nc
            } else {
                state.seen.contains(&count)
                    || count.saturating_add(config.nc_window) <= state.max_nc
            };
            if replay {
                return fresh;
            }
            if algorithm.session() {
                ha1 = algorithm.h(&[ha1.as_bytes(), nonce.as_bytes(), cnonce.as_bytes()]);
            }
            let expected = algorithm.h(&[
                ha1.as_bytes(),
                nonce.as_bytes(),
                nc.as_bytes(),
                cnonce.as_bytes(),
                qop.as_bytes(),
                ha2.as_bytes(),
            ]);
            let ok = expected == response;
            if ok {
                state.seen.insert(count);
                state.max_nc = state.max_nc.max(count);
                if config.nc_window == 0 {
                    state.seen.clear();
                } else {
                    let floor = state.max_nc.saturating_sub(config.nc_window);
                    state.seen = state.seen.split_off(&floor);
                }
            }
            ok
        } else {
            algorithm.h(&[ha1.as_bytes(), nonce.as_bytes(), ha2.as_bytes()]) == response
        };
        if ok {
            Verdict::Valid { user, algorithm }
        } else {
            fresh
        }
    }
}
