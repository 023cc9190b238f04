//! A key's access list (`/orgs/{orgId}/apiKeys/{apiUserId}/accessList`):
//! listed and read by any role in the organization, added to and removed
//! from by its owner; entries are an address or a CIDR block, exactly one,
//! each once.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use serde_json::{Value, json};

use crate::access::Entry;
use crate::state::{Principal, State};

use super::*;

/// An entry that is not an address or a block, or is both.
const INVALID: &str = "INVALID_IP_ADDRESS_OR_CIDR_NOTATION";
/// An entry the list does not hold (the older name was
/// `API_KEY_WHITELIST_NOT_FOUND`).
const NOT_ON_LIST: &str = "API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND";

/// The call: which key's list, and which entry (`None`: the list).
pub(super) struct Call<'a> {
    pub(super) org: &'a str,
    pub(super) key_id: &'a str,
    pub(super) entry: Option<&'a str>,
    pub(super) query: &'a str,
    pub(super) path: &'a str,
    pub(super) base: &'a str,
}

fn entry_json(entry: &Entry, base: &str, org: &str, key: &str) -> Value {
    let text = entry.text();
    let mut v = json!({
        "count": entry.count,
        "created": "2026-01-01T00:00:00Z",
        "links": [{ "href": format!("{base}/orgs/{org}/apiKeys/{key}/accessList/{}", text.replace('/', "%2F")), "rel": "self" }],
    });
    if entry.prefix.is_some() {
        v["cidrBlock"] = json!(text);
    } else {
        v["ipAddress"] = json!(text);
        v["cidrBlock"] = json!(format!(
            "{text}/{}",
            if entry.network.is_ipv4() { 32 } else { 128 }
        ));
    }
    if let Some(at) = entry.last_used_address {
        v["lastUsedAddress"] = json!(at.to_string());
        v["lastUsed"] = json!("2026-01-01T00:00:00Z");
    }
    v
}

/// The entries of one request body: an array of objects with `ipAddress`
/// or `cidrBlock`, exactly one each.
fn entries(body: &Value) -> Result<Vec<Entry>, Refused> {
    let Some(items) = body.as_array().filter(|a| !a.is_empty()) else {
        return Err(refuse(
            400,
            "INVALID_JSON",
            "The request body must be a non-empty array of access-list entries.",
        ));
    };
    let mut out: Vec<Entry> = Vec::new();
    for item in items {
        let ip = item.get("ipAddress").and_then(Value::as_str);
        let cidr = item.get("cidrBlock").and_then(Value::as_str);
        let parsed = match (ip, cidr) {
            (Some(ip), None) => Entry::parse(ip, false),
            (None, Some(cidr)) => Entry::parse(cidr, true),
            (Some(_), Some(_)) => {
                let detail = "Should not specify both the IP address and the CIDR block.";
                return Err(refuse(400, INVALID, detail));
            }
            (None, None) => None,
        };
        let Some(entry) = parsed else {
            let detail = format!("{item} is not one IP address or one CIDR block.");
            return Err(refuse(400, INVALID, detail));
        };
        if !out.iter().any(|e| e.text() == entry.text()) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Lists, adds to, reads or removes from key `call.key_id`'s access list.
pub(super) fn operate(
    state: &mut State,
    who: &Principal,
    method: &Method,
    headers: &HeaderMap,
    body: &Bytes,
    call: Call<'_>,
    opts: Opts,
) -> Result<Response, Refused> {
    let Call {
        org,
        key_id,
        entry,
        query,
        path,
        base,
    } = call;
    let write = method != Method::GET;
    let adding = if write && entry.is_none() {
        Some(entries(&parse_body(headers, body)?)?)
    } else {
        None
    };
    if entry.is_none() {
        check_paging(query)?;
    }
    let Some(grants) = state.grants(who) else {
        return Err(refuse(401, "UNAUTHORIZED", "The caller no longer exists."));
    };
    if !state.orgs.contains_key(org) {
        let detail = format!("No organization with ID {org} exists.");
        return Err(refuse(404, "ORG_NOT_FOUND", detail));
    }
    let owner = grants.org_roles.iter().any(|r| r == "ORG_OWNER");
    let member = !grants.org_roles.is_empty();
    if grants.org_id != org || !(owner || (member && !write)) {
        return Err(refuse(
            403,
            "USER_UNAUTHORIZED",
            "The caller is not authorized to perform this action.",
        ));
    }
    if state
        .keys
        .get(key_id)
        .is_none_or(|k| k.grants.org_id != org)
    {
        let detail = format!("No API key with ID {key_id} exists.");
        return Err(refuse(404, "API_KEY_NOT_FOUND", detail));
    }
    let list = state.access.entries.entry(key_id.to_owned()).or_default();
    if let Some(named) = entry {
        let named = named.replace("%2F", "/").replace("%2f", "/");
        // Addressed as written: an address bare, a block with its prefix.
        let Some(at) = list.iter().position(|e| e.text() == named) else {
            let detail = format!("{named} is not on the access list of API key {key_id}.");
            return Err(refuse(404, NOT_ON_LIST, detail));
        };
        return Ok(if method == Method::DELETE {
            list.remove(at);
            render(204, None, opts, false)
        } else {
            render(
                200,
                Some(entry_json(&list[at], base, org, key_id)),
                opts,
                false,
            )
        });
    }
    for new in adding.unwrap_or_default() {
        if !list.iter().any(|e| e.text() == new.text()) {
            list.push(new);
        }
    }
    let items = list
        .iter()
        .map(|e| entry_json(e, base, org, key_id))
        .collect();
    Ok(super::collection::page(items, query, path, opts))
}
