//! Fault injection: what a real network and a real proxy do to requests.
//!
//! Faults come from a one-shot queue (for tests: "the next two requests get
//! an HTML 502") and from rates (for soak runs), drawn from a seeded
//! generator so a run can be repeated.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this status and an `ApiError`-less plain body.
    Status(u16),
    /// Answer 502 with an HTML page, as a proxy does.
    Html502,
    /// Close the connection without answering.
    Drop,
    /// Send the headers and part of the body, then close.
    Truncate,
    /// Wait this many milliseconds, then handle normally.
    Latency(u64),
    /// Forget every digest nonce, then handle normally.
    RotateNonces,
    /// Refuse without processing: this status with `Retry-After` (seconds),
    /// enveloped when the request asked for an envelope.
    Refuse {
        /// The status (429, 503).
        status: u16,
        /// The `Retry-After` value, in seconds.
        retry_after: u64,
    },
    /// Handle the request (its change is committed), then answer an HTML
    /// 502 instead of the result, as a proxy whose upstream timed out does.
    CommitThen502,
    /// Handle the request (its change is committed), then close the
    /// connection without answering.
    CommitThenDrop,
    /// Before handling a request to a project's key, take the key out of
    /// that project, as another client deleting the assignment meanwhile.
    UnassignFirst,
    /// Answer 200 with a body of this many bytes of JSON white space,
    /// streamed (never held whole), as a runaway server or proxy; declared
    /// in `Content-Length` or not.
    Flood {
        /// The body's length.
        bytes: u64,
        /// Whether `Content-Length` says so up front.
        declared: bool,
    },
}

/// Rates and scope of random faults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests answered 503.
    pub error_rate: f64,
    /// Share of requests answered with an HTML 502.
    pub html_502_rate: f64,
    /// Share of connections closed without an answer.
    pub drop_rate: f64,
    /// Share of responses cut short.
    pub truncate_rate: f64,
    /// Forget every nonce after this many requests (0: never).
    pub rotate_nonces_every: u64,
    /// Only paths starting with one of these (empty: all API paths).
    pub routes: Vec<String>,
    /// Seed of the generator.
    pub seed: u64,
}

/// Fault state.
pub struct Faults {
    config: FaultConfig,
    queue: VecDeque<(Option<String>, Fault)>,
    rng: u64,
    requests: u64,
}

impl Faults {
    /// From configuration.
    pub fn new(config: FaultConfig) -> Self {
        let rng = config.seed | 1;
        Self {
            config,
            queue: VecDeque::new(),
            rng,
            requests: 0,
        }
    }

    /// Queues `fault` for the next request (that `route` takes, if given:
    /// see [`route_matches`]).
    pub fn inject(&mut self, route: Option<&str>, fault: Fault) {
        self.queue.push_back((route.map(str::to_owned), fault));
    }

    /// Drops every queued fault.
    pub fn clear_queue(&mut self) {
        self.queue.clear();
    }

    /// Replaces the random-fault configuration.
    pub fn configure(&mut self, config: FaultConfig) {
        self.rng = config.seed | 1;
        self.config = config;
    }

    fn next_f64(&mut self) -> f64 {
        // xorshift64*: small, seeded, repeatable.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The faults for one `method` request to `path`, in order. Without
    /// `random` (the OAuth endpoints) only a fault queued for `path` by an
    /// explicit route, never an untargeted or random one.
    pub fn draw(&mut self, method: &str, path: &str, random: bool) -> Vec<Fault> {
        let mut out = Vec::new();
        if let Some(i) = self.queue.iter().position(|(route, _)| {
            route
                .as_deref()
                .map_or(random, |r| route_matches(r, method, path))
        }) && let Some((_, fault)) = self.queue.remove(i)
        {
            out.push(fault);
        }
        let in_scope = self.config.routes.is_empty()
            || self
                .config
                .routes
                .iter()
                .any(|r| path.starts_with(r.as_str()));
        if !random || !in_scope {
            return out;
        }
        self.requests += 1;
        if self.config.latency_ms > 0 {
            out.push(Fault::Latency(self.config.latency_ms));
        }
        let every = self.config.rotate_nonces_every;
        if every > 0 && self.requests.is_multiple_of(every) {
            out.push(Fault::RotateNonces);
        }
        let draws = [
            (self.config.drop_rate, Fault::Drop),
            (self.config.html_502_rate, Fault::Html502),
            (self.config.error_rate, Fault::Status(503)),
            (self.config.truncate_rate, Fault::Truncate),
        ];
        for (rate, fault) in draws {
            if rate > 0.0 && self.next_f64() < rate {
                out.push(fault);
                break;
            }
        }
        out
    }
}

/// Whether a queued fault's route takes `method` `path`. A route is a path
/// prefix (`/api/atlas/v2/groups/`), optionally after a method
/// (`POST /api/...`); with a `*` it is matched segment by segment, `*`
/// standing for any one segment (`POST /api/atlas/v2/orgs/*/apiKeys/*/accessList`).
pub fn route_matches(route: &str, method: &str, path: &str) -> bool {
    let (wanted, pattern) = match route.split_once(' ') {
        Some((m, rest)) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => {
            (Some(m), rest)
        }
        _ => (None, route),
    };
    if wanted.is_some_and(|m| m != method) {
        return false;
    }
    if !pattern.contains('*') {
        return path.starts_with(pattern);
    }
    let mut segments = path.split('/');
    pattern.split('/').all(|p| {
        segments
            .next()
            .is_some_and(|s| p == "*" && !s.is_empty() || p == s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_take_a_method_and_wildcard_segments() {
        let path = "/api/atlas/v2/orgs/o1/apiKeys/k1/accessList";
        assert!(route_matches("/api/atlas/v2/orgs/", "GET", path));
        assert!(route_matches(
            "POST /api/atlas/v2/orgs/*/apiKeys/*/accessList",
            "POST",
            path
        ));
        assert!(!route_matches(
            "POST /api/atlas/v2/orgs/*/apiKeys/*/accessList",
            "GET",
            path
        ));
        assert!(!route_matches(
            "/api/atlas/v2/orgs/*/apiKeys/*/accessList",
            "GET",
            "/api/atlas/v2/orgs/o1/apiKeys/k1"
        ));
        assert!(!route_matches("/api/atlas/v2/groups/*", "GET", path));
    }
}
