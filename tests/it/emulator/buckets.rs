//! Atlas's rate limits in the emulator: a token bucket per endpoint set and
//! scope, said on every answer, Atlas's 429 when one is empty, and the two
//! operations that describe them.

use atlas_apikeys_emulator::versioning::Resource;
use atlas_apikeys_emulator::{BucketScope, EndpointSet};

use super::*;

/// An emulator that takes every request as the owner's, with `sets`.
async fn limited(sets: Vec<EndpointSet>) -> Emulator {
    emulator(Config {
        rate_limits: sets,
        authenticated_as: Some(defaults::OWNER.public_key.into()),
        ..Config::default()
    })
    .await
}

/// Atlas's default sets, the organization's keys' set made `capacity`
/// tokens refilled `rate` every `seconds`.
fn org_set(capacity: u32, rate: u32, seconds: u32) -> Vec<EndpointSet> {
    let mut sets = EndpointSet::atlas_defaults();
    for set in &mut sets {
        if set.scope == BucketScope::Organization {
            (set.capacity, set.refill_rate, set.refill_seconds) = (capacity, rate, seconds);
        }
    }
    sets
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn get(emu: &Emulator, path: &str, version: &str) -> Answer {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", emu.url()))
        .header("accept", format!("application/vnd.atlas.{version}+json"))
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

fn header(answer: &Answer, name: &str) -> Option<u64> {
    answer.headers.get(name)?.to_str().ok()?.parse().ok()
}

#[tokio::test]
async fn an_empty_bucket_answers_atlas_429_and_every_answer_says_what_is_left() {
    let capacity = 3;
    let emu = limited(org_set(capacity, 1, 60)).await;
    let version = atlas_apikeys::latest_atlas_version().version;
    let key = format!("/api/atlas/v2/orgs/{}/apiKeys/{}", org(), target());
    for left in (0..capacity).rev() {
        let answer = get(&emu, &key, version).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(header(&answer, "ratelimit-limit"), Some(capacity.into()));
        assert_eq!(header(&answer, "ratelimit-remaining"), Some(left.into()));
    }
    let refused = get(&emu, &key, version).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["errorCode"], "RATE_LIMITED_TOKEN_BUCKET");
    let retry = header(&refused, "retry-after").expect("Retry-After");
    assert!((1..=60).contains(&retry), "{retry}");
    let detail = refused.body["detail"].as_str().unwrap();
    for part in [
        format!("retry after {retry} seconds"),
        format!("Request capacity: {capacity}"),
        "Refill rate: 1 per 60 seconds".into(),
    ] {
        assert!(detail.contains(&part), "{detail}");
    }
    assert_eq!(header(&refused, "ratelimit-remaining"), Some(0));
    assert_eq!(emu.counters().rate_limited, 1);

    // Another organization's bucket and the project's set are their own.
    let elsewhere = format!("/api/atlas/v2/orgs/{}/apiKeys/{}", "a".repeat(24), target());
    assert_ne!(get(&emu, &elsewhere, version).await.status, 429);
    let project = format!("/api/atlas/v2/groups/{}/apiKeys", project());
    assert_eq!(get(&emu, &project, version).await.status, 200);
}

#[tokio::test]
async fn a_bucket_refills_at_its_rate() {
    let emu = limited(org_set(1, 1, 1)).await;
    let version = atlas_apikeys::latest_atlas_version().version;
    let key = format!("/api/atlas/v2/orgs/{}/apiKeys/{}", org(), target());
    assert_eq!(get(&emu, &key, version).await.status, 200);
    let refused = get(&emu, &key, version).await;
    assert_eq!(refused.status, 429);
    let retry = header(&refused, "retry-after").unwrap();
    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(get(&emu, &key, version).await.status, 200);
}

#[tokio::test]
async fn rate_limits_are_described_at_their_version() {
    let sets = EndpointSet::atlas_defaults();
    let emu = limited(sets.clone()).await;
    // The first version of the resource, as the media tables name it.
    let described_at = Resource::RateLimits.versions()[0];
    let all = get(&emu, "/api/atlas/v2/rateLimits", described_at).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let results = all.body["results"].as_array().unwrap();
    assert_eq!(results.len(), sets.len());
    assert_eq!(all.body["totalCount"], sets.len());
    for set in &sets {
        let one = get(
            &emu,
            &format!("/api/atlas/v2/rateLimits/{}", set.id),
            described_at,
        )
        .await;
        assert_eq!(one.status, 200);
        assert!(results.contains(&one.body), "{}", one.body);
        assert_eq!(one.body["capacity"]["value"], set.capacity);
        assert_eq!(one.body["refillRate"]["value"], set.refill_rate);
        assert_eq!(
            one.body["refillDurationSeconds"]["value"],
            set.refill_seconds
        );
        let scope = serde_json::to_value(set.scope).unwrap();
        assert_eq!(one.body["scope"], scope);
        assert_eq!(
            one.body["endpoints"].as_array().unwrap().len(),
            set.endpoints.len()
        );
    }
    let missing = get(&emu, "/api/atlas/v2/rateLimits/none", described_at).await;
    assert_eq!(missing.status, 404);
    // A version from before the resource began names none of it.
    let earlier = atlas_apikeys::client::VERSIONS
        .iter()
        .filter(|v| v.system == atlas_apikeys::client::System::Atlas && v.version < described_at);
    for version in earlier {
        let answer = get(&emu, "/api/atlas/v2/rateLimits", version.version).await;
        assert_eq!(answer.status, 406, "{}", version.version);
    }
}
