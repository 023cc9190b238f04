//! What a server says of its buckets: an endpoint set as `GET /rateLimits`
//! describes it (read leniently), and a 429's detail.

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
        use serde_json::Value;
        // Any JSON decodes: a field of another type than the spec's (a
        // null, a negative or fractional number) reads as missing.
        let wire = Value::deserialize(deserializer)?;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
        let number = |name: &str| {
            let v = wire.get(name);
            // `{"value": N}` as the spec has it, or a bare number.
            v.and_then(|v| v.get("value"))
                .or(v)
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        let endpoints = wire
            .get("endpoints")
            .and_then(Value::as_array)
            .map(|all| {
                all.iter()
                    .map(|e| (text(e.get("method")), text(e.get("path"))))
                    .collect()
            })
            .unwrap_or_default();
        Ok(EndpointLimit {
            id: text(wire.get("endpointSetId")),
            scope: text(wire.get("scope")),
            endpoints,
            capacity: number("capacity"),
            refill_rate: number("refillRate"),
            refill_seconds: number("refillDurationSeconds"),
        })
    }
}

/// Capacity and tokens per second from a 429's detail: "Request
/// capacity: 10. Refill rate: 5 per 60 seconds."
pub(super) fn told_refill(body: &[u8]) -> Option<(f64, f64)> {
    let text = std::str::from_utf8(body).ok()?;
    let number = |after: &str| -> Option<f64> {
        let rest = &text[text.find(after)? + after.len()..];
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let capacity = number("Request capacity:")?;
    let rate = number("Refill rate:")?;
    let per = number(&format!("Refill rate: {rate} per"))?;
    // A refill of nothing is no refill to pace by: `Retry-After` decides.
    (per > 0.0 && rate > 0.0).then_some((capacity, rate / per))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anything_decodes_and_what_is_off_type_reads_as_missing() {
        let spec: EndpointLimit = serde_json::from_str(
            r#"{"endpointSetId":"s","scope":"GROUP","capacity":{"value":10},
                "refillRate":{"value":5},"refillDurationSeconds":{"value":60},
                "endpoints":[{"method":"GET","path":"/p"}],"extra":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            (spec.capacity, spec.refill_rate, spec.refill_seconds),
            (10, 5, 60)
        );
        assert_eq!(spec.endpoints, vec![("GET".into(), "/p".into())]);
        let odd: EndpointLimit = serde_json::from_str(
            r#"{"endpointSetId":null,"scope":7,"capacity":{"value":-1},
                "refillRate":2.5,"refillDurationSeconds":"60","endpoints":[{"method":null}]}"#,
        )
        .unwrap();
        assert_eq!((odd.id.as_str(), odd.scope.as_str()), ("", ""));
        assert_eq!(
            (odd.capacity, odd.refill_rate, odd.refill_seconds),
            (0, 0, 0)
        );
        assert_eq!(odd.endpoints, vec![(String::new(), String::new())]);
        let bare: EndpointLimit = serde_json::from_str("[]").unwrap();
        assert_eq!(bare.capacity, 0);
    }
}
