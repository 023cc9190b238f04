//! Pacing by bucket: what the client knows of the server's rate limits,
//! and the wait before a request that would find its bucket empty.
//!
//! Atlas limits requests with token buckets, one per endpoint set and
//! scope (an organization, a project, the caller, an address). The client
//! keeps one pace per bucket it has heard of, learnt from
//! [`Pace::learn`] (what `GET /rateLimits` describes), from
//! `RateLimit-Limit` / `RateLimit-Remaining`, from `Retry-After`, and from a
//! 429's detail ("Request capacity: 10. Refill rate: 5 per 60 seconds.").
//! Without a described set, requests are grouped by the scope in their
//! path (`/orgs/{id}`, `/groups/{id}`), which is never finer than the
//! server's grouping of key endpoints, and what a 429 teaches of one
//! group's refill holds for every group of its kind.
//!
//! It never sends into a bucket it knows to be empty: a known refill
//! reserves the next token and waits for it; a `Retry-After` holds the
//! bucket until it has passed. What it does not know, it does not guess:
//! a bucket it has no word of is not held.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

use crate::wire::record::RateLimit;
use reqwest::{Method, StatusCode};
use tokio::time::Instant;

use bucket::{Bucket, Refill, anchor, refilled, seconds, take};
pub use limit::EndpointLimit;
use limit::told_refill;

mod bucket;
mod limit;

/// What the client knows of the server's rate-limit buckets, shared by
/// its clones.
#[derive(Default)]
pub struct Pace {
    known: Mutex<Known>,
    /// Requests go at once, learnt buckets or not (see [`Pace::set_paced`]).
    unpaced: AtomicBool,
}

#[derive(Default)]
struct Known {
    sets: Vec<EndpointLimit>,
    /// What each class of bucket refills by: a described set's index, or
    /// a kind of path scope.
    classes: HashMap<Class, Refill>,
    buckets: HashMap<u64, Bucket>,
    /// The latest `until` of any bucket: what [`Pace::wait`] reports, kept
    /// as buckets are told to wait rather than found by a scan on each
    /// progress report.
    longest: Option<Instant>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Set(usize),
    Org,
    Group,
    Other,
}

/// The bucket a request draws on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BucketKey {
    hash: u64,
    class: Class,
}

/// At most this many buckets are remembered; the least recently used go.
const MAX_BUCKETS: usize = 65_536;

/// The longest wait for a token: longer, and the request goes, to be told
/// by the server.
const MAX_WAIT: Duration = Duration::from_secs(15 * 60);

impl Pace {
    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether requests wait for their bucket's token (the default), or go
    /// at once and meet the server's 429s, retried after `Retry-After`
    /// like any other: to compare, or against a server that does not limit.
    pub fn set_paced(&self, paced: bool) {
        self.unpaced.store(!paced, Ordering::Relaxed);
    }

    /// Takes `sets` (what `GET /rateLimits` describes) as the server's
    /// buckets: requests are paced by them from now on.
    pub fn learn(&self, sets: Vec<EndpointLimit>) {
        let mut known = self.lock();
        known.classes.retain(|c, _| !matches!(c, Class::Set(_)));
        let sets: Vec<EndpointLimit> = sets.into_iter().filter(|s| s.capacity > 0).collect();
        for (n, set) in sets.iter().enumerate() {
            let rate = (set.refill_seconds > 0 && set.refill_rate > 0)
                .then(|| set.refill_rate as f64 / set.refill_seconds as f64)
                .filter(|r| r.is_finite() && *r > 0.0);
            let refill = Refill {
                capacity: Some(set.capacity as f64),
                rate,
            };
            known.classes.insert(Class::Set(n), refill);
        }
        known.sets = sets;
        known.buckets.clear();
        known.longest = None;
    }

    /// The bucket of `method` `path` (the URL's path, any base prefix
    /// included).
    pub(crate) fn key(&self, method: &Method, path: &str) -> BucketKey {
        let known = self.lock();
        let mut hasher = STATE.build_hasher();
        let class = known.sets.iter().enumerate().find_map(|(n, set)| {
            described(set, method, path, &mut hasher).then_some(Class::Set(n))
        });
        let class = class.unwrap_or_else(|| {
            let mut segments = path.split('/');
            let class = loop {
                match segments.next() {
                    Some("orgs") => break Class::Org,
                    Some("groups") => break Class::Group,
                    Some(_) => continue,
                    None => break Class::Other,
                }
            };
            if class != Class::Other {
                segments.next().unwrap_or_default().hash(&mut hasher);
            }
            class
        });
        class.hash(&mut hasher);
        BucketKey {
            hash: hasher.finish(),
            class,
        }
    }

    /// Waits until `key`'s bucket may take a request, and takes its token.
    pub(crate) async fn admit(&self, key: BucketKey) {
        if self.unpaced.load(Ordering::Relaxed) {
            return;
        }
        loop {
            // Decided under the lock, waited out after it.
            let (wait, taken, shift) = {
                let mut known = self.lock();
                let refill = known.classes.get(&key.class).copied().unwrap_or_default();
                let now = Instant::now();
                // A bucket of a kind whose capacity is known starts full, as
                // far as the client can tell; one of an unknown kind is not
                // held.
                if !known.buckets.contains_key(&key.hash) {
                    let Some(capacity) = refill.capacity else {
                        return;
                    };
                    known.remember(key, capacity, now, true);
                }
                let Some(bucket) = known.buckets.get_mut(&key.hash) else {
                    return;
                };
                match bucket.until {
                    Some(until) if until > now => (Some(until - now), false, bucket.shift),
                    _ => {
                        bucket.until = None;
                        (take(bucket, refill, now), true, bucket.shift)
                    }
                }
            };
            if let Some(wait) = wait {
                tokio::time::sleep(wait.min(MAX_WAIT)).await;
            }
            if taken {
                if wait.is_some() {
                    // What was heard while this caller waited for its token
                    // (a later start of the server's count, a 429's hold)
                    // is waited out too; the token stays reserved.
                    self.held(key, shift).await;
                }
                return;
            }
        }
    }

    /// Waits while `key`'s bucket is held by a `Retry-After`, and for what
    /// answers added to the promised waits since the bucket's `shift` was
    /// `seen`.
    async fn held(&self, key: BucketKey, mut seen: Duration) {
        loop {
            let (more, until) = {
                let known = self.lock();
                let now = Instant::now();
                let Some(bucket) = known.buckets.get(&key.hash) else {
                    return;
                };
                let more = bucket.shift.saturating_sub(seen);
                seen = bucket.shift;
                (more, bucket.until.filter(|until| *until > now))
            };
            if !more.is_zero() {
                tokio::time::sleep(more.min(MAX_WAIT)).await;
            } else if let Some(until) = until {
                tokio::time::sleep_until(until.min(Instant::now() + MAX_WAIT)).await;
            } else {
                return;
            }
        }
    }

    /// Learns from an answer drawn on `key`: its rate-limit headers, its
    /// `Retry-After` when it is a 429, and a 429's detail in `body`.
    pub(crate) fn answered(
        &self,
        key: BucketKey,
        status: StatusCode,
        headers: &HeaderMap,
        body: Option<&[u8]>,
    ) {
        // Read as the call's record reads them.
        let number = |name: &HeaderName| RateLimit::number(headers.get(name)).map(|n| n as f64);
        let (limit, remaining) = (number(&RateLimit::LIMIT), number(&RateLimit::REMAINING));
        // Seconds only: a date is left to the refill, when known.
        let retry_after = number(&RETRY_AFTER).map(seconds);
        let limited = status == StatusCode::TOO_MANY_REQUESTS;
        if limit.is_none() && remaining.is_none() && !limited {
            return;
        }
        let mut known = self.lock();
        let detail = body.and_then(told_refill);
        let class = known.classes.entry(key.class).or_default();
        if let Some((capacity, rate)) = detail {
            class.capacity = Some(capacity);
            class.rate = Some(rate);
        } else if limit.is_some() {
            class.capacity = limit;
        }
        let refill = *class;
        let now = Instant::now();
        if !known.buckets.contains_key(&key.hash) {
            let told = if limited { Some(0.0) } else { remaining };
            known.remember(key, told.unwrap_or(0.0), now, false);
        }
        let Some(bucket) = known.buckets.get_mut(&key.hash) else {
            return;
        };
        refilled(bucket, refill, now);
        anchor(bucket, refill, now);
        let told = if limited { Some(0.0) } else { remaining };
        if let Some(told) = told {
            // The server's count may predate requests still in flight: the
            // lower of the two is the one to trust.
            bucket.tokens = Some(bucket.tokens.map_or(told, |t| t.min(told)));
        }
        if limited {
            let wait = retry_after.or_else(|| refill.rate.map(|r| seconds(1.0 / r)));
            if let Some(until) = wait.and_then(|w| now.checked_add(w.min(MAX_WAIT))) {
                bucket.until = Some(bucket.until.map_or(until, |u| u.max(until)));
                known.longest = Some(known.longest.map_or(until, |u| u.max(until)));
            }
        }
    }

    /// How long the longest known wait for a bucket has left, while one
    /// lasts: for progress reports.
    pub fn wait(&self) -> Option<Duration> {
        let until = self.waiting()?;
        Some(until.saturating_duration_since(Instant::now()))
    }

    /// When the longest known wait ends, while one lasts.
    pub(crate) fn waiting(&self) -> Option<Instant> {
        self.lock().longest.filter(|until| *until > Instant::now())
    }
}

impl Known {
    /// Starts remembering `key`'s bucket with `tokens` (`assumed`: not
    /// told by the server), forgetting the least recently seen when there
    /// are too many.
    fn remember(&mut self, key: BucketKey, tokens: f64, now: Instant, assumed: bool) {
        if self.buckets.len() >= MAX_BUCKETS {
            let oldest = self
                .buckets
                .iter()
                .min_by_key(|(_, b)| b.at)
                .map(|(k, _)| *k);
            let gone = oldest.and_then(|oldest| self.buckets.remove(&oldest));
            // The longest wait was that bucket's: the next longest is found.
            if gone.is_some_and(|b| b.until.is_some() && b.until == self.longest) {
                self.longest = self.buckets.values().filter_map(|b| b.until).max();
            }
        }
        self.buckets
            .insert(key.hash, Bucket::new(tokens, now, assumed));
    }
}

/// One hasher state for the process: bucket keys compare within it only.
static STATE: std::sync::LazyLock<std::collections::hash_map::RandomState> =
    std::sync::LazyLock::new(Default::default);

/// Whether `set` holds `method` `path`; if so, its scope value is hashed.
fn described(set: &EndpointLimit, method: &Method, path: &str, hasher: &mut impl Hasher) -> bool {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let scope_name = match set.scope.as_str() {
        "ORGANIZATION" => Some("{orgId}"),
        "GROUP" => Some("{groupId}"),
        _ => None,
    };
    for (m, template) in &set.endpoints {
        if !m.eq_ignore_ascii_case(method.as_str()) {
            continue;
        }
        let template: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        // The path may carry a base prefix: match its tail.
        let Some(offset) = segments.len().checked_sub(template.len()) else {
            continue;
        };
        let tail = &segments[offset..];
        let fits = template
            .iter()
            .zip(tail)
            .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()));
        if fits {
            let scope = template
                .iter()
                .zip(tail)
                .find(|(t, _)| Some(**t) == scope_name);
            scope.map(|(_, s)| *s).unwrap_or_default().hash(hasher);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
