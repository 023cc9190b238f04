//! Digest: one exchange per call, leased challenges under concurrency, stale and expired nonces, wrong credentials, odd challenges, every algorithm.

use super::*;

#[tokio::test]
async fn digest_costs_one_exchange_per_call_in_steady_state() {
    let (server, keys) = warmed(digest).await;
    let after_first = server.counters();
    assert_eq!(
        (after_first.exchanges, after_first.challenges),
        (2, 1),
        "401 challenge, then the answer"
    );
    const CALLS: u64 = 200;
    for _ in 0..CALLS {
        update(&keys).await.expect("steady call");
    }
    let c = server.counters();
    let per_call = (c.exchanges - after_first.exchanges) as f64 / CALLS as f64;
    assert_eq!(per_call, 1.0, "{c:?}");
    assert_eq!(c.challenges, 1, "the nonce was reused");
    assert_eq!(c.authenticated, CALLS + 1);
}

#[tokio::test]
async fn per_call_exchanges_are_observable() {
    use atlas_apikeys::client::{ClientConfig, Credentials};
    let server = start(Config::default()).await;
    let calls = observed_updates(
        ClientConfig::new()
            .base_url(server.url())
            .credentials(Credentials::api_key(PUBLIC, PRIVATE)),
        2,
    )
    .await;
    assert!(calls[0].0.is_ok() && calls[1].0.is_ok(), "{calls:?}");
    assert_eq!(calls[0].1.exchanges, 2);
    assert_eq!(calls[1].1.exchanges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_digest_calls_never_share_a_nonce_in_flight() {
    // The test server is strict: each nc must exceed the last seen for its
    // nonce. Calls sharing one nonce would reach it out of order and fail.
    let (server, keys) = warmed(digest).await;
    for result in concurrent_updates(&keys, 512).await {
        result.expect("concurrent call");
    }
    let c = server.counters();
    assert_eq!(c.authenticated, 513, "{c:?}");
    // At most one new challenge per call in flight, each costing one 401.
    assert!(c.challenges <= 513, "{c:?}");
    assert_eq!(c.exchanges, 513 + c.challenges, "{c:?}");
}

#[tokio::test]
async fn cold_concurrent_digest_calls_all_succeed() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    for result in concurrent_updates(&keys, 64).await {
        result.expect("cold concurrent call");
    }
    assert_eq!(server.counters().authenticated, 64);
}

/// `stale=true` allows a resend in every attempt, not once per call: stale
/// 401, resend, 503, retry, stale 401, resend succeeds.
#[tokio::test]
async fn a_stale_nonce_after_a_retry_is_resent_again() {
    let (server, keys) = warmed(digest).await;
    server.rotate_nonces();
    server.reply(Reply::json(
        503,
        json!({ "error": 503, "errorCode": "SERVICE_UNAVAILABLE" }),
    ));
    server.rotate_nonces_after_next_reply();
    update(&keys)
        .await
        .expect("stale, 503, stale again: still a success");
    let c = server.counters();
    assert_eq!(c.stale, 2, "{c:?}");
    assert_eq!(c.authenticated, 3, "warm-up, the 503, the success: {c:?}");
}

#[tokio::test]
async fn a_stale_nonce_is_replaced_and_the_request_resent_once() {
    let (server, keys) = warmed(digest).await;
    server.rotate_nonces();
    // (exchanges, challenges, stale) after each call: the stale nonce costs
    // one resend, and the new nonce is then reused.
    for expected in [(4, 2, 1), (5, 2, 1)] {
        update(&keys).await.expect("after rotation");
        let c = server.counters();
        assert_eq!((c.exchanges, c.challenges, c.stale), expected, "{c:?}");
    }
}

#[tokio::test]
async fn an_expired_nonce_is_stale() {
    let server = start(with_digest(|d| d.nonce_lifetime_ms = 150)).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    update(&keys).await.expect("after expiry");
    assert_eq!(server.counters().stale, 1);
}

#[tokio::test]
async fn wrong_credentials_are_one_typed_error_without_a_loop() {
    let server = start(Config::default()).await;
    let keys = client_of(&server, |b| b.api_key(PUBLIC, "wrong-private-key"));
    for (exchanges, why) in [
        (2, "challenge, one answer, stop"),
        (4, "still at most one resend per call"),
    ] {
        let err = update(&keys).await.unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::Rejected { .. })),
            "{err:?}"
        );
        assert_eq!(server.counters().exchanges, exchanges, "{why}");
        assert!(!err.to_string().contains("wrong-private-key"));
    }
}

#[tokio::test]
async fn a_401_without_a_challenge_or_with_a_malformed_one_is_typed() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    server.challenge_override(None);
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::NoChallenge)),
        "{err:?}"
    );
    assert_eq!(server.counters().exchanges, 1);
    for bad in [
        "Digest realm=\"x",
        "Digest nonce=",
        "Basic realm=\"x\"",
        "Digest realm=\"MMS Public API\", algorithm=ROT13, nonce=\"n\", qop=\"auth\"",
        "Digest , , ,",
    ] {
        server.challenge_override(Some(bad));
        let err = update(&keys).await.unwrap_err();
        assert!(
            matches!(err, Error::Auth(AuthError::BadChallenge(_))),
            "{bad}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_strongest_offered_challenge_is_answered() {
    let server = start(with_digest(|d| {
        d.algorithms = vec![Algorithm::Md5, Algorithm::Sha256]
    }))
    .await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    let answered: Vec<_> = server
        .seen()
        .into_iter()
        .filter_map(|s| s.algorithm)
        .collect();
    assert_eq!(answered, ["SHA-256"]);
}

#[tokio::test]
async fn session_algorithms_and_rfc2069_challenges_work() {
    for (algorithms, qop) in [
        (vec![Algorithm::Md5Sess], true),
        (vec![Algorithm::Sha256Sess], true),
        (vec![Algorithm::Sha256], true),
        (vec![Algorithm::Md5], false),
    ] {
        let server = start(with_digest(|d| {
            d.algorithms = algorithms.clone();
            d.qop = qop;
        }))
        .await;
        let keys = digest(&server);
        for _ in 0..3 {
            update(&keys)
                .await
                .unwrap_or_else(|e| panic!("{algorithms:?} qop={qop}: {e}"));
        }
        let c = server.counters();
        assert_eq!(c.authenticated, 3, "{algorithms:?} qop={qop}");
    }
}

#[tokio::test]
async fn the_body_is_replayed_byte_identically() {
    let (server, _keys) = warmed(digest).await;
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(!seen[0].authenticated && seen[1].authenticated);
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen[1].body).unwrap(),
        json!({ "desc": "rotated" })
    );
}
