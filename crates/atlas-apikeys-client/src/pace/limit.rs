//! An endpoint set as `GET /rateLimits` describes it, read leniently.

/// An endpoint set as the server describes it (`GET /rateLimits`). Read
/// leniently: what is missing is empty or zero (a zero capacity or refill
/// is not paced by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointLimit {
    /// The set's id.
    pub id: String,
    /// `IP`, `GROUP`, `ORGANIZATION` or `USER`.
    pub scope: String,
    /// Its endpoints: method and path template (`{name}` for a segment).
    pub endpoints: Vec<(String, String)>,
    /// Tokens in a full bucket.
    pub capacity: u64,
    /// Tokens added every `refill_seconds`.
    pub refill_rate: u64,
    /// The refill period, in seconds.
    pub refill_seconds: u64,
}

impl<'de> serde::Deserialize<'de> for EndpointLimit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Value {
            value: Option<u64>,
        }
        #[derive(serde::Deserialize, Default)]
        #[serde(default)]
        struct Endpoint {
            method: String,
            path: String,
        }
        #[derive(serde::Deserialize, Default)]
        #[serde(default, rename_all = "camelCase")]
        struct Wire {
            endpoint_set_id: String,
            scope: String,
            endpoints: Vec<Endpoint>,
            capacity: Value,
            refill_rate: Value,
            refill_duration_seconds: Value,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(EndpointLimit {
            id: wire.endpoint_set_id,
            scope: wire.scope,
            endpoints: wire
                .endpoints
                .into_iter()
                .map(|e| (e.method, e.path))
                .collect(),
            capacity: wire.capacity.value.unwrap_or(0),
            refill_rate: wire.refill_rate.value.unwrap_or(0),
            refill_seconds: wire.refill_duration_seconds.value.unwrap_or(0),
        })
    }
}
