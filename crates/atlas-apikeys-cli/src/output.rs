//! Results for people (a table) and for scripts (JSON). The private key is
//! never printed, not even in its server-redacted form.

use atlas_apikeys::ApiKey;
use serde_json::{Value, json};

/// How to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON on one line.
    Json,
    /// Aligned text.
    Table,
}

/// A key as JSON.
pub fn key_json(key: &ApiKey) -> Value {
    json!({
        "id": key.id.as_str(),
        "description": key.description,
        "publicKey": key.public_key,
        "orgRoles": key.org_roles.iter().map(|r| json!({ "orgId": r.org_id.as_str(), "role": r.role.as_str() })).collect::<Vec<_>>(),
        "projectRoles": key.project_roles.iter().map(|r| json!({ "projectId": r.project_id.as_str(), "role": r.role.as_str() })).collect::<Vec<_>>(),
    })
}

/// Prints a result: `fields` for the table, `value` for JSON.
pub fn print(format: Format, value: &Value, fields: &[(&str, String)]) {
    match format {
        Format::Json => println!("{value}"),
        Format::Table => {
            let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in fields {
                println!("{k:<width$}  {v}");
            }
        }
    }
}

/// Table rows for a key.
pub fn key_rows(key: &ApiKey) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("id", key.id.to_string()),
        ("description", key.description.clone().unwrap_or_default()),
        ("public key", key.public_key.clone().unwrap_or_default()),
    ];
    let org: Vec<String> = key
        .org_roles
        .iter()
        .map(|r| format!("{} ({})", r.role, r.org_id))
        .collect();
    rows.push(("org roles", org.join(", ")));
    let mut projects: Vec<_> = key.project_roles.iter().map(|r| r.project_id).collect();
    projects.dedup();
    for p in projects {
        let roles: Vec<&str> = key.roles_in(&p).into_iter().map(|r| r.as_str()).collect();
        rows.push(("project roles", format!("{p}: {}", roles.join(", "))));
    }
    rows
}
