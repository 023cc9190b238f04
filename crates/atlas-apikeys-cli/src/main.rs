//! `atlas-apikeys`: the three API key operations on Atlas, Cloud Manager and
//! Ops Manager, from a shell, plus `apply` for many keys and projects at
//! once. Run `atlas-apikeys --help`.
#![forbid(unsafe_code)]

mod apply;
mod cli;
mod credentials;
mod exit;
mod logging;
mod output;
mod setup;

use std::process::ExitCode;

use atlas_apikeys::client::PlannedRequest;
use atlas_apikeys::{
    ApiKeyId, Description, Ensured, KeyUpdate, OrgId, OrgKeyUpdate, ProjectId, ProjectKeyUpdate,
    ProjectRole, ProjectRoles, ScopedRole,
};
use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::cli::{Cli, Command, OrgKey, ProjectKey};
use crate::exit::Failure;
use crate::output::Format;
use crate::setup::{Scope, Setup};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "atlas-apikeys",
                &mut std::io::stdout(),
            );
            return ExitCode::SUCCESS;
        }
        Command::Roles => {
            let format = Format::choose(cli.global.output, cli.global.pretty);
            roles(format, cli.global.system.map(setup::system_name));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    logging::init(cli.global.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return Failure::transport(format!("cannot start the runtime: {e}")).report(),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

/// `atlas-apikeys roles`: the catalogue, per system and scope.
fn roles(format: Format, only: Option<&str>) {
    let entries: Vec<_> = atlas_apikeys::client::catalogue::CATALOGUE
        .iter()
        .filter(|e| only.is_none_or(|s| s == e.system))
        .collect();
    let value = json!(
        entries
            .iter()
            .map(|e| json!({
                "system": e.system,
                "organization": e.org.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                "project": e.project.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            }))
            .collect::<Vec<_>>()
    );
    let mut rows = Vec::new();
    for e in &entries {
        for r in e.org {
            rows.push((e.system, format!("organization  {}", r.as_str())));
        }
        for r in e.project {
            rows.push((e.system, format!("project       {}", r.as_str())));
        }
    }
    output::print(format, &value, &rows);
}

fn description(desc: Option<&String>) -> Result<Option<Description>, Failure> {
    desc.map(|d| {
        Description::new(d.clone()).map_err(|e| {
            Failure::usage(format!(
                "--desc: {} (got {} characters)",
                e,
                d.chars().count()
            ))
        })
    })
    .transpose()
}

/// A description and/or roles from the flags, only what was given.
fn key_update<R>(
    desc: Option<&String>,
    roles: &[String],
    allow_unlisted: bool,
) -> Result<KeyUpdate<R>, Failure>
where
    R: ScopedRole + for<'a> From<&'a str>,
{
    let mut update = KeyUpdate::<R>::new();
    if let Some(d) = description(desc)? {
        update = update.description(d);
    }
    if !roles.is_empty() {
        update = update.roles(roles.iter().map(|r| R::from(r.trim())));
    }
    if allow_unlisted {
        update = update.allow_unlisted_roles();
    }
    Ok(update)
}

/// Prints the requests a dry run collected.
fn print_plan(format: Format, requests: &[PlannedRequest]) {
    let value = json!({
        "dryRun": true,
        "requests": requests.iter().map(|r| json!({
            "method": r.method,
            "url": r.url,
            "headers": r.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "body": r.body.as_deref().map(|b| serde_json::from_str::<serde_json::Value>(b).unwrap_or(json!(b))),
        })).collect::<Vec<_>>(),
    });
    let mut rows = vec![("dry run", "nothing was sent".to_owned())];
    for r in requests {
        rows.push(("request", format!("{} {}", r.method, r.url)));
        for (k, v) in &r.headers {
            rows.push(("header", format!("{k}: {v}")));
        }
        if let Some(b) = &r.body {
            rows.push(("body", b.clone()));
        }
    }
    output::print(format, &value, &rows);
}

/// Runs `call` for real, or collects its requests on a dry run.
async fn send_or_plan<T>(
    setup: &Setup,
    format: Format,
    call: impl std::future::Future<Output = Result<T, atlas_apikeys::Error>>,
) -> Result<Option<T>, Failure> {
    if setup.dry_run {
        let (_, requests) = atlas_apikeys::client::plan(call).await;
        print_plan(format, &requests);
        return Ok(None);
    }
    call.await.map(Some).map_err(|e| setup.explain(e))
}

fn print_assigned(
    format: Format,
    result: &str,
    project: &atlas_apikeys::ProjectId,
    key: &ApiKeyId,
    roles: &[&str],
) {
    let value = json!({
        "result": result,
        "id": key.as_str(),
        "desc": null,
        "publicKey": null,
        "roles": roles.iter().map(|r| json!({ "groupId": project.as_str(), "roleName": r })).collect::<Vec<_>>(),
    });
    let rows = [
        ("result", result.to_owned()),
        ("id", key.to_string()),
        ("project roles", format!("{project}: {}", roles.join(", "))),
    ];
    output::print(format, &value, &rows);
}

fn print_key_result(format: Format, result: &str, key: &atlas_apikeys::ApiKey) {
    let mut value = output::key_json(key);
    value["result"] = json!(result);
    let mut rows = vec![("result", result.to_owned())];
    rows.extend(output::key_rows(key));
    output::print(format, &value, &rows);
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let global = &cli.global;
    let format = Format::choose(global.output, global.pretty);
    let setup = Setup::resolve(global)?;
    let version = setup.version;
    let invalid = |e: atlas_apikeys::ValidationError| Failure::from(atlas_apikeys::Error::from(e));
    match &cli.command {
        Command::OrgKey(OrgKey::Update {
            ids,
            org_id,
            desc,
            roles,
        }) => {
            let (org, key): (OrgId, _) = setup.target(Scope::Org, &ids.ids, org_id.as_deref())?;
            let update: OrgKeyUpdate =
                key_update(desc.as_ref(), roles, global.allow_unlisted_roles)?;
            update.validate(version).map_err(invalid)?;
            let keys = setup.client()?;
            if let Some(updated) =
                send_or_plan(&setup, format, keys.update_org_key(&org, &key, &update)).await?
            {
                print_key_result(format, "updated", &updated);
            }
        }
        Command::ProjectKey(ProjectKey::Assign {
            ids,
            project_id,
            roles,
            strict,
        }) => {
            let (project, key): (ProjectId, _) =
                setup.target(Scope::Project, &ids.ids, project_id.as_deref())?;
            let mut wanted = ProjectRoles::new(roles.iter().map(|r| ProjectRole::from(r.trim())));
            if global.allow_unlisted_roles {
                wanted = wanted.allow_unlisted_roles();
            }
            wanted.validate(version).map_err(invalid)?;
            let keys = setup.client()?;
            let role_list: Vec<&str> = wanted.roles().iter().map(ProjectRole::as_str).collect();
            if *strict {
                if send_or_plan(
                    &setup,
                    format,
                    keys.assign_to_project(&project, &key, &wanted),
                )
                .await?
                .is_some()
                {
                    print_assigned(format, "assigned", &project, &key, &role_list);
                }
            } else {
                match send_or_plan(
                    &setup,
                    format,
                    keys.ensure_project_roles(&project, &key, &wanted),
                )
                .await?
                {
                    None => {}
                    Some(Ensured::Updated(updated)) => {
                        print_key_result(format, "updated", &updated)
                    }
                    Some(Ensured::Set(updated)) => print_key_result(format, "assigned", &updated),
                    Some(_) => print_assigned(format, "assigned", &project, &key, &role_list),
                }
            }
        }
        Command::ProjectKey(ProjectKey::UpdateRoles {
            ids,
            project_id,
            desc,
            roles,
        }) => {
            let (project, key): (ProjectId, _) =
                setup.target(Scope::Project, &ids.ids, project_id.as_deref())?;
            let update: ProjectKeyUpdate =
                key_update(desc.as_ref(), roles, global.allow_unlisted_roles)?;
            update.validate(version).map_err(invalid)?;
            let keys = setup.client()?;
            if let Some(updated) = send_or_plan(
                &setup,
                format,
                keys.update_project_roles(&project, &key, &update),
            )
            .await?
            {
                print_key_result(format, "updated", &updated);
            }
        }
        Command::Apply { file, concurrency } => {
            return apply::run(&setup, format, file, *concurrency).await;
        }
        Command::Roles | Command::Completions { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
