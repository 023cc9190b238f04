//! The report: table rows, the settings every comparison runs with, the
//! goals and their table, and the machine line.

use std::fmt::Write as _;

use crate::measure::{Stats, ms};

pub(crate) fn row(out: &mut String, name: &str, s: &Stats, base: &Stats) {
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
pub(crate) const PROFILING: &str = "## Profiling a miss\n\n\
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

pub(crate) const HEADER: &str = "| side | calls/s | p50 ms | p99 ms | p50 ratio | p99 ratio | throughput ratio |\n|---|---|---|---|---|---|---|\n";

pub(crate) struct Settings {
    pub(crate) rounds: usize,
    pub(crate) calls: usize,
}

/// Measured figures the goals are checked against.
#[derive(Default)]
pub(crate) struct Goals {
    pub(crate) sdk_p50: Vec<(String, f64)>,
    /// 64 concurrent digest callers: (failures, exchanges per call).
    pub(crate) concurrent_digest: Option<(usize, f64)>,
    /// Token outage: (seconds, token requests during it).
    pub(crate) token_outage: Option<(u64, u64)>,
    /// Instructions per call (raw, SDK), from callgrind.
    pub(crate) instructions: Option<(f64, f64)>,
    pub(crate) digest_exchanges: Vec<(String, f64)>,
    pub(crate) digest_throughput: Vec<(String, f64)>,
    pub(crate) token_requests: Vec<(usize, u64)>,
}

pub(crate) fn goals_table(goals: &Goals) -> String {
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

pub(crate) fn machine() -> String {
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
