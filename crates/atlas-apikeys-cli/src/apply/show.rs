//! `plan`'s output: the changes a person reads at a glance (`+` to add,
//! `~` to change, `-` to remove, `!` live but not in the file), a one-line
//! summary, and the same for machines with `-o json`.

use serde_json::{Value, json};

use super::diff::{Diffed, Step};
use super::plan::{Work, describe};
use super::report::item_json;
use crate::exit::Failure;
use crate::output::Format;

/// What a change does, as a sign and a word.
fn kind(work: &Work, was: Option<&String>) -> (&'static str, &'static str) {
    match work {
        Work::Org(..) => ("~", "change"),
        Work::Project(..) if was.is_some() => ("~", "change"),
        Work::Project(..) | Work::AddEntries(..) => ("+", "add"),
        Work::Unassign(..) | Work::RemoveEntry(..) | Work::Delete(..) => ("-", "remove"),
    }
}

/// Prints the plan; true when it holds changes.
pub(super) fn print(format: Format, diffed: &[Diffed], reads: usize) -> Result<bool, Failure> {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let (mut changes, mut kept, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let mut counts = [0usize; 5]; // add, change, remove, kept, unchanged
    for d in diffed {
        let mut v: Value = item_json(&d.item);
        let was = d.was.as_ref();
        match &d.step {
            Step::Send(work) => {
                let (sign, word) = kind(work, was);
                counts[["add", "change", "remove"]
                    .iter()
                    .position(|w| *w == word)
                    .unwrap_or(0)] += 1;
                let text = describe(work);
                let shown = match was {
                    Some(was) => format!("{text} (now: {was})"),
                    None => text.clone(),
                };
                rows.push((sign, shown));
                v["action"] = json!(word);
                v["change"] = json!(text);
                v["was"] = json!(was);
                changes.push(v);
            }
            Step::Kept => {
                counts[3] += 1;
                let what = match &d.item.work {
                    Ok(Work::Unassign(project, key)) => {
                        format!("key {key} is in project {project}")
                    }
                    Ok(Work::RemoveEntry(_, key, entry)) => {
                        format!("key {key}'s access list holds {entry}")
                    }
                    _ => d.item.at.clone(),
                };
                let now = was.map(|w| format!(" ({w})")).unwrap_or_default();
                rows.push((
                    "!",
                    format!("{what}{now}: not in the file; kept (--prune removes it)"),
                ));
                v["was"] = json!(was);
                kept.push(v);
            }
            Step::Same => counts[4] += 1,
            Step::Fail(e) | Step::Unread(e) => {
                let target = d.item.target.as_deref().unwrap_or("?");
                rows.push((
                    "error",
                    format!("{} ({} {target}): {e}", d.item.at, d.item.scope),
                ));
                v["error"] = json!(e);
                errors.push(v);
            }
        }
    }
    let [add, change, remove, kept_n, same] = counts;
    let summary = format!(
        "{add} to add, {change} to change, {remove} to remove, {kept_n} kept, {same} unchanged, {} invalid; {reads} key{} read",
        errors.len(),
        if reads == 1 { "" } else { "s" }
    );
    let value = json!({
        "summary": {
            "add": add, "change": change, "remove": remove, "kept": kept_n,
            "unchanged": same, "invalid": errors.len(), "reads": reads,
        },
        "changes": changes,
        "kept": kept,
        "errors": errors,
    });
    let mut table = vec![("summary", summary)];
    table.extend(rows);
    crate::output::print(format, &value, || table)?;
    Ok(add + change + remove > 0)
}
