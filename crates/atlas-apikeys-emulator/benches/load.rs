//! The emulator under concurrent load, side by side with a minimal loopback
//! server answering the same JSON (no auth, no state): requests per second
//! and latency percentiles, sides alternated in one process, and ratios.
//!
//! `cargo bench -p atlas-apikeys-emulator --bench load`

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_apikeys_client::{ClientConfig, Credentials, RetryPolicy, v2025_02_19 as api};
use atlas_apikeys_emulator::{Config, Emulator, defaults};

const CONCURRENCY: usize = 64;
const PER_ROUND: usize = 6_000;
const ROUNDS: usize = 3;

struct Stats {
    rps: f64,
    p50: Duration,
    p99: Duration,
}

async fn round<F, Fut>(call: Arc<F>) -> Stats
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let started = Instant::now();
    let per_task = PER_ROUND / CONCURRENCY;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    assert!(call().await, "request failed");
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut all = Vec::with_capacity(PER_ROUND);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    Stats {
        rps: all.len() as f64 / elapsed.as_secs_f64(),
        p50: all[all.len() / 2],
        p99: all[all.len() * 99 / 100],
    }
}

async fn baseline_server() -> String {
    let body = serde_json::json!({
        "desc": "deploy bot", "id": defaults::TARGET_KEY, "links": [], "privateKey": "********-****-****-1a2b3c4d5e6f",
        "publicKey": "tgtkeyab", "roles": [{ "orgId": defaults::ORG, "roleName": "ORG_MEMBER" }]
    })
    .to_string();
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move {
            (
                [(
                    "content-type",
                    "application/vnd.atlas.2023-01-01+json;charset=utf-8",
                )],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn client(url: &str, credentials: Credentials) -> api::Client {
    api::connect(
        ClientConfig::new()
            .base_url(url)
            .credentials(credentials)
            .retry(RetryPolicy::none()),
    )
    .unwrap()
}

fn caller(
    client: api::Client,
) -> Arc<impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>> + Send + Sync>
{
    Arc::new(move || {
        let client = client.clone();
        Box::pin(async move {
            let body = api::types::UpdateAtlasOrganizationApiKey {
                desc: Some("load".into()),
                roles: vec![],
            };
            client
                .update_org_api_key(defaults::ORG, defaults::TARGET_KEY, None, None, &body)
                .await
                .is_ok()
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
    })
}

fn show(name: &str, s: &Stats, base: &Stats) {
    println!(
        "{name:<34} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms   vs baseline: throughput {:.2}x, p99 {:.2}x",
        s.rps,
        s.p50.as_secs_f64() * 1e3,
        s.p99.as_secs_f64() * 1e3,
        s.rps / base.rps,
        s.p99.as_secs_f64() / base.p99.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let emu = Emulator::start(Config::default()).await.unwrap();
    let base_url = baseline_server().await;
    let baseline = caller(client(&base_url, Credentials::None));
    let bearer = caller(client(
        &emu.url(),
        Credentials::service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET),
    ));
    let digest = caller(client(
        &emu.url(),
        Credentials::api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE),
    ));
    // Warm up connections, the token and the nonce.
    for f in [&baseline, &bearer, &digest] {
        assert!(f().await);
    }
    println!(
        "{CONCURRENCY} concurrent callers, {ROUNDS} rounds x {PER_ROUND} requests per side, sides alternated; medians of rounds"
    );
    let mut results: [Vec<Stats>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        results[0].push(round(baseline.clone()).await);
        results[1].push(round(bearer.clone()).await);
        results[2].push(round(digest.clone()).await);
    }
    let median = |v: &mut Vec<Stats>| {
        v.sort_by(|a, b| a.rps.total_cmp(&b.rps));
        v.remove(v.len() / 2)
    };
    let [mut b, mut o, mut d] = results;
    let (b, o, d) = (median(&mut b), median(&mut o), median(&mut d));
    show("baseline (minimal axum, no auth)", &b, &b);
    show("emulator, bearer (service account)", &o, &b);
    show("emulator, digest (nonce reused)", &d, &b);
    let c = emu.counters();
    println!(
        "emulator counted {} exchanges, {} challenges, {} token requests",
        c.exchanges, c.challenges, c.token_requests
    );
}
