//! The file against the live state: for each item, what must be sent to
//! make it so (or nothing, when it is so already), and, for the keys whose
//! projects or access list the file declares, what is live but not
//! declared: removed with `--prune`, else kept and shown.

use std::collections::BTreeSet;

use atlas_apikeys::{AccessEntry, AccessListEntry, ApiKeyId};

use super::live::{Live, Read, sorted};
use super::plan::{Item, Named, Work, canonical};

/// What an item comes to.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Send this.
    Send(Work),
    /// It is so already: nothing to send.
    Same,
    /// It cannot be done: why.
    Fail(String),
    /// Its key's live state could not be read: why.
    Unread(String),
    /// Live, not declared, and not pruned: left as it is.
    Kept,
}

/// An item, with what it comes to and what the live state was.
#[derive(Debug, Clone)]
pub(super) struct Diffed {
    pub(super) item: Item,
    pub(super) step: Step,
    /// The live value the change replaces or removes, in words.
    pub(super) was: Option<String>,
}

/// Settles every item of `items` against the live state of the keys in
/// `named` (`reads`, in the same order), and adds what is live but not
/// declared for the keys that declare their projects or access list.
pub(super) fn settle(
    items: Vec<Item>,
    named: &[Named],
    reads: &[Read],
    prune: bool,
) -> Vec<Diffed> {
    let live_of = |key: &ApiKeyId| {
        named
            .iter()
            .position(|n| n.key == *key)
            .and_then(|i| Some((&named[i], reads.get(i)?)))
    };
    let mut out: Vec<Diffed> = items
        .into_iter()
        .map(|item| {
            let (step, was) = match (&item.work, item.key.as_ref().and_then(live_of)) {
                (Err(e), _) => (Step::Fail(e.clone()), None),
                (Ok(_), None) => (Step::Unread("the key was not read".into()), None),
                (Ok(_), Some((_, Err(failure)))) => (
                    Step::Unread(format!("reading the key: {}", failure.message)),
                    None,
                ),
                (Ok(work), Some((_, Ok(live)))) => one(work, live),
            };
            Diffed { item, step, was }
        })
        .collect();
    for (n, read) in named.iter().zip(reads) {
        let (Ok(live), Ok(org)) = (read, &n.org) else {
            continue;
        };
        if live.key.is_none() || n.absent {
            continue;
        }
        let declared = |scope: &str| {
            out.iter()
                .filter(|d| d.item.key == Some(n.key) && d.item.scope == scope)
                .filter_map(|d| d.item.target.clone())
                .collect::<BTreeSet<String>>()
        };
        // A declaration with an invalid line is not known whole: what that
        // line meant to keep cannot be told from what the file leaves out,
        // so nothing of its kind is removed for the key (it is shown kept).
        let whole = |scope: &str| {
            !out.iter()
                .any(|d| d.item.key == Some(n.key) && d.item.scope == scope && d.item.work.is_err())
        };
        let (prune_projects, prune_entries) =
            (prune && whole("project"), prune && whole("access list"));
        if n.projects {
            let declared = declared("project");
            for (project, roles) in &live.projects {
                let project = *project;
                if declared.contains(&project.to_string()) {
                    continue;
                }
                let work = Work::Unassign(project, n.key);
                out.push(extra(
                    n,
                    "project",
                    project.to_string(),
                    work,
                    roles.join(","),
                    prune_projects,
                ));
            }
        }
        if let (true, Some(entries)) = (n.access, &live.access) {
            let wanted: BTreeSet<String> = out
                .iter()
                .filter(|d| d.item.key == Some(n.key))
                .filter_map(|d| match &d.item.work {
                    Ok(Work::AddEntries(_, _, all)) => Some(all.iter().map(canonical)),
                    _ => None,
                })
                .flatten()
                .collect();
            for entry in entries.iter().filter_map(entry_of) {
                if wanted.contains(&canonical(&entry)) {
                    continue;
                }
                let shown = entry.to_string();
                let work = Work::RemoveEntry(*org, n.key, entry);
                out.push(extra(
                    n,
                    "access list",
                    org.to_string(),
                    work,
                    shown,
                    prune_entries,
                ));
            }
        }
    }
    out
}

/// A live assignment or entry the file leaves out.
fn extra(
    n: &Named,
    scope: &'static str,
    target: String,
    work: Work,
    was: String,
    prune: bool,
) -> Diffed {
    Diffed {
        item: Item {
            at: format!("{} (not declared)", n.at),
            key: Some(n.key),
            scope,
            target: Some(target),
            work: Ok(work.clone()),
        },
        step: if prune { Step::Send(work) } else { Step::Kept },
        was: Some(was),
    }
}

/// A live entry as the client parses one; an entry it cannot parse is left
/// out of the comparison (and never removed).
pub(crate) fn entry_of(live: &AccessListEntry) -> Option<AccessEntry> {
    let text = live.ip_address.as_deref().or(live.cidr_block.as_deref())?;
    AccessEntry::parse(text).ok()
}

/// One declared item against its key's live state.
fn one(work: &Work, live: &Live) -> (Step, Option<String>) {
    let access = live.access.as_deref();
    if !live.found {
        return match work {
            Work::Delete(..) => (Step::Same, None),
            _ => (
                Step::Fail(
                    "no such key in the organization (create it first: org-key create)".into(),
                ),
                None,
            ),
        };
    };
    let Some(key) = &live.key else {
        // Read through its projects' lists: only project items come here.
        return match work {
            Work::Project(..) => project(work, live),
            _ => (
                Step::Fail("the key's organization is not known".into()),
                None,
            ),
        };
    };
    match work {
        Work::Delete(..) | Work::Unassign(..) | Work::RemoveEntry(..) => {
            (Step::Send(work.clone()), Some("present".into()))
        }
        Work::Org(_, _, update) => {
            let desc_differs = update
                .description_value()
                .is_some_and(|d| key.description.as_deref() != Some(d.as_str()));
            let live_roles = super::live::org_roles(key);
            let roles_differ = update
                .roles_value()
                .is_some_and(|r| sorted(r.iter().map(|r| r.as_str())) != live_roles);
            if !desc_differs && !roles_differ {
                return (Step::Same, None);
            }
            let mut was = Vec::new();
            if desc_differs {
                let desc = key.description.as_deref().unwrap_or_default();
                was.push(format!("desc {}", serde_json::Value::from(desc)));
            }
            if roles_differ {
                was.push(format!("roles {}", live_roles.join(",")));
            }
            (Step::Send(work.clone()), Some(was.join(", ")))
        }
        Work::Project(..) => project(work, live),
        Work::AddEntries(org, key_id, entries) => {
            let live: BTreeSet<String> = access
                .unwrap_or_default()
                .iter()
                .filter_map(entry_of)
                .map(|e| canonical(&e))
                .collect();
            let missing: Vec<AccessEntry> = entries
                .iter()
                .filter(|e| !live.contains(&canonical(e)))
                .cloned()
                .collect();
            match missing.is_empty() {
                true => (Step::Same, None),
                false => (Step::Send(Work::AddEntries(*org, *key_id, missing)), None),
            }
        }
    }
}

/// A project item against the key's live roles in the project.
fn project(work: &Work, live: &Live) -> (Step, Option<String>) {
    let Work::Project(project, _, roles) = work else {
        return (Step::Send(work.clone()), None);
    };
    let want = sorted(roles.roles().iter().map(|r| r.as_str()));
    match live.projects.get(project) {
        Some(now) if *now == want => (Step::Same, None),
        Some(now) => (Step::Send(work.clone()), Some(now.join(","))),
        None => (Step::Send(work.clone()), None),
    }
}
