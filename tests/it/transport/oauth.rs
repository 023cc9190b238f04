//! Service-account tokens: single flight, reuse until near expiry, refresh after a 401, typed endpoint errors, revocation, an unreachable endpoint.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cold_calls_cause_one_token_request() {
    let server = start(unlimited()).await;
    let keys = service_account(&server);
    let started = Instant::now();
    for result in concurrent_updates(&keys, 1000).await {
        result.expect("call");
    }
    let c = server.counters();
    assert_eq!(c.token_requests, 1, "{c:?}");
    assert_eq!((c.exchanges, c.authenticated), (1000, 1000));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn tokens_are_reused_until_they_near_expiry() {
    let server = start(Config::default()).await;
    let keys = service_account(&server);
    for _ in 0..10 {
        update(&keys).await.unwrap();
    }
    assert_eq!(server.counters().token_requests, 1);

    // A short-lived token is still reused: the refresh margin is at most
    // half its lifetime (15 s of a 30 s token), not a fixed minute.
    let short = start(Config {
        token_lifetime_secs: 30,
        ..Config::default()
    })
    .await;
    let keys = service_account(&short);
    for _ in 0..3 {
        update(&keys).await.unwrap();
    }
    assert_eq!(short.counters().token_requests, 1);
}

#[tokio::test]
async fn a_401_with_a_cached_token_refreshes_once_and_retries_once() {
    let (server, keys) = warmed(service_account).await;
    server.expire_tokens();
    update(&keys).await.expect("refreshed");
    let c = server.counters();
    assert_eq!((c.token_requests, c.exchanges), (2, 3), "{c:?}");

    // A token that is refused even when fresh: one retry, then a typed error.
    let keys = client_of(&server, |b| b.bearer_token("not-a-real-token"));
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Rejected { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_endpoint_errors_are_typed() {
    let server = start(Config::default()).await;
    let wrong = client_of(&server, |b| b.service_account(CLIENT_ID, "wrong"));
    let err = update(&wrong).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "authentication: token endpoint answered HTTP 401 invalid_client"
    );
    assert!(matches!(
        err,
        Error::Auth(AuthError::TokenEndpoint { status: 401, .. })
    ));
    assert_eq!(
        server.counters().exchanges,
        0,
        "no API request without a token"
    );

    // A 429 asking for a longer wait than the policy allows fails at once.
    let keys = service_account(&server);
    server.token_reply(
        Reply::json(
            429,
            json!({ "error": 429, "errorCode": "RATE_LIMITED", "detail": "Too many token requests" }),
        )
        .header("Retry-After", "3600"),
    );
    let err = update(&keys).await.unwrap_err();
    match &err {
        Error::Auth(AuthError::TokenEndpoint { status: 429, code }) => {
            assert_eq!(code.as_deref(), Some("RATE_LIMITED"))
        }
        other => panic!("{other:?}"),
    }
    // A fresh client (the failure above stands for its window on that one).
    let keys = service_account(&server);
    server.token_reply(Reply::raw(200, "text/html", "<html>login</html>"));
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::BadTokenResponse)),
        "{err:?}"
    );
    update(&service_account(&server))
        .await
        .expect("the endpoint recovers");
}

#[tokio::test]
async fn revoke_forgets_the_token() {
    let (server, keys) = warmed(service_account).await;
    keys.revoke_token().await.unwrap();
    assert_eq!(server.counters().revocations, 1);
    update(&keys).await.unwrap();
    assert_eq!(server.counters().token_requests, 2);
    // Revoking with nothing cached sends nothing; other credentials: a no-op.
    digest(&server).revoke_token().await.unwrap();
    assert_eq!(server.counters().revocations, 1);
}

/// A token endpoint that cannot be reached is retried under the retry
/// policy; the failure then stands for a short while, so the next call makes
/// no token request at all.
#[tokio::test]
async fn an_unreachable_token_endpoint_is_retried_then_kept() {
    use atlas_apikeys::client::{CallError, ClientConfig, Credentials};
    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let calls = observed_updates(
        ClientConfig::new()
            .base_url(&url)
            .credentials(Credentials::service_account(CLIENT_ID, "secret"))
            .retry(fast_retries().max_attempts(3)),
        2,
    )
    .await;
    // The outage reaches a user of the client crate as a typed error.
    for (result, _) in &calls {
        assert!(
            matches!(
                result,
                Err(CallError::Auth(AuthError::TokenEndpointUnreachable { .. }))
            ),
            "{result:?}"
        );
    }
    let (_, record) = &calls[0];
    assert_eq!(
        record.token_requests, 3,
        "connect failures retried: {record:?}"
    );
    assert_eq!(record.exchanges, 0, "the API was not called: {record:?}");
    let (_, record) = &calls[1];
    assert_eq!(record.token_requests, 0, "the failure stands: {record:?}");
    assert!(record.status.is_none(), "{record:?}");
}
