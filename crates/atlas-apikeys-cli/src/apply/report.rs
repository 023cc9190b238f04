//! What `apply` says: the progress bar on a terminal (done of all, the rate,
//! failures, and any wait for the server's rate limits), and the report at
//! the end, item by item.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::diff::{Diffed, Step};
use super::pace::{Outcome, Pace};
use super::plan::Item;
use crate::exit::Failure;
use crate::output::Format;

/// The results an item may come to, in the order the summary gives them.
const RESULTS: [&str; 11] = [
    "assigned",
    "updated",
    "unchanged",
    "present",
    "unassigned",
    "added",
    "removed",
    "deleted",
    "failed",
    "skipped",
    "kept",
];

/// The progress bar, on a terminal only: done of all, the rate, failures,
/// and any wait the server asked for.
pub(super) fn progress(total: usize) -> indicatif::ProgressBar {
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Says on the bar how many failed and whether the run waits for the
/// server; without a bar, a wait is said once on stderr.
pub(super) fn show_wait(
    bar: &indicatif::ProgressBar,
    pace: &Pace,
    bucket: Option<Duration>,
    failed: usize,
) {
    let (message, waiting) = status(pace, bucket, failed);
    if bar.is_hidden() {
        if let Some(w) = waiting
            && bar.message() != w
        {
            crate::echo::err(&format!("note: {w}"));
            bar.set_message(w);
        }
    } else if bar.message() != message {
        bar.set_message(message);
    }
}

/// The bar's message (failures and any wait), and the wait alone: the
/// run's hold after a `Retry-After`, or the client's wait for an empty
/// bucket (`bucket`), whichever is longer.
pub(super) fn status(
    pace: &Pace,
    bucket: Option<Duration>,
    failed: usize,
) -> (String, Option<String>) {
    let held = pace
        .holding()
        .map(|until| until.saturating_duration_since(tokio::time::Instant::now()));
    let waiting = held.max(bucket).filter(|w| !w.is_zero()).map(|left| {
        // Whole seconds, rounded up: a wait is never shown as over early.
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        format!("waiting {secs}s: the server rate-limits")
    });
    let message = match (&waiting, failed) {
        (Some(w), 0) => w.clone(),
        (Some(w), n) => format!("{n} failed; {w}"),
        (None, 0) => String::new(),
        (None, n) => format!("{n} failed"),
    };
    (message, waiting)
}

/// An item's fields in the report.
pub(super) fn item_json(item: &Item) -> Value {
    json!({
        "at": item.at,
        "key": item.key.map(|k| k.to_string()),
        "scope": item.scope,
        "target": item.target,
    })
}

/// The report: a summary, then each item with its result; kept items
/// (live, not declared, not pruned) are counted apart.
pub(super) fn report(
    format: Format,
    diffed: &[Diffed],
    outcomes: &[Outcome],
    reads: usize,
    started: Instant,
) -> Result<(), Failure> {
    let elapsed = started.elapsed().as_secs_f64();
    let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
    let kept = diffed
        .iter()
        .filter(|d| matches!(d.step, Step::Kept))
        .count();
    let mut summary = json!({ "items": diffed.len() - kept, "reads": reads, "seconds": elapsed });
    for r in RESULTS {
        summary[r] = json!(count(r));
    }
    let value = json!({
        "summary": summary,
        "items": diffed.iter().zip(outcomes).map(|(d, o)| {
            let mut v = item_json(&d.item);
            v["result"] = json!(o.result);
            v["error"] = json!(o.error);
            v
        }).collect::<Vec<_>>(),
    });
    crate::output::print(format, &value, || {
        let counts: Vec<String> = RESULTS
            .iter()
            .map(|r| (r, count(r)))
            .filter(|(r, n)| *n > 0 || ["assigned", "updated", "unchanged", "failed"].contains(r))
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        let total = diffed.len() - kept;
        let mut rows: Vec<(&str, String)> = vec![(
            "summary",
            format!(
                "{}, of {total} in {elapsed:.1}s ({reads} key{} read)",
                counts.join(", "),
                if reads == 1 { "" } else { "s" },
            ),
        )];
        for (d, o) in diffed.iter().zip(outcomes) {
            if let Some(e) = &o.error {
                let target = d.item.target.as_deref().unwrap_or("?");
                rows.push((
                    o.result,
                    format!("{} ({} {target}): {e}", d.item.at, d.item.scope),
                ));
            }
        }
        rows
    })
}
