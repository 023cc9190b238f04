//! `atlas-apikeys apply FILE`: bring keys to the state a file declares, with
//! the three operations, concurrently, continuing past failures, and
//! reporting each item. Idempotent: a re-run redoes what is already so
//! (harmlessly) and completes what failed.

mod pace;
mod plan;

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use crate::exit::{API, Failure};
use crate::output::{Format, printable};
use crate::setup::Setup;
use pace::{Outcome, Pace, attempt};
use plan::{Work, describe, items, read};

/// Runs `apply`.
pub async fn run(
    setup: &Setup,
    format: Format,
    file: &Path,
    concurrency: usize,
) -> Result<ExitCode, Failure> {
    let plan = read(file)?;
    let items = items(plan, setup, false);
    if setup.dry_run {
        let value = json!({
            "dryRun": true,
            "items": items.iter().map(|i| json!({
                "key": i.key, "scope": i.scope, "target": i.target,
                "plan": i.work.as_ref().map(describe).ok(),
                "error": i.work.as_ref().err(),
            })).collect::<Vec<_>>(),
        });
        let rows: Vec<(&str, String)> = items
            .iter()
            .map(|i| match &i.work {
                Ok(w) => ("plan", describe(w)),
                Err(e) => (
                    "invalid",
                    format!("{} ({} {}): {e}", i.key, i.scope, i.target),
                ),
            })
            .collect();
        crate::output::print(format, &value, &rows);
        return Ok(if items.iter().any(|i| i.work.is_err()) {
            ExitCode::from(crate::exit::USAGE)
        } else {
            ExitCode::SUCCESS
        });
    }
    let keys = setup.client()?;
    let started = Instant::now();
    let total = items.len();
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut outcomes: Vec<Option<Outcome>> = vec![None; total];
    let mut valid: Vec<(usize, Work)> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        match &item.work {
            Ok(work) => valid.push((n, work.clone())),
            Err(e) => {
                outcomes[n] = Some(Outcome {
                    result: "failed",
                    error: Some(e.clone()),
                });
                bar.inc(1);
            }
        }
    }
    let pace = Arc::new(Pace::new(concurrency.max(1)));
    let mut running = tokio::task::JoinSet::new();
    for (n, work) in valid {
        // Waits while the allowance is used up; a 429 shrinks it.
        let slot = pace.slot().await;
        let (pace, keys, bar) = (pace.clone(), keys.clone(), bar.clone());
        running.spawn(async move {
            let outcome = attempt(&keys, &pace, &work).await;
            pace.release(slot);
            bar.inc(1);
            (n, outcome)
        });
    }
    while let Some(finished) = running.join_next().await {
        if let Ok((n, outcome)) = finished {
            outcomes[n] = Some(outcome);
        }
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome {
                result: "failed",
                error: Some("not attempted".into()),
            })
        })
        .collect();
    let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
    let (assigned, updated, failed) = (count("assigned"), count("updated"), count("failed"));
    let value = json!({
        "summary": { "items": total, "assigned": assigned, "updated": updated, "failed": failed, "seconds": elapsed.as_secs_f64() },
        "items": items.iter().zip(&outcomes).map(|(i, o)| json!({
            "key": i.key, "scope": i.scope, "target": i.target, "result": o.result, "error": o.error,
        })).collect::<Vec<_>>(),
    });
    let mut rows: Vec<(&str, String)> = vec![(
        "summary",
        format!(
            "{assigned} assigned, {updated} updated, {failed} failed, of {total} in {:.1}s",
            elapsed.as_secs_f64()
        ),
    )];
    for (i, o) in items.iter().zip(&outcomes) {
        if let Some(e) = &o.error {
            rows.push((
                "failed",
                format!("{} ({} {}): {}", i.key, i.scope, printable(&i.target), e),
            ));
        }
    }
    crate::output::print(format, &value, &rows);
    Ok(if failed > 0 {
        ExitCode::from(API)
    } else {
        ExitCode::SUCCESS
    })
}
