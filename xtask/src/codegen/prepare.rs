//! Turning a fragment into something progenitor 0.15.1 can take, and
//! recording what that rewrite removes.
//!
//! - Vendor media types (`application/vnd.atlas.<date>+json`) become
//!   `application/json`; the real type per operation goes into a table the
//!   runtime hooks put back on the wire.
//! - Media entries without a schema (Atlas's 204) are dropped.
//! - String enums are hoisted to named placeholders that codegen replaces
//!   with open enums, so values the server adds later still deserialize.
//! - Value constraints (patterns, lengths, ranges) are dropped: typify would
//!   turn them into newtypes that reject a whole response over one value the
//!   server formats differently. The fragment keeps them; the validation
//!   crate enforces them on requests, with errors that say what is wrong.
//! - String formats (`date-time`, `uuid`, …) are dropped too: they would pull
//!   chrono or uuid into the client and fail a response over one timestamp
//!   the server writes differently. Integer formats stay (they pick widths).
//! - String properties that hold credentials (`privateKey`, ...) become the
//!   hand-written `Secret`, which never prints.
//! - Free-form objects (`type: object` with nothing else said) accept any
//!   JSON value: Atlas documents `ApiError.parameters` as objects but sends
//!   the strings its error templates substitute.
//! - Drift that changes nothing on the wire is removed, so versions that
//!   speak the same wire compare equal: `nullable` and `readOnly` (optional
//!   fields accept null already), response headers (the transport reads
//!   RateLimit headers itself), and parameter order (path parameters first,
//!   then by name).
//! - Properties the role catalogue names take its role types, whatever enum
//!   (or none) upstream gives them: roles belong to the system, not the date.
//! - What progenitor would panic on (two request media types, mixed success
//!   kinds) is reported as an error naming the operation.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use super::CodegenError;
use super::schemas::*;
use crate::catalogue::SystemRoles;

/// The media types one operation sends and accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationMedia {
    /// progenitor's snake_case operation id, as `ClientHooks` sees it.
    pub operation_id: String,
    /// The fragment's operationId.
    pub api_name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// `Accept` value.
    pub accept: String,
    /// `Content-Type` value when the operation sends a body.
    pub content_type: Option<String>,
}

/// A named open enum and the values one fragment gives it, in spec order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumSet {
    /// The Rust type name.
    pub name: String,
    /// Wire values.
    pub values: Vec<String>,
}

/// A fragment made ready for progenitor.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The rewritten spec, version-neutral so identical shapes compare equal.
    pub spec: Value,
    /// Per-operation media types, in path then method order.
    pub media: Vec<OperationMedia>,
    /// Open enums, in order of first appearance.
    pub enums: Vec<EnumSet>,
    /// Whether a credential property was mapped to `SECRET_SCHEMA`.
    pub uses_secret: bool,
}

/// The placeholder schema name codegen replaces with the client's `Secret`.
pub const SECRET_SCHEMA: &str = "Secret";

/// Property names whose string values are credentials.
pub(super) const SECRET_PROPERTIES: &[&str] = &[
    "privateKey",
    "clientSecret",
    "secret",
    "password",
    "accessToken",
    "access_token",
];

const JSON: &str = "application/json";

fn is_vendor_json(media_type: &str) -> bool {
    media_type.starts_with("application/vnd.") && media_type.ends_with("+json")
}

/// Prepares `fragment` (read from `file`, named in errors) with its
/// system's role catalogue.
pub fn prepare(
    fragment: &Value,
    file: &str,
    roles: &SystemRoles,
) -> Result<Prepared, CodegenError> {
    let err = |pointer: String, problem: String| CodegenError::Unsupported {
        file: file.to_owned(),
        pointer,
        problem,
    };
    let mut spec = fragment.clone();
    // Title and version feed the generated docs and `api_version()`; keep
    // them version-neutral so versions with equal shapes share code.
    spec["info"] = json!({ "title": "atlas-apikeys", "version": "0" });
    // Servers and security schemes are facts the runtime takes from the
    // version table and the credentials; progenitor does not use them, and
    // they would keep otherwise identical shapes apart.
    if let Some(obj) = spec.as_object_mut() {
        obj.retain(|k, _| !k.starts_with("x-") && k != "servers" && k != "security");
    }
    if let Some(components) = spec.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("securitySchemes");
        components.remove("headers");
    }
    strip_version_suffixes(&mut spec);
    let mut hoister = Schemas::default();
    apply_role_fields(&mut spec, roles, &mut hoister);
    sort_parameters(&mut spec);

    let mut media = Vec::new();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return Err(err("#/paths".into(), "no paths".into()));
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            return Err(err(format!("#/paths/{path}"), "not a path item".into()));
        };
        for (method, op) in item.iter_mut() {
            if method == "parameters" {
                continue;
            }
            let here = format!("{} {path}", method.to_uppercase());
            let api_name = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| err(here.clone(), "no operationId".into()))?
                .to_owned();
            let (accept, content_type) = rewrite_operation(op).map_err(|p| err(here.clone(), p))?;
            hoister.operation(op, &api_name);
            media.push(OperationMedia {
                operation_id: api_name.to_snake_case(),
                api_name,
                method: method.to_uppercase(),
                path: path.clone(),
                accept,
                content_type,
            });
        }
    }
    if let Some(responses) = spec
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for (name, response) in responses.iter_mut() {
            rewrite_content(response, false)
                .map_err(|p| err(format!("#/components/responses/{name}"), p))?;
        }
    }
    hoister.components(&mut spec);
    let uses_secret = hoister.uses_secret;
    Ok(Prepared {
        spec,
        media,
        enums: hoister.sets,
        uses_secret,
    })
}

/// Rewrites one operation's media types; returns its `Accept` and
/// `Content-Type` values.
fn rewrite_operation(op: &mut Value) -> Result<(String, Option<String>), String> {
    let mut content_type = None;
    if let Some(body) = op
        .get_mut("requestBody")
        .filter(|b| b.get("$ref").is_none())
    {
        let keys: Vec<String> = body
            .get("content")
            .and_then(Value::as_object)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        match keys.as_slice() {
            [one] => content_type = Some(one.clone()),
            [] => return Err("request body without a media type".into()),
            many => {
                return Err(format!(
                    "request body offers {} media types ({}); progenitor takes one",
                    many.len(),
                    many.join(", ")
                ));
            }
        }
        rewrite_content(body, true)?;
    } else if op.get("requestBody").is_some() {
        content_type = Some(JSON.to_owned());
    }

    let mut accept: Option<String> = None;
    let mut success_kinds = Vec::new();
    if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for (status, response) in responses.iter_mut() {
            let success = status.starts_with('2');
            let found = rewrite_content(response, success)?;
            if success {
                for media_type in &found {
                    match &accept {
                        Some(a) if a != media_type => {
                            return Err(format!(
                                "success responses disagree on media type ({a} vs {media_type})"
                            ));
                        }
                        _ => accept = Some(media_type.clone()),
                    }
                }
                let schema = response
                    .pointer("/content/application~1json/schema")
                    .cloned();
                success_kinds.push((status.clone(), schema));
            }
        }
    }
    if success_kinds.len() > 1 && success_kinds.windows(2).any(|w| w[0].1 != w[1].1) {
        let list: Vec<String> = success_kinds
            .iter()
            .map(|(s, k)| format!("{s}: {}", if k.is_some() { "body" } else { "no body" }))
            .collect();
        return Err(format!(
            "success responses of different kinds ({}); progenitor takes one",
            list.join(", ")
        ));
    }
    let accept = accept
        .or_else(|| content_type.clone().filter(|c| is_vendor_json(c)))
        .unwrap_or_else(|| JSON.to_owned());
    Ok((accept, content_type))
}

/// Renames vendor JSON media types to `application/json` and drops entries
/// without a schema. Returns the vendor types it saw (for success responses,
/// schema-less ones too: they still say which version the server speaks).
fn rewrite_content(holder: &mut Value, record: bool) -> Result<Vec<String>, String> {
    if let Some(h) = holder.as_object_mut() {
        h.remove("headers");
    }
    let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) else {
        return Ok(Vec::new());
    };
    let mut seen = Vec::new();
    let mut out = Map::new();
    for (media_type, entry) in std::mem::take(content) {
        let vendor = is_vendor_json(&media_type);
        if vendor && record {
            seen.push(media_type.clone());
        }
        if entry.get("schema").is_none() {
            continue;
        }
        let key = if vendor { JSON.to_owned() } else { media_type };
        let mut entry = entry;
        if let Some(e) = entry.as_object_mut() {
            e.retain(|k, _| !k.starts_with("x-"));
        }
        if out.insert(key.clone(), entry).is_some() {
            return Err(format!("two media types map to {key}"));
        }
    }
    if out.is_empty() {
        if let Some(h) = holder.as_object_mut() {
            h.remove("content");
        }
    } else {
        *content = out;
    }
    Ok(seen)
}

/// A parameter's `in` and `name`.
fn located(p: &Value) -> (String, String) {
    let field = |f: &str| {
        p.get(f)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    (field("in"), field("name"))
}

/// Path parameters first, in template order, then the rest by location and
/// name: versions that list the same parameters in another order compare
/// equal, and the glue calls them by name anyway.
pub(super) fn sort_parameters(spec: &mut Value) {
    let named: BTreeMap<String, (String, String)> = spec
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, p)| (format!("#/components/parameters/{k}"), located(p)))
        .collect();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (_, op) in item.iter_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            params.sort_by_key(|p| {
                let (location, name) = match p.get("$ref").and_then(Value::as_str) {
                    Some(r) => named.get(r).cloned().unwrap_or_default(),
                    None => located(p),
                };
                let at = path
                    .find(&format!("{{{name}}}"))
                    .filter(|_| location == "path");
                (at.is_none(), at.unwrap_or(0), location, name)
            });
        }
    }
}
