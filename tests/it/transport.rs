//! Authentication and transport against the emulator (strict digest, OAuth
//! tokens, scripted answers after authentication): exchanges per call, concurrency, nonce
//! rotation, wrong credentials, token single flight and expiry, retries and
//! their limits, headers the server uses to talk back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_apikeys::client::{AuthError, RetryPolicy};
use atlas_apikeys::{ApiKeyId, ApiKeys, Description, Error, OrgId, OrgKeyUpdate};
use atlas_apikeys_emulator::Reply;
use atlas_apikeys_emulator::digest::Algorithm;
use atlas_apikeys_emulator::{Config, Emulator, defaults};
use serde_json::json;

const PUBLIC: &str = defaults::OWNER_PUBLIC;
const PRIVATE: &str = defaults::OWNER_PRIVATE;
const CLIENT_ID: &str = defaults::CLIENT_ID;
const CLIENT_SECRET: &str = defaults::CLIENT_SECRET;

/// The emulator, on a free loopback port.
pub(crate) async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// The default configuration with its digest settings changed.
pub(crate) fn with_digest(
    change: impl FnOnce(&mut atlas_apikeys_emulator::digest::DigestConfig),
) -> Config {
    let mut config = Config::default();
    change(&mut config.digest);
    config
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .max_retry_after(Duration::from_millis(300))
}

fn digest(server: &Emulator) -> ApiKeys {
    ApiKeys::builder()
        .base_url(server.url())
        .api_key(PUBLIC, PRIVATE)
        .retry(fast_retries())
        .build()
        .unwrap()
}

fn service_account(server: &Emulator) -> ApiKeys {
    ApiKeys::builder()
        .base_url(server.url())
        .service_account(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retries())
        .build()
        .unwrap()
}

async fn update(keys: &ApiKeys) -> Result<atlas_apikeys::ApiKey, Error> {
    let org: OrgId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
    let key: ApiKeyId = "5d1113b25a115342acc2d1aa".parse().unwrap();
    keys.update_org_key(
        &org,
        &key,
        &OrgKeyUpdate::new().description(Description::new("rotated").unwrap()),
    )
    .await
}

#[tokio::test]
async fn digest_costs_one_exchange_per_call_in_steady_state() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.expect("first call");
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
    use atlas_apikeys::client::{ClientConfig, Credentials, newest_atlas as api, observe};
    let server = start(Config::default()).await;
    let client = api::connect(
        ClientConfig::new()
            .base_url(server.url())
            .credentials(Credentials::api_key(PUBLIC, PRIVATE)),
    )
    .unwrap();
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    let call = || {
        client.update_org_api_key(
            "32b6e34b3d91647abb20e7b8",
            "5d1113b25a115342acc2d1aa",
            None,
            None,
            &body,
        )
    };
    let (first, record) = observe(call()).await;
    first.unwrap();
    assert_eq!(record.exchanges, 2);
    let (second, record) = observe(call()).await;
    second.unwrap();
    assert_eq!(record.exchanges, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_digest_calls_never_share_a_nonce_in_flight() {
    // The test server is strict: each nc must exceed the last seen for its
    // nonce. Calls sharing one nonce would reach it out of order and fail.
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    let calls: Vec<_> = (0..512)
        .map(|_| {
            let keys = keys.clone();
            tokio::spawn(async move { update(&keys).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("concurrent call");
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
    let calls: Vec<_> = (0..64)
        .map(|_| {
            let keys = keys.clone();
            tokio::spawn(async move { update(&keys).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("cold concurrent call");
    }
    assert_eq!(server.counters().authenticated, 64);
}

/// `stale=true` allows a resend in every attempt, not once per call: stale
/// 401, resend, 503, retry, stale 401, resend succeeds.
#[tokio::test]
async fn a_stale_nonce_after_a_retry_is_resent_again() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
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
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    server.rotate_nonces();
    update(&keys).await.expect("after rotation");
    let c = server.counters();
    assert_eq!((c.exchanges, c.challenges, c.stale), (4, 2, 1), "{c:?}");
    update(&keys).await.unwrap();
    assert_eq!(server.counters().exchanges, 5, "the new nonce is reused");
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
    let keys = ApiKeys::builder()
        .base_url(server.url())
        .api_key(PUBLIC, "wrong-private-key")
        .build()
        .unwrap();
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Rejected { .. })),
        "{err:?}"
    );
    assert_eq!(
        server.counters().exchanges,
        2,
        "challenge, one answer, stop"
    );
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Rejected { .. })),
        "{err:?}"
    );
    assert_eq!(
        server.counters().exchanges,
        4,
        "still at most one resend per call"
    );
    assert!(!err.to_string().contains("wrong-private-key"));
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
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert!(!seen[0].authenticated && seen[1].authenticated);
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen[1].body).unwrap(),
        json!({ "desc": "rotated" })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cold_calls_cause_one_token_request() {
    let server = start(Config::default()).await;
    let keys = service_account(&server);
    let started = Instant::now();
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let keys = keys.clone();
            tokio::spawn(async move { update(&keys).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("call");
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
    let server = start(Config::default()).await;
    let keys = service_account(&server);
    update(&keys).await.unwrap();
    server.expire_tokens();
    update(&keys).await.expect("refreshed");
    let c = server.counters();
    assert_eq!((c.token_requests, c.exchanges), (2, 3), "{c:?}");

    // A token that is refused even when fresh: one retry, then a typed error.
    let keys = ApiKeys::builder()
        .base_url(server.url())
        .bearer_token("not-a-real-token")
        .build()
        .unwrap();
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Rejected { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn token_endpoint_errors_are_typed() {
    let server = start(Config::default()).await;
    let wrong = ApiKeys::builder()
        .base_url(server.url())
        .service_account(CLIENT_ID, "wrong")
        .build()
        .unwrap();
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
    let server = start(Config::default()).await;
    let keys = service_account(&server);
    update(&keys).await.unwrap();
    keys.revoke_token().await.unwrap();
    assert_eq!(server.counters().revocations, 1);
    update(&keys).await.unwrap();
    assert_eq!(server.counters().token_requests, 2);
    // Revoking with nothing cached sends nothing; other credentials: a no-op.
    digest(&server).revoke_token().await.unwrap();
    assert_eq!(server.counters().revocations, 1);
}

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date_is_honoured_and_capped() {
    let server = start(Config::default()).await;
    let keys = ApiKeys::builder()
        .base_url(server.url())
        .api_key(PUBLIC, PRIVATE)
        .retry(fast_retries().max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    update(&keys).await.unwrap();

    server.reply(
        Reply::json(429, json!({ "error": 429, "errorCode": "RATE_LIMITED" }))
            .header("Retry-After", "1"),
    );
    let started = Instant::now();
    update(&keys).await.expect("retried after 429");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    let soon = std::time::SystemTime::now() + Duration::from_secs(2);
    server.reply(
        Reply::json(429, json!({ "error": 429, "errorCode": "RATE_LIMITED" }))
            .header("Retry-After", &httpdate(soon)),
    );
    let started = Instant::now();
    update(&keys)
        .await
        .expect("retried after an HTTP-date Retry-After");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    // A Retry-After longer than the policy allows is not shortened (an
    // early retry only earns another 429): the call fails at once, with the
    // wait asked for.
    let before = server.counters().exchanges;
    server.reply(
        Reply::json(429, json!({ "error": 429, "errorCode": "RATE_LIMITED" }))
            .header("Retry-After", "3600"),
    );
    let err = update(&keys).await.unwrap_err();
    assert!(
        matches!(&err, Error::RateLimited { retry_after, .. } if *retry_after == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(server.counters().exchanges - before, 1, "no early retry");
}

fn httpdate(at: std::time::SystemTime) -> String {
    // IMF-fixdate, as servers send it.
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86_400;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {d:02} {name} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[tokio::test]
async fn bursts_of_5xx_are_retried_within_the_attempt_limit() {
    let server = start(Config::default()).await;
    let keys = digest(&server);
    update(&keys).await.unwrap();
    let before = server.counters().exchanges;
    for status in [503, 502, 504] {
        server.reply(Reply::raw(status, "text/html", "<html>busy</html>"));
    }
    update(&keys).await.expect("recovered after three 5xx");
    assert_eq!(server.counters().exchanges - before, 4);

    for _ in 0..4 {
        server.reply(Reply::raw(503, "text/html", "<html>busy</html>"));
    }
    let before = server.counters().exchanges;
    let err = update(&keys).await.unwrap_err();
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(server.counters().exchanges - before, 4, "max_attempts = 4");

    // 500 and 4xx are not retried.
    server.reply(Reply::json(
        500,
        json!({ "error": 500, "errorCode": "UNEXPECTED_ERROR" }),
    ));
    let before = server.counters().exchanges;
    assert_eq!(update(&keys).await.unwrap_err().status(), Some(500));
    assert_eq!(server.counters().exchanges - before, 1);
}

#[tokio::test]
async fn the_deadline_stops_retries() {
    let server = start(Config::default()).await;
    // Without the deadline this would retry for about a minute (1,000
    // attempts, full-jitter waits averaging 50 ms).
    let keys = ApiKeys::builder()
        .base_url(server.url())
        .api_key(PUBLIC, PRIVATE)
        .retry(
            RetryPolicy::default()
                .max_attempts(1000)
                .backoff(Duration::from_millis(100), Duration::from_millis(100))
                .deadline(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    update(&keys).await.unwrap();
    for _ in 0..1000 {
        server.reply(Reply::raw(503, "text/plain", "busy"));
    }
    let before = server.counters().exchanges;
    let started = Instant::now();
    assert_eq!(update(&keys).await.unwrap_err().status(), Some(503));
    let elapsed = started.elapsed();
    let tried = server.counters().exchanges - before;
    // No wait may end past the deadline; one request's time of slack.
    assert!(
        elapsed < Duration::from_millis(1500),
        "{elapsed:?} for {tried} attempts"
    );
    assert!((2..1000).contains(&tried), "{tried} attempts");
}

/// A server that closes the first `drops` connections without answering,
/// then answers every request with the key.
async fn flaky_server(drops: usize) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                if n < drops {
                    return; // reset: close without a response
                }
                let body = defaults::key_json().to_string();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (url, seen) = flaky_server(2).await;
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(&url)
        .retry(fast_retries())
        .build()
        .unwrap();
    update(&keys).await.expect("third connection answers");
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 3);

    let (url, _) = flaky_server(100).await;
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(&url)
        .retry(fast_retries())
        .build()
        .unwrap();
    let err = update(&keys).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn slow_responses_time_out_and_are_retried() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        // Accepts, never answers.
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(&url)
        .timeouts(Duration::from_millis(200), Duration::from_millis(200))
        .retry(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = update(&keys).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "two timed-out attempts"
    );
}

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

/// Captures formatted tracing output at TRACE level.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
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
    let wrong = ApiKeys::builder()
        .base_url(server.url())
        .api_key(PUBLIC, "wrong-9e0f1a2b3c4d-key")
        .build()
        .unwrap();
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
    let bad_sa = ApiKeys::builder()
        .base_url(server.url())
        .service_account(CLIENT_ID, "mdb_sa_sk_wrong")
        .build()
        .unwrap();
    let err = update(&bad_sa).await.unwrap_err();
    shown.push(format!("{err} {err:?} {bad_sa:?}"));

    // Bearer and error paths.
    let bearer = ApiKeys::builder()
        .base_url(server.url())
        .bearer_token("eyJhbGciOi.bearer-secret")
        .build()
        .unwrap();
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
        "Digest username",
        "Basic ",
    ] {
        assert!(!logs.contains(secret), "{secret:?} in logs:\n{logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret:?} in {text}");
        }
    }
}

/// A token endpoint that cannot be reached is retried under the retry
/// policy; the failure then stands for a short while, so the next call makes
/// no token request at all.
#[tokio::test]
async fn an_unreachable_token_endpoint_is_retried_then_kept() {
    use atlas_apikeys::client::{ClientConfig, Credentials, newest_atlas as api, observe};
    // A port nothing listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = api::connect(
        ClientConfig::new()
            .base_url(&url)
            .credentials(Credentials::service_account(CLIENT_ID, "secret"))
            .retry(fast_retries().max_attempts(3)),
    )
    .unwrap();
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    let call = || {
        client.update_org_api_key(
            "32b6e34b3d91647abb20e7b8",
            "5d1113b25a115342acc2d1aa",
            None,
            None,
            &body,
        )
    };
    let (result, record) = observe(call()).await;
    assert!(result.is_err());
    assert_eq!(
        record.token_requests, 3,
        "connect failures retried: {record:?}"
    );
    let (result, record) = observe(call()).await;
    assert!(result.is_err());
    assert_eq!(record.token_requests, 0, "the failure stands: {record:?}");
    assert!(
        matches!(
            record.auth_error,
            Some(AuthError::TokenEndpointUnreachable { .. })
        ),
        "{record:?}"
    );
}
