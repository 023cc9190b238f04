//! What a generated client exposes: the parameters and request-body
//! properties this project knows (`xtask/src/operations.rs`). An optional
//! one upstream adds stays in the fragment and the merged spec, and out of
//! the generated signatures and request structs, so a spec refresh does not
//! break code that calls the generated clients directly. A required one is
//! a wire change, which `wire` reports. Bodies given by reference are
//! trimmed; a body schema an answer shares keeps every property, as answers
//! are read whole.

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
    let responses = serde_json::to_string(&response_parts(&snapshot)).unwrap_or_default();
    for reference in bodies {
        if responses.contains(&format!("\"{reference}\"")) {
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

/// Every response of `spec`, in operations and in components, and the
/// schemas they reach by name (one level of `$ref`s inside schemas too).
fn response_parts(spec: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("responses").cloned())
        .collect();
    out.extend(spec.pointer("/components/responses").cloned());
    let direct = serde_json::to_string(&out).unwrap_or_default();
    for (name, schema) in spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if direct.contains(&format!("\"#/components/schemas/{name}\"")) {
            out.push(schema.clone());
        }
    }
    out
}
