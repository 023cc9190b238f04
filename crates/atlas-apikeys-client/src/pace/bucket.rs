//! One bucket as the client sees it: its tokens, refilled by a known rate,
//! and the wait for the next one.

use std::time::Duration;

use tokio::time::Instant;

use super::MAX_WAIT;

/// What a class of bucket holds and refills by, as far as it is known.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Refill {
    pub(super) capacity: Option<f64>,
    /// Tokens per second.
    pub(super) rate: Option<f64>,
}

/// One bucket.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bucket {
    /// Tokens as of `at`; below zero, tokens already promised to callers
    /// waiting for them.
    pub(super) tokens: Option<f64>,
    pub(super) at: Instant,
    /// No request before this: the server's `Retry-After`.
    pub(super) until: Option<Instant>,
    /// When the client began counting a bucket it assumed full, until an
    /// answer from it anchors the count ([`anchor`]).
    pub(super) born: Option<Instant>,
    /// What answers have added to the waits already promised: a caller
    /// that reserved a token waits this much more than it was told.
    pub(super) shift: Duration,
}

impl Bucket {
    /// A bucket with `tokens` as of `now`; `assumed`: full as far as the
    /// client can tell, not yet heard from.
    pub(super) fn new(tokens: f64, now: Instant, assumed: bool) -> Self {
        Bucket {
            tokens: Some(tokens),
            at: now,
            until: None,
            born: assumed.then_some(now),
            shift: Duration::ZERO,
        }
    }
}

/// The first answer from a bucket the client assumed full. The server's
/// bucket began when the first request arrived, somewhere between its
/// sending and now, so the refill counted before now is taken back (the
/// count may only err on the slow side), and callers already waiting for
/// a token wait that much longer.
pub(super) fn anchor(bucket: &mut Bucket, refill: Refill, now: Instant) {
    let Some(born) = bucket.born.take() else {
        return;
    };
    if let (Some(tokens), Some(rate)) = (bucket.tokens, refill.rate) {
        let early = now.duration_since(born);
        bucket.tokens = Some(tokens - early.as_secs_f64() * rate);
        bucket.shift += early;
    }
}

/// Adds what `refill` gave `bucket` since it was last seen.
pub(super) fn refilled(bucket: &mut Bucket, refill: Refill, now: Instant) {
    if let (Some(tokens), Some(rate)) = (bucket.tokens, refill.rate) {
        let added = now.duration_since(bucket.at).as_secs_f64() * rate;
        let full = refill.capacity.unwrap_or(f64::INFINITY);
        bucket.tokens = Some((tokens + added).min(full.max(tokens)));
    }
    bucket.at = now;
}

/// Takes a token from `bucket`: `None` to go now, or how long to wait for
/// the token reserved.
pub(super) fn take(bucket: &mut Bucket, refill: Refill, now: Instant) -> Option<Duration> {
    refilled(bucket, refill, now);
    let tokens = bucket.tokens?;
    match refill.rate {
        // A known refill: reserve the next token and wait for it.
        Some(rate) => {
            bucket.tokens = Some(tokens - 1.0);
            (tokens < 1.0).then(|| seconds((1.0 - tokens) / rate))
        }
        // An unknown one: count down what the server said; at zero, go
        // and be told.
        None => {
            bucket.tokens = Some((tokens - 1.0).max(0.0));
            None
        }
    }
}

/// `s` seconds as a wait, at most [`MAX_WAIT`]: what a server says may be
/// any number (infinite, past what a `Duration` holds).
pub(super) fn seconds(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).map_or(MAX_WAIT, |d| d.min(MAX_WAIT))
}
