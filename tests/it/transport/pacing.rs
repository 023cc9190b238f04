//! Pacing by bucket: the client learns a bucket's refill from a 429 (or
//! from the buckets described to it) and then never sends into it empty.

use atlas_apikeys_emulator::{BucketScope, EndpointSet};

use super::*;

/// Atlas's default sets with the organization's keys' set made small and
/// quick: `capacity` tokens, refilled `capacity` a second.
fn quick(capacity: u32) -> Vec<EndpointSet> {
    let mut sets = EndpointSet::atlas_defaults();
    for set in &mut sets {
        if set.scope == BucketScope::Organization {
            (set.capacity, set.refill_rate, set.refill_seconds) = (capacity, capacity, 1);
        }
    }
    sets
}

async fn limited(sets: Vec<EndpointSet>) -> Emulator {
    start(Config {
        rate_limits: sets,
        ..Config::default()
    })
    .await
}

#[tokio::test]
async fn one_429_teaches_the_refill_and_none_follows() {
    let capacity = 4;
    let server = limited(quick(capacity)).await;
    let keys = client_of(&server, |b| b.api_key(PUBLIC, PRIVATE));
    // Four times the capacity, one at a time: without pacing, a 429 each
    // time the bucket runs dry.
    for _ in 0..capacity * 4 {
        update(&keys).await.expect("paced");
    }
    let c = server.counters();
    assert!(c.rate_limited <= 1, "{c:?}");
}

#[tokio::test]
async fn described_buckets_are_never_sent_into_empty_even_by_many_callers() {
    let capacity = 8;
    let sets = quick(capacity);
    let server = limited(sets.clone()).await;
    let keys = client_of(&server, |b| b.api_key(PUBLIC, PRIVATE));
    // Told by the server, as a program asks it (`GET /rateLimits`).
    let (org, _, _) = crate::lifecycle::ids();
    let learnt = keys.learn_rate_limits(&org).await.unwrap();
    assert_eq!(learnt, sets.len());
    let started = Instant::now();
    let results = concurrent_updates(&keys, capacity as usize * 3).await;
    for result in results {
        result.expect("paced");
    }
    assert_eq!(server.counters().rate_limited, 0);
    // Three capacities take at least the two refills past the first.
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
}
