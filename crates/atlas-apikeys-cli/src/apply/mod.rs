//! `atlas-apikeys apply FILE` and `plan FILE`: bring keys to the state a
//! file declares. Both read the live state of the keys the file names (one
//! read per key, plus its declared access list) and settle each item
//! against it; `plan` prints what would change, `apply` sends only that,
//! concurrently, continuing past an item's failure and reporting each
//! item. A re-run of a file that is already true sends reads only.
//!
//! A failure that would fail every item (credentials rejected, host
//! unreachable, TLS) stops the run once the items in flight are done; so
//! does Ctrl-C, at once. Either way the report says what happened so far.

mod diff;
pub mod export;
mod file;
mod live;
mod pace;
mod plan;
mod report;
mod saved;
mod show;

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use crate::exit::{API, Failure, INTERRUPTED, PENDING, TRANSPORT, USAGE};
use crate::output::Format;
use crate::setup::Setup;
pub(crate) use diff::entry_of;
use diff::{Diffed, Step};
pub(crate) use live::learn_limits;
use pace::{Outcome, Pace, attempt};
pub(crate) use plan::canonical;
use plan::{Item, describe, items};
use report::{item_json, progress, show_wait};

/// How `apply` and `plan` run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Roles the catalogue does not list are sent as given.
    pub allow_unlisted: bool,
    /// Live assignments and entries the file leaves out are removed.
    pub prune: bool,
    /// Requests wait for their rate-limit bucket's token.
    pub paced: bool,
}

impl Options {
    /// The options `args` and the global flag give.
    pub fn of(args: &crate::cli::FileArgs, allow_unlisted: bool) -> Self {
        Options {
            concurrency: usize::from(args.concurrency),
            allow_unlisted,
            prune: args.prune,
            paced: !args.no_pacing,
        }
    }
}

/// The file read, checked and settled against the live state.
struct Settled {
    diffed: Vec<Diffed>,
    keys: atlas_apikeys::ApiKeys,
    /// A read failure every key met alike (credentials, an unreachable
    /// host): nothing can be done.
    fatal: Option<Failure>,
    /// What a saved plan keeps: the keys as declared, what was read.
    file: plan::Plan,
    named: Vec<plan::Named>,
    read: Vec<live::Read>,
    prune: bool,
}

/// Reads the file and the live state of its keys, and settles each item.
/// A read failure that every key met alike (credentials, an unreachable
/// host) is the command's failure.
async fn settle(setup: &Setup, path: &Path, mut options: Options) -> Result<Settled, Failure> {
    let (file, saved) = file::read(path)?;
    if let Some(saved) = &saved {
        if options.prune && !saved.prune {
            return Err(Failure::usage(
                "--prune: the saved plan was made without it; plan again with --prune",
            ));
        }
        options.prune = saved.prune;
    }
    let (items, named) = items(&file, setup, options.allow_unlisted)?;
    let keys = setup.client()?;
    keys.pace().set_paced(options.paced);
    live::learn_limits(&keys, named.iter().filter_map(|n| n.org.clone().ok())).await;
    let reads = live::read(&keys, &named, options.concurrency).await;
    if let Some(saved) = &saved {
        saved::unmoved(saved, &named, &reads)?;
    }
    let failures: Vec<&Failure> = reads.iter().filter_map(|r| r.as_ref().err()).collect();
    let fatal = (!reads.is_empty()
        && failures.len() == reads.len()
        && failures.iter().all(|f| f.code == TRANSPORT))
    .then(|| failures[0].clone());
    let diffed = diff::settle(items, &named, &reads, options.prune);
    Ok(Settled {
        diffed,
        keys,
        fatal,
        file,
        named,
        read: reads,
        prune: options.prune,
    })
}

/// Runs `plan`: prints what `apply` would change; exit 0 when nothing
/// would, [`PENDING`] when something would, 2 when items are invalid.
pub async fn plan_only(
    setup: &Setup,
    format: Format,
    path: &Path,
    options: Options,
    out: Option<&Path>,
) -> Result<ExitCode, Failure> {
    if setup.dry_run {
        return Err(Failure::usage(
            "plan sends only reads, and --dry-run sends nothing: drop --dry-run",
        ));
    }
    let settled = settle(setup, path, options).await?;
    if let Some(fatal) = settled.fatal {
        return Err(fatal);
    }
    let pending = show::print(format, &settled.diffed, settled.named.len())?;
    let any = |f: fn(&Step) -> bool| settled.diffed.iter().any(|d| f(&d.step));
    let code = match (
        any(|s| matches!(s, Step::Unread(_))),
        any(|s| matches!(s, Step::Fail(_))),
    ) {
        (true, _) => API,
        (false, true) => USAGE,
        _ if pending => PENDING,
        _ => 0,
    };
    if let (Some(out), API) = (out, code) {
        // A plan of keys that could not be read is not one to apply.
        crate::echo::err(&format!(
            "note: the plan was not saved to {}: some keys could not be read",
            crate::limits::source(out)
        ));
    } else if let Some(out) = out {
        let changes = settled
            .diffed
            .iter()
            .filter_map(|d| match &d.step {
                Step::Send(work) => Some(describe(work)),
                _ => None,
            })
            .collect();
        let Settled {
            file,
            named,
            read,
            prune,
            ..
        } = settled;
        saved::write(out, file, prune, &named, &read, changes)?;
    }
    Ok(ExitCode::from(code))
}

/// Runs `apply`.
pub async fn run(
    setup: &Setup,
    format: Format,
    path: &Path,
    options: Options,
) -> Result<ExitCode, Failure> {
    if setup.dry_run {
        let (file, _) = file::read(path)?;
        let (items, _) = items(&file, setup, options.allow_unlisted)?;
        return dry_run(setup, format, items).await;
    }
    let started = Instant::now();
    let Settled {
        diffed,
        keys,
        fatal,
        named,
        ..
    } = settle(setup, path, options).await?;
    // One read of each key's live state.
    let reads = named.len();
    let concurrency = options.concurrency;
    let mut outcomes: Vec<Option<Outcome>> = vec![None; diffed.len()];
    let mut queue = Vec::new();
    let mut invalid = 0;
    for (n, d) in diffed.iter().enumerate() {
        let done = |result| Outcome {
            result,
            error: None,
            fatal: None,
        };
        match &d.step {
            Step::Send(work) => queue.push((n, work.clone())),
            Step::Same => outcomes[n] = Some(done(pace::UNCHANGED)),
            Step::Kept => outcomes[n] = Some(done("kept")),
            Step::Fail(e) => {
                invalid += 1;
                outcomes[n] = Some(Outcome::failed(e.clone()));
            }
            Step::Unread(e) => outcomes[n] = Some(Outcome::failed(e.clone())),
        }
    }
    let mut stop: Option<u8> = None;
    if let Some(fatal) = &fatal {
        // Nothing is sent: what would have been is reported not attempted.
        queue.clear();
        for (n, d) in diffed.iter().enumerate() {
            if !matches!(d.step, Step::Fail(_) | Step::Kept) {
                outcomes[n] = None;
            }
        }
        stop = Some(fatal.code);
        crate::echo::err(&format!("error: reading the live state: {}", fatal.message));
    }
    let bar = progress(queue.len());
    let mut queue = queue.into_iter();
    let pace = Arc::new(Pace::new(concurrency.max(1), options.paced));
    let mut running = tokio::task::JoinSet::new();
    let mut in_flight: HashMap<tokio::task::Id, usize> = HashMap::new();
    let mut interrupted = false;
    let mut failed = 0usize;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        show_wait(&bar, &pace, keys.pace().wait(), failed);
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
                let (pace, keys) = (pace.clone(), keys.clone());
                let handle = running.spawn(async move {
                    let outcome = attempt(&keys, &pace, &work).await;
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
    report::report(format, &diffed, &outcomes, reads, started)?;
    let sent_failed = outcomes.iter().filter(|o| o.result == "failed").count() > invalid;
    Ok(ExitCode::from(match (interrupted, stop) {
        (true, _) => INTERRUPTED,
        (false, Some(code)) => code,
        _ if sent_failed => API,
        _ if invalid > 0 => USAGE,
        _ => 0,
    }))
}

/// Every valid item goes through the same calls as a run, on a client in
/// dry-run mode: what it would send is built, checked and held, and an item
/// the client refuses is reported with the exit code the run would give.
async fn dry_run(setup: &Setup, format: Format, mut items: Vec<Item>) -> Result<ExitCode, Failure> {
    let keys = setup.client()?;
    let mut refused = None;
    for item in &mut items {
        // An access list declared empty adds nothing (an export writes one
        // for a key without entries): there is no request to build.
        let nothing = matches!(&item.work, Ok(plan::Work::AddEntries(_, _, e)) if e.is_empty());
        if let Ok(work) = &item.work
            && !nothing
            && let Err(e) = pace::perform(&keys, work).await
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

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    /// A wait the server asked for, or an empty bucket's, is shown with the
    /// failures on the bar and (without one) once as a note: a long
    /// `Retry-After` is never a silent minute.
    #[tokio::test(start_paused = true)]
    async fn the_bar_says_how_many_failed_and_how_long_the_run_waits() {
        let pace = Pace::new(4, true);
        assert_eq!(report::status(&pace, None, 0).0, "");
        assert_eq!(report::status(&pace, None, 2).0, "2 failed");
        let bucket = Some(Duration::from_millis(4500));
        assert_eq!(
            report::status(&pace, bucket, 0).0,
            "waiting 5s: the server rate-limits"
        );
        assert!(pace.limited(Some(Duration::from_secs(119))));
        assert_eq!(
            report::status(&pace, bucket, 3).0,
            "3 failed; waiting 119s: the server rate-limits"
        );
        let bar = indicatif::ProgressBar::hidden();
        show_wait(&bar, &pace, None, 3);
        assert_eq!(bar.message(), "waiting 119s: the server rate-limits");
    }
}
