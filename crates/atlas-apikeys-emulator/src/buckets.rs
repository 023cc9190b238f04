//! Atlas's rate limits: token buckets per endpoint set and scope.
//!
//! An endpoint set names its endpoints (method and path template), the
//! scope that divides it (organization, project, user or IP), a capacity,
//! and a refill of so many tokens every so many seconds. Each pair of set
//! and scope value (this organization, that project) has its own bucket,
//! full at first. A request takes a token; an empty bucket answers 429
//! `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After`, and every answer from a
//! bucketed endpoint says `RateLimit-Limit` and `RateLimit-Remaining`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// What divides an endpoint set into buckets.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BucketScope {
    /// The caller's address.
    Ip,
    /// The project in the path (`{groupId}`).
    Group,
    /// The organization in the path (`{orgId}`).
    Organization,
    /// The caller (an API key or service account).
    User,
}

/// One endpoint of a set: a method and a path template (`{name}` stands
/// for any one segment).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// `GET`, `POST`, ...
    pub method: String,
    /// `/api/atlas/v2/orgs/{orgId}/apiKeys`.
    pub path: String,
}

/// A rate limit, as `/rateLimits` describes it.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EndpointSet {
    /// Its id (`endpointSetId`).
    pub id: String,
    /// Its name (`endpointSetName`).
    pub name: String,
    /// What divides it into buckets.
    pub scope: BucketScope,
    /// The endpoints that share its buckets.
    pub endpoints: Vec<Endpoint>,
    /// Tokens in a full bucket.
    pub capacity: u32,
    /// Tokens added every `refill_seconds`.
    pub refill_rate: u32,
    /// The refill period, in seconds.
    pub refill_seconds: u32,
}

impl EndpointSet {
    /// Atlas's key endpoints. The capacities are those MongoDB's recorded
    /// responses show (500 for an organization's keys, 1,200 for a
    /// project's); refill rates are not published, so these refill half
    /// the capacity every minute, the ratio of MongoDB's published example
    /// of a 429 ("Request capacity: 10. Refill rate: 5 per 60 seconds").
    pub fn atlas_defaults() -> Vec<EndpointSet> {
        let v2 = "/api/atlas/v2";
        let org = format!("{v2}/orgs/{{orgId}}/apiKeys");
        let key = format!("{org}/{{apiUserId}}");
        let list = format!("{key}/accessList");
        let entry = format!("{list}/{{ipAddress}}");
        let group = format!("{v2}/groups/{{groupId}}/apiKeys");
        let assigned = format!("{group}/{{apiUserId}}");
        let limits = format!("{v2}/rateLimits");
        let set = |id: &str, name: &str, scope, capacity, endpoints: &[(&str, &str)]| EndpointSet {
            id: id.into(),
            name: name.into(),
            scope,
            endpoints: endpoints
                .iter()
                .map(|(method, path)| Endpoint {
                    method: (*method).into(),
                    path: (*path).into(),
                })
                .collect(),
            capacity,
            refill_rate: capacity / 2,
            refill_seconds: 60,
        };
        vec![
            set(
                "orgApiKeys_organization",
                "Organization API Keys",
                BucketScope::Organization,
                500,
                &[
                    ("GET", &org),
                    ("POST", &org),
                    ("GET", &key),
                    ("PATCH", &key),
                    ("DELETE", &key),
                    ("GET", &list),
                    ("POST", &list),
                    ("GET", &entry),
                    ("DELETE", &entry),
                ],
            ),
            set(
                "groupApiKeys_group",
                "Project API Keys",
                BucketScope::Group,
                1200,
                &[
                    ("GET", &group),
                    ("POST", &group),
                    ("POST", &assigned),
                    ("PATCH", &assigned),
                    ("DELETE", &assigned),
                ],
            ),
            set(
                "rateLimitsInspection_user",
                "Rate Limits Inspection",
                BucketScope::User,
                100,
                &[
                    ("GET", &limits),
                    ("GET", &format!("{limits}/{{endpointSetId}}")),
                ],
            ),
        ]
    }

    /// The scope value of a request to `path` by `method`, when this set
    /// holds the endpoint: `None` when it does not.
    fn scope_of(&self, method: &str, path: &str, caller: &Caller<'_>) -> Option<String> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let endpoint = self.endpoints.iter().find(|e| {
            let template: Vec<&str> = e.path.split('/').collect();
            e.method.eq_ignore_ascii_case(method)
                && template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && !s.is_empty()))
        })?;
        let named = |name: &str| {
            let template = endpoint.path.split('/');
            template
                .zip(&segments)
                .find(|(t, _)| *t == name)
                .map(|(_, s)| (*s).to_owned())
        };
        Some(match self.scope {
            BucketScope::Organization => named("{orgId}").unwrap_or_else(|| caller.user.into()),
            BucketScope::Group => named("{groupId}").unwrap_or_else(|| caller.user.into()),
            BucketScope::User => caller.user.into(),
            BucketScope::Ip => caller.ip.into(),
        })
    }

    /// The time one token takes to come back.
    fn per_token(&self) -> Option<Duration> {
        (self.refill_rate > 0)
            .then(|| Duration::from_secs(u64::from(self.refill_seconds)) / self.refill_rate)
    }
}

/// Who is calling, for the scopes that are not in the path.
pub struct Caller<'a> {
    /// The principal.
    pub user: &'a str,
    /// The peer's address.
    pub ip: &'a str,
}

/// What taking a token came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    /// No set holds the endpoint.
    Unlimited,
    /// A token was taken.
    Took {
        /// The set's capacity.
        capacity: u32,
        /// Whole tokens left.
        remaining: u32,
    },
    /// The bucket is empty.
    Empty {
        /// Its set.
        set: Box<EndpointSet>,
        /// Whole seconds until a token is back (at least one).
        retry_after: u64,
    },
}

/// Every bucket in use.
#[derive(Default)]
pub struct Buckets {
    /// (set index, scope value) → (tokens, as of).
    held: HashMap<(usize, String), (f64, Instant)>,
}

/// At most this many buckets; full ones are dropped first (a full bucket
/// is what a new one is).
const MAX_BUCKETS: usize = 65_536;

impl Buckets {
    /// Takes a token for `method` `path` by `caller` from the first set of
    /// `sets` that holds the endpoint.
    pub fn take(
        &mut self,
        sets: &[EndpointSet],
        method: &str,
        path: &str,
        caller: &Caller<'_>,
    ) -> Taken {
        let Some((n, set, scope)) = sets
            .iter()
            .enumerate()
            .find_map(|(n, s)| s.scope_of(method, path, caller).map(|scope| (n, s, scope)))
        else {
            return Taken::Unlimited;
        };
        let now = Instant::now();
        if self.held.len() >= MAX_BUCKETS {
            self.held.retain(|(n, _), (tokens, at)| {
                level(&sets[*n], *tokens, *at, now) < f64::from(sets[*n].capacity)
            });
        }
        let capacity = f64::from(set.capacity);
        let (tokens, at) = self.held.entry((n, scope)).or_insert((capacity, now));
        *tokens = level(set, *tokens, *at, now);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Taken::Took {
                capacity: set.capacity,
                remaining: *tokens as u32,
            };
        }
        let wait = set.per_token().map_or(
            Duration::from_secs(u64::from(set.refill_seconds.max(1))),
            |t| t.mul_f64(1.0 - *tokens),
        );
        Taken::Empty {
            set: Box::new(set.clone()),
            retry_after: wait.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

/// `tokens` as of `at`, refilled to `now`, never past the capacity.
fn level(set: &EndpointSet, tokens: f64, at: Instant, now: Instant) -> f64 {
    let refilled = match set.refill_seconds {
        0 => f64::from(set.capacity),
        period => {
            let periods = now.duration_since(at).as_secs_f64() / f64::from(period);
            periods * f64::from(set.refill_rate)
        }
    };
    (tokens + refilled).min(f64::from(set.capacity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_per_scope_value_empties_and_says_when_a_token_is_back() {
        let mut sets = EndpointSet::atlas_defaults();
        let org = sets
            .iter_mut()
            .find(|s| s.scope == BucketScope::Organization)
            .unwrap();
        org.capacity = 2;
        org.refill_rate = 1;
        org.refill_seconds = 30;
        let caller = Caller {
            user: "k",
            ip: "127.0.0.1",
        };
        let mut buckets = Buckets::default();
        let path = |org: &str| format!("/api/atlas/v2/orgs/{org}/apiKeys/k1");
        let take = |b: &mut Buckets, org: &str| b.take(&sets, "GET", &path(org), &caller);
        assert_eq!(
            take(&mut buckets, "a"),
            Taken::Took {
                capacity: 2,
                remaining: 1
            }
        );
        assert_eq!(
            take(&mut buckets, "a"),
            Taken::Took {
                capacity: 2,
                remaining: 0
            }
        );
        match take(&mut buckets, "a") {
            Taken::Empty { retry_after, .. } => assert!((1..=30).contains(&retry_after)),
            other => panic!("{other:?}"),
        }
        // Another organization has its own bucket; another endpoint none.
        assert!(matches!(take(&mut buckets, "b"), Taken::Took { .. }));
        let other = buckets.take(&sets, "GET", "/api/atlas/v2/clusters", &caller);
        assert_eq!(other, Taken::Unlimited);
    }
}
