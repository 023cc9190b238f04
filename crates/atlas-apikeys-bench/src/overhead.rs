//! Comparison 1: what the SDK costs over raw reqwest, in latency and in
//! instructions per call; and `--profile` for a profiler.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use atlas_apikeys::ApiKeys;

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
    let sdk = no_retry(ApiKeys::builder().anonymous().base_url(&url))?;
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

    let emu = emulator(crate::sides::unlimited()).await?;
    let bearer = token(&emu.url()).await;
    let emu_sdk = no_retry(ApiKeys::builder().base_url(emu.url()).bearer_token(&bearer))?;
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
            // below a 2-core machine's round-to-round noise otherwise. With 15
            // rounds the paired median still moved by ±0.05 between runs of
            // one binary; 45 narrow it by about √3.
            let (rounds, calls) = (s.rounds * 9, calls / 3);
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

/// Instructions and first-level cache misses one call costs on each side
/// of comparison 1, counted by callgrind's cache simulation over two runs of
/// `--profile` (the difference cancels start-up), and where the SDK's extra
/// instructions go. Skipped without valgrind.
pub(crate) fn instructions(quick: bool) -> Result<Section, String> {
    let mut body = String::from("## 1b. Instructions and cache misses per call (callgrind)\n\n");
    let out = &mut body;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let (low, high) = if quick { (200, 600) } else { (500, 1500) };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // Callgrind's totals by event name (`Ir`, `I1mr`, `D1mr`, `D1mw`, …).
    let run = |side: &str, n: usize| -> Result<(Counts, std::path::PathBuf), String> {
        let file = dir.path().join(format!("cg.{side}.{n}"));
        let output = std::process::Command::new("valgrind")
            .args(["--tool=callgrind", "--cache-sim=yes"])
            .arg(format!("--callgrind-out-file={}", file.display()))
            .arg(&exe)
            .args(["--profile", side, &n.to_string()])
            .output()
            .map_err(|e| format!("valgrind: {e}"))?;
        let text = String::from_utf8_lossy(&output.stderr);
        let line = |label: &str| {
            text.lines()
                .find_map(|l| l.split(label).nth(1))
                .map(|rest| {
                    rest.split_whitespace()
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
        };
        let (Some(events), Some(collected)) = (line("Events    :"), line("Collected :")) else {
            return Err(format!("no totals from callgrind: {text}"));
        };
        let counts = events
            .into_iter()
            .zip(collected.iter().map(|n| n.parse::<u64>().unwrap_or(0)))
            .collect();
        Ok((counts, file))
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
    let mut per_call: Vec<Counts> = Vec::new();
    let mut profile = None;
    for side in ["raw", "sdk"] {
        let (a, _) = run(side, low)?;
        let (b, file) = run(side, high)?;
        per_call.push(
            b.iter()
                .map(|(event, n)| {
                    let before = a.get(event).copied().unwrap_or(0);
                    (
                        event.clone(),
                        n.saturating_sub(before) / (high - low) as u64,
                    )
                })
                .collect(),
        );
        if side == "sdk" {
            profile = Some(file);
        }
    }
    let get = |side: usize, event: &str| per_call[side].get(event).copied().unwrap_or(0) as f64;
    let d1 = |side: usize| get(side, "D1mr") + get(side, "D1mw");
    let (raw, sdk) = (get(0, "Ir"), get(1, "Ir"));
    let _ = writeln!(
        out,
        "| side | instructions | ratio | L1 instruction misses | ratio | L1 data misses | ratio |\n|---|---|---|---|---|---|---|"
    );
    for (side, name) in [(0, "raw reqwest"), (1, "SDK")] {
        let _ = writeln!(
            out,
            "| {name} | {:.0} | {:.3} | {:.0} | {:.3} | {:.0} | {:.3} |",
            get(side, "Ir"),
            get(side, "Ir") / raw,
            get(side, "I1mr"),
            get(side, "I1mr") / get(0, "I1mr").max(1.0),
            d1(side),
            d1(side) / d1(0).max(1.0),
        );
    }
    let extra_misses = get(1, "I1mr") + d1(1) - get(0, "I1mr") - d1(0);
    let _ = writeln!(
        out,
        "\nPer call, callgrind's simulated caches (32 KiB L1i, 48 KiB L1d; the machine's may differ). \
         Latency follows misses more than instructions: at roughly 10 cycles for each L1 miss served \
         by the next level, the SDK's {extra_misses:.0} extra misses cost about {:.0} cycles a call, \
         against {:.0} extra instructions.\n",
        extra_misses * 10.0,
        sdk - raw
    );
    // Where this project's own code spends (self cost, SDK side, the longer run).
    if let Some(file) = profile
        && let Ok(output) = std::process::Command::new("callgrind_annotate")
            .args(["--inclusive=yes", "--show=Ir"])
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
                "This project's functions by inclusive instructions ({high} SDK calls, `callgrind_annotate --inclusive=yes --show=Ir`):\n\n```text\n{}\n```\n",
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

/// Callgrind's event totals by event name.
type Counts = std::collections::BTreeMap<String, u64>;

/// `--profile sdk|raw N`: N sequential calls of one side against the minimal
/// server, for an instruction profiler (callgrind) to attribute.
pub(crate) async fn profile(side: &str, n: usize, concurrency: usize) {
    let url = minimal_server(Arc::new(Mutex::new(Vec::new()))).await;
    let call = match side {
        "sdk" => no_retry(ApiKeys::builder().anonymous().base_url(&url)).expect("client"),
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
