//! `atlas-apikeys`: the three API key operations on Atlas, Cloud Manager and
//! Ops Manager, from a shell. Run `atlas-apikeys --help`.
#![forbid(unsafe_code)]

mod cli;
mod credentials;
mod exit;
mod output;

use std::io::IsTerminal;
use std::process::ExitCode;

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    ApiKeyId, ApiKeys, Description, Ensured, OrgId, OrgKeyUpdate, ProjectId, ProjectKeyUpdate,
    ProjectRole, ProjectRoles,
};
use atlas_apikeys::{KeyUpdate, ScopedRole};
use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::cli::{Cli, Command, Global, OrgKey, OutputArg, ProjectKey, SystemArg};
use crate::exit::Failure;
use crate::output::Format;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(
            shell,
            &mut Cli::command(),
            "atlas-apikeys",
            &mut std::io::stdout(),
        );
        return ExitCode::SUCCESS;
    }
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return Failure::transport(format!("cannot start the runtime: {e}")).report(),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "atlas_apikeys={level},atlas_apikeys_client={level}"
    ));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

/// The API version table for the chosen system and `--api-version`.
fn version(global: &Global) -> Result<&'static ApiVersion, Failure> {
    use atlas_apikeys::client as c;
    match global.system {
        SystemArg::Atlas => match &global.api_version {
            None => {
                let newest = atlas_apikeys::latest_atlas_version();
                eprintln!(
                    "warning: no --api-version given; using Atlas API version {} (the newest this build knows). Pin it for scripts that must not change behaviour.",
                    newest.version
                );
                Ok(newest)
            }
            Some(wanted) => atlas_apikeys::atlas_versions()
                .find(|v| v.version == wanted)
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        atlas_apikeys::atlas_versions().map(|v| v.version).collect();
                    Failure::usage(format!(
                        "--api-version {wanted:?}: not an Atlas API version this build knows ({})",
                        known.join(", ")
                    ))
                }),
        },
        SystemArg::CloudManager | SystemArg::OpsManager => {
            if let Some(v) = global
                .api_version
                .as_deref()
                .filter(|v| *v != "v1.0" && *v != "1.0")
            {
                return Err(Failure::usage(format!(
                    "--api-version {v:?}: Cloud Manager and Ops Manager have one version, v1.0"
                )));
            }
            Ok(if global.system == SystemArg::CloudManager {
                &c::cloud_manager_v1_0::API_VERSION
            } else {
                &c::ops_manager_v1_0::API_VERSION
            })
        }
    }
}

fn client(global: &Global, version: &'static ApiVersion) -> Result<ApiKeys, Failure> {
    let credentials = credentials::resolve(
        &credentials::ProcessEnv,
        version.system != "ops-manager",
        global.private_key_file.as_deref(),
        global.client_secret_file.as_deref(),
    )
    .map_err(Failure::transport)?;
    let base_url = match global.system {
        SystemArg::OpsManager => global.base_url.clone().or_else(|| global.ops_manager_url.clone()).ok_or_else(|| {
            Failure::usage("Ops Manager needs its URL: --base-url or MONGODB_ATLAS_OPS_MANAGER_URL (https://host:port)")
        })?,
        _ => global
            .base_url
            .clone()
            .or_else(|| version.default_base_url.map(str::to_owned))
            .unwrap_or_default(),
    };
    Ok(ApiKeys::builder()
        .version(version)
        .base_url(base_url)
        .credentials(credentials)
        .envelope(global.envelope)
        .pretty(global.pretty)
        .build()?)
}

fn parse<T: std::str::FromStr>(value: &str, what: &str) -> Result<T, Failure>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e: T::Err| Failure::usage(format!("{what}: {e}")))
}

fn description(desc: Option<&String>) -> Result<Option<Description>, Failure> {
    desc.map(|d| Description::new(d.clone()).map_err(|e| Failure::usage(format!("--desc: {e}"))))
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
        update = update.roles(roles.iter().map(|r| R::from(r.as_str())));
    }
    if allow_unlisted {
        update = update.allow_unlisted_roles();
    }
    Ok(update)
}

/// Reports an assignment that returned no key (Atlas answers 204).
fn print_assigned(format: Format, project: &ProjectId, key: &ApiKeyId, roles: &[&str]) {
    let value = json!({ "result": "assigned", "projectId": project.as_str(), "keyId": key.as_str(), "roles": roles });
    let rows = [
        ("result", "assigned".to_owned()),
        ("project", project.to_string()),
        ("key", key.to_string()),
        ("roles", roles.join(", ")),
    ];
    output::print(format, &value, &rows);
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let global = &cli.global;
    let format = match global.output {
        Some(OutputArg::Json) => Format::Json,
        Some(OutputArg::Table) => Format::Table,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    };
    let version = match &cli.command {
        Command::Completions { .. } => return Ok(()),
        _ => version(global)?,
    };
    let invalid = |e: atlas_apikeys::ValidationError| Failure::from(atlas_apikeys::Error::from(e));
    match &cli.command {
        Command::OrgKey(OrgKey::Update {
            org,
            key,
            desc,
            roles,
        }) => {
            let org: OrgId = parse(org, "ORG_ID")?;
            let key: ApiKeyId = parse(key, "KEY_ID")?;
            let update: OrgKeyUpdate =
                key_update(desc.as_ref(), roles, global.allow_unlisted_roles)?;
            update.validate(version).map_err(invalid)?;
            let keys = client(global, version)?;
            let updated = keys.update_org_key(&org, &key, &update).await?;
            output::print(
                format,
                &output::key_json(&updated),
                &output::key_rows(&updated),
            );
        }
        Command::ProjectKey(ProjectKey::Assign {
            project,
            key,
            roles,
            strict,
        }) => {
            let project: ProjectId = parse(project, "PROJECT_ID")?;
            let key: ApiKeyId = parse(key, "KEY_ID")?;
            let mut wanted = ProjectRoles::new(roles.iter().map(|r| ProjectRole::from(r.as_str())));
            if global.allow_unlisted_roles {
                wanted = wanted.allow_unlisted_roles();
            }
            wanted.validate(version).map_err(invalid)?;
            let keys = client(global, version)?;
            let role_list: Vec<&str> = wanted.roles().iter().map(ProjectRole::as_str).collect();
            if *strict {
                keys.assign_to_project(&project, &key, &wanted).await?;
                print_assigned(format, &project, &key, &role_list);
            } else {
                match keys.ensure_project_roles(&project, &key, &wanted).await? {
                    Ensured::Updated(updated) => {
                        let value =
                            json!({ "result": "updated", "key": output::key_json(&updated) });
                        let mut rows = vec![(
                            "result",
                            "updated (the key was already in the project)".to_owned(),
                        )];
                        rows.extend(output::key_rows(&updated));
                        output::print(format, &value, &rows);
                    }
                    _ => {
                        print_assigned(format, &project, &key, &role_list);
                    }
                }
            }
        }
        Command::ProjectKey(ProjectKey::UpdateRoles {
            project,
            key,
            desc,
            roles,
        }) => {
            let project: ProjectId = parse(project, "PROJECT_ID")?;
            let key: ApiKeyId = parse(key, "KEY_ID")?;
            let update: ProjectKeyUpdate =
                key_update(desc.as_ref(), roles, global.allow_unlisted_roles)?;
            update.validate(version).map_err(invalid)?;
            let keys = client(global, version)?;
            let updated = keys.update_project_roles(&project, &key, &update).await?;
            output::print(
                format,
                &output::key_json(&updated),
                &output::key_rows(&updated),
            );
        }
        Command::Completions { .. } => {}
    }
    Ok(())
}
