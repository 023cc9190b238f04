//! Results for people (a table) and for scripts (JSON in Atlas's own shape).
//! The private key is never printed, not even in its server-redacted form;
//! control characters are escaped in tables whatever their source.

use std::io::IsTerminal;

use atlas_apikeys::ApiKey;
use serde_json::{Value, json};

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
    /// `-o` and `--pretty` as given, else: a table on a terminal, JSON when
    /// piped; JSON indented on a terminal, compact when piped.
    pub fn choose(output: Option<crate::cli::OutputArg>, pretty: Option<bool>) -> Self {
        let terminal = std::io::stdout().is_terminal();
        match output {
            Some(crate::cli::OutputArg::Table) => Format::Table,
            Some(crate::cli::OutputArg::Json) => Format::Json {
                pretty: pretty.unwrap_or(terminal),
            },
            None if terminal && pretty.is_none() => Format::Table,
            None => Format::Json {
                pretty: pretty.unwrap_or(terminal),
            },
        }
    }
}

/// A key in Atlas's shape: `id`, `desc`, `publicKey`, and `roles[]` with
/// `roleName` and `orgId` or `groupId`.
pub fn key_json(key: &ApiKey) -> Value {
    let mut roles: Vec<Value> = key
        .roles
        .org
        .iter()
        .map(|r| json!({ "orgId": r.org_id.as_str(), "roleName": r.role.as_str() }))
        .collect();
    roles.extend(
        key.roles
            .project
            .iter()
            .map(|r| json!({ "groupId": r.project_id.as_str(), "roleName": r.role.as_str() })),
    );
    roles.extend(key.roles.other.iter().map(|r| {
        let mut v = json!({ "roleName": r.role_name });
        if let Some(org) = &r.org_id {
            v["orgId"] = json!(org);
        }
        if let Some(group) = &r.group_id {
            v["groupId"] = json!(group);
        }
        v
    }));
    json!({
        "id": key.id.as_str(),
        "desc": key.description,
        "publicKey": key.public_key,
        "roles": roles,
    })
}

/// Text safe to print in a table: control characters (newlines, escape
/// sequences) are shown escaped, not obeyed.
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Prints a result: `fields` for the table, `value` for JSON.
pub fn print(format: Format, value: &Value, fields: &[(&str, String)]) {
    match format {
        Format::Json { pretty: true } => {
            println!(
                "{}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            )
        }
        Format::Json { pretty: false } => println!("{value}"),
        Format::Table => {
            let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in fields {
                println!("{k:<width$}  {}", printable(v));
            }
        }
    }
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
    let mut projects: Vec<_> = key.roles.project.iter().map(|r| r.project_id).collect();
    projects.dedup();
    for p in projects {
        let roles: Vec<&str> = key.roles_in(&p).into_iter().map(|r| r.as_str()).collect();
        rows.push(("project roles", format!("{p}: {}", roles.join(", "))));
    }
    rows
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::printable("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(super::printable("plain é"), "plain é");
    }
}
