//! `atlas-apikeys export`: the live state of an organization's keys as a
//! file `apply` and `plan` read (TOML, YAML or JSON), so an organization
//! can adopt the tool: `export` then `plan` shows no changes. Each key is
//! written whole: description, organization roles, access list and every
//! project it is in (with `--project`, only those projects, and only keys
//! in them: `--prune` on such a file would unassign the key elsewhere).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use atlas_apikeys::{ApiKey, ApiKeyId, OrgId, ProjectId};

use super::live::{access_list, roles_by_project};
use super::plan::{KeySpec, Plan, ProjectSpec};
use crate::cli::{ExportArgs, FileFormat};
use crate::exit::{Failure, OUTPUT};
use crate::setup::{Setup, parse_id};

/// Runs `export`.
pub async fn run(setup: &Setup, args: &ExportArgs) -> Result<ExitCode, Failure> {
    let org: OrgId = setup
        .org(args.org.as_deref(), "--org")
        .map_err(Failure::usage)?;
    let wanted: Vec<ApiKeyId> = args
        .key
        .iter()
        .map(|k| parse_id(k, "--key"))
        .collect::<Result<_, _>>()
        .map_err(Failure::usage)?;
    let projects: BTreeSet<ProjectId> = args
        .project
        .iter()
        .map(|p| parse_id(p, "--project"))
        .collect::<Result<_, _>>()
        .map_err(Failure::usage)?;
    let format = match (args.format, &args.file) {
        (Some(f), _) => f,
        (None, Some(file)) => by_extension(file),
        (None, None) => FileFormat::Toml,
    };
    if setup.dry_run {
        return Err(Failure::usage(
            "export only reads, and --dry-run sends nothing: drop --dry-run",
        ));
    }
    let keys = setup.client()?;
    super::live::learn_limits(&keys, [org]).await;
    let mut all = keys.list_org_keys(&org).await?;
    if let Some(missing) = wanted.iter().find(|w| !all.iter().any(|k| k.id == **w)) {
        return Err(Failure::usage(format!(
            "--key {missing}: no such key in organization {org}"
        )));
    }
    all.retain(|k| wanted.is_empty() || wanted.contains(&k.id));
    let mut plan = Plan { keys: Vec::new() };
    for key in &all {
        let mut by_project = roles_by_project(key);
        if !projects.is_empty() {
            by_project.retain(|p, _| projects.contains(p));
            if by_project.is_empty() {
                continue;
            }
        }
        let entries = access_list(&keys, &org, &key.id).await?;
        let access = entries
            .iter()
            .filter_map(super::diff::entry_of)
            .map(|e| e.to_string())
            .collect();
        plan.keys.push(spec(&org, key, by_project, access));
    }
    if !projects.is_empty() {
        crate::echo::err(
            "note: with --project, each key lists only those projects: --prune on this file would unassign it elsewhere",
        );
    }
    let text = match format {
        FileFormat::Toml => toml::to_string(&plan).map_err(|e| Failure::usage(e.to_string()))?,
        FileFormat::Json => serde_json::to_string_pretty(&plan).unwrap_or_default() + "\n",
        FileFormat::Yaml => {
            serde_saphyr::to_string(&plan).map_err(|e| Failure::usage(e.to_string()))?
        }
    };
    write(args.file.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// A key as the file declares it.
fn spec(
    org: &OrgId,
    key: &ApiKey,
    by_project: std::collections::BTreeMap<ProjectId, Vec<String>>,
    access_list: Vec<String>,
) -> KeySpec {
    let org_roles = super::live::org_roles(key);
    KeySpec {
        id: key.id.to_string(),
        org: Some(org.to_string()),
        desc: key.description.clone(),
        org_roles: Some(org_roles),
        access_list: Some(access_list),
        projects: Some(
            by_project
                .into_iter()
                .map(|(id, roles)| ProjectSpec {
                    id: id.to_string(),
                    roles,
                })
                .collect(),
        ),
        ..KeySpec::default()
    }
}

fn by_extension(file: &Path) -> FileFormat {
    match file.extension().and_then(|e| e.to_str()) {
        Some("json") => FileFormat::Json,
        Some("yaml" | "yml") => FileFormat::Yaml,
        _ => FileFormat::Toml,
    }
}

/// Writes `text` to a new `file`, or to stdout.
fn write(file: Option<&Path>, text: &str) -> Result<(), Failure> {
    let Some(path) = file else {
        return crate::echo::out(text.trim_end()).map_err(|e| Failure {
            code: OUTPUT,
            message: format!("the export could not be written: {}", e.0),
        });
    };
    crate::output::write_new(path, "--file", "export", text)
}
