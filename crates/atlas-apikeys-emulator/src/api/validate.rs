//! Validation of what a request carries: ids, query flags, paging, the JSON
//! body, descriptions and role lists, with Atlas's error codes.

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use serde_json::Value;

use super::*;
pub(super) fn query_flag(query: &str, name: &str) -> Result<bool, Refused> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == name {
            return match v {
                "true" => Ok(true),
                "false" => Ok(false),
                other => Err(refuse(
                    400,
                    "INVALID_QUERY_PARAMETER",
                    format!("{name} must be true or false, not {other:?}."),
                )),
            };
        }
    }
    Ok(false)
}

pub(super) fn check_paging(query: &str) -> Result<(), Refused> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let range = match k {
            "pageNum" => 1..=i64::MAX,
            "itemsPerPage" => 1..=500,
            "includeCount" => {
                query_flag(pair, "includeCount")?;
                continue;
            }
            _ => continue,
        };
        if !v.parse::<i64>().is_ok_and(|n| range.contains(&n)) {
            return Err(refuse(
                400,
                "INVALID_QUERY_PARAMETER",
                format!("{k}={v:?} is out of range."),
            ));
        }
    }
    Ok(())
}

pub(super) fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, Refused> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim();
    let json_like = media == "application/json"
        || (media.starts_with("application/vnd.atlas.") && media.ends_with("+json"));
    if !json_like {
        return Err(refuse(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("Send JSON (application/json or a versioned Atlas type), not {ct:?}."),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        refuse(
            400,
            "INVALID_JSON",
            format!("The request body is not valid JSON: {e}."),
        )
    })
}

pub(super) fn bad_field(code: &'static str, field: &str, description: String) -> Refused {
    let mut r = refuse(400, code, format!("Invalid attribute {field} specified."));
    r.fields = vec![(field.to_owned(), description)];
    r
}

/// Reads `{desc?, roles?}`; `need_roles` for the v1.0 project PATCH.
pub(super) fn key_update(
    body: &Value,
    scope_roles: &[String],
    other_roles: &[String],
    scope: &str,
    need_roles: bool,
) -> Result<(Option<String>, Option<Vec<String>>), Refused> {
    let Some(obj) = body.as_object() else {
        return Err(refuse(
            400,
            "INVALID_JSON",
            "The request body must be a JSON object.",
        ));
    };
    let desc = match obj.get("desc") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let n = s.chars().count();
            if !(1..=250).contains(&n) {
                let why = format!("must be 1 to 250 characters, not {n}");
                return Err(bad_field("INVALID_ATTRIBUTE", "desc", why));
            }
            Some(s.clone())
        }
        Some(_) => {
            let why = "must be a string".into();
            return Err(bad_field("INVALID_ATTRIBUTE", "desc", why));
        }
    };
    let roles = match obj.get("roles") {
        None | Some(Value::Null) => None,
        Some(v) => Some(role_list(v, scope_roles, other_roles, scope)?),
    };
    if need_roles && roles.is_none() {
        return Err(refuse(
            400,
            "MISSING_ATTRIBUTE",
            "The attribute roles is required.",
        ));
    }
    if desc.is_none() && roles.is_none() {
        return Err(refuse(
            400,
            "MISSING_ATTRIBUTE",
            "Specify desc, roles, or both.",
        ));
    }
    Ok((desc, roles))
}

pub(super) fn role_list(
    value: &Value,
    scope_roles: &[String],
    other_roles: &[String],
    scope: &str,
) -> Result<Vec<String>, Refused> {
    let bad = |code, why: String| Err(bad_field(code, "roles", why));
    let not_names = || bad("INVALID_ATTRIBUTE", "must be an array of role names".into());
    let Some(items) = value.as_array() else {
        return not_names();
    };
    if items.is_empty() {
        return bad("INVALID_ATTRIBUTE", "must name at least one role".into());
    }
    let mut out = Vec::new();
    for item in items {
        let Some(name) = item.as_str() else {
            return not_names();
        };
        if other_roles.iter().any(|r| r == name) {
            return bad(
                "INVALID_ROLE_FOR_SCOPE",
                format!("{name} is not an {scope} role"),
            );
        }
        if !scope_roles.iter().any(|r| r == name) {
            return bad(
                "INVALID_ENUM_VALUE",
                format!("{name} is not a role of this API"),
            );
        }
        if !out.iter().any(|r: &String| r == name) {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}
