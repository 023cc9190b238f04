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

/// A goal, judged where it was measured.
pub(crate) struct Goal {
    what: String,
    measured: String,
    met: bool,
}

/// What one comparison produced: its part of the report and its goals.
#[derive(Default)]
pub(crate) struct Section {
    /// The comparison's Markdown.
    pub(crate) body: String,
    goals: Vec<Goal>,
}

impl Section {
    /// A section with this Markdown body.
    pub(crate) fn new(body: String) -> Self {
        Section {
            body,
            goals: Vec::new(),
        }
    }

    /// Records a goal: what it asks, what was measured, whether it was met.
    pub(crate) fn goal(&mut self, what: impl Into<String>, measured: impl Into<String>, met: bool) {
        self.goals.push(Goal {
            what: what.into(),
            measured: measured.into(),
            met,
        });
    }
}

/// The report: every section's goals in one table, then the sections.
pub(crate) fn render(sections: &[Section]) -> String {
    let mut out = String::from("## Goals\n\n| goal | measured | met |\n|---|---|---|\n");
    for goal in sections.iter().flat_map(|s| &s.goals) {
        let met = if goal.met { "yes" } else { "**no**" };
        let _ = writeln!(out, "| {} | {} | {met} |", goal.what, goal.measured);
    }
    out.push('\n');
    for section in sections {
        out.push_str(&section.body);
    }
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
