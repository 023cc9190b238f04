//! `atlas-apikeys rotate KEY_ID --org ORG`: a successor with the old key's
//! description (or `--desc`), organization roles, project roles and
//! access-list entries; its private key shown once, as `create` does; proved
//! with one read made with its own credentials (waiting, within
//! [`PROOF_WAIT`], for a new key to become usable); and the old key deleted
//! only with `--retire-old`, after the proof.
//!
//! The old key is never changed before the proof. A failure midway says
//! what exists, and `--successor NEW_ID` (with `--successor-key-file`, to
//! prove it) finishes the job: every step looks before it acts.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use atlas_apikeys::{
    AccessEntry, ApiKey, ApiKeyId, ApiKeys, Description, NewOrgKey, OrgId, ProjectRole,
    ProjectRoles,
};

use crate::cli::RotateArgs;
use crate::created::{KeyFile, print_as};
use crate::exit::Failure;
use crate::output::Format;
use crate::setup::{Setup, parse_id};

/// How long a new key may take to become usable before the proof fails.
pub const PROOF_WAIT: Duration = Duration::from_secs(60);

/// Runs `rotate`.
pub async fn run(setup: &Setup, format: Format, args: &RotateArgs) -> Result<ExitCode, Failure> {
    let org: OrgId = setup
        .org(args.org.as_deref(), "--org")
        .map_err(Failure::usage)?;
    let old_id: ApiKeyId = parse_id(&args.key, "KEY_ID").map_err(Failure::usage)?;
    let successor: Option<ApiKeyId> = match &args.successor {
        Some(s) => Some(parse_id(s, "--successor").map_err(Failure::usage)?),
        None => None,
    };
    if successor == Some(old_id) {
        return Err(Failure::usage(
            "--successor: the key being rotated cannot succeed itself",
        ));
    }
    let desc = args
        .desc
        .as_ref()
        .map(|d| Description::new(d.clone()).map_err(|e| Failure::usage(format!("--desc: {e}"))))
        .transpose()?;
    let proof_secret = match &args.successor_key_file {
        Some(path) => Some(read_secret(path)?),
        None => None,
    };
    if args.retire_old && successor.is_some() && proof_secret.is_none() {
        return Err(Failure::usage(
            "--retire-old with --successor needs --successor-key-file: the old key is retired only after the successor is proved to work",
        ));
    }
    if setup.dry_run {
        return Err(Failure::usage(
            "rotate reads before it acts, and --dry-run sends nothing: drop --dry-run",
        ));
    }
    // Made before anything is sent, and removed if no key comes to be.
    let file = match &args.private_key_out {
        Some(path) => Some(KeyFile::create(path)?),
        None => None,
    };
    let made = match prepare(setup, org, old_id, successor, desc).await {
        Ok(made) => made,
        Err(failure) => {
            if let Some(file) = file {
                file.discard();
            }
            return Err(failure);
        }
    };
    let Made {
        keys,
        old,
        entries,
        new,
        created,
    } = made;
    let secret = match created {
        true => new
            .private_key
            .as_ref()
            .map(|p| p.expose_secret().to_owned()),
        false => proof_secret,
    };
    // Ctrl-C stops the steps, not the report: the private key of a
    // successor already made is still shown.
    let finished = tokio::select! {
        finished = finish(
            setup,
            &keys,
            &org,
            &old,
            &entries,
            &new,
            secret.as_deref(),
            args.retire_old,
        ) => finished,
        _ = tokio::signal::ctrl_c() => Err((
            "an interrupt (Ctrl-C)",
            Failure {
                code: crate::exit::INTERRUPTED,
                message: "interrupted".into(),
            },
        )),
    };
    let (result, retired) = match &finished {
        Ok(true) => ("rotated", "yes".to_owned()),
        Ok(false) => ("successor ready", "no (--retire-old deletes it)".to_owned()),
        Err(_) => ("stopped", "no".to_owned()),
    };
    let extra = vec![
        ("old key", old_id.to_string()),
        ("old key retired", retired),
    ];
    // The private key is shown once, whatever happened after its creation.
    match (created, &finished) {
        (true, _) => print_as(format, &new, file, result, extra)?,
        (false, Ok(_)) => {
            let (value, rows) = crate::created::fields(&new, result, extra);
            crate::output::print(format, &value, || rows)?;
        }
        (false, Err(_)) => {}
    }
    match finished {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err((step, failure)) => Err(failure.hint(&format!(
            "the rotation stopped at {step}. {} The successor {} exists{}; finish with: rotate {old_id} --org {org} --successor {} --successor-key-file FILE{}",
            match step {
                // A DELETE whose answer was lost may have been done.
                RETIRING => format!("The old key {old_id} may or may not be deleted: `org-key describe {org} {old_id}` tells."),
                _ => format!("The old key {old_id} is untouched."),
            },
            new.id,
            if created { " (its private key is above, or in the file)" } else { "" },
            new.id,
            if args.retire_old { " --retire-old" } else { "" },
        ))),
    }
}

/// The last step, the only one that changes the old key, when its answer
/// does not say the old key is untouched.
const RETIRING: &str = "retiring the old key (its answer lost)";
/// The last step, refused by the server.
const REFUSED_RETIRING: &str = "retiring the old key";

/// What exists once the successor does.
struct Made {
    keys: ApiKeys,
    old: ApiKey,
    entries: Vec<atlas_apikeys::AccessListEntry>,
    new: ApiKey,
    /// Made by this run (its private key is in `new`), not `--successor`.
    created: bool,
}

/// Reads the old key and its access list, then makes the successor (or
/// reads the one `--successor` names). Nothing is made for a key that
/// cannot be read.
async fn prepare(
    setup: &Setup,
    org: OrgId,
    old_id: ApiKeyId,
    successor: Option<ApiKeyId>,
    desc: Option<Description>,
) -> Result<Made, Failure> {
    let keys = setup.client()?;
    crate::apply::learn_limits(&keys, [org]).await;
    let old = keys
        .org_key(&org, &old_id)
        .await
        .map_err(|e| Failure::from(e).hint("nothing was created or changed"))?;
    let entries = keys
        .access_list(&org, &old_id)
        .await
        .map_err(|e| Failure::from(e).hint("nothing was created or changed"))?;
    let (new, created) = match successor {
        Some(id) => (keys.org_key(&org, &id).await?, false),
        None => {
            let desc = desc
                .or_else(|| {
                    old.description
                        .clone()
                        .and_then(|d| Description::new(d).ok())
                })
                .ok_or_else(|| {
                    Failure::usage("the old key has no description to copy: give --desc")
                })?;
            let roles = old.roles.org.iter().map(|r| r.role.clone());
            let new = NewOrgKey::new(desc, roles)
                .allow_unlisted_roles()
                .checked(keys.version())?;
            let key = keys.create_org_key(&org, &new).await.map_err(|e| {
                Failure::from(e).hint("the old key is untouched; no successor was made (if the answer was lost, look for one with `org-key list`)")
            })?;
            (key, true)
        }
    };
    Ok(Made {
        keys,
        old,
        entries,
        new,
        created,
    })
}

/// The steps after the successor exists, each looking before it acts:
/// its access list, its projects, the proof, and the old key's retirement.
/// True when the old key was retired; else the step that failed, and why.
#[allow(clippy::too_many_arguments)]
async fn finish(
    setup: &Setup,
    keys: &ApiKeys,
    org: &OrgId,
    old: &ApiKey,
    entries: &[atlas_apikeys::AccessListEntry],
    new: &ApiKey,
    secret: Option<&str>,
    retire: bool,
) -> Result<bool, (&'static str, Failure)> {
    let step = |name: &'static str| move |e: atlas_apikeys::Error| (name, Failure::from(e));
    // Entries the successor lacks.
    let has: Vec<String> = keys
        .access_list(org, &new.id)
        .await
        .map_err(step("reading the successor's access list"))?
        .iter()
        .filter_map(crate::apply::entry_of)
        .map(|e| crate::apply::canonical(&e))
        .collect();
    let missing: Vec<AccessEntry> = entries
        .iter()
        .filter_map(crate::apply::entry_of)
        .filter(|e| !has.contains(&crate::apply::canonical(e)))
        .collect();
    if !missing.is_empty() {
        keys.add_access_entries(org, &new.id, &missing)
            .await
            .map_err(step("copying the access list"))?;
    }
    // Project roles, project by project (an assign that finds the key
    // there already updates it).
    let mut projects: std::collections::BTreeMap<_, Vec<ProjectRole>> = Default::default();
    for r in &old.roles.project {
        projects
            .entry(r.project_id)
            .or_default()
            .push(r.role.clone());
    }
    for (project, roles) in projects {
        let roles = ProjectRoles::new(roles)
            .allow_unlisted_roles()
            .checked(keys.version())
            .map_err(|e| ("copying the project roles", Failure::from(e)))?;
        keys.ensure_project_roles(&project, &new.id, &roles)
            .await
            .map_err(step("copying the project roles"))?;
    }
    // The proof: one read with the successor's own credentials.
    let Some(secret) = secret else {
        crate::echo::err(
            "note: the successor was not proved (no --successor-key-file): the old key is kept",
        );
        return Ok(false);
    };
    let public = new.public_key.as_deref().unwrap_or_default();
    let as_new = setup
        .client_as(public, secret)
        .map_err(|f| ("proving the successor", f))?;
    let started = Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        match as_new.org_key(org, &new.id).await {
            Ok(_) => break,
            // A new key may not be usable at once: wait, within the bound.
            Err(e) if e.status() == Some(401) && started.elapsed() + wait <= PROOF_WAIT => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(8));
            }
            Err(e) => return Err(("proving the successor", Failure::from(e))),
        }
    }
    if !retire {
        return Ok(false);
    }
    keys.delete_org_key(org, &old.id).await.map_err(|e| {
        // Refused (4xx): not deleted. No answer, or a server error after
        // the retries: the delete may have been done.
        let refused = e.status().is_some_and(|s| (400..500).contains(&s));
        let step = if refused { REFUSED_RETIRING } else { RETIRING };
        (step, Failure::from(e))
    })?;
    Ok(true)
}

/// The successor's private key from `path`, within the secret limit.
fn read_secret(path: &std::path::Path) -> Result<String, Failure> {
    let text = crate::limits::read(path, crate::limits::SECRET_BYTES, "--successor-key-file")
        .map_err(Failure::usage)?;
    let secret = text.trim().to_owned();
    crate::echo::remember(&secret);
    Ok(secret)
}
