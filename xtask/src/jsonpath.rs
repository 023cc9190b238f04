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
