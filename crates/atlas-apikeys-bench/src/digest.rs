//! Comparison 2: digest with leased, reused challenges against a
//! challenge per call, and 64 concurrent callers on the strict emulator.

use std::fmt::Write as _;
use std::time::Instant;

use atlas_apikeys::ApiKeys;
use atlas_apikeys_emulator::defaults;

use crate::measure::{Call, compare, ms};
use crate::report::*;
use crate::sides::*;

pub(crate) async fn digest(s: &Settings) -> Result<Section, String> {
    let mut body = String::from(
        "## 2. Digest: nonce reuse vs a challenge on every call (the emulator verifies both)\n\n",
    );
    let out = &mut body;
    let mut judged = Vec::new();
    for (concurrency, latency_ms) in [(1, 0), (16, 0), (1, 1)] {
        let mut config = crate::sides::unlimited();
        config.faults.latency_ms = latency_ms;
        let emu = emulator(config).await?;
        let sdk = digest_side(&emu.url())?;
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
        judged.push((label, sdk_x, r[1].rps / r[0].rps));
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
    let mut section = Section::new(body);
    for (what, x, _) in &judged {
        section.goal(
            format!("digest: 1.0 HTTP exchanges per call ({what})"),
            format!("{x:.2}"),
            *x <= 1.005,
        );
    }
    for (what, _, r) in &judged {
        section.goal(
            format!("digest: ≥ 1.8x the throughput of a challenge per call ({what})"),
            format!("{r:.2}x"),
            *r >= 1.8,
        );
    }
    Ok(section)
}

/// 64 concurrent callers on one client against the emulator's strict
/// digest (each nc must exceed the last seen for its nonce).
pub(crate) async fn concurrent_digest(s: &Settings) -> Result<Section, String> {
    const CALLERS: usize = 64;
    let mut body = format!(
        "## 2b. Digest under concurrency: {CALLERS} callers on one client, strict `nc` (the emulator's default)\n\n"
    );
    let out = &mut body;
    let mut measured = None;
    let per_caller = (s.calls / CALLERS).max(10);
    let _ = writeln!(
        out,
        "| side | calls | failed | HTTP exchanges per call | digest challenges | calls/s |\n|---|---|---|---|---|---|"
    );
    for side in [
        "challenge every call (Go SDK, curl --digest)",
        "SDK, one challenge per request in flight",
    ] {
        let emu = emulator(crate::sides::unlimited()).await?;
        let call = if side.starts_with("SDK") {
            digest_side(&emu.url())?
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
            measured = Some((failed, per_call));
        }
    }
    out.push('\n');
    let mut section = Section::new(body);
    if let Some((failed, x)) = measured {
        section.goal(
            "64 concurrent digest callers, strict nc: 0 failures",
            failed.to_string(),
            failed == 0,
        );
        section.goal(
            "64 concurrent digest callers: ≤ 1.05 exchanges per call",
            format!("{x:.3}"),
            x <= 1.05,
        );
    }
    Ok(section)
}

/// The SDK with the example owner's API key (digest), no retries.
fn digest_side(url: &str) -> Result<Call, String> {
    no_retry(
        ApiKeys::builder()
            .base_url(url)
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key),
    )
}
