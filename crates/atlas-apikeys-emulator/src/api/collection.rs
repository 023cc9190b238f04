//! The collection routes (`.../apiKeys`): an organization's or a project's
//! keys, paged as the API pages them (`pageNum`, `itemsPerPage` 1 to 500,
//! `includeCount`), with `links` and an envelope's `status` beside
//! `results`; and a new key, whose answer is the one time its private key
//! is shown.

use axum::response::Response;
use serde_json::{Value, json};

use crate::config::{ApiKey, Grants};
use crate::state::{Principal, State};

use super::operations::key_json;
use super::*;

/// The keys of organization or project `scope_id`, one page of them, for a
/// caller with a role there (or, for a project, the organization's owner).
#[allow(clippy::too_many_arguments)]
pub(super) fn keys(
    state: &State,
    who: &Principal,
    is_org: bool,
    scope_id: &str,
    query: &str,
    path: &str,
    base: &str,
    opts: Opts,
) -> Result<Response, Refused> {
    check_paging(query)?;
    let Some(grants) = state.grants(who) else {
        return Err(refuse(401, "UNAUTHORIZED", "The caller no longer exists."));
    };
    let org_owner = grants.org_roles.iter().any(|r| r == "ORG_OWNER");
    let (authorized, ids): (bool, Vec<&String>) = if is_org {
        if !state.orgs.contains_key(scope_id) {
            let detail = format!("No organization with ID {scope_id} exists.");
            return Err(refuse(404, "ORG_NOT_FOUND", detail));
        }
        let member = grants.org_id == scope_id && !grants.org_roles.is_empty();
        let ids = state.keys.values().filter(|k| k.grants.org_id == scope_id);
        (member, ids.map(|k| &k.id).collect())
    } else {
        let Some(project) = state.projects.get(scope_id) else {
            let detail = format!("No project with ID {scope_id} exists.");
            return Err(refuse(404, "GROUP_NOT_FOUND", detail));
        };
        let in_project = grants
            .project_roles
            .get(scope_id)
            .is_some_and(|r| !r.is_empty());
        let owner = grants.org_id == project.org_id && org_owner;
        let ids = state.keys.values();
        let ids = ids.filter(|k| k.grants.project_roles.contains_key(scope_id));
        (in_project || owner, ids.map(|k| &k.id).collect())
    };
    if !authorized {
        return Err(refuse(
            403,
            "USER_UNAUTHORIZED",
            "The caller is not authorized to perform this action.",
        ));
    }
    let items = ids
        .into_iter()
        .map(|id| key_json(state, id, base))
        .collect();
    Ok(page(items, query, path, opts))
}

/// One page of `items`, as the query asks (already checked).
pub(super) fn page(items: Vec<Value>, query: &str, path: &str, opts: Opts) -> Response {
    let get = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let page_num: usize = get("pageNum").and_then(|v| v.parse().ok()).unwrap_or(1);
    let per_page: usize = get("itemsPerPage")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let counted = get("includeCount") != Some("false");
    let total = items.len();
    let start = page_num.saturating_sub(1).saturating_mul(per_page);
    let results: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    let link = |n: usize, rel: &str| json!({ "href": format!("{path}?pageNum={n}&itemsPerPage={per_page}"), "rel": rel });
    let mut links = vec![link(page_num, "self")];
    if page_num > 1 {
        links.push(link(page_num - 1, "previous"));
    }
    if start.saturating_add(results.len()) < total {
        links.push(link(page_num + 1, "next"));
    }
    let mut body = json!({ "links": links, "results": results });
    if counted {
        body["totalCount"] = json!(total);
    }
    // A list's envelope is its own body with the status added.
    if opts.envelope {
        body["status"] = json!(200);
    }
    let opts = Opts {
        envelope: false,
        ..opts
    };
    render(200, Some(body), opts, false)
}

/// A new key in organization `scope_id` (with organization roles) or in
/// project `scope_id` (with project roles): `desc` and at least one role
/// required; Organization Owner, or for a project its Project Owner.
#[allow(clippy::too_many_arguments)]
pub(super) fn create(
    state: &mut State,
    who: &Principal,
    is_org: bool,
    scope_id: &str,
    body: &Value,
    base: &str,
    opts: Opts,
) -> Result<Response, Refused> {
    let (own, other, scope) = if is_org {
        (&state.roles.org, &state.roles.project, "organization")
    } else {
        (&state.roles.project, &state.roles.org, "project")
    };
    let (desc, roles) = key_update(body, own, other, scope, true)?;
    let Some(desc) = desc else {
        return Err(refuse(
            400,
            "MISSING_ATTRIBUTE",
            "The attribute desc is required.",
        ));
    };
    let roles = roles.unwrap_or_default();
    let Some(grants) = state.grants(who) else {
        return Err(refuse(401, "UNAUTHORIZED", "The caller no longer exists."));
    };
    let org_owner = grants.org_roles.iter().any(|r| r == "ORG_OWNER");
    let (org, authorized) = if is_org {
        if !state.orgs.contains_key(scope_id) {
            let detail = format!("No organization with ID {scope_id} exists.");
            return Err(refuse(404, "ORG_NOT_FOUND", detail));
        }
        (scope_id.to_owned(), grants.org_id == scope_id && org_owner)
    } else {
        let Some(project) = state.projects.get(scope_id) else {
            let detail = format!("No project with ID {scope_id} exists.");
            return Err(refuse(404, "GROUP_NOT_FOUND", detail));
        };
        let owns = grants.project_roles.get(scope_id);
        let owns = owns.is_some_and(|rs| rs.iter().any(|r| r == "GROUP_OWNER"));
        let authorized = owns || (grants.org_id == project.org_id && org_owner);
        (project.org_id.clone(), authorized)
    };
    if !authorized {
        return Err(refuse(
            403,
            "USER_UNAUTHORIZED",
            "The caller is not authorized to perform this action.",
        ));
    }
    let random = |n: usize| {
        let mut bits = vec![0u8; n];
        getrandom::getrandom(&mut bits)
            .map(|()| bits)
            .map_err(|_| refuse(500, "UNEXPECTED_ERROR", "No randomness for a new key."))
    };
    let hex = |bits: &[u8]| bits.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let id = hex(&random(12)?);
    let public_key: String = random(8)?
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    let p = hex(&random(16)?);
    let private_key = format!(
        "{}-{}-{}-{}-{}",
        &p[..8],
        &p[8..12],
        &p[12..16],
        &p[16..20],
        &p[20..]
    );
    let mut grants = Grants {
        org_id: org,
        org_roles: Vec::new(),
        project_roles: Default::default(),
    };
    if is_org {
        grants.org_roles = roles;
    } else {
        grants.project_roles.insert(scope_id.to_owned(), roles);
    }
    let key = ApiKey {
        id: id.clone(),
        public_key,
        private_key: private_key.clone(),
        description: desc,
        grants,
    };
    state.keys.insert(id.clone(), key);
    // The one answer that shows the private key whole.
    let mut body = key_json(state, &id, base);
    body["privateKey"] = json!(private_key);
    Ok(render(200, Some(body), opts, false))
}
