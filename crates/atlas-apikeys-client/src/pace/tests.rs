//! The pace's arithmetic, on a paused clock.

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.insert(*name, value.parse().unwrap());
    }
    h
}

#[test]
fn a_429_detail_tells_the_capacity_and_refill() {
    let body = br#"{"detail":"Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 seconds. Request capacity: 10. Refill rate: 5 per 60 seconds.","errorCode":"RATE_LIMITED_TOKEN_BUCKET"}"#;
    assert_eq!(told_refill(body), Some((10.0, 5.0 / 60.0)));
    assert_eq!(told_refill(b"{}"), None);
}

#[tokio::test(start_paused = true)]
async fn a_known_refill_spaces_requests_and_a_retry_after_holds_the_bucket() {
    let pace = Pace::default();
    let key = pace.key(&Method::GET, "/api/atlas/v2/orgs/a/apiKeys/k");
    let other = pace.key(&Method::GET, "/api/atlas/v2/orgs/b/apiKeys/k");
    // Unheard of: not held.
    let start = Instant::now();
    pace.admit(key).await;
    assert_eq!(start.elapsed(), Duration::ZERO);
    // A 429 teaches the refill (1 a second) and holds the bucket 2 s.
    let body = b"Request capacity: 2. Refill rate: 1 per 1 seconds.";
    let h = headers(&[
        ("ratelimit-limit", "2"),
        ("ratelimit-remaining", "0"),
        ("retry-after", "2"),
    ]);
    pace.answered(key, StatusCode::TOO_MANY_REQUESTS, &h, Some(body));
    assert!(pace.waiting().is_some());
    pace.admit(key).await;
    assert!(start.elapsed() >= Duration::from_secs(2));
    // Then one token a second: the next waits for its token.
    let before = Instant::now();
    pace.admit(key).await;
    pace.admit(key).await;
    assert!(
        before.elapsed() >= Duration::from_secs(1),
        "{:?}",
        before.elapsed()
    );
    // Another organization's bucket is not held.
    let before = Instant::now();
    pace.admit(other).await;
    assert_eq!(before.elapsed(), Duration::ZERO);
}

#[test]
fn described_sets_group_by_their_scope() {
    let pace = Pace::default();
    pace.learn(vec![described_set(10, 5, 60)]);
    let a = pace.key(&Method::POST, "/prefix/api/atlas/v2/groups/p1/apiKeys/k1");
    let b = pace.key(&Method::POST, "/prefix/api/atlas/v2/groups/p1/apiKeys/k2");
    let c = pace.key(&Method::POST, "/prefix/api/atlas/v2/groups/p2/apiKeys/k1");
    assert_eq!(a.class, Class::Set(0));
    assert_eq!(a.hash, b.hash, "one project, one bucket");
    assert_ne!(a.hash, c.hash);
    let patch = pace.key(&Method::PATCH, "/api/atlas/v2/groups/p1/apiKeys/k1");
    assert_eq!(
        patch.class,
        Class::Group,
        "not in the set: grouped by its path"
    );
}

/// One described set: `capacity` tokens, `rate` every `seconds`, on the
/// path that assigns a key to a project (`POST`).
fn described_set(capacity: u64, rate: u64, seconds: u64) -> EndpointLimit {
    EndpointLimit {
        id: "s".into(),
        scope: "GROUP".into(),
        endpoints: vec![(
            "POST".into(),
            "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}".into(),
        )],
        capacity,
        refill_rate: rate,
        refill_seconds: seconds,
    }
}

#[tokio::test(start_paused = true)]
async fn what_a_server_says_never_panics_the_pace_and_no_wait_passes_the_bound() {
    let pace = Pace::default();
    let key = pace.key(&Method::GET, "/api/atlas/v2/orgs/a/apiKeys/k");
    // A refill of nothing, and no Retry-After.
    let none = b"Request capacity: 10. Refill rate: 0 per 60 seconds.";
    pace.answered(
        key,
        StatusCode::TOO_MANY_REQUESTS,
        &headers(&[]),
        Some(none),
    );
    // A Retry-After past what a Duration holds.
    let far = headers(&[("retry-after", "18446744073709551615")]);
    pace.answered(key, StatusCode::TOO_MANY_REQUESTS, &far, None);
    assert!(pace.wait().is_some_and(|w| w <= MAX_WAIT));
    // A described refill too slow to count in seconds; learning afresh
    // forgets the buckets, and their waits.
    pace.learn(vec![described_set(1, 1, u64::MAX)]);
    assert_eq!(pace.wait(), None);
    let key = pace.key(&Method::POST, "/api/atlas/v2/groups/p/apiKeys/k");
    pace.admit(key).await;
    let before = Instant::now();
    pace.admit(key).await;
    assert!(before.elapsed() <= MAX_WAIT, "{:?}", before.elapsed());
}

/// A caller admitted on `key` in its own task, once it has reserved its
/// token; it answers when it went.
async fn waiting(pace: &std::sync::Arc<Pace>, key: BucketKey) -> tokio::task::JoinHandle<Instant> {
    let pace = pace.clone();
    let waiter = tokio::spawn(async move {
        pace.admit(key).await;
        Instant::now()
    });
    tokio::task::yield_now().await;
    waiter
}

#[tokio::test(start_paused = true)]
async fn a_429_heard_while_a_caller_waits_for_its_token_holds_that_caller_too() {
    let pace = std::sync::Arc::new(Pace::default());
    pace.learn(vec![described_set(1, 1, 1)]);
    let key = pace.key(&Method::POST, "/api/atlas/v2/groups/p/apiKeys/k");
    pace.admit(key).await;
    let start = Instant::now();
    // The next token, a second away, is reserved.
    let waiter = waiting(&pace, key).await;
    // Meanwhile the server says the bucket is empty for five seconds.
    let h = headers(&[("retry-after", "5")]);
    pace.answered(key, StatusCode::TOO_MANY_REQUESTS, &h, None);
    let went = waiter.await.unwrap();
    assert!(went - start >= Duration::from_secs(5), "{:?}", went - start);
}

#[tokio::test(start_paused = true)]
async fn the_first_answer_anchors_a_bucket_assumed_full_and_waiters_follow_it() {
    let pace = std::sync::Arc::new(Pace::default());
    // Two tokens, ten a second.
    pace.learn(vec![described_set(2, 10, 1)]);
    let key = pace.key(&Method::POST, "/api/atlas/v2/groups/p/apiKeys/k");
    let start = Instant::now();
    pace.admit(key).await;
    pace.admit(key).await;
    // Promised the token a tenth of a second away.
    let waiter = waiting(&pace, key).await;
    // The first answer comes 80 ms later: the server's bucket may have
    // begun only then, so its refill has not yet given what the client
    // counted.
    tokio::time::advance(Duration::from_millis(80)).await;
    let h = headers(&[("ratelimit-limit", "2"), ("ratelimit-remaining", "1")]);
    pace.answered(key, StatusCode::OK, &h, None);
    let went = waiter.await.unwrap();
    assert!(
        went - start >= Duration::from_millis(180),
        "{:?}",
        went - start
    );
}

#[tokio::test(start_paused = true)]
async fn the_wait_reported_is_the_longest_and_ends_with_it() {
    let pace = Pace::default();
    assert_eq!(pace.wait(), None);
    let told = |path: &str, seconds: &str| {
        let key = pace.key(&Method::GET, path);
        let after = headers(&[("retry-after", seconds)]);
        pace.answered(key, StatusCode::TOO_MANY_REQUESTS, &after, None);
    };
    told("/api/atlas/v2/orgs/a/apiKeys", "30");
    told("/api/atlas/v2/orgs/b/apiKeys", "5");
    assert_eq!(pace.wait(), Some(Duration::from_secs(30)));
    tokio::time::advance(Duration::from_secs(10)).await;
    assert_eq!(pace.wait(), Some(Duration::from_secs(20)));
    tokio::time::advance(Duration::from_secs(20)).await;
    assert_eq!(pace.wait(), None);
}
