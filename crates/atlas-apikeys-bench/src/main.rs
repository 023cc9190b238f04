//! `cargo xtask bench`: every comparison side by side in one process, on
//! loopback, sides alternated, medians and ratios; writes BENCHMARKS.md with
//! `--write PATH`. `--overhead-only` runs comparison 1 alone; `--profile
//! sdk|raw N [CALLERS]` makes calls for a profiler.
#![forbid(unsafe_code)]

mod measure;

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_apikeys::client::RetryPolicy;
use atlas_apikeys::{ApiKeyId, ApiKeys, Description, OrgId, OrgKeyUpdate};
use atlas_apikeys_emulator::{Config, Emulator, defaults};
use measure::{Call, Stats, compare, every_round, median_rounds, ms, paired_p50_ratio};

const MEDIA: &str = "application/vnd.atlas.2023-01-01+json";

fn key_json() -> String {
    defaults::key_json().to_string()
}

/// Requests as a server saw them: sorted headers and the body.
type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A loopback server that answers every request with the same key and keeps
/// the first requests it sees (to check both sides send the same bytes).
async fn minimal_server(seen: Seen) -> String {
    let body = key_json();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let body = body.clone();
        let seen = seen.clone();
        async move {
            let (parts, b) = request.into_parts();
            let bytes = axum::body::to_bytes(b, 1 << 20).await.unwrap_or_default();
            let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() < 4 {
                let mut headers: Vec<(String, String)> = parts
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                headers.sort();
                seen.push((headers, bytes.to_vec()));
            }
            (
                [(
                    "content-type",
                    "application/vnd.atlas.2023-01-01+json;charset=utf-8",
                )],
                body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    url
}

fn ids() -> (OrgId, ApiKeyId) {
    (
        defaults::ORG.parse().expect("id"),
        defaults::TARGET_KEY.parse().expect("id"),
    )
}

fn sdk_call(keys: ApiKeys) -> Call {
    let (org, key) = ids();
    let update = OrgKeyUpdate::new().description(Description::new("bench").expect("desc"));
    Arc::new(move || {
        let (keys, update) = (keys.clone(), update.clone());
        Box::pin(async move { keys.update_org_key(&org, &key, &update).await.is_ok() })
    })
}

fn raw_call(url: &str, bearer: Option<String>) -> Call {
    // A careful hand-written client: the SDK's default timeouts and User-Agent.
    let http = reqwest::Client::builder()
        .user_agent(atlas_apikeys::client::USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let target = format!(
        "{url}/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET_KEY
    );
    Arc::new(move || {
        let (http, target, bearer) = (http.clone(), target.clone(), bearer.clone());
        Box::pin(async move {
            let mut request = http
                .patch(&target)
                .header("accept", MEDIA)
                .header("content-type", MEDIA)
                .body(r#"{"desc":"bench"}"#);
            if let Some(token) = &bearer {
                request = request.bearer_auth(token);
            }
            match request.send().await {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok(),
                _ => false,
            }
        })
    })
}

/// The two-exchange digest client MongoDB's Go SDK and `curl --digest` are:
/// every call first learns a fresh challenge from a 401.
fn two_exchange_digest_call(url: &str) -> Call {
    let http = reqwest::Client::new();
    let path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET_KEY
    );
    let target = format!("{url}{path}");
    Arc::new(move || {
        let (http, target, path) = (http.clone(), target.clone(), path.clone());
        Box::pin(async move {
            let body = r#"{"desc":"bench"}"#;
            let send = |auth: Option<String>| {
                let mut r = http
                    .patch(&target)
                    .header("accept", MEDIA)
                    .header("content-type", MEDIA)
                    .body(body);
                if let Some(a) = auth {
                    r = r.header("authorization", a);
                }
                r.send()
            };
            let Ok(first) = send(None).await else {
                return false;
            };
            let Some(challenge) = first
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
            else {
                return false;
            };
            let _ = first.bytes().await;
            let Ok(mut client) = http_auth::PasswordClient::try_from(challenge.as_str()) else {
                return false;
            };
            let Ok(auth) = client.respond(&http_auth::PasswordParams {
                username: defaults::OWNER_PUBLIC,
                password: defaults::OWNER_PRIVATE,
                uri: &path,
                method: "PATCH",
                body: None,
            }) else {
                return false;
            };
            match send(Some(auth)).await {
                Ok(r) if r.status().is_success() => r.json::<serde_json::Value>().await.is_ok(),
                _ => false,
            }
        })
    })
}

async fn token(url: &str) -> String {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/oauth/token"))
        .basic_auth(defaults::CLIENT_ID, Some(defaults::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token JSON");
    response["access_token"].as_str().expect("token").to_owned()
}

fn row(out: &mut String, name: &str, s: &Stats, base: &Stats) {
    let _ = writeln!(
        out,
        "| {name} | {:.0} | {} | {} | {:.3} | {:.3} | {:.3} |",
        s.rps,
        ms(s.p50),
        ms(s.p99),
        s.p50.as_secs_f64() / base.p50.as_secs_f64(),
        s.p99.as_secs_f64() / base.p99.as_secs_f64(),
        s.rps / base.rps,
    );
}

/// How to find where time goes when a goal is missed.
const PROFILING: &str = "## Profiling a miss\n\n\
Hardware counters are not available on every machine; instruction counts are. `--profile sdk|raw N` makes N \
sequential calls of one side of comparison 1 against the minimal server, for callgrind to attribute; run two N and \
subtract to cancel start-up:\n\n\
```sh\n\
cargo build --release -p atlas-apikeys-bench\n\
for side in raw sdk; do for n in 500 1500; do\n\
  valgrind --tool=callgrind --callgrind-out-file=cg.$side.$n target/release/atlas-apikeys-bench --profile $side $n\n\
done; done\n\
callgrind_annotate --inclusive=yes cg.sdk.1500 | head -60\n\
```\n";

const HEADER: &str = "| side | calls/s | p50 ms | p99 ms | p50 ratio | p99 ratio | throughput ratio |\n|---|---|---|---|---|---|---|\n";

struct Settings {
    rounds: usize,
    calls: usize,
}

/// Measured figures the goals are checked against.
#[derive(Default)]
struct Goals {
    sdk_p50: Vec<(String, f64)>,
    /// 64 concurrent digest callers: (failures, exchanges per call).
    concurrent_digest: Option<(usize, f64)>,
    /// Token outage: (seconds, token requests during it).
    token_outage: Option<(u64, u64)>,
    /// Instructions per call (raw, SDK), from callgrind.
    instructions: Option<(f64, f64)>,
    digest_exchanges: Vec<(String, f64)>,
    digest_throughput: Vec<(String, f64)>,
    token_requests: Vec<(usize, u64)>,
}

async fn sdk_overhead(out: &mut String, s: &Settings, goals: &mut Goals) -> Result<(), String> {
    let _ = writeln!(
        out,
        "## 1. SDK overhead: `update_org_key` vs raw reqwest sending the same bytes\n"
    );
    // Same bytes on the wire: checked, not assumed.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let url = minimal_server(seen.clone()).await;
    let sdk = sdk_call(
        ApiKeys::builder()
            .anonymous()
            .base_url(&url)
            .retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())?,
    );
    let raw = raw_call(&url, None);
    assert!(sdk().await && raw().await);
    let identical = {
        let seen = seen.lock().map_err(|_| "lock")?;
        seen.len() == 2 && seen[0] == seen[1]
    };
    let _ = writeln!(
        out,
        "Requests byte-identical (headers and body, as the server saw them): **{}**\n",
        if identical { "yes" } else { "NO" }
    );

    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    let bearer = token(&emu.url()).await;
    let emu_sdk = sdk_call(
        ApiKeys::builder()
            .base_url(emu.url())
            .bearer_token(&bearer)
            .retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())?,
    );
    let emu_raw = raw_call(&emu.url(), Some(bearer));
    for (server, sdk, raw) in [
        ("minimal loopback server", &sdk, &raw),
        ("the emulator (bearer token)", &emu_sdk, &emu_raw),
    ] {
        for concurrency in [1, 64] {
            let calls = if concurrency == 1 {
                s.calls / 4
            } else {
                s.calls
            };
            // Short rounds, many of them: a p50 ratio of a few percent is
            // below a 2-core machine's round-to-round noise otherwise.
            let (rounds, calls) = (s.rounds * 3, calls / 3);
            let all = every_round(&[raw, sdk], rounds, calls, concurrency).await;
            let paired = paired_p50_ratio(&all, 1);
            let r = median_rounds(all);
            let _ = writeln!(
                out,
                "**{server}, {concurrency} concurrent caller(s)** ({rounds} rounds × {calls} calls per side)\n",
            );
            out.push_str(HEADER);
            row(out, "raw reqwest", &r[0], &r[0]);
            row(out, "SDK (validated, typed)", &r[1], &r[0]);
            let _ = writeln!(
                out,
                "\nSDK/raw p50, paired (median over the rounds of the SDK's p50 over the raw p50 of the same round): **{paired:.3}**\n"
            );
            goals
                .sdk_p50
                .push((format!("{server}, {concurrency} caller(s)"), paired));
        }
    }
    Ok(())
}

async fn digest(out: &mut String, s: &Settings, goals: &mut Goals) -> Result<(), String> {
    let _ = writeln!(
        out,
        "## 2. Digest: nonce reuse vs a challenge on every call (the emulator verifies both)\n"
    );
    for (concurrency, latency_ms) in [(1, 0), (16, 0), (1, 1)] {
        let mut config = Config::default();
        config.faults.latency_ms = latency_ms;
        let emu = Emulator::start(config).await.map_err(|e| e.to_string())?;
        let sdk_keys = ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
            .retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let sdk = sdk_call(sdk_keys);
        let two = two_exchange_digest_call(&emu.url());
        assert!(sdk().await && two().await, "digest sides work");
        // Exchanges per call, counted by the server.
        let per_call = |side: &Call| {
            let side = side.clone();
            let emu = &emu;
            async move {
                let before = emu.counters().exchanges;
                for _ in 0..200 {
                    assert!(side().await);
                }
                (emu.counters().exchanges - before) as f64 / 200.0
            }
        };
        let (sdk_x, two_x) = (per_call(&sdk).await, per_call(&two).await);
        let calls = match (concurrency, latency_ms) {
            (_, 1..) => s.calls / 40,
            (1, _) => s.calls / 4,
            _ => s.calls,
        };
        let r = compare(&[&two, &sdk], s.rounds, calls, concurrency).await;
        let label = if latency_ms > 0 {
            format!(
                "{concurrency} concurrent caller(s), {latency_ms} ms added per request (a network round trip)"
            )
        } else {
            format!("{concurrency} concurrent caller(s), loopback")
        };
        let _ = writeln!(
            out,
            "**{label}** ({} rounds × {calls} calls per side)\n",
            s.rounds
        );
        goals.digest_exchanges.push((label.clone(), sdk_x));
        goals.digest_throughput.push((label, r[1].rps / r[0].rps));
        let _ = writeln!(
            out,
            "| side | HTTP exchanges per call | calls/s | p50 ms | p99 ms | throughput ratio |\n|---|---|---|---|---|---|"
        );
        let _ = writeln!(
            out,
            "| challenge every call (Go SDK, curl --digest) | {two_x:.2} | {:.0} | {} | {} | 1.000 |",
            r[0].rps,
            ms(r[0].p50),
            ms(r[0].p99)
        );
        let _ = writeln!(
            out,
            "| SDK, nonce reused | {sdk_x:.2} | {:.0} | {} | {} | {:.3} |\n",
            r[1].rps,
            ms(r[1].p50),
            ms(r[1].p99),
            r[1].rps / r[0].rps
        );
    }
    Ok(())
}

/// 64 concurrent callers on one client against the emulator's strict
/// digest (each nc must exceed the last seen for its nonce).
/// Instructions one call costs on each side of comparison 1, counted by
/// callgrind over two runs of `--profile` (the difference cancels start-up),
/// and where the SDK's extra instructions go. Skipped without valgrind.
fn instructions(out: &mut String, quick: bool, goals: &mut Goals) -> Result<(), String> {
    let _ = writeln!(out, "## 1b. Instructions per call (callgrind)\n");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (low, high) = if quick { (200, 600) } else { (500, 1500) };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let run = |side: &str, n: usize| -> Result<(u64, std::path::PathBuf), String> {
        let file = dir.path().join(format!("cg.{side}.{n}"));
        let output = std::process::Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", file.display()))
            .arg(&exe)
            .args(["--profile", side, &n.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?;
        let text = String::from_utf8_lossy(&output.stderr);
        let collected = text
            .lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .ok_or_else(|| format!("no instruction count from callgrind: {text}"))?;
        Ok((collected, file))
    };
    if std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_err()
    {
        let _ = writeln!(
            out,
            "valgrind is not installed here (`apt-get install valgrind`); skipped.\n"
        );
        return Ok(());
    }
    let mut per_call = Vec::new();
    let mut profile = None;
    for side in ["raw", "sdk"] {
        let (a, _) = run(side, low)?;
        let (b, file) = run(side, high)?;
        per_call.push(b.saturating_sub(a) as f64 / (high - low) as f64);
        if side == "sdk" {
            profile = Some(file);
        }
    }
    let (raw, sdk) = (per_call[0], per_call[1]);
    let _ = writeln!(
        out,
        "| side | instructions per call | ratio |\n|---|---|---|\n| raw reqwest | {raw:.0} | 1.000 |\n| SDK | {sdk:.0} | {:.3} |\n",
        sdk / raw
    );
    goals.instructions = Some((raw, sdk));
    // Where this project's own code spends (self cost, SDK side, the longer run).
    if let Some(file) = profile
        && let Ok(output) = std::process::Command::new("callgrind_annotate")
            .arg("--inclusive=yes")
            .arg(&file)
            .output()
    {
        let text = String::from_utf8_lossy(&output.stdout);
        // Without the binary's path, which says nothing about the code.
        let ours: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("atlas_apikeys") && !l.contains("atlas_apikeys_bench"))
            .map(|l| l.split(" [").next().unwrap_or(l))
            .take(12)
            .collect();
        if !ours.is_empty() {
            let _ = writeln!(
                out,
                "This project's functions by inclusive instructions ({high} SDK calls, `callgrind_annotate --inclusive=yes`):\n\n```text\n{}\n```\n",
                ours.join("\n")
            );
        }
    }
    Ok(())
}

async fn concurrent_digest(
    out: &mut String,
    s: &Settings,
    goals: &mut Goals,
) -> Result<(), String> {
    const CALLERS: usize = 64;
    let _ = writeln!(
        out,
        "## 2b. Digest under concurrency: {CALLERS} callers on one client, strict `nc` (the emulator's default)
"
    );
    let per_caller = (s.calls / CALLERS).max(10);
    let _ = writeln!(
        out,
        "| side | calls | failed | HTTP exchanges per call | digest challenges | calls/s |\n|---|---|---|---|---|---|"
    );
    for side in [
        "challenge every call (Go SDK, curl --digest)",
        "SDK, one challenge per request in flight",
    ] {
        let emu = Emulator::start(Config::default())
            .await
            .map_err(|e| e.to_string())?;
        let call = if side.starts_with("SDK") {
            sdk_call(
                ApiKeys::builder()
                    .base_url(emu.url())
                    .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
                    .retry(RetryPolicy::none())
                    .build()
                    .map_err(|e| e.to_string())?,
            )
        } else {
            two_exchange_digest_call(&emu.url())
        };
        let started = Instant::now();
        let tasks: Vec<_> = (0..CALLERS)
            .map(|_| {
                let call = call.clone();
                tokio::spawn(async move {
                    let mut failed = 0;
                    for _ in 0..per_caller {
                        if !call().await {
                            failed += 1;
                        }
                    }
                    failed
                })
            })
            .collect();
        let mut failed = 0;
        for t in tasks {
            failed += t.await.map_err(|e| e.to_string())?;
        }
        let elapsed = started.elapsed();
        let calls = CALLERS * per_caller;
        let c = emu.counters();
        let per_call = c.exchanges as f64 / calls as f64;
        let _ = writeln!(
            out,
            "| {side} | {calls} | {failed} | {per_call:.3} | {} | {:.0} |",
            c.challenges,
            calls as f64 / elapsed.as_secs_f64()
        );
        if side.starts_with("SDK") {
            goals.concurrent_digest = Some((failed, per_call));
        }
    }
    out.push('\n');
    Ok(())
}

/// Token requests while the token endpoint is down for `secs` seconds,
/// answering 429 with `Retry-After: 2`, under 16 callers that keep calling.
async fn token_outage(out: &mut String, quick: bool, goals: &mut Goals) -> Result<(), String> {
    let secs: u64 = if quick { 4 } else { 10 };
    let _ = writeln!(
        out,
        "## 3b. A token endpoint outage: {secs} s of 429 with `Retry-After: 2`, 16 callers calling throughout\n"
    );
    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..100_000 {
        emu.inject(
            Some("/api/oauth/token"),
            atlas_apikeys_emulator::Fault::Refuse {
                status: 429,
                retry_after: 2,
            },
        );
    }
    let keys = ApiKeys::builder()
        .base_url(emu.url())
        .service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET)
        .build()
        .map_err(|e| e.to_string())?;
    let call = sdk_call(keys);
    // Callers keep calling through the outage and a few seconds past it;
    // the outage ends on time, and what was asked during it is counted then.
    let started = Instant::now();
    let stop = started + Duration::from_secs(secs + 3);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                let (mut ok, mut failed) = (0u64, 0u64);
                while Instant::now() < stop {
                    if call().await {
                        ok += 1;
                    } else {
                        failed += 1;
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    tokio::time::sleep_until((started + Duration::from_secs(secs)).into()).await;
    let during = emu.counters().token_requests;
    emu.clear_injected();
    let mut calls = (0, 0);
    for t in tasks {
        let (ok, failed) = t.await.map_err(|e| e.to_string())?;
        calls = (calls.0 + ok, calls.1 + failed);
    }
    let recovered = call().await;
    let _ = writeln!(
        out,
        "| outage | calls in the outage and 3 s after it (succeeded / failed) | token requests during it | goal (N/2 + 1) | a call after |\n|---|---|---|---|---|\n| {secs} s | {} / {} | {during} | {} | {} |\n",
        calls.0,
        calls.1,
        secs / 2 + 1,
        if recovered { "succeeded" } else { "FAILED" }
    );
    goals.token_outage = Some((secs, during));
    Ok(())
}

async fn oauth(out: &mut String, goals: &mut Goals) -> Result<(), String> {
    let _ = writeln!(
        out,
        "## 3. Service-account tokens: single flight on a cold cache\n"
    );
    let _ = writeln!(
        out,
        "| concurrent calls on a cold cache | token requests | API requests |\n|---|---|---|"
    );
    for n in [1usize, 100, 1000] {
        let emu = Emulator::start(Config::default())
            .await
            .map_err(|e| e.to_string())?;
        let keys = ApiKeys::builder()
            .base_url(emu.url())
            .service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET)
            .build()
            .map_err(|e| e.to_string())?;
        let call = sdk_call(keys);
        let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(call())).collect();
        for t in tasks {
            assert!(t.await.map_err(|e| e.to_string())?, "cold call failed");
        }
        let c = emu.counters();
        let _ = writeln!(out, "| {n} | {} | {} |", c.token_requests, c.exchanges);
        goals.token_requests.push((n, c.token_requests));
    }
    // What the first call costs: a cold client's first call vs its second.
    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    let (mut cold, mut warm, mut digest_cold) = (Vec::new(), Vec::new(), Vec::new());
    // A new client each time: nothing cached.
    let fresh = |credentials: atlas_apikeys::client::Credentials| {
        ApiKeys::builder()
            .base_url(emu.url())
            .credentials(credentials)
            .build()
            .map(sdk_call)
            .map_err(|e| e.to_string())
    };
    for _ in 0..31 {
        let call = fresh(atlas_apikeys::client::Credentials::service_account(
            defaults::CLIENT_ID,
            defaults::CLIENT_SECRET,
        ))?;
        let t = Instant::now();
        assert!(call().await);
        cold.push(t.elapsed());
        let t = Instant::now();
        assert!(call().await);
        warm.push(t.elapsed());
        let call = fresh(atlas_apikeys::client::Credentials::api_key(
            defaults::OWNER_PUBLIC,
            defaults::OWNER_PRIVATE,
        ))?;
        let t = Instant::now();
        assert!(call().await);
        digest_cold.push(t.elapsed());
    }
    for v in [&mut cold, &mut warm, &mut digest_cold] {
        v.sort();
    }
    let (c, w, d) = (cold[15], warm[15], digest_cold[15]);
    let _ = writeln!(
        out,
        "\nFirst call of a new client, median of 31: **{} ms** (new connection + token request + call) vs **{} ms** for its second call: the token adds **{} ms** once per hour. A new digest client's first call (new connection + challenge + call): {} ms.\n",
        ms(c),
        ms(w),
        ms(c.saturating_sub(w)),
        ms(d)
    );
    Ok(())
}

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn codegen(out: &mut String, rebuild: bool) -> Result<(), String> {
    use xtask::codegen;
    let _ = writeln!(out, "## 4. Code generation\n");
    let root = xtask::workspace_root();
    let fragments = codegen::read_fragments(&root).map_err(|e| e.to_string())?;
    let atlas: Vec<_> = fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .cloned()
        .collect();
    let newest = vec![atlas.last().cloned().ok_or("no Atlas fragment")?];
    let all_time = median_time(21, || {
        let f = codegen::read_fragments(&root).expect("fragments");
        black_box(codegen::generate(f).expect("generate"));
    });
    let one_time = median_time(21, || {
        black_box(codegen::generate(newest.clone()).expect("generate"));
    });
    let all = codegen::generate(fragments.clone()).map_err(|e| e.to_string())?;
    let atlas_lines = codegen::generate(atlas.clone())
        .map_err(|e| e.to_string())?
        .total_lines();
    let one_lines = codegen::generate(newest)
        .map_err(|e| e.to_string())?
        .total_lines();
    let _ = writeln!(out, "| what | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| generate everything ({} fragments, read + prepare + progenitor + format), median of 21 | {} ms |",
        fragments.len(),
        ms(all_time)
    );
    let _ = writeln!(
        out,
        "| generate one Atlas version, median of 21 | {} ms |",
        ms(one_time)
    );
    let _ = writeln!(
        out,
        "| generated lines, all systems and versions | {} |",
        all.total_lines()
    );
    let _ = writeln!(
        out,
        "| generated lines, the {} Atlas versions / the newest alone | {atlas_lines} / {one_lines} ({:.2}x) |",
        atlas.len(),
        atlas_lines as f64 / one_lines as f64
    );
    if rebuild {
        let seconds = rebuild_after_fragment_change(&root)?;
        let _ = writeln!(
            out,
            "| rebuild the client crate after a fragment change (codegen + `cargo build`, dev profile, warm) | {seconds:.1} s |"
        );
    }
    out.push('\n');
    Ok(())
}

/// Times `cargo build -p atlas-apikeys-client` in a scratch workspace after
/// a fragment gains a role value and codegen runs.
fn rebuild_after_fragment_change(root: &std::path::Path) -> Result<f64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let copy = |from: &std::path::Path, to: &std::path::Path| -> Result<(), String> {
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .map_err(|e| e.to_string())?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| "cp failed".to_owned())
    };
    std::fs::create_dir_all(dir.path().join("crates")).map_err(|e| e.to_string())?;
    copy(&root.join("openapi"), &dir.path().join("openapi"))?;
    copy(
        &root.join("crates/atlas-apikeys-client"),
        &dir.path().join("crates/atlas-apikeys-client"),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock"))
        .map_err(|e| e.to_string())?;
    let manifest: String = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| e.to_string())?
        .lines()
        .map(|l| {
            if l.starts_with("members = ") {
                r#"members = ["crates/atlas-apikeys-client"]"#.to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let target = root.join("target").join("bench-rebuild");
    let build = || {
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--offline",
                "--quiet",
                "-p",
                "atlas-apikeys-client",
            ])
            .current_dir(dir.path())
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| e.to_string())
            .and_then(|s| {
                s.success()
                    .then_some(())
                    .ok_or_else(|| "cargo build failed".to_owned())
            })
    };
    build()?; // warm
    // The common edit: a role added to the catalogue (roles come from there,
    // whatever version's fragment lists).
    let catalogue = dir.path().join("openapi/roles/atlas.json");
    let text = std::fs::read_to_string(&catalogue).map_err(|e| e.to_string())?;
    let mut entry: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    entry["org"]
        .as_array_mut()
        .ok_or("the catalogue has no org list")?
        .push("ORG_BENCH_ROLE".into());
    std::fs::write(&catalogue, entry.to_string()).map_err(|e| e.to_string())?;
    let t = Instant::now();
    xtask::codegen::run(dir.path(), false).map_err(|e| e.to_string())?;
    build()?;
    Ok(t.elapsed().as_secs_f64())
}

fn validation(out: &mut String) {
    let _ = writeln!(out, "## 5. Validation\n");
    const ITERS: u32 = 200_000;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..ITERS {
            f();
        }
        t.elapsed().as_nanos() as f64 / f64::from(ITERS)
    };
    let id = "32b6e34b3d91647abb20e7b8";
    let desc = "rotated by the nightly CI job for the payments service";
    let bare_id = |s: &str| {
        s.len() == 24
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let (mut a, mut b, mut c, mut d) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in 0..21 {
        let mut parse_id = || {
            black_box(OrgId::parse(black_box(id)).is_ok());
        };
        let mut check_id = || {
            black_box(bare_id(black_box(id)));
        };
        let mut parse_desc = || {
            black_box(Description::new(black_box(desc)).is_ok());
        };
        let mut check_desc = || {
            let s = black_box(desc);
            black_box((1..=250).contains(&s.chars().count()).then(|| s.to_owned()));
        };
        if r % 2 == 0 {
            a.push(time(&mut parse_id));
            b.push(time(&mut check_id));
            c.push(time(&mut parse_desc));
            d.push(time(&mut check_desc));
        } else {
            b.push(time(&mut check_id));
            a.push(time(&mut parse_id));
            d.push(time(&mut check_desc));
            c.push(time(&mut parse_desc));
        }
    }
    let med = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b, c, d) = (med(&mut a), med(&mut b), med(&mut c), med(&mut d));
    let _ = writeln!(
        out,
        "| parse | ns | bare check ns | ratio |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| `OrgId` (24 hex, typed, with error detail on failure) | {a:.1} | {b:.1} | {:.2} |",
        a / b
    );
    let _ = writeln!(
        out,
        "| `Description` (54 characters, owned) | {c:.1} | {d:.1} | {:.2} |\n",
        c / d
    );
}

async fn emulator_load(out: &mut String, s: &Settings) -> Result<(), String> {
    let _ = writeln!(
        out,
        "## 6. The emulator under load (64 concurrent callers)\n"
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let base = minimal_server(seen).await;
    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    let make = |b: atlas_apikeys::ApiKeysBuilder| {
        b.retry(RetryPolicy::none())
            .build()
            .map_err(|e| e.to_string())
    };
    let baseline = sdk_call(make(ApiKeys::builder().anonymous().base_url(&base))?);
    let bearer = sdk_call(make(
        ApiKeys::builder()
            .base_url(emu.url())
            .service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET),
    )?);
    let digest = sdk_call(make(
        ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE),
    )?);
    assert!(baseline().await && bearer().await && digest().await);
    let r = compare(&[&baseline, &bearer, &digest], s.rounds, s.calls, 64).await;
    out.push_str(HEADER);
    row(
        out,
        "minimal loopback server (fixed JSON, no auth)",
        &r[0],
        &r[0],
    );
    row(out, "emulator, service-account token", &r[1], &r[0]);
    row(out, "emulator, digest (nonce reused)", &r[2], &r[0]);
    out.push('\n');
    Ok(())
}

fn goals_table(goals: &Goals) -> String {
    let mut out = String::from("## Goals\n\n| goal | measured | met |\n|---|---|---|\n");
    let mark = |ok: bool| if ok { "yes" } else { "**no**" };
    for (what, ratio) in &goals.sdk_p50 {
        let _ = writeln!(
            out,
            "| SDK/raw p50 ≤ 1.05, paired ({what}) | {ratio:.3} | {} |",
            mark(*ratio <= 1.05)
        );
    }
    for (what, x) in &goals.digest_exchanges {
        let _ = writeln!(
            out,
            "| digest: 1.0 HTTP exchanges per call ({what}) | {x:.2} | {} |",
            mark(*x <= 1.005)
        );
    }
    for (what, r) in &goals.digest_throughput {
        let _ = writeln!(
            out,
            "| digest: ≥ 1.8x the throughput of a challenge per call ({what}) | {r:.2}x | {} |",
            mark(*r >= 1.8)
        );
    }
    if let Some((raw, sdk)) = goals.instructions {
        let _ = writeln!(
            out,
            "| SDK/raw instructions per call ≤ 1.10 | {:.3} ({sdk:.0} / {raw:.0}) | {} |",
            sdk / raw,
            mark(sdk / raw <= 1.10)
        );
    }
    if let Some((failed, x)) = goals.concurrent_digest {
        let _ = writeln!(
            out,
            "| 64 concurrent digest callers, strict nc: 0 failures | {failed} | {} |",
            mark(failed == 0)
        );
        let _ = writeln!(
            out,
            "| 64 concurrent digest callers: ≤ 1.05 exchanges per call | {x:.3} | {} |",
            mark(x <= 1.05)
        );
    }
    if let Some((secs, t)) = goals.token_outage {
        let _ = writeln!(
            out,
            "| token outage of {secs} s (Retry-After: 2): ≤ {} token requests | {t} | {} |",
            secs / 2 + 1,
            mark(t <= secs / 2 + 1)
        );
    }
    for (n, t) in &goals.token_requests {
        let _ = writeln!(
            out,
            "| 1 token request for {n} concurrent cold calls | {t} | {} |",
            mark(*t == 1)
        );
    }
    out.push('\n');
    out
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map_or("unknown".into(), |kb| format!("{} GiB", kb / 1024 / 1024));
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory} memory; {rustc}; release build; loopback only")
}

/// The command-line tool built beside this benchmark (`cargo xtask bench`
/// builds both).
fn cli_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let cli = exe.with_file_name(format!("atlas-apikeys{}", std::env::consts::EXE_SUFFIX));
    cli.is_file().then_some(cli)
}

/// `apply` over 300 projects of one organization, as a user runs it: the
/// release binary against the emulator, without and with a rate limit and
/// injected faults.
async fn apply_at_scale(out: &mut String) -> Result<(), String> {
    const PROJECTS: usize = 300;
    let _ = writeln!(
        out,
        "## 7. `atlas-apikeys apply`: one key into {PROJECTS} projects\n"
    );
    let Some(cli) = cli_binary() else {
        let _ = writeln!(
            out,
            "Skipped: build the tool first (`cargo build --release -p atlas-apikeys-cli`; `cargo xtask bench` does).\n"
        );
        return Ok(());
    };
    let dir =
        std::env::temp_dir().join(format!("atlas-apikeys-apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut plan = format!(
        "[[keys]]\nid = \"{}\"\norg = \"{}\"\ndesc = \"applied\"\norg_roles = [\"ORG_MEMBER\"]\n",
        defaults::TARGET_KEY,
        defaults::ORG
    );
    let mut projects = Vec::new();
    for i in 0..PROJECTS {
        let id = format!("7{i:023x}");
        plan.push_str(&format!(
            "[[keys.projects]]\nid = \"{id}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ));
        projects.push(atlas_apikeys_emulator::Project {
            id,
            org_id: defaults::ORG.into(),
            name: format!("p{i}"),
        });
    }
    let file = dir.join("plan.toml");
    std::fs::write(&file, &plan).map_err(|e| e.to_string())?;
    let _ = writeln!(
        out,
        "| run | items | failed | wall s | items/s | HTTP exchanges | exchanges/s | 429s answered |\n|---|---|---|---|---|---|---|---|"
    );
    for (label, limited) in [
        ("first run, no limit", false),
        (
            "first run, 100 requests/s limit, 5 injected 500s and a 429",
            true,
        ),
        ("re-run (everything already so)", false),
    ] {
        let mut config = Config::default();
        config.seed.projects.extend(projects.iter().cloned());
        if limited {
            config.rate_limit = Some(atlas_apikeys_emulator::RateLimitConfig {
                requests: 100,
                window_ms: 1000,
            });
        }
        let emu = Emulator::start(config).await.map_err(|e| e.to_string())?;
        if limited {
            for _ in 0..5 {
                emu.inject(None, atlas_apikeys_emulator::Fault::Status(500));
            }
            emu.inject(
                None,
                atlas_apikeys_emulator::Fault::Refuse {
                    status: 429,
                    retry_after: 1,
                },
            );
        }
        let runs = if label.starts_with("re-run") { 2 } else { 1 };
        let mut last = None;
        for _ in 0..runs {
            let before = emu.counters();
            let started = Instant::now();
            let output = tokio::process::Command::new(&cli)
                .args(["-o", "json", "apply"])
                .arg(&file)
                .args(["--concurrency", "16"])
                .env_clear()
                .env("MONGODB_ATLAS_BASE_URL", emu.url())
                .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
                .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE)
                .env(
                    "MONGODB_ATLAS_API_VERSION",
                    atlas_apikeys::latest_atlas_version().version,
                )
                .output()
                .await
                .map_err(|e| e.to_string())?;
            let wall = started.elapsed().as_secs_f64();
            let after = emu.counters();
            let report: serde_json::Value =
                serde_json::from_slice(&output.stdout).map_err(|e| {
                    format!(
                        "apply report: {e}: {}",
                        String::from_utf8_lossy(&output.stderr)
                    )
                })?;
            last = Some((
                report,
                wall,
                after.exchanges - before.exchanges,
                after.rate_limited - before.rate_limited,
            ));
        }
        let Some((report, wall, exchanges, limited_count)) = last else {
            continue;
        };
        let items = report["summary"]["items"].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {label} | {items} | {} | {wall:.2} | {:.0} | {exchanges} | {:.0} | {limited_count} |",
            report["summary"]["failed"],
            items as f64 / wall,
            exchanges as f64 / wall,
        );
    }
    out.push('\n');
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `--profile sdk|raw N`: N sequential calls of one side against the minimal
/// server, for an instruction profiler (callgrind) to attribute.
async fn profile(side: &str, n: usize, concurrency: usize) {
    let url = minimal_server(Arc::new(Mutex::new(Vec::new()))).await;
    let call = match side {
        "sdk" => sdk_call(
            ApiKeys::builder()
                .anonymous()
                .base_url(&url)
                .retry(RetryPolicy::none())
                .build()
                .expect("client"),
        ),
        _ => raw_call(&url, None),
    };
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..n / concurrency {
                    assert!(call().await);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        let side = args.get(i + 1).map_or("sdk", String::as_str);
        let n = args.get(i + 2).and_then(|n| n.parse().ok()).unwrap_or(1000);
        let concurrency = args
            .get(i + 3)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1usize)
            .max(1);
        profile(side, n, concurrency).await;
        return;
    }
    let write = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let quick = args.iter().any(|a| a == "--quick");
    let settings = if quick {
        Settings {
            rounds: 3,
            calls: 2_000,
        }
    } else {
        Settings {
            rounds: 5,
            calls: 12_000,
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Produced by `cargo xtask bench` (`cargo run --release -p atlas-apikeys-bench -- --write BENCHMARKS.md`).\n"
    );
    let _ = writeln!(out, "Machine: {}.\n", machine());
    let _ = writeln!(
        out,
        "How to read: each comparison runs its sides in one process against the same loopback server, alternating the order round by round ({} rounds); every figure is the median round. A ratio is the side's figure divided by the first (baseline) row: for latency lower is better, for throughput higher is better.\n",
        settings.rounds
    );
    let mut failed = Vec::new();
    let mut goals = Goals::default();
    let mut body = String::new();
    if let Err(e) = sdk_overhead(&mut body, &settings, &mut goals).await {
        failed.push(format!("sdk overhead: {e}"));
    }
    if args.iter().any(|a| a == "--overhead-only") {
        out.push_str(&goals_table(&goals));
        out.push_str(&body);
        print!("{out}");
        return;
    }
    if let Err(e) = tokio::task::block_in_place(|| instructions(&mut body, quick, &mut goals)) {
        failed.push(format!("instructions: {e}"));
    }
    if let Err(e) = digest(&mut body, &settings, &mut goals).await {
        failed.push(format!("digest: {e}"));
    }
    if let Err(e) = concurrent_digest(&mut body, &settings, &mut goals).await {
        failed.push(format!("concurrent digest: {e}"));
    }
    if let Err(e) = oauth(&mut body, &mut goals).await {
        failed.push(format!("oauth: {e}"));
    }
    if let Err(e) = token_outage(&mut body, quick, &mut goals).await {
        failed.push(format!("token outage: {e}"));
    }
    if let Err(e) = tokio::task::block_in_place(|| codegen(&mut body, !quick)) {
        failed.push(format!("codegen: {e}"));
    }
    validation(&mut body);
    if let Err(e) = emulator_load(&mut body, &settings).await {
        failed.push(format!("emulator load: {e}"));
    }
    if let Err(e) = apply_at_scale(&mut body).await {
        failed.push(format!("apply: {e}"));
    }
    out.push_str(&goals_table(&goals));
    out.push_str(&body);
    out.push_str(PROFILING);
    print!("{out}");
    if !failed.is_empty() {
        eprintln!("failed sections: {failed:?}");
        std::process::exit(1);
    }
    if let Some(path) = write {
        if let Err(e) = std::fs::write(&path, &out) {
            eprintln!("cannot write {path}: {e}");
            std::process::exit(1);
        }
        eprintln!("wrote {path}");
    }
}
