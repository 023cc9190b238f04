//! How `apply` paces and retries one item: fewer requests in flight while
//! the server rate-limits, and another try for what may pass later.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atlas_apikeys::{ApiKeys, Ensured, Error};

use super::plan::Work;
use crate::exit::Failure;

/// How many requests may be in flight: starts at the bound, halves on a
/// 429 or a low `RateLimit-Remaining`, and grows back by one per run of
/// successes.
pub(super) struct Pace {
    pub(super) bound: usize,
    pub(super) allowed: AtomicUsize,
    pub(super) successes: AtomicUsize,
}

impl Pace {
    pub(super) fn new(bound: usize) -> Self {
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
pub(super) struct Outcome {
    pub(super) result: &'static str,
    pub(super) error: Option<String>,
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
pub(super) async fn attempt(keys: &ApiKeys, pace: &Pace, work: &Work) -> Outcome {
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
