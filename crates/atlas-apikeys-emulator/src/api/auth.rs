//! Authentication of API requests: digest (verified with the emulator's
//! own implementation), bearer tokens, and the key a trusted proxy vouches
//! for (`Config::authenticated_as`).

use axum::http::{HeaderMap, Method, header};

use crate::digest::Verdict;
use crate::script::AuthNote;
use crate::state::{Principal, State};

use super::*;
/// Authenticates a request to an API route.
pub(super) fn authenticate(
    app: &App,
    state: &mut State,
    method: &Method,
    target: &str,
    headers: &HeaderMap,
    body: &axum::body::Bytes,
    note: &mut AuthNote,
) -> Result<Principal, Refused> {
    let mut saw = |authenticated: bool, algorithm: Option<&'static str>| {
        *note = AuthNote {
            authenticated,
            algorithm,
        };
    };
    if let Some(public) = &app.config.authenticated_as {
        // `check` made sure the key exists and the address is loopback.
        let who = state.key_by_public(public).map(Principal::Key);
        saw(who.is_some(), None);
        return who.ok_or_else(|| refuse(401, "UNAUTHORIZED", "The vouched-for key is gone."));
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let challenge = |state: &mut State, stale: bool| {
        state.counters.challenges += 1;
        if stale {
            state.counters.stale += 1;
        }
        let mut r = refuse(401, "UNAUTHORIZED", "Authentication is required.");
        let values = match &state.script.challenge_override {
            Some(over) => over.iter().cloned().collect(),
            None => state.nonces.challenges(&app.config.digest, stale),
        };
        r.extra_headers = values
            .into_iter()
            .map(|c| ("www-authenticate", c))
            .collect();
        r
    };
    match authorization {
        Some(a) if a.len() > 7 && a[..7].eq_ignore_ascii_case("Digest ") => {
            let verdict = {
                // Disjoint borrows: the nonce table mutably, the keys to look up.
                let State { nonces, keys, .. } = &mut *state;
                nonces.verify(
                    &app.config.digest,
                    method.as_str(),
                    target,
                    body,
                    a,
                    |user| {
                        keys.values()
                            .find(|k| k.public_key == user)
                            .map(|k| k.private_key.clone())
                    },
                )
            };
            match verdict {
                Verdict::Valid {
                    user, algorithm, ..
                } => {
                    let who = state.key_by_public(&user).map(Principal::Key);
                    saw(who.is_some(), Some(algorithm.name()));
                    who.ok_or_else(|| challenge(state, false))
                }
                Verdict::Challenge { stale } => {
                    saw(false, None);
                    Err(challenge(state, stale))
                }
            }
        }
        Some(a) if a.starts_with("Bearer ") && app.config.system.offers_oauth() => {
            let who = state.token_owner(&a[7..]).map(Principal::Account);
            saw(who.is_some(), None);
            who.ok_or_else(|| {
                refuse(
                    401,
                    "INVALID_TOKEN",
                    "The access token is invalid or expired.",
                )
            })
        }
        _ => {
            saw(false, None);
            Err(challenge(state, false))
        }
    }
}
