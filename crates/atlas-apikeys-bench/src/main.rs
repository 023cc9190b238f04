//! `cargo xtask bench`: every comparison side by side in one process, on
//! loopback, sides alternated, medians and ratios; writes BENCHMARKS.md with
//! `--write PATH`. `--overhead-only` runs comparison 1 alone; `--profile
//! sdk|raw N [CALLERS]` makes calls for a profiler.
#![forbid(unsafe_code)]

mod codegen;
mod digest;
mod load;
mod measure;
mod oauth;
mod overhead;
mod report;
mod sides;

use std::fmt::Write as _;

use codegen::*;
use digest::*;
use load::*;
use oauth::*;
use overhead::*;
use report::*;

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
