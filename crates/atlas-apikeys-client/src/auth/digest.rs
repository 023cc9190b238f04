//! HTTP Digest (RFC 7616, 2617 and 2069) with nonce reuse that stays correct
//! under concurrency.
//!
//! A request answers a challenge the client learned earlier, so a call costs
//! one HTTP exchange instead of two. Strict servers require each nonce count
//! (`nc`) to exceed the last one they saw for that nonce; concurrent requests
//! sharing one nonce reach the server out of `nc` order and are refused as
//! replays. So a challenge is *leased* to one request at a time: an idle pool
//! holds the challenges no request is answering, a request takes one (or,
//! when all are busy, learns one of its own from a 401), and puts it back
//! after the response. Each nonce's counts then rise in the order its
//! requests are sent, and a busy client keeps about as many nonces as it has
//! requests in flight.
//!
//! http-auth parses challenges and computes responses; this module picks
//! the strongest challenge, normalises what http-auth would refuse (a
//! lower-case algorithm name), always answers `qop=auth` (http-auth's
//! `auth-int` hashes the body itself rather than H(body), against RFC 7616
//! §3.4.3), and decides when a 401 means "resend" and when "rejected".

use std::sync::Mutex;

use http_auth::digest::DigestClient;
use http_auth::{ChallengeRef, ParamValue, PasswordParams, digest::Algorithm};
use reqwest::header::{AUTHORIZATION, HeaderMap, WWW_AUTHENTICATE};
use secrecy::{ExposeSecret, SecretString};

use super::{AuthError, sensitive};

/// Idle challenges kept at most. A client with more requests in flight lets
/// the extra ones learn a challenge of their own and drops it afterwards, so
/// a burst cannot make the server track an unbounded number of nonces.
const MAX_IDLE: usize = 256;

/// Resends a `stale=true` answer to a fresh challenge allows, per attempt.
pub(crate) const STALE_RESENDS: u8 = 2;

/// Digest state for one client.
pub(crate) struct Digest {
    username: String,
    password: SecretString,
    /// Challenges no request is answering, most recently used last. The lock
    /// is held only to push or pop, never while computing or sending.
    idle: Mutex<Vec<DigestClient>>,
}

/// A challenge one request answers.
pub(crate) struct Lease {
    client: DigestClient,
    /// Learned from a 401 during this call (not reused): a 401 to it is the
    /// server's verdict on the credentials, not on the nonce.
    fresh: bool,
}

/// What to do after a 401.
pub(crate) enum After401 {
    /// Resend, answering this challenge.
    Resend(Lease),
    /// Give up with this error.
    Fail(AuthError),
}

impl Digest {
    pub(crate) fn new(username: String, password: SecretString) -> Self {
        Self {
            username,
            password,
            idle: Mutex::new(Vec::new()),
        }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<DigestClient>> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle challenge for one request, if any.
    pub(crate) fn lease(&self) -> Option<Lease> {
        self.idle().pop().map(|client| Lease {
            client,
            fresh: false,
        })
    }

    /// Puts a challenge back once its request has an answer that is not a
    /// 401 (or failed in transit: its count is spent either way, and the
    /// next is higher).
    pub(crate) fn release(&self, lease: Lease) {
        let mut idle = self.idle();
        if idle.len() < MAX_IDLE {
            idle.push(lease.client);
        }
    }

    /// Sets `Authorization` answering the leased challenge.
    pub(crate) fn authorize(
        &self,
        request: &mut reqwest::Request,
        lease: &mut Lease,
    ) -> Result<(), AuthError> {
        // The digest `uri`: the request target as sent (path and query).
        let url = request.url();
        let uri = &url[url::Position::BeforePath..url::Position::AfterQuery];
        let header = lease
            .client
            .respond(&PasswordParams {
                username: &self.username,
                password: self.password.expose_secret(),
                uri,
                method: request.method().as_str(),
                // Never `auth-int`: see the module docs.
                body: None,
            })
            .map_err(AuthError::BadChallenge)?;
        let value = sensitive(&header)
            .ok_or_else(|| AuthError::BadChallenge("response is not a valid header".into()))?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(())
    }

    /// Handles a 401 to a request that answered `used` (`None`: sent
    /// without credentials). A 401 to a reused challenge (its nonce expired,
    /// or this server instance does not know it, or its count arrived late)
    /// is resent with the fresh challenge the 401 carries. A 401 to a fresh
    /// challenge means the credentials are wrong, unless it says
    /// `stale=true`, which `stale_resends` bounds per attempt.
    pub(crate) fn after_401(
        &self,
        headers: &HeaderMap,
        used: Option<Lease>,
        stale_resends: &mut u8,
    ) -> After401 {
        let challenges: Vec<&str> = headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if challenges.is_empty() {
            return After401::Fail(AuthError::NoChallenge);
        }
        let client = match strongest(&challenges) {
            Ok(client) => client,
            Err(e) => return After401::Fail(AuthError::BadChallenge(e)),
        };
        let resend = |client| {
            After401::Resend(Lease {
                client,
                fresh: true,
            })
        };
        match used {
            None => resend(client),
            Some(lease) if !lease.fresh => resend(client),
            Some(_) if client.stale() && *stale_resends > 0 => {
                *stale_resends -= 1;
                resend(client)
            }
            Some(_) => After401::Fail(AuthError::Rejected { detail: None }),
        }
    }
}

/// Picks the strongest Digest challenge among `headers`: SHA-512-256 over
/// SHA-256 over MD5; among equals, one offering a qop over RFC 2069 style.
pub(crate) fn strongest(headers: &[&str]) -> Result<DigestClient, String> {
    let mut best: Option<(u8, DigestClient)> = None;
    let mut error = None;
    for header in headers {
        let parsed = match http_auth::parse_challenges(header) {
            Ok(p) => p,
            Err(e) => {
                error.get_or_insert_with(|| format!("malformed challenge: {e}"));
                continue;
            }
        };
        for challenge in parsed
            .iter()
            .filter(|c| c.scheme.eq_ignore_ascii_case("Digest"))
        {
            match DigestClient::try_from(&normalised(challenge)) {
                Ok(client) => {
                    let rank = rank(&client);
                    if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                        best = Some((rank, client));
                    }
                }
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
    }
    match best {
        Some((_, client)) => Ok(client),
        None => Err(error.unwrap_or_else(|| "no Digest challenge offered".into())),
    }
}

/// The challenge with its algorithm name spelled as http-auth expects
/// (`md5` → `MD5`, `sha-256-SESS` → `SHA-256-sess`): RFC 7616 makes the
/// name case-insensitive, http-auth matches it exactly.
fn normalised<'i>(challenge: &ChallengeRef<'i>) -> ChallengeRef<'i> {
    const NAMES: [&str; 6] = [
        "MD5",
        "MD5-sess",
        "SHA-256",
        "SHA-256-sess",
        "SHA-512-256",
        "SHA-512-256-sess",
    ];
    let mut out = challenge.clone();
    for (key, value) in out.params.iter_mut() {
        if key.eq_ignore_ascii_case("algorithm")
            && let Some(name) = NAMES
                .iter()
                .find(|n| n.eq_ignore_ascii_case(&value.to_unescaped()))
            && let Ok(v) = ParamValue::try_from_escaped(name)
        {
            *value = v;
        }
    }
    out
}

fn rank(client: &DigestClient) -> u8 {
    let algorithm = match client.algorithm() {
        Algorithm::Md5 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512Trunc256 => 3,
        _ => 0,
    };
    algorithm * 2 + u8::from(!client.rfc2069_compat())
}

#[cfg(test)]
mod tests {
    //! The challenge parser sees whatever a server (or a proxy in front of
    //! it) sends. Property tests stand in for a fuzzer here: cargo-fuzz
    //! needs a nightly toolchain.

    use proptest::prelude::*;

    use super::*;

    const ATLAS: &str = r#"Digest realm="MMS Public API", domain="", nonce="kWjkVVgi6ZVlfPSxcrkZVnP8MjA9kcbn", algorithm=MD5, qop="auth", stale=false"#;

    #[test]
    fn atlas_challenge_is_accepted() {
        let client = strongest(&[ATLAS]).unwrap();
        assert_eq!(client.algorithm(), Algorithm::Md5);
        assert_eq!(client.realm(), "MMS Public API");
        assert!(!client.stale());
    }

    #[test]
    fn the_strongest_of_several_challenges_wins() {
        let md5 = r#"Digest realm="r", nonce="a", algorithm=MD5, qop="auth""#;
        let sha = r#"Digest realm="r", nonce="b", algorithm=SHA-256, qop="auth""#;
        let both = format!("{md5}, {sha}");
        assert_eq!(
            strongest(&[md5, sha]).unwrap().algorithm(),
            Algorithm::Sha256
        );
        assert_eq!(
            strongest(&[sha, md5]).unwrap().algorithm(),
            Algorithm::Sha256
        );
        assert_eq!(strongest(&[&both]).unwrap().nonce(), "b");
        // An unsupported one beside a supported one is skipped.
        let rot = r#"Digest realm="r", nonce="c", algorithm=ROT13, qop="auth""#;
        assert_eq!(strongest(&[rot, md5]).unwrap().nonce(), "a");
        // Unquoted values and RFC 2069 style (no qop) parse too.
        assert!(
            strongest(&["Digest realm=r, nonce=n"])
                .unwrap()
                .rfc2069_compat()
        );
    }

    #[test]
    fn unusable_challenges_are_errors() {
        for bad in [
            "",
            "Basic realm=\"x\"",
            "Digest",
            "Digest realm=\"x\"",
            "Digest nonce=\"n\"",
            "Digest realm=\"x, nonce=\"n\"",
            "Digest realm=x, nonce=n, algorithm=ROT13",
        ] {
            assert!(strongest(&[bad]).is_err(), "{bad:?}");
        }
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Digest".to_owned()),
            Just("digest".to_owned()),
            Just("Basic".to_owned()),
            "[A-Za-z-]{1,8}",
        ]
    }

    fn param() -> impl Strategy<Value = String> {
        let name = prop_oneof![
            Just("realm"),
            Just("nonce"),
            Just("qop"),
            Just("algorithm"),
            Just("stale"),
            Just("opaque"),
            Just("domain"),
            Just("charset"),
            Just("userhash"),
            Just("x"),
        ];
        let value = prop_oneof![
            "\"[ -~]{0,12}\"",
            "[A-Za-z0-9-]{0,12}",
            Just("\"auth,auth-int\"".to_owned()),
            Just("MD5-sess".to_owned()),
            Just("SHA-512-256".to_owned()),
            Just("\"unterminated".to_owned()),
            Just("\"esc\\\"aped\"".to_owned()),
        ];
        (name, value).prop_map(|(n, v)| format!("{n}={v}"))
    }

    fn challenge() -> impl Strategy<Value = String> {
        (token(), prop::collection::vec(param(), 0..8), "[ ,]{1,3}")
            .prop_map(|(t, ps, sep)| format!("{t} {}", ps.join(&sep)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn arbitrary_text_never_panics(s in any::<String>()) {
            let _ = strongest(&[&s]);
        }

        #[test]
        fn challenge_shaped_text_never_panics(cs in prop::collection::vec(challenge(), 1..4)) {
            let refs: Vec<&str> = cs.iter().map(String::as_str).collect();
            let _ = strongest(&refs);
            let joined = cs.join(", ");
            if let Ok(mut client) = strongest(&[&joined]) {
                // Whatever parsed must also be answerable or refuse cleanly.
                let _ = client.respond(&PasswordParams {
                    username: "u",
                    password: "p",
                    uri: "/x",
                    method: "GET",
                    body: None,
                });
            }
        }
    }
}
