//! What the server says back: rate limits, deprecation (warned once), gone versions; and no secret in any log, `Debug`, `Display` or error.

use super::*;

#[tokio::test]
async fn rate_limits_deprecation_and_version_gone_are_reported() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    server.reply(
        Reply::json(200, defaults::key_json())
            .header("RateLimit-Limit", "100")
            .header("RateLimit-Remaining", "97"),
    );
    update(&keys).await.unwrap();
    let limit = keys.rate_limit().expect("rate limit headers");
    assert_eq!((limit.limit, limit.remaining), (Some(100), Some(97)));

    server.reply(Reply::json(410, json!({ "error": 410, "errorCode": "VERSION_GONE", "detail": "Version 2023-01-01 is gone." })));
    let err = update(&keys).await.unwrap_err();
    let pinned = keys.version().version;
    assert!(
        matches!(&err, Error::VersionGone { version, .. } if *version == pinned),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("move to a newer version module"),
        "{err}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn deprecation_is_warned_once() {
    let logs = Logs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());
    let server = start(Config::default()).await;
    let keys = ApiKeys::builder()
        .version(
            atlas_apikeys::atlas_versions()
                .next()
                .expect("an Atlas version"),
        )
        .base_url(server.url())
        .api_key(PUBLIC, PRIVATE)
        .build()
        .unwrap();
    for _ in 0..3 {
        server.reply(
            Reply::json(200, defaults::key_json())
                .header("Deprecation", "@1767225600")
                .header("Sunset", "Wed, 01 Jul 2026 00:00:00 GMT"),
        );
        update(&keys).await.unwrap();
    }
    let text = logs.text();
    assert_eq!(
        text.matches("deprecated for this operation").count(),
        1,
        "{text}"
    );
    assert!(text.contains("Sunset") || text.contains("sunset"), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_never_appear_in_logs_debug_display_or_errors() {
    let logs = Logs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());
    let server = start(Config::default()).await;
    let mut shown = Vec::new();

    // Digest: success, stale nonce, wrong credentials.
    let keys = digest(&server);
    let key = update(&keys).await.unwrap();
    server.rotate_nonces();
    update(&keys).await.unwrap();
    shown.push(format!("{keys:?} {key:?}"));
    // A cookie may be a session: the headers logged at debug withhold it.
    server.reply(
        Reply::json(200, defaults::key_json()).header("Set-Cookie", "session=cookie-secret-5a7b"),
    );
    update(&keys).await.unwrap();
    let wrong = client_of(&server, |b| b.api_key(PUBLIC, "wrong-9e0f1a2b3c4d-key"));
    let err = update(&wrong).await.unwrap_err();
    shown.push(format!("{err} {err:?} {wrong:?}"));

    // Service account: token, refresh, revoke, refused token.
    let sa = service_account(&server);
    update(&sa).await.unwrap();
    server.expire_tokens();
    update(&sa).await.unwrap();
    sa.revoke_token().await.unwrap();
    update(&sa).await.unwrap();
    shown.push(format!("{sa:?}"));
    let bad_sa = client_of(&server, |b| b.service_account(CLIENT_ID, "mdb_sa_sk_wrong"));
    let err = update(&bad_sa).await.unwrap_err();
    shown.push(format!("{err} {err:?} {bad_sa:?}"));

    // Bearer and error paths.
    let bearer = client_of(&server, |b| b.bearer_token("eyJhbGciOi.bearer-secret"));
    let err = update(&bearer).await.unwrap_err();
    shown.push(format!("{err} {err:?} {bearer:?}"));
    server.reply(Reply::json(
        200,
        json!({ "privateKey": PRIVATE, "links": null }),
    ));
    let err = update(&keys).await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let creds = [
        atlas_apikeys::client::Credentials::api_key(PUBLIC, PRIVATE),
        atlas_apikeys::client::Credentials::service_account(CLIENT_ID, CLIENT_SECRET),
        atlas_apikeys::client::Credentials::bearer("eyJhbGciOi.bearer-secret"),
    ];
    shown.push(format!("{creds:?}"));
    let config = atlas_apikeys::client::ClientConfig::new().credentials(creds[0].clone());
    shown.push(format!("{config:?}"));

    let logs = logs.text();
    assert!(
        logs.contains("atlas_apikeys.call"),
        "spans were captured: {logs}"
    );
    for secret in [
        PRIVATE,
        "9e0f1a2b3c4d",
        CLIENT_SECRET,
        "mdb_sa_sk_wrong",
        "eyJ0ZXN0IjoidG9rZW4ifQ",
        "bearer-secret",
        "cookie-secret-5a7b",
        "Digest username",
        "Basic ",
    ] {
        assert!(!logs.contains(secret), "{secret:?} in logs:\n{logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret:?} in {text}");
        }
    }
}
