//! How `apply` paces its items: fewer requests in flight while the server
//! rate-limits, and none sent before a `Retry-After` has passed. It never
//! repeats a request: retries are the transport's, one budget per call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_apikeys::{ApiKeys, Ensured, Error, TransportError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::plan::Work;
use crate::exit::Failure;

/// How many items may be in flight: starts at the bound, halves on an
/// item refused for the rate (its transport's retries spent), and grows
/// back by one per run of successes. A semaphore holds the allowance;
/// shrinking it while items are in flight is a debt paid by not returning
/// their permits. `RateLimit-Remaining` is not read here: it is one
/// bucket's (a project's, an organization's), and the client paces each
/// bucket by it already.
pub(super) struct Pace {
    bound: usize,
    /// False: the bound always, and no hold (`--no-pacing`).
    adaptive: bool,
    permits: Arc<Semaphore>,
    allowance: Mutex<Allowance>,
}

struct Allowance {
    allowed: usize,
    successes: usize,
    owed: usize,
    /// No item starts before this: the server's `Retry-After`.
    hold: Option<Instant>,
}

impl Pace {
    pub(super) fn new(bound: usize, adaptive: bool) -> Self {
        Pace {
            bound,
            adaptive,
            permits: Arc::new(Semaphore::new(bound)),
            allowance: Mutex::new(Allowance {
                allowed: bound,
                successes: 0,
                owed: 0,
                hold: None,
            }),
        }
    }

    /// Waits for room under the allowance, and for any `Retry-After`.
    pub(super) async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        // Only a closed semaphore fails, and this one is never closed.
        let permit = self.permits.clone().acquire_owned().await.ok();
        while let Some(until) = self.holding() {
            tokio::time::sleep_until(until).await;
        }
        permit
    }

    /// When the server's `Retry-After` ends, while it has not.
    pub(super) fn holding(&self) -> Option<Instant> {
        let mut a = self.lock();
        match a.hold {
            Some(until) if until > Instant::now() => Some(until),
            Some(_) => {
                a.hold = None;
                None
            }
            None => None,
        }
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

    /// A refusal for the rate: half the allowance, and no new item before
    /// `retry_after` has passed. False when the wait is longer than a run
    /// waits ([`MAX_HOLD`]): the run should stop instead.
    pub(super) fn limited(&self, retry_after: Option<Duration>) -> bool {
        if !self.adaptive {
            return true;
        }
        let mut a = self.lock();
        let half = a.allowed / 2;
        self.shrink_to(&mut a, half);
        let Some(wait) = retry_after else {
            return true;
        };
        match Instant::now()
            .checked_add(wait)
            .filter(|_| wait <= MAX_HOLD)
        {
            Some(until) => {
                a.hold = Some(a.hold.map_or(until, |h| h.max(until)));
                true
            }
            None => false,
        }
    }

    /// An item was done.
    fn succeeded(&self) {
        let mut a = self.lock();
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

/// The longest `Retry-After` a run waits out; a longer one stops the run
/// (every later item would wait as long), and a re-run completes it.
pub(super) const MAX_HOLD: Duration = Duration::from_secs(15 * 60);

/// What happened to an item.
#[derive(Debug, Clone)]
pub(super) struct Outcome {
    pub(super) result: &'static str,
    pub(super) error: Option<String>,
    /// The failure would fail every other item too (credentials rejected,
    /// host unreachable, TLS): the run stops, with this exit code.
    pub(super) fatal: Option<u8>,
}

impl Outcome {
    pub(super) fn failed(error: String) -> Self {
        Outcome {
            result: "failed",
            error: Some(error),
            fatal: None,
        }
    }
}

/// Sends one item's request; the result in the report's words.
pub(super) async fn perform(keys: &ApiKeys, work: &Work) -> Result<&'static str, Error> {
    match work {
        Work::Org(org, key, update) => keys
            .update_org_key(org, key, update)
            .await
            .map(|_| "updated"),
        // The assign that finds the key already there updates its roles
        // instead: someone may have assigned it since the plan was read.
        Work::Project(project, key, roles) => Ok(
            match keys.ensure_project_roles(project, key, roles).await? {
                Ensured::Updated(_) => "updated",
                Ensured::Present(_) => "present",
                _ => "assigned",
            },
        ),
        Work::Unassign(project, key) => keys
            .unassign_from_project(project, key)
            .await
            .map(|_| "unassigned"),
        Work::AddEntries(org, key, entries) => keys
            .add_access_entries(org, key, entries)
            .await
            .map(|_| "added"),
        Work::RemoveEntry(org, key, entry) => keys
            .delete_access_entry(org, key, entry)
            .await
            .map(|_| "removed"),
        Work::Delete(org, key) => keys.delete_org_key(org, key).await.map(|_| "deleted"),
    }
}

/// An item the key was already seen to satisfy: nothing was sent.
pub(super) const UNCHANGED: &str = "unchanged";

/// Whether `e` would fail every item of the run alike.
fn fails_every_item(e: &Error) -> bool {
    // An unreachable host (a refused port, DNS, TLS) fails them all too.
    matches!(
        e,
        Error::Auth(_)
            | Error::VersionGone { .. }
            | Error::ClientSetup(_)
            | Error::Config(_)
            | Error::Transport(TransportError::Connect(_) | TransportError::Tls(_))
    ) || e.status() == Some(401)
}

/// Does one item, once: the transport has already retried what it may, and
/// waited out what `Retry-After` it could. A refusal for the rate holds
/// every later item until the server's `Retry-After` has passed.
pub(super) async fn attempt(keys: &ApiKeys, pace: &Pace, work: &Work) -> Outcome {
    match perform(keys, work).await {
        Ok(result) => {
            if result != UNCHANGED {
                pace.succeeded();
            }
            Outcome {
                result,
                error: None,
                fatal: None,
            }
        }
        Err(e) => {
            let mut fatal = fails_every_item(&e);
            if e.status() == Some(429) || matches!(e, Error::RateLimited { .. }) {
                let wait = match &e {
                    Error::RateLimited { retry_after, .. } => Some(*retry_after),
                    _ => None,
                };
                fatal |= !pace.limited(wait);
            }
            let failure = Failure::from(e);
            Outcome {
                result: "failed",
                fatal: fatal.then_some(failure.code),
                error: Some(failure.message.replace('\n', "; ")),
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
        let pace = Pace::new(8, true);
        let slots = take(&pace, 8).await;
        assert!(pace.limited(None));
        assert_eq!(pace.permits.available_permits(), 0);
        for slot in slots {
            pace.release(slot);
        }
        assert_eq!(pace.permits.available_permits(), 4, "half of 8");

        // Four successes per allowed slot add one, up to the bound.
        for _ in 0..16 {
            pace.succeeded();
        }
        assert_eq!(pace.permits.available_permits(), 5);
        for _ in 0..1000 {
            pace.succeeded();
        }
        assert_eq!(pace.permits.available_permits(), 8);
    }

    #[tokio::test(start_paused = true)]
    async fn no_slot_is_given_before_a_retry_after_has_passed() {
        let pace = Pace::new(4, true);
        // Longer than a run waits, or than a clock can hold: refused.
        assert!(!pace.limited(Some(MAX_HOLD + Duration::from_secs(1))));
        assert!(!pace.limited(Some(Duration::MAX)));
        assert!(pace.holding().is_none());
        assert!(pace.limited(Some(Duration::from_secs(119))));
        let asked = Instant::now();
        let slot = pace.slot().await;
        assert!(slot.is_some());
        assert!(asked.elapsed() >= Duration::from_secs(119));
        assert!(pace.holding().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn without_pacing_the_bound_holds_through_refusals() {
        let pace = Pace::new(4, false);
        let slots = take(&pace, 4).await;
        assert!(pace.limited(Some(Duration::from_secs(119))));
        assert!(pace.holding().is_none());
        for slot in slots {
            pace.release(slot);
        }
        assert_eq!(pace.permits.available_permits(), 4);
    }
}
