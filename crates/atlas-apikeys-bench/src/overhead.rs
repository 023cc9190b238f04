//! Comparison 1: what the SDK costs over raw reqwest, in latency and in
//! instructions per call; and `--profile` for a profiler.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use atlas_apikeys::ApiKeys;
use atlas_apikeys::client::RetryPolicy;
use atlas_apikeys_emulator::{Config, Emulator};

use crate::measure::{every_round, median_rounds, paired_p50_ratio};
use crate::report::*;
use crate::sides::*;

pub(crate) async fn sdk_overhead(s: &Settings) -> Result<Section, String> {
    let mut body = String::from(
        "## 1. SDK overhead: `update_org_key` vs raw reqwest sending the same bytes\n\n",
    );
    let out = &mut body;
    let mut judged = Vec::new();
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
            judged.push((format!("{server}, {concurrency} caller(s)"), paired));
        }
    }
    let mut section = Section::new(body);
    for (what, ratio) in judged {
        section.goal(
            format!("SDK/raw p50 ≤ 1.05, paired ({what})"),
            format!("{ratio:.3}"),
            ratio <= 1.05,
        );
    }
    Ok(section)
}

/// Instructions one call costs on each side of comparison 1, counted by
/// callgrind over two runs of `--profile` (the difference cancels start-up),
/// and where the SDK's extra instructions go. Skipped without valgrind.
pub(crate) fn instructions(quick: bool) -> Result<Section, String> {
    let mut body = String::from("## 1b. Instructions per call (callgrind)\n\n");
    let out = &mut body;
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
        return Ok(Section::new(body));
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
    let mut section = Section::new(body);
    section.goal(
        "SDK/raw instructions per call ≤ 1.10",
        format!("{:.3} ({sdk:.0} / {raw:.0})", sdk / raw),
        sdk / raw <= 1.10,
    );
    Ok(section)
}

/// `--profile sdk|raw N`: N sequential calls of one side against the minimal
/// server, for an instruction profiler (callgrind) to attribute.
pub(crate) async fn profile(side: &str, n: usize, concurrency: usize) {
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
