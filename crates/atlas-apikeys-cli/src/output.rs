//! Results for people (a table) and for scripts (JSON in Atlas's own shape).
//! The private key is never printed, not even in its server-redacted form;
//! what is printed passes [`echo`]'s rule.

use std::io::IsTerminal;

use std::collections::HashMap;

use atlas_apikeys::{ApiKey, ProjectId};
use serde_json::Value;

use crate::echo;
use crate::exit::Failure;

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON: indented, or on one line.
    Json {
        /// Indented.
        pretty: bool,
    },
    /// Aligned text.
    Table,
}

impl Format {
    /// `-o` and `--pretty` as given, else the profile's `output` (`json`,
    /// `plaintext`), else: a table on a terminal, JSON when piped; JSON
    /// indented on a terminal, compact when piped.
    pub fn choose(
        output: Option<crate::cli::OutputArg>,
        pretty: Option<bool>,
        profile: Option<&str>,
    ) -> Result<Self, Failure> {
        use crate::cli::OutputArg;
        let output = match (output, profile) {
            (Some(o), _) => Some(o),
            (None, None) => None,
            (None, Some("json")) => Some(OutputArg::Json),
            (None, Some("plaintext" | "table")) => Some(OutputArg::Table),
            (None, Some(other)) => {
                return Err(Failure::usage(format!(
                    "the profile's output {:?} is not a format this tool prints: json or plaintext (or give -o)",
                    echo::field(other)
                )));
            }
        };
        let terminal = std::io::stdout().is_terminal();
        Ok(match output {
            Some(OutputArg::Table) => Format::Table,
            None if terminal && pretty.is_none() => Format::Table,
            _ => Format::Json {
                pretty: pretty.unwrap_or(terminal),
            },
        })
    }
}

/// A key in Atlas's shape: the type's own serialization (`id`, `desc`,
/// `publicKey`, `roles[]`; never the private key).
pub fn key_json(key: &ApiKey) -> Value {
    serde_json::to_value(key).unwrap_or(Value::Null)
}

/// Prints a result: `fields` for the table (made only for one), `value` for
/// JSON. Every value passes [`echo::field`], so text from a server or a
/// file cannot move the cursor, fake a line, or show a secret.
pub fn print<'a>(
    format: Format,
    value: &Value,
    fields: impl FnOnce() -> Vec<(&'a str, String)>,
) -> Result<(), Failure> {
    match format {
        Format::Json { pretty: true } => {
            echo::out_json(&serde_json::to_string_pretty(value).unwrap_or_default())?;
        }
        Format::Json { pretty: false } => echo::out_json(&value.to_string())?,
        Format::Table => echo::out(&table(fields()))?,
    }
    Ok(())
}

/// Aligned `label  value` lines, each value by [`echo::field`].
pub fn table(fields: Vec<(&str, String)>) -> String {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut table = String::new();
    for (k, v) in &fields {
        table.push_str(&format!("{k:<width$}  {}\n", echo::field(v)));
    }
    table
}

/// Table rows for a key.
pub fn key_rows(key: &ApiKey) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("id", key.id.to_string()),
        ("desc", key.description.clone().unwrap_or_default()),
        ("public key", key.public_key.clone().unwrap_or_default()),
    ];
    let org: Vec<String> = key
        .roles
        .org
        .iter()
        .map(|r| format!("{} ({})", r.role, r.org_id))
        .collect();
    rows.push(("org roles", org.join(", ")));
    // One pass, projects in first-seen order: a key in thousands of
    // projects costs time in proportion to its roles, not their square.
    let mut projects: Vec<(ProjectId, Vec<&str>)> = Vec::new();
    let mut at: HashMap<ProjectId, usize> = HashMap::new();
    for r in &key.roles.project {
        let n = *at.entry(r.project_id).or_insert_with(|| {
            projects.push((r.project_id, Vec::new()));
            projects.len() - 1
        });
        projects[n].1.push(r.role.as_str());
    }
    for (p, roles) in projects {
        rows.push(("project roles", format!("{p}: {}", roles.join(", "))));
    }
    rows
}

/// Writes `text` to a new file at `path` (given by `flag`), synced; one
/// that exists is refused, never overwritten. `what` names the contents
/// ("plan", "export") when writing fails.
pub fn write_new(
    path: &std::path::Path,
    flag: &str,
    what: &str,
    text: &str,
) -> Result<(), Failure> {
    use std::io::Write as _;
    let shown = crate::limits::source(path);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            Failure::usage(format!("{flag} {shown}: {e} (the file must not exist yet)"))
        })?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(|e| Failure {
            code: crate::exit::OUTPUT,
            message: format!("the {what} could not be written to {shown}: {e}"),
        })
}
