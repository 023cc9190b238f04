//! The list routes: an organization's keys, a project's keys, paged as the
//! API pages them (`pageNum`, `itemsPerPage` 1 to 500, `includeCount`), with
//! `links`, and an envelope's `status` beside `results` rather than around
//! them.

use axum::response::Response;
use serde_json::{Value, json};

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
fn page(items: Vec<Value>, query: &str, path: &str, opts: Opts) -> Response {
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
