//! What a generated client exposes: the parameters and request-body
//! properties this project knows (`xtask/src/operations.rs`). An optional
//! one upstream adds stays in the fragment and the merged spec, and out of
//! the generated signatures and request structs, so a spec refresh does not
//! break code that calls the generated clients directly. A required one is
//! a wire change, which `wire` reports. Bodies given by reference are
//! trimmed; a body schema an answer shares keeps every property, as answers
//! are read whole.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::operations::{BODY_PROPERTIES, PARAMETERS};

/// Drops optional parameters and request-body properties outside the known
/// sets from `spec`, a merged spec about to go to progenitor.
pub fn only_known(spec: &mut Value) {
    let known_parameter = |p: &Value, spec: &Value| {
        let p = crate::jsonpath::follow(spec, p).unwrap_or(p);
        let required = p.get("required") == Some(&Value::Bool(true));
        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
        required || PARAMETERS.iter().any(|(wire, _)| *wire == name)
    };
    let snapshot = spec.clone();
    let mut bodies = Vec::new();
    for item in spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
    {
        for (key, op) in item.as_object_mut().into_iter().flatten() {
            let params = if key == "parameters" {
                op.as_array_mut()
            } else {
                if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                    let schema = schema.get("items").unwrap_or(schema);
                    bodies.extend(
                        schema
                            .get("$ref")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    );
                }
                op.get_mut("parameters").and_then(Value::as_array_mut)
            };
            if let Some(params) = params {
                params.retain(|p| known_parameter(p, &snapshot));
            }
        }
    }
    // A schema answers carry too keeps every property: responses are read
    // whole.
    let responses = response_refs(&snapshot);
    for reference in bodies {
        if responses.contains(&reference) {
            continue;
        }
        let Some(pointer) = reference.strip_prefix('#') else {
            continue;
        };
        let Some(schema) = spec.pointer_mut(pointer) else {
            continue;
        };
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            properties.retain(|name, _| {
                required.contains(name) || BODY_PROPERTIES.contains(&name.as_str())
            });
        }
    }
}

/// Every `$ref` the responses of `spec` reach, in operations and in
/// components, followed through the schemas they name to any depth.
fn response_refs(spec: &Value) -> BTreeSet<String> {
    let mut pending = Vec::new();
    let operations = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values());
    for responses in operations
        .filter_map(|op| op.get("responses"))
        .chain(spec.pointer("/components/responses"))
    {
        crate::jsonpath::collect_refs(responses, "#", &mut pending);
    }
    let mut reached = BTreeSet::new();
    while let Some((reference, _)) = pending.pop() {
        if !reached.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = reference.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            crate::jsonpath::collect_refs(target, "#", &mut pending);
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema an answer reaches through another is kept whole, however
    /// deep (one level was followed once).
    #[test]
    fn responses_reach_schemas_at_any_depth() {
        let spec = serde_json::json!({
            "paths": { "/a": { "get": { "responses": { "200": { "$ref": "#/components/responses/ok" } } } } },
            "components": {
                "responses": { "ok": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Outer" } } } } },
                "schemas": {
                    "Outer": { "properties": { "inner": { "$ref": "#/components/schemas/Inner" } } },
                    "Inner": { "properties": { "deep": { "$ref": "#/components/schemas/Deep" } } },
                    "Deep": { "type": "object" },
                    "Alone": { "type": "object" }
                }
            }
        });
        let reached = response_refs(&spec);
        assert!(reached.contains("#/components/schemas/Deep"), "{reached:?}");
        assert!(
            !reached.contains("#/components/schemas/Alone"),
            "{reached:?}"
        );
    }
}
