//! Retries: `Retry-After` in both forms, bursts of 5xx, the deadline, dropped connections, slow responses.

use super::*;

#[tokio::test]
async fn retry_after_in_seconds_and_as_a_date_is_honoured_and_capped() {
    let server = start(Config::default()).await;
    let keys = client_of(&server, |b| {
        b.api_key(PUBLIC, PRIVATE)
            .retry(fast_retries().max_retry_after(Duration::from_secs(5)))
    });
    update(&keys).await.unwrap();

    server.reply(
        Reply::json(429, json!({ "error": 429, "errorCode": "RATE_LIMITED" }))
            .header("Retry-After", "1"),
    );
    let started = Instant::now();
    update(&keys).await.expect("retried after 429");
    assert_waited(started, Duration::from_millis(900), "Retry-After: 1");

    let soon = std::time::SystemTime::now() + Duration::from_secs(2);
    server.reply(
        Reply::json(429, json!({ "error": 429, "errorCode": "RATE_LIMITED" }))
            .header("Retry-After", &httpdate(soon)),
    );
    let started = Instant::now();
    update(&keys)
        .await
        .expect("retried after an HTTP-date Retry-After");
    assert_waited(started, Duration::from_millis(900), "Retry-After as a date");

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

#[tokio::test]
async fn bursts_of_5xx_are_retried_within_the_attempt_limit() {
    let (server, keys) = warmed(digest).await;
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
    let keys = client_of(&server, |b| {
        b.api_key(PUBLIC, PRIVATE).retry(
            RetryPolicy::default()
                .max_attempts(1000)
                .backoff(Duration::from_millis(100), Duration::from_millis(100))
                .deadline(Duration::from_millis(300)),
        )
    });
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

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (url, seen) = flaky_server(2).await;
    let keys = anonymous(&url);
    update(&keys).await.expect("third connection answers");
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 3);

    let (url, _) = flaky_server(100).await;
    let keys = anonymous(&url);
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
    assert_waited(
        started,
        Duration::from_millis(400),
        "two timed-out attempts",
    );
}

/// A client without credentials, for servers that need none, retrying fast.
fn anonymous(url: &str) -> ApiKeys {
    ApiKeys::builder()
        .anonymous()
        .base_url(url)
        .retry(fast_retries())
        .build()
        .unwrap()
}
