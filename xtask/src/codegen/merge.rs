//! Merging prepared specs of one API family into the spec its shared client
//! is generated from.
//!
//! Versions that differ only in ways every client can absorb share one
//! client: the union of their error statuses, of their optional parameters
//! and properties (a property is required only where every version requires
//! it), and an open enum where one version has an enum and another a plain
//! string. Anything else (a type that changes, a body that appears, a
//! parameter that turns required) is a difference on the wire, reported with
//! the JSON pointer where it stands.
//!
//! The result does not depend on the order of the versions, so adding an
//! older one rewrites nothing.

use serde_json::{Map, Value};

use crate::jsonpath;

/// Merges `b` into `a`; on a conflict, says where and how they differ.
/// Parameters come out in `prepare`'s canonical order, whichever version
/// brought them.
pub fn merge(a: &Value, b: &Value) -> Result<Value, String> {
    let mut out = a.clone();
    for key in ["paths", "components"] {
        let merged = match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if key == "paths" => paths(x, y)?,
            (Some(x), Some(y)) => union_maps(x, y, &format!("#/{key}"), 2, &each_value)?,
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => continue,
        };
        out[key] = merged;
    }
    super::prepare::sort_parameters(&mut out);
    Ok(out)
}

fn paths(a: &Value, b: &Value) -> Result<Value, String> {
    let (Some(am), Some(bm)) = (a.as_object(), b.as_object()) else {
        return Err("#/paths: not a map".into());
    };
    // The union: an operation that is not `required` may be offered by
    // some versions only (each version's media table lists its own).
    let mut out = am.clone();
    for (path, item) in bm {
        let here = jsonpath::push("#/paths", path);
        let merged = match am.get(path) {
            Some(mine) => path_item(mine, item, &here)?,
            None => item.clone(),
        };
        out.insert(path.clone(), merged);
    }
    Ok(Value::Object(out))
}

fn path_item(a: &Value, b: &Value, at: &str) -> Result<Value, String> {
    let (Some(am), Some(bm)) = (a.as_object(), b.as_object()) else {
        return Err(format!("{at}: not a path item"));
    };
    let keys: std::collections::BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
    let mut out = Map::new();
    for key in keys {
        let here = jsonpath::push(at, key);
        let merged = match (am.get(key), bm.get(key)) {
            (Some(x), Some(y)) if key == "parameters" => parameters(x, y, &here)?,
            (Some(x), Some(y)) => operation(x, y, &here)?,
            _ if key == "parameters" => {
                return Err(format!(
                    "{here}: only one version has path-level parameters"
                ));
            }
            (Some(only), None) | (None, Some(only)) => only.clone(),
            (None, None) => continue,
        };
        out.insert(key.clone(), merged);
    }
    Ok(Value::Object(out))
}

fn operation(a: &Value, b: &Value, at: &str) -> Result<Value, String> {
    let mut out = a.clone();
    let here = |k: &str| jsonpath::push(at, k);
    if a.get("parameters").is_some() || b.get("parameters").is_some() {
        let none = Value::Array(Vec::new());
        let (x, y) = (
            a.get("parameters").unwrap_or(&none),
            b.get("parameters").unwrap_or(&none),
        );
        out["parameters"] = parameters(x, y, &here("parameters"))?;
    }
    match (a.get("requestBody"), b.get("requestBody")) {
        (Some(x), Some(y)) => out["requestBody"] = value(x, y, &here("requestBody"))?,
        (None, None) => {}
        _ => {
            return Err(format!(
                "{}: only one version sends a body",
                here("requestBody")
            ));
        }
    }
    let responses = here("responses");
    let merged = union_maps(
        a.get("responses").unwrap_or(&Value::Null),
        b.get("responses").unwrap_or(&Value::Null),
        &responses,
        1,
        &each_value,
    )?;
    // A success status only one version has changes what a call returns.
    let (ar, br) = (a.get("responses"), b.get("responses"));
    for (status, _) in merged.as_object().into_iter().flatten() {
        let in_a = ar.and_then(|r| r.get(status)).is_some();
        let in_b = br.and_then(|r| r.get(status)).is_some();
        if status.starts_with('2') && in_a != in_b {
            return Err(format!(
                "{}: only one version answers {status}",
                jsonpath::push(&responses, status)
            ));
        }
    }
    out["responses"] = merged;
    Ok(out)
}

/// Parameters, matched by `$ref` or by location and name. One only a
/// version has must be optional.
fn parameters(a: &Value, b: &Value, at: &str) -> Result<Value, String> {
    let key = |p: &Value| -> String {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r.to_owned(),
            None => format!(
                "{}:{}",
                p.get("in").and_then(Value::as_str).unwrap_or_default(),
                p.get("name").and_then(Value::as_str).unwrap_or_default()
            ),
        }
    };
    let empty = Vec::new();
    let (al, bl) = (
        a.as_array().unwrap_or(&empty),
        b.as_array().unwrap_or(&empty),
    );
    let mut out: Vec<Value> = Vec::new();
    for p in al {
        let here = format!("{at} ({})", key(p));
        match bl.iter().find(|q| key(q) == key(p)) {
            Some(q) => out.push(value(p, q, &here)?),
            None if p.get("required") == Some(&Value::Bool(true)) => {
                return Err(format!("{here}: required, and only one version has it"));
            }
            None => out.push(p.clone()),
        }
    }
    for q in bl {
        if !al.iter().any(|p| key(p) == key(q)) {
            if q.get("required") == Some(&Value::Bool(true)) {
                return Err(format!(
                    "{at} ({}): required, and only one version has it",
                    key(q)
                ));
            }
            out.push(q.clone());
        }
    }
    Ok(Value::Array(out))
}

fn each_value(_key: &str, a: &Value, b: &Value, at: &str) -> Result<Value, String> {
    value(a, b, at)
}

type Merger<'f> = dyn Fn(&str, &Value, &Value, &str) -> Result<Value, String> + 'f;

/// Keys of both maps; entries both have are merged by `each` (at depth 1) or
/// recursively as sections (depth 2).
fn union_maps(
    a: &Value,
    b: &Value,
    at: &str,
    depth: u8,
    each: &Merger<'_>,
) -> Result<Value, String> {
    let empty = Map::new();
    let am = a.as_object().unwrap_or(&empty);
    let bm = b.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    let keys: std::collections::BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
    for k in keys {
        let here = jsonpath::push(at, k);
        let merged = match (am.get(k), bm.get(k)) {
            (Some(x), Some(y)) if depth == 2 => union_maps(x, y, &here, 1, each)?,
            (Some(x), Some(y)) => each(k, x, y, &here)?,
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => continue,
        };
        out.insert(k.clone(), merged);
    }
    Ok(Value::Object(out))
}

/// Two revisions of one schema, merged as two versions' would be.
pub fn schemas(a: &Value, b: &Value) -> Result<Value, String> {
    value(a, b, "#")
}

/// Two values at the same place: schemas, parameters, bodies, responses.
fn value(a: &Value, b: &Value, at: &str) -> Result<Value, String> {
    if a == b {
        return Ok(a.clone());
    }
    match (a, b) {
        (Value::Object(am), Value::Object(bm)) => {
            // An open enum absorbs a plain string (an enum upstream added or dropped).
            let is_ref = |m: &Map<String, Value>| m.len() == 1 && m.contains_key("$ref");
            let is_string = |m: &Map<String, Value>| {
                m.get("type").is_some_and(|t| t == "string") && m.len() == 1
            };
            if is_ref(am) && is_string(bm) {
                return Ok(a.clone());
            }
            if is_ref(bm) && is_string(am) {
                return Ok(b.clone());
            }
            let keys: std::collections::BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
            let mut out = Map::new();
            for k in keys {
                let here = jsonpath::push(at, k);
                let merged = match (k.as_str(), am.get(k), bm.get(k)) {
                    ("properties", Some(x), Some(y)) => union_maps(x, y, &here, 1, &each_value)?,
                    ("properties", Some(x), None) | ("properties", None, Some(x)) => x.clone(),
                    ("required", x, y) => {
                        let list = |v: Option<&Value>| -> Vec<String> {
                            v.and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .filter_map(|s| s.as_str().map(str::to_owned))
                                .collect()
                        };
                        let (xl, yl) = (list(x), list(y));
                        // Required only where every version requires it.
                        let both: Vec<Value> = xl
                            .iter()
                            .filter(|r| yl.contains(r))
                            .map(|r| Value::String(r.clone()))
                            .collect();
                        if both.is_empty() {
                            continue;
                        }
                        Value::Array(both)
                    }
                    ("description", Some(x), _) | ("description", None, Some(x)) => x.clone(),
                    (_, Some(x), Some(y)) => value(x, y, &here)?,
                    (_, Some(x), None) | (_, None, Some(x)) => {
                        return Err(format!("{here}: {x} in one version, absent in another"));
                    }
                    (_, None, None) => continue,
                };
                out.insert(k.clone(), merged);
            }
            Ok(Value::Object(out))
        }
        _ => Err(format!("{at}: {a} in one version, {b} in another")),
    }
}

/// Where `newer` names a schema differently from `older` at the same place
/// (a request body, a response, a property), and the two merge as one, the
/// schema takes `older`'s name in `newer`: a schema upstream renamed without
/// changing it keeps its generated type's name. Versions merge oldest first,
/// so the oldest name stands.
pub fn align_names(older: &Value, newer: &mut Value) {
    let mut renames: Vec<(String, String)> = Vec::new();
    pairs(
        older.get("paths"),
        newer.get("paths"),
        older,
        newer,
        &mut Vec::new(),
        &mut renames,
    );
    if renames.is_empty() {
        return;
    }
    let mut renamed = newer.clone();
    for (from, to) in &renames {
        let Some(schemas) = renamed
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        if schemas.contains_key(to) {
            return;
        }
        if let Some(schema) = schemas.remove(from) {
            schemas.insert(to.clone(), schema);
        }
    }
    let refs: Vec<(String, String)> = renames
        .iter()
        .map(|(from, to)| (schema_ref(from), schema_ref(to)))
        .collect();
    replace_refs(&mut renamed, &refs);
    let same = renames.iter().all(|(_, to)| {
        let at = jsonpath::push("/components/schemas", to);
        match (older.pointer(&at), renamed.pointer(&at)) {
            (Some(a), Some(b)) => value(a, b, &at).is_ok(),
            _ => false,
        }
    });
    if same {
        *newer = renamed;
    }
}

pub(super) fn schema_ref(name: &str) -> String {
    jsonpath::push("#/components/schemas", name)
}

/// `(newer name, older name)` of every schema reference that differs at the
/// same place, the referenced schemas' and responses' insides included (each
/// newer reference walked once, so a rename nested in a schema or response
/// both name alike is found too).
fn pairs(
    a: Option<&Value>,
    b: Option<&Value>,
    older: &Value,
    newer: &Value,
    seen: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) {
    let name = |r: &str| match jsonpath::ref_tokens(r)?.as_slice() {
        [components, schemas, name] if components == "components" && schemas == "schemas" => {
            Some(name.clone())
        }
        _ => None,
    };
    match (a, b) {
        (Some(Value::Object(am)), Some(Value::Object(bm))) => {
            let refs = (
                am.get("$ref").and_then(Value::as_str),
                bm.get("$ref").and_then(Value::as_str),
            );
            if let (Some(ra), Some(rb)) = refs {
                if seen.iter().any(|r| r == rb) {
                    return;
                }
                seen.push(rb.to_owned());
                if let (Some(na), Some(nb)) = (name(ra), name(rb))
                    && na != nb
                {
                    out.push((nb, na));
                }
                let (pa, pb) = (ra.strip_prefix('#'), rb.strip_prefix('#'));
                let (ia, ib) = (
                    pa.and_then(|p| older.pointer(p)),
                    pb.and_then(|p| newer.pointer(p)),
                );
                pairs(ia, ib, older, newer, seen, out);
                return;
            }
            for (k, av) in am {
                pairs(Some(av), bm.get(k), older, newer, seen, out);
            }
        }
        (Some(Value::Array(al)), Some(Value::Array(bl))) => {
            for (av, bv) in al.iter().zip(bl) {
                pairs(Some(av), Some(bv), older, newer, seen, out);
            }
        }
        _ => {}
    }
}

pub(super) fn replace_refs(value: &mut Value, refs: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref"
                    && let Some((_, to)) = refs.iter().find(|(from, _)| v == from)
                {
                    *v = Value::String(to.clone());
                } else {
                    replace_refs(v, refs);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_refs(v, refs)),
        _ => {}
    }
}
