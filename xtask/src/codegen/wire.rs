//! The wire check: does a version ask for anything the version-neutral
//! operations cannot send? A required parameter or body property they do not
//! fill is a real change on the wire; codegen reports it here, naming the
//! operation, instead of generating glue that would not compile.

use serde_json::Value;

use crate::jsonpath;
use crate::operations::{OPERATIONS, PARAMETERS};

/// Every problem found in one prepared spec, one line each.
pub fn check(spec: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let ops = operations(spec);
    let ids: Vec<&str> = ops.iter().map(|(id, ..)| id.as_str()).collect();
    for op in OPERATIONS.iter().filter(|op| op.required) {
        if op.served_by(&ids).is_none() {
            problems.push(format!(
                "no operation serves {} (looked for {})",
                op.op,
                [Some(op.operation_id), op.stand_in]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for (id, label, op, item) in &ops {
        let serves: Vec<_> = OPERATIONS
            .iter()
            .filter(|o| o.served_by(&ids).is_some_and(|(s, _)| s == id))
            .collect();
        if serves.is_empty() {
            continue;
        }
        let sends: Vec<&str> = serves
            .iter()
            .flat_map(|o| o.always_sends)
            .copied()
            .collect();
        let at = format!("{id} ({label})");
        let params = [*item, *op]
            .into_iter()
            .filter_map(|v| v.get("parameters")?.as_array())
            .flatten();
        for p in params {
            let p = resolve(spec, p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            if p.get("required") == Some(&Value::Bool(true))
                && !PARAMETERS.iter().any(|(p, _)| *p == name)
            {
                problems.push(format!(
                    "{at}: requires the {} parameter `{name}`, which atlas-apikeys does not send",
                    p.get("in").and_then(Value::as_str).unwrap_or("?")
                ));
            }
        }
        let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
            continue;
        };
        let (name, schema) = body_schema(spec, schema);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !sends.contains(&required) {
                problems.push(format!(
                    "{at}: the request body ({name}) requires `{required}`, which atlas-apikeys does not always send"
                ));
            }
        }
    }
    problems
}

/// `(operationId, "METHOD /path", operation, path item)` for every operation.
fn operations(spec: &Value) -> Vec<(String, String, &Value, &Value)> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    paths
        .flat_map(|(path, item)| {
            let ops = item
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(m, _)| *m != "parameters");
            ops.filter_map(move |(method, op)| {
                let id = op.get("operationId")?.as_str()?.to_owned();
                Some((id, format!("{} {path}", method.to_uppercase()), op, item))
            })
        })
        .collect()
}

/// The value a `$ref` points at; the value itself when it cannot be
/// followed (prepare already refused dangling references).
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    jsonpath::follow(spec, value).unwrap_or(value)
}

/// The object a body sends (the items of a list body), with its name.
fn body_schema<'a>(spec: &'a Value, schema: &'a Value) -> (String, &'a Value) {
    let name_of = |s: &Value| {
        s.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("inline schema")
            .to_owned()
    };
    let resolved = resolve(spec, schema);
    if let Some(items) = resolved.get("items") {
        return (
            format!("a list of {}", name_of(items)),
            resolve(spec, items),
        );
    }
    (name_of(schema), resolved)
}
