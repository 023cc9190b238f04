//! `atlas-apikeys`: the API key operations on Atlas, Cloud Manager and
//! Ops Manager, from a shell, plus `apply` for many keys and projects at
//! once. Run `atlas-apikeys --help`.
#![forbid(unsafe_code)]

mod access_list;
mod apply;
mod cli;
mod commands;
mod confirm;
mod created;
mod credentials;
mod echo;
mod exit;
mod limits;
mod logging;
mod output;
mod rotate;
mod scope;
mod setup;
mod token_file;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use serde_json::json;

use crate::cli::{
    AccessList, AccessLists, Cli, Command, OrgApiKeys, OrgKey, Organizations, ProjectApiKeys,
    ProjectKey, Projects,
};
use crate::commands::Commands;
use crate::exit::Failure;
use crate::output::Format;
use crate::setup::Setup;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    let done = match &cli.command {
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "atlas-apikeys", &mut script);
            Some(echo::raw_out(&script).map_err(Failure::from))
        }
        Command::Roles => {
            let format = Format::choose(cli.global.output, cli.global.pretty, None);
            let only = cli.global.system.map(atlas_apikeys::client::System::from);
            Some(format.and_then(|format| roles(format, only)))
        }
        _ => None,
    };
    if let Some(done) = done {
        return done.map_or_else(Failure::report, |()| ExitCode::SUCCESS);
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

/// Help, the version, or a usage error, from clap: printed by [`echo`]'s
/// rule (clap quotes what was typed, which may be a secret or hold escape
/// sequences), with clap's exit code.
fn usage(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    let text = text.trim_end();
    let code = e.exit_code();
    if e.use_stderr() {
        echo::err(text);
    } else if let Err(unwritten) = echo::out(text) {
        return Failure::from(unwritten).report();
    }
    ExitCode::from(u8::try_from(code).unwrap_or(exit::USAGE))
}

/// `atlas-apikeys roles`: the catalogue, per system and scope.
fn roles(format: Format, only: Option<atlas_apikeys::client::System>) -> Result<(), Failure> {
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
    output::print(format, &value, || {
        let mut rows = Vec::new();
        for e in &entries {
            for r in e.org {
                rows.push((e.system.as_str(), format!("organization  {}", r.as_str())));
            }
            for r in e.project {
                rows.push((e.system.as_str(), format!("project       {}", r.as_str())));
            }
        }
        rows
    })
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let global = &cli.global;
    let setup = Setup::resolve(global)?;
    let format = Format::choose(
        global.output,
        global.pretty,
        setup.settings.output.as_deref(),
    )?;
    let commands = Commands {
        setup: &setup,
        format,
        allow_unlisted: global.allow_unlisted_roles,
    };
    match &cli.command {
        Command::OrgKey(OrgKey::Update(args)) => commands.update_org_key(args).await?,
        Command::OrgKey(OrgKey::Describe { target }) => commands.describe_org_key(target).await?,
        Command::ProjectKey(ProjectKey::Assign(args)) => commands.assign(args).await?,
        Command::ProjectKey(ProjectKey::UpdateRoles(args)) => commands.update_roles(args).await?,
        Command::OrgKey(OrgKey::Delete(args)) => commands.delete_org_key(args).await?,
        Command::OrgKey(OrgKey::List(args)) => commands.list_org_keys(args).await?,
        Command::OrgKey(OrgKey::AccessList(access)) => match access {
            AccessList::List { target, page } => {
                let (org, key) = setup.target(target)?;
                commands.access_list(org, key, page).await?
            }
            AccessList::Create { target, entries } => {
                let (org, key) = setup.target(target)?;
                commands.add_access(org, key, entries).await?
            }
            AccessList::Describe { target, entry } => {
                let (org, key) = setup.target(target)?;
                commands.describe_access(org, key, entry).await?
            }
            AccessList::Delete {
                target,
                entry,
                force,
            } => {
                let (org, key) = setup.target(target)?;
                commands.delete_access(org, key, entry, *force).await?
            }
        },
        Command::Organizations(Organizations::ApiKeys(keys)) => match keys {
            OrgApiKeys::Describe { target } => commands.describe_org_key(target).await?,
            OrgApiKeys::Create(args) => commands.create_org_key(args).await?,
            OrgApiKeys::Assign(args) => commands.update_org_key(args).await?,
            OrgApiKeys::Delete(args) => commands.delete_org_key(args).await?,
            OrgApiKeys::List(args) => commands.list_org_keys(args).await?,
            OrgApiKeys::AccessLists(AccessLists::List { key, org, page }) => {
                let (org, key) = commands.org_and_key(org.as_deref(), key)?;
                commands.access_list(org, key, page).await?
            }
            OrgApiKeys::AccessLists(AccessLists::Create { key, org, entries }) => {
                let (org, key) = commands.org_and_key(org.as_deref(), key)?;
                commands.add_access(org, key, entries).await?
            }
            OrgApiKeys::AccessLists(AccessLists::Delete {
                entry,
                key,
                org,
                force,
            }) => {
                let (org, key) = commands.org_and_key(org.as_deref(), key)?;
                commands.delete_access(org, key, entry, *force).await?
            }
        },
        Command::Projects(Projects::ApiKeys(keys)) => match keys {
            ProjectApiKeys::List(args) => commands.list_project_keys(args).await?,
            ProjectApiKeys::Create(args) => commands.create_project_key(args).await?,
            ProjectApiKeys::Assign(args) => commands.assign(args).await?,
            ProjectApiKeys::Delete(args) => commands.unassign(args).await?,
        },
        Command::OrgKey(OrgKey::Create(args)) => commands.create_org_key(args).await?,
        Command::ProjectKey(ProjectKey::Create(args)) => commands.create_project_key(args).await?,
        Command::ProjectKey(ProjectKey::List(args)) => commands.list_project_keys(args).await?,
        Command::ProjectKey(ProjectKey::Unassign(args)) => commands.unassign(args).await?,
        Command::Export(args) => return apply::export::run(&setup, args).await,
        Command::Rotate(args) => return rotate::run(&setup, format, args).await,
        Command::Apply(args) => {
            let options = apply::Options::of(args, global.allow_unlisted_roles);
            return apply::run(&setup, format, &args.file, options).await;
        }
        Command::Plan(args) => {
            let options = apply::Options::of(&args.file, global.allow_unlisted_roles);
            let out = args.out.as_deref();
            return apply::plan_only(&setup, format, &args.file.file, options, out).await;
        }
        Command::Roles | Command::Completions { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}
