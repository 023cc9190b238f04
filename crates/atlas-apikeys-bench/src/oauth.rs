//! Comparison 3: service-account tokens: cold and warm calls, single flight,
//! and an outage of the token endpoint.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use atlas_apikeys::ApiKeys;
use atlas_apikeys_emulator::{Emulator, defaults};

use crate::measure::ms;
use crate::report::*;
use crate::sides::*;

/// Token requests while the token endpoint is down for `secs` seconds,
/// answering 429 with `Retry-After: 2`, under 16 callers that keep calling.
pub(crate) async fn token_outage(quick: bool) -> Result<Section, String> {
    let secs: u64 = if quick { 4 } else { 10 };
    let mut body = format!(
        "## 3b. A token endpoint outage: {secs} s of 429 with `Retry-After: 2`, 16 callers calling throughout\n\n"
    );
    let out = &mut body;
    let emu = emulator(crate::sides::unlimited()).await?;
    for _ in 0..100_000 {
        emu.inject(
            Some("/api/oauth/token"),
            atlas_apikeys_emulator::Fault::Refuse {
                status: 429,
                retry_after: 2,
            },
        );
    }
    let call = service_account_call(&emu)?;
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
    let mut section = Section::new(body);
    section.goal(
        format!(
            "token outage of {secs} s (Retry-After: 2): ≤ {} token requests",
            secs / 2 + 1
        ),
        during.to_string(),
        during <= secs / 2 + 1,
    );
    Ok(section)
}

pub(crate) async fn oauth() -> Result<Section, String> {
    let mut body = String::from("## 3. Service-account tokens: single flight on a cold cache\n\n");
    let out = &mut body;
    let mut judged = Vec::new();
    let _ = writeln!(
        out,
        "| concurrent calls on a cold cache | token requests | API requests |\n|---|---|---|"
    );
    for n in [1usize, 100, 1000] {
        let emu = emulator(crate::sides::unlimited()).await?;
        let call = service_account_call(&emu)?;
        let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(call())).collect();
        for t in tasks {
            assert!(t.await.map_err(|e| e.to_string())?, "cold call failed");
        }
        let c = emu.counters();
        let _ = writeln!(out, "| {n} | {} | {} |", c.token_requests, c.exchanges);
        judged.push((n, c.token_requests));
    }
    // What the first call costs: a cold client's first call vs its second.
    let emu = emulator(crate::sides::unlimited()).await?;
    let (mut cold, mut warm, mut digest_cold) = (Vec::new(), Vec::new(), Vec::new());
    // A new client each time: nothing cached.
    for _ in 0..31 {
        let call = service_account_call(&emu)?;
        cold.push(timed(&call).await);
        warm.push(timed(&call).await);
        let call = ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
            .build()
            .map(sdk_call)
            .map_err(|e| e.to_string())?;
        digest_cold.push(timed(&call).await);
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
    let mut section = Section::new(body);
    for (n, t) in judged {
        section.goal(
            format!("1 token request for {n} concurrent cold calls"),
            t.to_string(),
            t == 1,
        );
    }
    Ok(section)
}

/// How long one call takes.
async fn timed(call: &crate::measure::Call) -> std::time::Duration {
    let t = Instant::now();
    assert!(call().await, "a benchmarked call failed");
    t.elapsed()
}

/// An SDK call as the example service account, on a new client.
fn service_account_call(emu: &Emulator) -> Result<crate::measure::Call, String> {
    ApiKeys::builder()
        .base_url(emu.url())
        .service_account(
            defaults::SERVICE_ACCOUNT.client_id,
            defaults::SERVICE_ACCOUNT.client_secret,
        )
        .build()
        .map(sdk_call)
        .map_err(|e| e.to_string())
}
