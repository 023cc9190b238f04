//! Saved plans: `plan --out FILE` keeps the file's keys with the live state
//! the plan saw, and `apply FILE` of a saved plan refuses when the live
//! state has moved since, so what was reviewed is what is done.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::live::Read;
use super::plan::{KeySpec, Named, Plan, canonical};
use crate::exit::Failure;

/// A saved plan, as written and read.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Saved {
    /// The format's version: 1.
    pub(super) saved_plan: u32,
    /// Whether it was planned with `--prune`.
    pub(super) prune: bool,
    /// The keys, as the file declared them.
    pub(super) keys: Vec<KeySpec>,
    /// The live state the plan saw, by key id (`null`: no such key).
    pub(super) seen: BTreeMap<String, Value>,
    /// The changes it showed, for the reader.
    #[serde(default)]
    pub(super) changes: Vec<String>,
}

/// Whether `text` is a saved plan rather than a file of keys.
pub(super) fn is_saved(text: &str) -> bool {
    text.trim_start().starts_with('{') && text.contains("\"savedPlan\"")
}

/// A key's live state as the saved plan keeps it: what the plan depends
/// on, in a stable order (`None`: it could not be read).
pub(super) fn observed(read: &Read) -> Option<Value> {
    let live = read.as_ref().ok()?;
    let Some(key) = &live.key else {
        return Some(match live.found {
            true => json!({ "projects": live.projects }),
            false => Value::Null,
        });
    };
    let org_roles = super::live::org_roles(key);
    let access = live.access.as_ref().map(|entries| {
        let mut all: Vec<String> = entries
            .iter()
            .filter_map(super::diff::entry_of)
            .map(|e| canonical(&e))
            .collect();
        all.sort();
        all
    });
    Some(json!({
        "desc": key.description,
        "orgRoles": org_roles,
        "projects": live.projects,
        "accessList": access,
    }))
}

/// Writes the plan of `plan` (what `named` read as `reads`) to a new file
/// at `path`.
pub(super) fn write(
    path: &Path,
    plan: Plan,
    prune: bool,
    named: &[Named],
    reads: &[Read],
    changes: Vec<String>,
) -> Result<(), Failure> {
    let seen = named
        .iter()
        .zip(reads)
        .map(|(n, r)| (n.key.to_string(), observed(r).unwrap_or(Value::Null)))
        .collect();
    let saved = Saved {
        saved_plan: 1,
        prune,
        keys: plan.keys,
        seen,
        changes,
    };
    let text = serde_json::to_string_pretty(&saved).unwrap_or_default() + "\n";
    crate::output::write_new(path, "--out", "plan", &text)
}

/// Refuses when the live state `reads` differs from what `saved` saw.
pub(super) fn unmoved(saved: &Saved, named: &[Named], reads: &[Read]) -> Result<(), Failure> {
    for (n, read) in named.iter().zip(reads) {
        let now = observed(read);
        let then = saved.seen.get(&n.key.to_string());
        if now.as_ref() != then {
            return Err(Failure::usage(format!(
                "{}: key {} has changed since the plan was saved; nothing was sent (run plan again, and review it)",
                n.at, n.key
            )));
        }
    }
    Ok(())
}
