//! HTTP Digest (RFC 7616, 2617 and 2069) with nonce reuse.
//!
//! The first request learns the server's challenge from its 401; every later
//! request answers that challenge pre-emptively with an incremented nonce
//! count, so a call costs one HTTP exchange instead of two. http-auth parses
//! challenges and computes responses; this module picks the strongest
//! challenge, caches it, and decides when to re-challenge.
//!
//! Concurrency: the cached client sits behind a `std::sync::Mutex` held only
//! while computing one header (never across an await), so concurrent calls
//! share the nonce with strictly increasing `nc` values.

use std::sync::Mutex;

use http_auth::{ChallengeRef, PasswordParams, digest::Algorithm};
use reqwest::header::{AUTHORIZATION, HeaderMap, WWW_AUTHENTICATE};
use secrecy::{ExposeSecret, SecretString};

use super::{AuthError, sensitive};

/// Digest state for one client.
pub(crate) struct Digest {
    username: String,
    password: SecretString,
    cached: Mutex<Option<http_auth::digest::DigestClient>>,
}

/// What to do after a 401.
pub(crate) enum After401 {
    /// A new challenge was adopted: resend once.
    Resend,
    /// Give up with this error.
    Fail(AuthError),
}

impl Digest {
    pub(crate) fn new(username: String, password: SecretString) -> Self {
        Self {
            username,
            password,
            cached: Mutex::new(None),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<http_auth::digest::DigestClient>> {
        self.cached.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets the cached challenge.
    pub(crate) fn forget(&self) {
        *self.lock() = None;
    }

    /// Adds a pre-emptive `Authorization` header when a challenge is cached.
    /// Returns whether it did.
    pub(crate) fn authorize(&self, request: &mut reqwest::Request) -> Result<bool, AuthError> {
        let mut cached = self.lock();
        let Some(client) = cached.as_mut() else {
            return Ok(false);
        };
        let uri = request_uri(request.url());
        let method = request.method().as_str().to_owned();
        let body = request.body().and_then(|b| b.as_bytes());
        let header = client
            .respond(&PasswordParams {
                username: &self.username,
                password: self.password.expose_secret(),
                uri: &uri,
                method: &method,
                body,
            })
            .map_err(AuthError::BadChallenge)?;
        drop(cached);
        let value = sensitive(&header)
            .ok_or_else(|| AuthError::BadChallenge("response is not a valid header".into()))?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(true)
    }

    /// Handles a 401: adopts the challenge it carries, and says whether to
    /// resend. Each call may resend once: after learning the challenge, or
    /// after a cached nonce went stale or is unknown to this server
    /// instance. A 401 to that resend (an answer to a fresh challenge) means
    /// the credentials are wrong.
    pub(crate) fn after_401(&self, headers: &HeaderMap, may_resend: bool) -> After401 {
        let challenges: Vec<&str> = headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if challenges.is_empty() {
            return After401::Fail(AuthError::NoChallenge);
        }
        match strongest(&challenges) {
            Ok(client) => *self.lock() = Some(client),
            Err(e) => return After401::Fail(AuthError::BadChallenge(e)),
        }
        if may_resend {
            After401::Resend
        } else {
            After401::Fail(AuthError::Rejected { detail: None })
        }
    }
}

/// Picks the strongest Digest challenge among `headers`: SHA-512-256 over
/// SHA-256 over MD5; among equals, one offering a qop over RFC 2069 style.
pub(crate) fn strongest(headers: &[&str]) -> Result<http_auth::digest::DigestClient, String> {
    let mut best: Option<(u8, http_auth::digest::DigestClient)> = None;
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
            match http_auth::digest::DigestClient::try_from(challenge as &ChallengeRef<'_>) {
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

fn rank(client: &http_auth::digest::DigestClient) -> u8 {
    let algorithm = match client.algorithm() {
        Algorithm::Md5 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512Trunc256 => 3,
        _ => 0,
    };
    algorithm * 2 + u8::from(!client.rfc2069_compat())
}

/// The digest `uri`: the request target as sent (path and query).
pub(crate) fn request_uri(url: &reqwest::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
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
