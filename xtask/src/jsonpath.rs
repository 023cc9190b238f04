//! JSON Pointer helpers (RFC 6901) for error messages and `$ref` resolution.

use serde_json::Value;

/// Appends one reference token to a JSON Pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// Splits a local `$ref` (`#/a/b~1c`) into its unescaped tokens, or `None`
/// when it does not point into the same document.
pub fn ref_tokens(reference: &str) -> Option<Vec<String>> {
    let rest = reference.strip_prefix("#/")?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Follows `tokens` from `root`.
pub fn get<'a>(root: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(root, |node, token| match node {
        Value::Object(map) => map.get(token),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// Follows local `$ref`s from `value` within `root` until a value that is not
/// a reference. On failure, the reference that points nowhere (or outside the
/// document), or `(reference cycle)`.
pub fn follow<'a>(root: &'a Value, value: &'a Value) -> Result<&'a Value, String> {
    let mut current = value;
    for _ in 0..32 {
        let Some(reference) = current.get("$ref") else {
            return Ok(current);
        };
        current = reference
            .as_str()
            .and_then(ref_tokens)
            .and_then(|tokens| get(root, &tokens))
            .ok_or_else(|| reference.to_string())?;
    }
    Err("(reference cycle)".into())
}

/// Collects every `$ref` below `value` with the pointer where it stands.
pub fn collect_refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    if let Value::String(r) = v {
                        out.push((r.clone(), at.to_owned()));
                    }
                } else {
                    collect_refs(v, &push(at, k), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &push(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}
