//! The key operations on the emulated state, with authorization,
//! versioning and rate limits.

use axum::body::Bytes;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::config::{ApiKey, System};
use crate::state::{Principal, State};
use crate::versioning::Resource;

use super::*;

/// A private key as the API shows it after creation: its last 12
/// characters.
pub(super) fn redact(private: &str) -> String {
    let skip = private.chars().count().saturating_sub(12);
    let tail: String = private.chars().skip(skip).collect();
    format!("********-****-****-{tail}")
}

/// Key `key_id` of organization `org`: another organization's key is not
/// found, as if it did not exist.
fn org_key<'s>(state: &'s mut State, org: &str, key_id: &str) -> Result<&'s mut ApiKey, Refused> {
    let key = state
        .keys
        .get_mut(key_id)
        .filter(|k| k.grants.org_id == org);
    key.ok_or_else(|| {
        refuse(
            404,
            "API_KEY_NOT_FOUND",
            format!("No API key with ID {key_id} exists."),
        )
    })
}

/// 200 with the key as it now is.
fn answer_key(state: &State, id: &str, base: &str, opts: &Opts) -> Response {
    render(200, Some(key_json(state, id, base)), *opts, false)
}

pub(super) fn key_json(state: &State, id: &str, base: &str) -> Value {
    let Some(k) = state.keys.get(id) else {
        return Value::Null;
    };
    let mut roles: Vec<Value> = k
        .grants
        .org_roles
        .iter()
        .map(|r| json!({ "orgId": k.grants.org_id, "roleName": r }))
        .collect();
    for (project, list) in &k.grants.project_roles {
        roles.extend(
            list.iter()
                .map(|r| json!({ "groupId": project, "roleName": r })),
        );
    }
    json!({
        "desc": k.description,
        "id": k.id,
        "links": [{ "href": format!("{base}/orgs/{}/apiKeys/{}", k.grants.org_id, k.id), "rel": "self" }],
        "privateKey": redact(&k.private_key),
        "publicKey": k.public_key,
        "roles": roles,
    })
}

/// What a key route names: an organization's or project's keys, one key,
/// or (of an organization's key) its access list or one entry of it.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) is_org: bool,
    pub(super) scope_id: &'a str,
    pub(super) key_id: Option<&'a str>,
    pub(super) access: Option<Option<&'a str>>,
}

pub(super) fn api(
    app: &App,
    parts: &Parts,
    body: &Bytes,
    opts: &mut Opts,
    at: At<'_>,
    note: &mut crate::script::AuthNote,
) -> Result<Response, Refused> {
    let At { is_org, key_id, .. } = at;
    // As sent, prefix included: the digest `uri` names it so.
    let (method, path, query) = (&parts.method, parts.uri.path(), parts.uri.query());
    let system = app.config.system;
    let allow = match (system, is_org, key_id.is_some()) {
        _ if at.access == Some(None) => "GET, POST",
        _ if at.access.is_some() => "DELETE, GET",
        (_, _, false) => "GET, POST",
        (_, true, true) => "DELETE, GET, PATCH",
        (System::Atlas, false, true) => "DELETE, PATCH, POST",
        _ => "DELETE, PATCH",
    };
    if !allow.split(", ").any(|m| m == method.as_str()) {
        let why = format!("{method} is not supported on {path}.");
        let mut r = refuse(405, "METHOD_NOT_ALLOWED", why);
        r.extra_headers.push(("allow", allow.into()));
        return Err(r);
    }
    let target = match query.filter(|q| !q.is_empty()) {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    let mut state = app.lock();
    state.counters.exchanges += 1;
    let who = authenticate(app, &mut state, method, &target, &parts.headers, body, note)?;
    state.counters.authenticated += 1;
    if let Some(reply) = state.script.replies.pop_front() {
        if std::mem::take(&mut state.script.rotate_after_reply) {
            state.nonces.clear();
        }
        return Ok(reply.into_response());
    }
    let unprefixed = path
        .strip_prefix(app.config.path_prefix.trim_end_matches('/'))
        .unwrap_or(path);
    let told = super::limits::take(app, &mut state, parts, unprefixed, &who)?;
    // Where the organization requires access lists, a key calls only from
    // an address on its own.
    if let (Principal::Key(id), Some(&super::Peer(peer))) = (&who, parts.extensions.get()) {
        // An IPv4 caller on a dual-stack socket arrives as `::ffff:a.b.c.d`.
        let peer = &peer.to_canonical();
        let org = state.keys.get(id).map(|k| k.grants.org_id.clone());
        let admitted = org.map_or(Ok(()), |org| state.access.admit(&org, id, *peer));
        match admitted {
            Ok(()) => {}
            Err(crate::access::Refusal::NotOnList) => {
                let detail = format!("IP address {peer} is not allowed to access this resource.");
                return Err(refuse(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", detail));
            }
            Err(crate::access::Refusal::ListRequired) => {
                let detail =
                    "This organization requires access through an access list of ip ranges.";
                let mut r = refuse(403, "ORG_REQUIRES_ACCESS_LIST", detail);
                r.parameters = vec![peer.to_string()];
                return Err(r);
            }
        }
    }
    let result = operate(app, &mut state, parts, body, opts, at, &who);
    drop(state);
    let mut response = match result {
        Ok(r) => r,
        Err(refused) => render_error(refused, *opts),
    };
    super::limits::tell(&mut response, told);
    Ok(response)
}

pub(super) fn operate(
    app: &App,
    state: &mut State,
    parts: &Parts,
    body: &Bytes,
    opts: &mut Opts,
    at: At<'_>,
    who: &Principal,
) -> Result<Response, Refused> {
    let At {
        is_org,
        scope_id,
        key_id,
        access,
    } = at;
    let (method, headers) = (&parts.method, &parts.headers);
    let query = parts.uri.query().unwrap_or_default();
    let system = app.config.system;
    opts.envelope = query_flag(query, "envelope")?;
    opts.pretty = query_flag(query, "pretty")?;
    if system == System::Atlas {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
        let gone = app.config.versions_gone_before.as_deref();
        let version = crate::versioning::negotiate(accept, gone, Resource::Keys)
            .map_err(|r| refuse(r.status, r.code, r.detail))?;
        opts.atlas = Some(version);
    }
    if !is_org {
        check_paging(query)?;
    }
    let (id_code, id_name) = if is_org {
        ("INVALID_ORG_ID", "orgId")
    } else {
        ("INVALID_GROUP_ID", "groupId")
    };
    let ids = [
        Some((scope_id, id_code, id_name)),
        key_id.map(|key| (key, "INVALID_API_KEY_ID", "apiUserId")),
    ];
    let bad = ids
        .into_iter()
        .flatten()
        .find(|(id, ..)| !crate::config::hex24(id));
    if let Some((id, code, name)) = bad {
        let why = format!("{name} {id:?} is not 24 lowercase hexadecimal characters.");
        return Err(refuse(400, code, why));
    }
    let base = if system == System::Atlas {
        "/api/atlas/v2"
    } else {
        "/api/public/v1.0"
    };
    if let (Some(entry), Some(key_id)) = (access, key_id) {
        let call = super::access_list::Call {
            org: scope_id,
            key_id,
            entry,
            query,
            path: parts.uri.path(),
            base,
        };
        return super::access_list::operate(state, who, method, headers, body, call, *opts);
    }
    let Some(key_id) = key_id else {
        if method == Method::POST {
            let body = parse_body(headers, body)?;
            return super::collection::create(state, who, is_org, scope_id, &body, base, *opts);
        }
        let path = parts.uri.path();
        return super::collection::keys(state, who, is_org, scope_id, query, path, base, *opts);
    };
    // A read or a delete takes no body, and none is read.
    let (read, delete) = (method == Method::GET, method == Method::DELETE);
    let body = if read || delete {
        Value::Null
    } else {
        parse_body(headers, body)?
    };
    let (org_roles, project_roles) = (state.roles.org.clone(), state.roles.project.clone());

    // Who may act where.
    let Some(grants) = state.grants(who) else {
        return Err(refuse(401, "UNAUTHORIZED", "The caller no longer exists."));
    };
    let caller_org = grants.org_id.to_owned();
    let org_owner = grants.org_roles.iter().any(|r| r == "ORG_OWNER");
    let unauthorized = || {
        refuse(
            403,
            "USER_UNAUTHORIZED",
            "The caller is not authorized to perform this action.",
        )
    };

    if is_org {
        let (desc, roles) = if read || delete {
            (None, None)
        } else {
            key_update(&body, &org_roles, &project_roles, "organization", false)?
        };
        if !state.orgs.contains_key(scope_id) {
            return Err(refuse(
                404,
                "ORG_NOT_FOUND",
                format!("No organization with ID {scope_id} exists."),
            ));
        }
        // Reading a key takes any role in the organization; changing it,
        // Organization Owner.
        let member = !grants.org_roles.is_empty();
        if caller_org != scope_id || !(org_owner || (read && member)) {
            return Err(unauthorized());
        }
        let key = org_key(state, scope_id, key_id)?;
        if delete {
            // Its project assignments and access list go with it.
            state.keys.remove(key_id);
            state.access.entries.remove(key_id);
            return Ok(render(204, None, *opts, false));
        }
        if let Some(d) = desc {
            key.description = d;
        }
        if let Some(r) = roles {
            key.grants.org_roles = r;
        }
        return Ok(answer_key(state, key_id, base, opts));
    }

    let Some(project) = state.projects.get(scope_id).cloned() else {
        return Err(refuse(
            404,
            "GROUP_NOT_FOUND",
            format!("No project with ID {scope_id} exists."),
        ));
    };
    let owns = grants.project_roles.get(scope_id);
    let owns = owns.is_some_and(|rs| rs.iter().any(|r| r == "GROUP_OWNER"));
    let authorized = (caller_org == project.org_id && org_owner) || owns;
    // Validate before authorizing, as a real API does.
    enum Op {
        Assign(Vec<String>),
        Unassign,
        /// `must_exist`: Atlas's PATCH changes an assignment; v1.0's makes
        /// or replaces it.
        Update(Option<String>, Option<Vec<String>>, bool),
    }
    let op = match (system, method.clone()) {
        (_, Method::DELETE) => Op::Unassign,
        (System::Atlas, Method::POST) => {
            let Some(items) = body.as_array() else {
                return Err(refuse(
                    400,
                    "INVALID_JSON",
                    "The request body must be an array of role assignments.",
                ));
            };
            let mut roles = Vec::new();
            for item in items {
                if let Some(list) = item.get("roles") {
                    for r in role_list(list, &project_roles, &org_roles, "project")? {
                        if !roles.contains(&r) {
                            roles.push(r);
                        }
                    }
                }
            }
            if roles.is_empty() {
                return Err(refuse(
                    400,
                    "MISSING_ATTRIBUTE",
                    "Specify at least one project role.",
                ));
            }
            Op::Assign(roles)
        }
        _ => {
            let atlas = system == System::Atlas;
            let (d, r) = key_update(&body, &project_roles, &org_roles, "project", !atlas)?;
            Op::Update(d, r, atlas)
        }
    };
    if !authorized {
        return Err(unauthorized());
    }
    let key = org_key(state, &project.org_id, key_id)?;
    let not_assigned = || {
        refuse(
            404,
            "API_KEY_NOT_FOUND",
            format!("The API key {key_id} is not assigned to project {scope_id}."),
        )
    };
    match op {
        Op::Unassign => match key.grants.project_roles.remove(scope_id) {
            Some(_) => Ok(render(204, None, *opts, false)),
            None => Err(not_assigned()),
        },
        Op::Assign(roles) => {
            if key.grants.project_roles.contains_key(scope_id) {
                return Err(refuse(
                    409,
                    "API_KEY_ALREADY_IN_GROUP",
                    format!("The API key {key_id} is already assigned to project {scope_id}."),
                ));
            }
            key.grants.project_roles.insert(scope_id.to_owned(), roles);
            Ok(render(204, None, *opts, false))
        }
        Op::Update(desc, roles, must_exist) => {
            if must_exist && !key.grants.project_roles.contains_key(scope_id) {
                return Err(not_assigned());
            }
            if let Some(d) = desc {
                key.description = d;
            }
            if let Some(r) = roles {
                key.grants.project_roles.insert(scope_id.to_owned(), r);
            }
            Ok(answer_key(state, key_id, base, opts))
        }
    }
}
