//! `atlas-apikeys apply FILE`: bring keys to the state a file declares, with
//! the three operations, concurrently, continuing past failures, and
//! reporting each item. Idempotent: a re-run redoes what is already so
//! (harmlessly) and completes what failed.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_apikeys::{
    ApiKeyId, ApiKeys, Ensured, Error, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole,
    ProjectRoles,
};
use serde::Deserialize;
use serde_json::json;

use crate::exit::{API, Failure};
use crate::output::{Format, printable};
use crate::setup::Setup;

/// The file: keys, each with its organization settings and projects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Plan {
    keys: Vec<KeySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySpec {
    id: String,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    org_roles: Option<Vec<String>>,
    #[serde(default)]
    projects: Vec<ProjectSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectSpec {
    id: String,
    roles: Vec<String>,
}

/// One request's worth of work.
#[derive(Debug, Clone)]
enum Work {
    Org(OrgId, ApiKeyId, OrgKeyUpdate),
    Project(ProjectId, ApiKeyId, ProjectRoles),
}

/// An item of the plan and, once done, its outcome.
#[derive(Debug, Clone)]
struct Item {
    key: String,
    scope: &'static str,
    target: String,
    work: Result<Work, String>,
}

fn read(path: &Path) -> Result<Plan, Failure> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::usage(format!("cannot read the plan from stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let bad = |e: String| Failure::usage(format!("{}: {e}", path.display()));
    match extension {
        "toml" => toml::from_str(&text).map_err(|e| bad(e.message().to_owned())),
        "json" => serde_json::from_str(&text).map_err(|e| bad(e.to_string())),
        "yaml" | "yml" => serde_norway::from_str(&text).map_err(|e| bad(e.to_string())),
        _ => serde_json::from_str(&text)
            .or_else(|_| serde_norway::from_str(&text))
            .map_err(|e: serde_norway::Error| bad(format!("neither JSON nor YAML: {e}"))),
    }
}

/// Turns the file into items, each validated now: a bad one is reported as
/// failed and sends nothing; the others go ahead.
fn items(plan: Plan, setup: &Setup, allow_unlisted: bool) -> Vec<Item> {
    let version = setup.version;
    let mut out = Vec::new();
    for (n, k) in plan.keys.into_iter().enumerate() {
        let label = format!("keys[{n}] {}", k.id.trim());
        let key: Result<ApiKeyId, String> =
            k.id.trim()
                .parse()
                .map_err(|e: atlas_apikeys::IdError| format!("id {}: {}", e.shown(), e.problem()));
        if k.desc.is_some() || k.org_roles.is_some() {
            let org_text = k.org.clone().or_else(|| setup.settings.org_id.clone());
            let work = (|| {
                let key = key.clone()?;
                let org: OrgId = org_text
                    .as_deref()
                    .ok_or("org: not given, and no MONGODB_ATLAS_ORG_ID or profile org_id")?
                    .trim()
                    .parse()
                    .map_err(|e: atlas_apikeys::IdError| {
                        format!("org {}: {}", e.shown(), e.problem())
                    })?;
                let mut update = OrgKeyUpdate::new();
                if let Some(d) = &k.desc {
                    update = update.description(
                        atlas_apikeys::Description::new(d.clone())
                            .map_err(|e| format!("desc: {e}"))?,
                    );
                }
                if let Some(roles) = &k.org_roles {
                    update = update.roles(roles.iter().map(|r| OrgRole::from(r.trim())));
                }
                if allow_unlisted {
                    update = update.allow_unlisted_roles();
                }
                update
                    .validate(version)
                    .map_err(|e| crate::exit::Failure::from(Error::from(e)).message)?;
                Ok(Work::Org(org, key, update))
            })();
            out.push(Item {
                key: label.clone(),
                scope: "organization",
                target: org_text.unwrap_or_default(),
                work,
            });
        }
        for p in k.projects {
            let work = (|| {
                let key = key.clone()?;
                let project: ProjectId =
                    p.id.trim().parse().map_err(|e: atlas_apikeys::IdError| {
                        format!("project {}: {}", e.shown(), e.problem())
                    })?;
                let mut roles =
                    ProjectRoles::new(p.roles.iter().map(|r| ProjectRole::from(r.trim())));
                if allow_unlisted {
                    roles = roles.allow_unlisted_roles();
                }
                roles
                    .validate(version)
                    .map_err(|e| crate::exit::Failure::from(Error::from(e)).message)?;
                Ok(Work::Project(project, key, roles))
            })();
            out.push(Item {
                key: label.clone(),
                scope: "project",
                target: p.id.trim().to_owned(),
                work,
            });
        }
    }
    out
}

/// How many requests may be in flight: starts at the bound, halves on a
/// 429 or a low `RateLimit-Remaining`, and grows back by one per run of
/// successes.
struct Pace {
    bound: usize,
    allowed: AtomicUsize,
    successes: AtomicUsize,
}

impl Pace {
    fn new(bound: usize) -> Self {
        Pace {
            bound,
            allowed: AtomicUsize::new(bound),
            successes: AtomicUsize::new(0),
        }
    }

    fn limited(&self) {
        let now = self.allowed.load(Ordering::Relaxed);
        self.allowed.store((now / 2).max(1), Ordering::Relaxed);
        self.successes.store(0, Ordering::Relaxed);
    }

    fn succeeded(&self, keys: &ApiKeys) {
        if let Some(remaining) = keys.rate_limit().and_then(|r| r.remaining)
            && (remaining as usize) < self.allowed.load(Ordering::Relaxed)
        {
            self.allowed
                .store((remaining as usize).max(1), Ordering::Relaxed);
            return;
        }
        let allowed = self.allowed.load(Ordering::Relaxed);
        if self.successes.fetch_add(1, Ordering::Relaxed) + 1 >= allowed * 4 && allowed < self.bound
        {
            self.allowed.store(allowed + 1, Ordering::Relaxed);
            self.successes.store(0, Ordering::Relaxed);
        }
    }
}

/// What happened to an item.
#[derive(Debug, Clone)]
struct Outcome {
    result: &'static str,
    error: Option<String>,
}

async fn perform(keys: &ApiKeys, work: &Work) -> Result<&'static str, Error> {
    match work {
        Work::Org(org, key, update) => keys
            .update_org_key(org, key, update)
            .await
            .map(|_| "updated"),
        Work::Project(project, key, roles) => keys
            .ensure_project_roles(project, key, roles)
            .await
            .map(|e| match e {
                Ensured::Updated(_) => "updated",
                _ => "assigned",
            }),
    }
}

/// Whether a failure may pass on a later try: every item is idempotent
/// (the organization PATCH, and assign-or-update), so a server error or a
/// lost connection is worth another go.
fn transient(e: &Error) -> bool {
    matches!(e.status(), Some(500 | 502 | 503 | 504))
        || matches!(e, Error::Transport(_) | Error::InvalidResponse { .. })
}

/// Does one item, waiting out rate limits the transport could not absorb
/// and retrying what may pass on a later try.
async fn attempt(keys: &ApiKeys, pace: &Pace, work: &Work) -> Outcome {
    const RATE_LIMIT_RETRIES: u32 = 4;
    const TRANSIENT_RETRIES: u32 = 3;
    let (mut tries, mut transients) = (0, 0);
    loop {
        match perform(keys, work).await {
            Ok(result) => {
                pace.succeeded(keys);
                return Outcome {
                    result,
                    error: None,
                };
            }
            Err(e) if e.status() == Some(429) && tries < RATE_LIMIT_RETRIES => {
                pace.limited();
                tries += 1;
                let wait = match &e {
                    Error::RateLimited { retry_after, .. } => *retry_after,
                    _ => Duration::from_millis(250 << tries),
                };
                tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
            }
            Err(e) if transient(&e) && transients < TRANSIENT_RETRIES => {
                transients += 1;
                tokio::time::sleep(Duration::from_millis(100 << transients)).await;
            }
            Err(e) => {
                if e.status() == Some(429) {
                    pace.limited();
                }
                return Outcome {
                    result: "failed",
                    error: Some(Failure::from(e).message.replace('\n', "; ")),
                };
            }
        }
    }
}

fn describe(work: &Work) -> String {
    match work {
        Work::Org(org, key, update) => {
            let mut parts = Vec::new();
            if let Some(d) = update.description_value() {
                parts.push(format!("desc {d:?}"));
            }
            if let Some(r) = update.roles_value() {
                parts.push(format!(
                    "roles {}",
                    r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
                ));
            }
            format!("PATCH org {org} key {key}: {}", parts.join(", "))
        }
        Work::Project(project, key, roles) => format!(
            "assign (or update) key {key} in project {project}: roles {}",
            roles
                .roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

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
    let keys = crate::client(setup)?;
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
    let queue: Arc<Mutex<VecDeque<(usize, Work)>>> = Arc::new(Mutex::new(VecDeque::new()));
    let mut outcomes: Vec<Option<Outcome>> = vec![None; total];
    for (n, item) in items.iter().enumerate() {
        match &item.work {
            Ok(work) => queue
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push_back((n, work.clone())),
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
    let done: Arc<Mutex<Vec<(usize, Outcome)>>> = Arc::default();
    let workers: Vec<_> = (0..concurrency.max(1))
        .map(|slot| {
            let (queue, pace, done, keys, bar) = (
                queue.clone(),
                pace.clone(),
                done.clone(),
                keys.clone(),
                bar.clone(),
            );
            tokio::spawn(async move {
                loop {
                    // Slots above the current allowance wait their turn.
                    if slot >= pace.allowed.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        if queue.lock().unwrap_or_else(|e| e.into_inner()).is_empty() {
                            return;
                        }
                        continue;
                    }
                    let Some((n, work)) =
                        queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                    else {
                        return;
                    };
                    let outcome = attempt(&keys, &pace, &work).await;
                    bar.inc(1);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((n, outcome));
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    bar.finish_and_clear();
    for (n, outcome) in std::mem::take(&mut *done.lock().unwrap_or_else(|e| e.into_inner())) {
        outcomes[n] = Some(outcome);
    }
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
