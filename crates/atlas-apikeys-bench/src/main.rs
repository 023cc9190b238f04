//! `cargo xtask bench`: every comparison side by side in one process, on
//! loopback, sides alternated, medians and ratios; writes BENCHMARKS.md with
//! `--write PATH`. `--overhead-only` runs comparison 1 alone, `--apply-only`
//! comparison 7, `--paced-only` comparison 8; `--profile
//! sdk|raw N [CALLERS]` makes calls for a profiler.
#![forbid(unsafe_code)]

mod apply;
mod codegen;
mod digest;
mod load;
mod measure;
mod oauth;
mod overhead;
mod paced;
mod report;
mod sides;

use std::fmt::Write as _;

use apply::*;
use codegen::*;
use digest::*;
use load::*;
use oauth::*;
use overhead::*;
use paced::*;
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
    let settings = Settings {
        rounds: if quick { 3 } else { 5 },
        calls: if quick { 2_000 } else { 12_000 },
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
    let mut sections = Vec::new();
    let mut keep = |name: &str, result: Result<Section, String>| match result {
        Ok(section) => sections.push(section),
        Err(e) => failed.push(format!("{name}: {e}")),
    };
    if args.iter().any(|a| a == "--paced-only") {
        keep("paced apply", paced_apply().await);
        out.push_str(&render(&sections));
        print!("{out}");
        return;
    }
    if args.iter().any(|a| a == "--apply-only") {
        keep("apply", apply_at_scale().await);
        out.push_str(&render(&sections));
        print!("{out}");
        return;
    }
    keep("sdk overhead", sdk_overhead(&settings).await);
    if args.iter().any(|a| a == "--overhead-only") {
        out.push_str(&render(&sections));
        print!("{out}");
        return;
    }
    keep(
        "instructions",
        tokio::task::block_in_place(|| instructions(quick)),
    );
    keep("digest", digest(&settings).await);
    keep("concurrent digest", concurrent_digest(&settings).await);
    keep("oauth", oauth().await);
    keep("token outage", token_outage(quick).await);
    keep("codegen", tokio::task::block_in_place(|| codegen(!quick)));
    keep("validation", Ok(validation()));
    keep("emulator load", emulator_load(&settings).await);
    keep("apply", apply_at_scale().await);
    keep("paced apply", paced_apply().await);
    out.push_str(&render(&sections));
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
