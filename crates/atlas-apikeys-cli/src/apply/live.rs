//! The live state of the keys a file names, read with the fewest requests.
//! A key's organization read answers its roles in every project it is in,
//! so K keys cost K reads (not one per project), plus one read per page of
//! each access list the file declares. A version that cannot read one key
//! lists its organization's keys instead, once per organization. A key
//! whose organization the file does not give (and the settings do not
//! either) is found in the key lists of its declared projects, each project
//! listed once: enough for its project items, not for pruning.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use atlas_apikeys::client::Op;
use atlas_apikeys::{AccessListEntry, ApiKey, ApiKeyId, ApiKeys, OrgId, ProjectId};
use tokio::sync::Semaphore;

use super::plan::Named;
use crate::exit::Failure;

/// One key as it is.
#[derive(Debug, Clone)]
pub(super) struct Live {
    /// Whether the key exists (as far as the reads can tell).
    pub(super) found: bool,
    /// The key as its organization read answers it.
    pub(super) key: Option<ApiKey>,
    /// Its roles per project, names sorted.
    pub(super) projects: BTreeMap<ProjectId, Vec<String>>,
    /// Its access list, when the file declares one and the key exists.
    pub(super) access: Option<Vec<AccessListEntry>>,
}

/// What reading a key came to: its state, or why it could not be read.
pub(super) type Read = Result<Live, Failure>;

/// Reads every key of `named` (at most `concurrency` at once), in order.
pub(super) async fn read(keys: &ApiKeys, named: &[Named], concurrency: usize) -> Vec<Read> {
    let listed = match keys.version().offers(Op::GetOrgKey) {
        Some(_) => None,
        None => Some(list_orgs(keys, named).await),
    };
    let by_project = Arc::new(list_projects(keys, named).await);
    let listed = Arc::new(listed);
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut running = tokio::task::JoinSet::new();
    for (n, named) in named.iter().enumerate() {
        let (keys, permits, listed, named) =
            (keys.clone(), permits.clone(), listed.clone(), named.clone());
        if named.org.is_err() {
            let found = by_project_of(&named, &by_project);
            running.spawn(async move { (n, by_projects(&found)) });
            continue;
        }
        running.spawn(async move {
            // Only a closed semaphore fails, and this one is never closed.
            let _permit = permits.acquire_owned().await.ok();
            (n, one(&keys, &named, listed.as_ref().as_ref()).await)
        });
    }
    let mut out: Vec<Option<Read>> = vec![None; named.len()];
    while let Some(done) = running.join_next().await {
        if let Ok((n, read)) = done {
            out[n] = Some(read);
        }
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Failure::usage("the read's task failed"))))
        .collect()
}

/// Each organization's keys, by id: for versions without the one-key read.
type Listed = HashMap<OrgId, Result<HashMap<ApiKeyId, ApiKey>, Failure>>;

async fn list_orgs(keys: &ApiKeys, named: &[Named]) -> Listed {
    let mut listed = Listed::new();
    for org in named.iter().filter_map(|n| n.org.as_ref().ok()) {
        if listed.contains_key(org) {
            continue;
        }
        let all = keys.list_org_keys(org).await;
        let by_id = all
            .map(|all| all.into_iter().map(|k| (k.id, k)).collect())
            .map_err(Failure::from);
        listed.insert(*org, by_id);
    }
    listed
}

/// The keys of each project that an organization-less key declares.
type ByProject = HashMap<ProjectId, Result<Vec<ApiKey>, Failure>>;

async fn list_projects(keys: &ApiKeys, named: &[Named]) -> ByProject {
    let mut listed = ByProject::new();
    for n in named.iter().filter(|n| n.org.is_err()) {
        for project in &n.project_ids {
            if !listed.contains_key(project) {
                let all = keys.list_project_keys(project).await.map_err(Failure::from);
                listed.insert(*project, all);
            }
        }
    }
    listed
}

/// What `named`'s projects' lists say of it.
fn by_project_of(
    named: &Named,
    listed: &ByProject,
) -> Vec<(ProjectId, Result<Option<ApiKey>, Failure>)> {
    named
        .project_ids
        .iter()
        .filter_map(|p| {
            let found = listed
                .get(p)?
                .as_ref()
                .map(|all| all.iter().find(|k| k.id == named.key).cloned());
            Some((*p, found.map_err(Failure::clone)))
        })
        .collect()
}

/// A key's roles in the projects whose lists were read.
fn by_projects(found: &[(ProjectId, Result<Option<ApiKey>, Failure>)]) -> Read {
    let mut projects = BTreeMap::new();
    for (project, key) in found {
        let Some(key) = key.clone()? else { continue };
        if let Some(roles) = roles_by_project(&key).remove(project) {
            projects.insert(*project, roles);
        }
    }
    Ok(Live {
        found: true,
        key: None,
        projects,
        access: None,
    })
}

/// A key's organization roles, sorted, each once: as a plan file and a
/// saved plan hold them.
pub(super) fn org_roles(key: &ApiKey) -> Vec<String> {
    sorted(key.roles.org.iter().map(|r| r.role.as_str()))
}

/// Role names sorted, each once: how live and declared roles compare.
pub(super) fn sorted<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = names.map(str::to_owned).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `key`'s roles per project, names sorted.
pub(super) fn roles_by_project(key: &ApiKey) -> BTreeMap<ProjectId, Vec<String>> {
    let mut out: BTreeMap<ProjectId, Vec<String>> = BTreeMap::new();
    for r in &key.roles.project {
        out.entry(r.project_id)
            .or_default()
            .push(r.role.as_str().to_owned());
    }
    for roles in out.values_mut() {
        roles.sort_unstable();
        roles.dedup();
    }
    out
}

async fn one(keys: &ApiKeys, named: &Named, listed: Option<&Listed>) -> Read {
    let org = named.org.as_ref().map_err(|e| Failure::usage(e.clone()))?;
    let key = match listed {
        Some(listed) => match listed.get(org) {
            Some(Ok(by_id)) => by_id.get(&named.key).cloned(),
            Some(Err(e)) => return Err(e.clone()),
            None => None,
        },
        None => match keys.org_key(org, &named.key).await {
            Ok(key) => Some(key),
            Err(e) if e.status() == Some(404) => None,
            Err(e) => return Err(e.into()),
        },
    };
    let access = match (&key, named.access) {
        (Some(_), true) => Some(access_list(keys, org, &named.key).await?),
        _ => None,
    };
    Ok(Live {
        found: key.is_some(),
        projects: key.as_ref().map(roles_by_project).unwrap_or_default(),
        key,
        access,
    })
}

/// A key's whole access list, within the SDK's bound on what a list may
/// hold; past it, the message names the key.
pub(super) async fn access_list(
    keys: &ApiKeys,
    org: &OrgId,
    key: &ApiKeyId,
) -> Result<Vec<AccessListEntry>, Failure> {
    keys.access_list(org, key).await.map_err(|e| match e {
        atlas_apikeys::Error::ListTooLong { limit, .. } => Failure::usage(format!(
            "the access list of key {key} holds more than {limit} entries"
        )),
        e => Failure::from(e),
    })
}

/// Paces `keys` by the rate-limit buckets the server describes, read
/// once: from the first of `orgs` whose description the caller may read
/// (Atlas, from resource version 2025-03-12). The description names
/// endpoint sets, not organizations; a second would replace the first and
/// forget what the pace had learnt. Where none is described (another
/// version or system, or a caller who may not read them), the client goes
/// on learning from its answers' headers.
pub(crate) async fn learn_limits(keys: &ApiKeys, orgs: impl IntoIterator<Item = OrgId>) {
    let orgs: std::collections::BTreeSet<OrgId> = orgs.into_iter().collect();
    for org in orgs {
        match keys.learn_rate_limits(&org).await {
            Ok(sets) => {
                tracing::info!(%org, sets, "paced by the rate limits the server describes");
                return;
            }
            Err(e) => {
                tracing::info!(%org, error = %e, "no rate limits described; pacing by answers")
            }
        }
    }
}
