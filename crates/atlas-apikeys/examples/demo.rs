//! `cargo demo`: the life of one key through the SDK against the bundled
//! emulator (created, given an access-list entry, assigned to a project,
//! listed, read, changed, unassigned, deleted), on Atlas (every API
//! version), Cloud Manager and Ops Manager, with digest and (where offered)
//! a service account, printed as a transcript. Exits non-zero if anything
//! fails.

use std::process::ExitCode;

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    AccessEntry, ApiKey, ApiKeyId, ApiKeys, ApiKeysBuilder, Description, Ensured, NewOrgKey, OrgId,
    OrgKeyUpdate, OrgRole, ProjectId, ProjectKeyUpdate, ProjectRole, ProjectRoles,
};
use atlas_apikeys_emulator::{Config, Emulator, System, defaults};

fn roles(key: &ApiKey) -> String {
    let org: Vec<&str> = key.roles.org.iter().map(|r| r.role.as_str()).collect();
    let mut out = format!("org [{}]", org.join(", "));
    let mut projects: Vec<&ProjectId> = key.roles.project.iter().map(|r| &r.project_id).collect();
    projects.dedup();
    for p in projects {
        let list: Vec<&str> = key
            .roles_in(p)
            .into_iter()
            .map(ProjectRole::as_str)
            .collect();
        out.push_str(&format!("; project {p} [{}]", list.join(", ")));
    }
    out
}

fn stored(emu: &Emulator, id: &ApiKeyId) -> String {
    let Some(key) = emu.api_key(id.as_str()) else {
        return "(gone)".into();
    };
    let mut out = format!("org [{}]", key.grants.org_roles.join(", "));
    for (p, list) in &key.grants.project_roles {
        out.push_str(&format!("; project {p} [{}]", list.join(", ")));
    }
    out
}

/// `METHOD path` of an operation, from the version's own table.
fn request(
    version: &ApiVersion,
    api_name: &str,
    org: &OrgId,
    project: &ProjectId,
    key: &ApiKeyId,
) -> String {
    let op = version
        .operation(api_name)
        .map_or(("?", "?"), |o| (o.method, o.path));
    let path =
        op.1.replace("{orgId}", org.as_str())
            .replace("{groupId}", project.as_str())
            .replace("{apiUserId}", key.as_str());
    format!("{:<6} {path}", op.0)
}

struct Run {
    version: &'static ApiVersion,
    oauth: bool,
}

fn builder(run: &Run, url: &str) -> ApiKeysBuilder {
    let b = match run.version.system {
        System::OpsManager => ApiKeys::builder().ops_manager(url).version(run.version),
        _ => ApiKeys::builder().version(run.version).base_url(url),
    };
    if run.oauth {
        b.service_account(
            defaults::SERVICE_ACCOUNT.client_id,
            defaults::SERVICE_ACCOUNT.client_secret,
        )
    } else {
        b.api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
    }
}

async fn demo(run: &Run) -> Result<(), String> {
    let emu = Emulator::start(Config {
        system: run.version.system,
        ..Config::default()
    })
    .await
    .map_err(|e| e.to_string())?;
    let keys = builder(run, &emu.url())
        .build()
        .map_err(|e| e.to_string())?;
    let version = keys.version();
    let org: OrgId = defaults::ORG.parse().map_err(|e| format!("{e}"))?;
    let project: ProjectId = defaults::PROJECT.parse().map_err(|e| format!("{e}"))?;
    let key: ApiKeyId = defaults::TARGET.id.parse().map_err(|e| format!("{e}"))?;
    let auth = if run.oauth {
        "service account"
    } else {
        "digest"
    };
    let media = version
        .operation("updateOrgApiKey")
        .map_or("?", |o| o.accept);
    println!(
        "\n== {} {} · {auth} · {} (Accept: {media})",
        version.system,
        version.version,
        emu.url()
    );

    // Caught before anything is sent: a project role in an org-key update.
    let wrong = OrgKeyUpdate::new().roles([OrgRole::from("GROUP_OWNER")]);
    let before = emu.counters().exchanges;
    match keys.update_org_key(&org, &key, &wrong).await {
        Err(e) if e.validation().is_some() && emu.counters().exchanges == before => {
            println!("   rejected locally (nothing sent): {e}");
        }
        other => {
            return Err(format!(
                "invalid request was not rejected locally: {other:?}"
            ));
        }
    }

    // The life of one key: created, given an access-list entry, assigned,
    // listed, read, changed, unassigned, deleted.
    let desc = Description::new(format!(
        "deploy bot on {} {}",
        version.system, version.version
    ))
    .map_err(|e| e.to_string())?;
    let new = NewOrgKey::new(desc, [OrgRole::OrgMember]);
    let created = keys
        .create_org_key(&org, &new)
        .await
        .map_err(|e| format!("create: {e}"))?;
    let key = created.id;
    // Atlas assigns with POST (204); the public API's one PATCH assigns or
    // replaces (200), and its projects take other roles.
    let (first, second, assign_op, assigned) = if run.version.system == System::Atlas {
        use ProjectRole::{GroupClusterManager, GroupReadOnly};
        (GroupReadOnly, GroupClusterManager, "addGroupApiKey", "204")
    } else {
        use ProjectRole::{GroupAutomationAdmin, GroupMonitoringAdmin};
        (
            GroupMonitoringAdmin,
            GroupAutomationAdmin,
            "updateGroupApiKeyRoles",
            "200",
        )
    };
    let step = |label: &str, op: &str, outcome: String| {
        println!("{label:<28}{}", request(version, op, &org, &project, &key));
        println!("   {outcome}");
    };
    let shown = match &created.private_key {
        Some(_) => "private key shown this once (kept, not printed)",
        None => "no private key in the answer",
    };
    let public = created.public_key.as_deref().unwrap_or("?");
    step(
        "1. create org key",
        "createOrgApiKey",
        format!("{key}, public key {public}, {shown}"),
    );

    let entry: AccessEntry = "127.0.0.0/8".parse().map_err(|e| format!("{e}"))?;
    let list = keys
        .add_access_entries(&org, &key, &[entry])
        .await
        .map_err(|e| format!("access list: {e}"))?;
    let outcome = format!("{entry} -> {} entry on its list", list.results.len());
    step(
        "2. add access-list entry",
        "createOrgApiKeyAccessListEntry",
        outcome,
    );

    keys.assign_to_project(&project, &key, &ProjectRoles::new([first.clone()]))
        .await
        .map_err(|e| format!("assign: {e}"))?;
    let outcome = format!("roles [{}] -> {assigned}", first.as_str());
    step("3. assign to project", assign_op, outcome);

    let listed = keys
        .list_project_keys(&project)
        .await
        .map_err(|e| format!("list: {e}"))?;
    let among = listed.iter().any(|k| k.id == key);
    let outcome = format!(
        "{} key(s) in the project; the new one among them: {among}",
        listed.len()
    );
    step("4. list project keys", "listGroupApiKeys", outcome);

    let read = keys
        .org_key(&org, &key)
        .await
        .map_err(|e| format!("describe: {e}"))?;
    step("5. describe org key", "getOrgApiKey", roles(&read));

    let update = OrgKeyUpdate::new().roles([OrgRole::OrgMember, OrgRole::OrgReadOnly]);
    keys.update_org_key(&org, &key, &update)
        .await
        .map_err(|e| format!("update org key: {e}"))?;
    let update = ProjectKeyUpdate::new().roles([second.clone(), first.clone()]);
    let updated = keys
        .update_project_roles(&project, &key, &update)
        .await
        .map_err(|e| format!("update roles: {e}"))?;
    step("6. change roles", "updateGroupApiKeyRoles", roles(&updated));
    match keys
        .ensure_project_roles(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::GroupOwner]),
        )
        .await
    {
        Ok(Ensured::Updated(k)) if run.version.system == System::Atlas => println!(
            "   ensure GROUP_OWNER: 409 API_KEY_ALREADY_IN_GROUP -> roles replaced: {}",
            roles(&k)
        ),
        Ok(Ensured::Set(k)) => println!(
            "   ensure GROUP_OWNER: the one PATCH assigns or replaces: {}",
            roles(&k)
        ),
        Ok(other) => return Err(format!("ensure: expected an update, got {other:?}")),
        Err(e) => return Err(format!("ensure: {e}")),
    }

    keys.unassign_from_project(&project, &key)
        .await
        .map_err(|e| format!("unassign: {e}"))?;
    step(
        "7. unassign from project",
        "removeGroupApiKey",
        format!("204; stored: {}", stored(&emu, &key)),
    );

    keys.delete_org_key(&org, &key)
        .await
        .map_err(|e| format!("delete: {e}"))?;
    let after = match keys.org_key(&org, &key).await {
        Err(e) if e.is_code("API_KEY_NOT_FOUND") => "read again: 404 API_KEY_NOT_FOUND".to_owned(),
        other => return Err(format!("the deleted key still answers: {other:?}")),
    };
    step(
        "8. delete org key",
        "deleteOrgApiKey",
        format!("204; {after}"),
    );
    let c = emu.counters();
    println!(
        "   {} HTTP requests to the API ({} digest challenge(s)), {} token request(s)",
        c.exchanges, c.challenges, c.token_requests
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    println!("atlas-apikeys demo: the SDK against the bundled emulator (loopback, free ports)");
    let mut runs = Vec::new();
    // Every version codegen emitted, with every authentication its system
    // offers (Ops Manager: API keys only).
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        for oauth in [false, true] {
            if !oauth || version.system.offers_oauth() {
                runs.push(Run { version, oauth });
            }
        }
    }
    let mut failures = 0;
    for run in &runs {
        if let Err(e) = demo(run).await {
            failures += 1;
            println!("   FAILED: {e}");
        }
    }
    println!(
        "\n{} of {} runs succeeded",
        runs.len() - failures,
        runs.len()
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
