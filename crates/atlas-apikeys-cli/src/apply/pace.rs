//! How `apply` paces and retries one item: fewer requests in flight while
//! the server rate-limits, and another try for what may pass later.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_apikeys::{ApiKeys, Ensured, Error};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::plan::Work;
use crate::exit::Failure;

/// How many items may be in flight: starts at the bound, halves on a 429
/// or a low `RateLimit-Remaining`, and grows back by one per run of
/// successes. A semaphore holds the allowance; shrinking it while items
/// are in flight is a debt paid by not returning their permits.
pub(super) struct Pace {
    bound: usize,
    permits: Arc<Semaphore>,
    allowance: Mutex<Allowance>,
}

struct Allowance {
    allowed: usize,
    successes: usize,
    owed: usize,
}

impl Pace {
    pub(super) fn new(bound: usize) -> Self {
        Pace {
            bound,
            permits: Arc::new(Semaphore::new(bound)),
            allowance: Mutex::new(Allowance {
                allowed: bound,
                successes: 0,
                owed: 0,
            }),
        }
    }

    /// Waits for room under the allowance.
    pub(super) async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        // Only a closed semaphore fails, and this one is never closed.
        self.permits.clone().acquire_owned().await.ok()
    }

    /// Gives a slot back, unless the allowance shrank meanwhile.
    pub(super) fn release(&self, slot: Option<OwnedSemaphorePermit>) {
        let mut a = self.lock();
        if let Some(permit) = slot
            && a.owed > 0
        {
            a.owed -= 1;
            permit.forget();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Allowance> {
        self.allowance.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Idle permits go at once; the rest are owed by items in flight.
    fn shrink_to(&self, a: &mut Allowance, allowed: usize) {
        let allowed = allowed.max(1);
        if allowed < a.allowed {
            let cut = a.allowed - allowed;
            a.owed += cut - self.permits.forget_permits(cut);
            a.allowed = allowed;
            a.successes = 0;
        }
    }

    fn limited(&self) {
        let mut a = self.lock();
        let half = a.allowed / 2;
        self.shrink_to(&mut a, half);
    }

    /// `remaining`: the server's last `RateLimit-Remaining`, if it sent one.
    fn succeeded(&self, remaining: Option<u64>) {
        let mut a = self.lock();
        let remaining = remaining.map(|r| usize::try_from(r).unwrap_or(usize::MAX));
        if let Some(remaining) = remaining
            && remaining < a.allowed
        {
            self.shrink_to(&mut a, remaining);
            return;
        }
        a.successes += 1;
        if a.successes >= a.allowed * 4 && a.allowed < self.bound {
            a.allowed += 1;
            a.successes = 0;
            if a.owed > 0 {
                a.owed -= 1;
            } else {
                self.permits.add_permits(1);
            }
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
                pace.succeeded(keys.rate_limit().and_then(|r| r.remaining));
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn take(pace: &Pace, n: usize) -> Vec<Option<OwnedSemaphorePermit>> {
        let mut slots = Vec::new();
        for _ in 0..n {
            slots.push(pace.slot().await);
        }
        slots
    }

    #[tokio::test]
    async fn a_limit_shrinks_the_allowance_as_slots_come_back_and_successes_grow_it() {
        let pace = Pace::new(8);
        let slots = take(&pace, 8).await;
        pace.limited();
        assert_eq!(pace.permits.available_permits(), 0);
        for slot in slots {
            pace.release(slot);
        }
        assert_eq!(pace.permits.available_permits(), 4, "half of 8");

        // A low RateLimit-Remaining shrinks it further, never below one;
        // idle permits go at once.
        let slot = take(&pace, 1).await.remove(0);
        pace.succeeded(Some(0));
        assert_eq!(pace.permits.available_permits(), 0);
        pace.release(slot);
        assert_eq!(pace.permits.available_permits(), 1, "one in all");

        // Four successes per allowed slot add one, up to the bound.
        for _ in 0..4 {
            pace.succeeded(None);
        }
        assert_eq!(pace.permits.available_permits(), 2);
        for _ in 0..1000 {
            pace.succeeded(None);
        }
        assert_eq!(pace.permits.available_permits(), 8);
    }
}
