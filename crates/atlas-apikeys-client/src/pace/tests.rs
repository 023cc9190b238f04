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
    pace.learn(vec![EndpointLimit {
        id: "s".into(),
        scope: "GROUP".into(),
        endpoints: vec![(
            "POST".into(),
            "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}".into(),
        )],
        capacity: 10,
        refill_rate: 5,
        refill_seconds: 60,
    }]);
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
