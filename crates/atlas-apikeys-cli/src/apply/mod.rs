//! `atlas-apikeys apply FILE`: bring keys to the state a file declares, with
//! the key operations, concurrently, continuing past an item's failure,
//! and reporting each item. Idempotent: a re-run redoes what is already so
//! (harmlessly) and completes what failed.
//!
//! A failure that would fail every item (credentials rejected, host
//! unreachable, TLS) stops the run once the items in flight are done; so
//! does Ctrl-C, at once. Either way the report says what happened so far.

mod file;
mod known;
mod pace;
mod plan;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};

use crate::exit::{API, Failure, INTERRUPTED, USAGE};
use crate::output::Format;
use crate::setup::Setup;
use pace::{Outcome, Pace, attempt};
use plan::{Item, describe, items};

/// Runs `apply`.
pub async fn run(
    setup: &Setup,
    format: Format,
    path: &Path,
    concurrency: usize,
    allow_unlisted: bool,
) -> Result<ExitCode, Failure> {
    let plan = file::read(path)?;
    let items = items(plan, setup, allow_unlisted)?;
    if setup.dry_run {
        return dry_run(setup, format, items).await;
    }
    let keys = setup.client()?;
    let started = Instant::now();
    let bar = progress(items.len());
    let mut outcomes: Vec<Option<Outcome>> = vec![None; items.len()];
    let mut queue = Vec::new();
    for (n, item) in items.iter().enumerate() {
        match &item.work {
            Ok(work) => queue.push((n, work.clone())),
            Err(e) => outcomes[n] = Some(Outcome::failed(e.clone())),
        }
    }
    let invalid = items.len() - queue.len();
    let mut queue = queue.into_iter();
    let pace = Arc::new(Pace::new(concurrency.max(1)));
    let known = Arc::new(known::Known::default());
    let mut running = tokio::task::JoinSet::new();
    let mut in_flight: HashMap<tokio::task::Id, usize> = HashMap::new();
    let mut stop: Option<u8> = None;
    let mut interrupted = false;
    let mut failed = 0usize;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        show_wait(&bar, &pace, failed);
        let more = stop.is_none() && !interrupted && queue.len() > 0;
        if !more && running.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            _ = &mut ctrl_c, if !interrupted => {
                interrupted = true;
                running.abort_all();
            }
            Some(finished) = running.join_next_with_id(), if !running.is_empty() => {
                let (n, outcome) = match finished {
                    Ok((id, (n, outcome))) => {
                        in_flight.remove(&id);
                        (n, outcome)
                    }
                    Err(e) => {
                        let Some(n) = in_flight.remove(&e.id()) else { continue };
                        let why = if e.is_cancelled() {
                            "interrupted while in flight: it may or may not have been applied"
                        } else {
                            "the item's task failed"
                        };
                        (n, Outcome::failed(why.into()))
                    }
                };
                if outcome.error.is_some() {
                    failed += 1;
                }
                stop = stop.or(outcome.fatal);
                outcomes[n] = Some(outcome);
                bar.inc(1);
            }
            slot = pace.slot(), if more => {
                let Some((n, work)) = queue.next() else { continue };
                let (pace, keys, known) = (pace.clone(), keys.clone(), known.clone());
                let handle = running.spawn(async move {
                    let outcome = attempt(&keys, &pace, &known, &work).await;
                    pace.release(slot);
                    (n, outcome)
                });
                in_flight.insert(handle.id(), n);
            }
        }
    }
    bar.finish_and_clear();
    let why_not = if interrupted {
        "not attempted: interrupted"
    } else {
        "not attempted: the run stopped after a failure that would fail every item"
    };
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|o| {
            o.unwrap_or(Outcome {
                result: "skipped",
                error: Some(why_not.into()),
                fatal: None,
            })
        })
        .collect();
    report(format, &items, &outcomes, started)?;
    let sent_failed = outcomes.iter().filter(|o| o.result == "failed").count() > invalid;
    Ok(ExitCode::from(match (interrupted, stop) {
        (true, _) => INTERRUPTED,
        (false, Some(code)) => code,
        _ if sent_failed => API,
        _ if invalid > 0 => USAGE,
        _ => 0,
    }))
}

/// The progress bar, on a terminal only: done of all, the rate, failures,
/// and any wait the server asked for.
fn progress(total: usize) -> indicatif::ProgressBar {
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
fn show_wait(bar: &indicatif::ProgressBar, pace: &Pace, failed: usize) {
    let (message, waiting) = status(pace, failed);
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

/// The bar's message (failures and any wait), and the wait alone.
fn status(pace: &Pace, failed: usize) -> (String, Option<String>) {
    let waiting = pace.holding().map(|until| {
        let left = until.saturating_duration_since(tokio::time::Instant::now());
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
fn item_json(item: &Item) -> Value {
    json!({
        "at": item.at,
        "key": item.key.map(|k| k.to_string()),
        "scope": item.scope,
        "target": item.target,
    })
}

/// Every valid item goes through the same calls as a run, on a client in
/// dry-run mode: what it would send is built, checked and held, and an item
/// the client refuses is reported with the exit code the run would give.
async fn dry_run(setup: &Setup, format: Format, mut items: Vec<Item>) -> Result<ExitCode, Failure> {
    let keys = setup.client()?;
    let known = known::Known::default();
    let mut refused = None;
    for item in &mut items {
        if let Ok(work) = &item.work
            && let Err(e) = pace::perform(&keys, &known, work).await
            && !matches!(e, atlas_apikeys::Error::Planned(_))
        {
            let failure = Failure::from(e);
            refused.get_or_insert(failure.code);
            item.work = Err(failure.message.replace('\n', "; "));
        }
    }
    let value = json!({
        "dryRun": true,
        "items": items.iter().map(|i| {
            let mut v = item_json(i);
            v["plan"] = json!(i.work.as_ref().map(describe).ok());
            v["error"] = json!(i.work.as_ref().err());
            v
        }).collect::<Vec<_>>(),
    });
    crate::output::print(format, &value, || {
        items
            .iter()
            .map(|i| match &i.work {
                Ok(w) => ("plan", describe(w)),
                Err(e) => ("invalid", e.clone()),
            })
            .collect()
    })?;
    Ok(match refused {
        Some(code) => ExitCode::from(code),
        None if items.iter().any(|i| i.work.is_err()) => ExitCode::from(USAGE),
        None => ExitCode::SUCCESS,
    })
}

fn report(
    format: Format,
    items: &[Item],
    outcomes: &[Outcome],
    started: Instant,
) -> Result<(), Failure> {
    let elapsed = started.elapsed().as_secs_f64();
    let count = |r: &str| outcomes.iter().filter(|o| o.result == r).count();
    let (assigned, updated, unchanged, present, failed, skipped) = (
        count("assigned"),
        count("updated"),
        count(pace::UNCHANGED),
        count("present"),
        count("failed"),
        count("skipped"),
    );
    let total = items.len();
    let value = json!({
        "summary": {
            "items": total, "assigned": assigned, "updated": updated, "unchanged": unchanged,
            "present": present, "failed": failed, "skipped": skipped, "seconds": elapsed,
        },
        "items": items.iter().zip(outcomes).map(|(i, o)| {
            let mut v = item_json(i);
            v["result"] = json!(o.result);
            v["error"] = json!(o.error);
            v
        }).collect::<Vec<_>>(),
    });
    crate::output::print(format, &value, || {
        let mut rows: Vec<(&str, String)> = vec![(
            "summary",
            format!(
                "{assigned} assigned, {updated} updated, {unchanged} unchanged, {present} present, {failed} failed, {skipped} skipped, of {total} in {elapsed:.1}s"
            ),
        )];
        for (i, o) in items.iter().zip(outcomes) {
            if let Some(e) = &o.error {
                let target = i.target.as_deref().unwrap_or("?");
                rows.push((o.result, format!("{} ({} {target}): {e}", i.at, i.scope)));
            }
        }
        rows
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wait the server asked for is shown, with the failures, on the bar
    /// and (without one) once as a note: a long `Retry-After` is never a
    /// silent minute.
    #[tokio::test(start_paused = true)]
    async fn the_bar_says_how_many_failed_and_how_long_the_run_waits() {
        let pace = Pace::new(4);
        assert_eq!(status(&pace, 0).0, "");
        assert_eq!(status(&pace, 2).0, "2 failed");
        assert!(pace.limited(Some(std::time::Duration::from_secs(119))));
        assert_eq!(
            status(&pace, 3).0,
            "3 failed; waiting 119s: the server rate-limits"
        );
        let bar = indicatif::ProgressBar::hidden();
        show_wait(&bar, &pace, 3);
        assert_eq!(bar.message(), "waiting 119s: the server rate-limits");
    }
}
