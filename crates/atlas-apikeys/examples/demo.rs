//! `cargo demo`: the key operations through the SDK against the bundled
//! emulator, on Atlas (every API version), Cloud Manager and Ops Manager,
//! with digest and (where offered) a service account, printed as a
//! transcript. Exits non-zero if anything fails.

use std::process::ExitCode;

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    ApiKey, ApiKeyId, ApiKeys, ApiKeysBuilder, Description, Ensured, OrgId, OrgKeyUpdate, OrgRole,
    ProjectId, ProjectKeyUpdate, ProjectRole, ProjectRoles,
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

fn stored(emu: &Emulator) -> String {
    let key = emu.api_key(defaults::TARGET.id).expect("seeded key");
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
    format!("{:<5} {path}", op.0)
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
    println!("   roles before            {}", stored(&emu));

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

    let desc = Description::new(format!(
        "deploy bot, rotated on {} {}",
        version.system, version.version
    ))
    .map_err(|e| e.to_string())?;
    let update = OrgKeyUpdate::new()
        .description(desc)
        .roles([OrgRole::OrgMember, OrgRole::OrgReadOnly]);
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
        println!("{label:<26}{}", request(version, op, &org, &project, &key));
        println!("   {outcome}");
    };

    let updated = keys
        .update_org_key(&org, &key, &update)
        .await
        .map_err(|e| format!("update org key: {e}"))?;
    let desc = updated.description.as_deref().unwrap_or("");
    let outcome = format!(
        "desc {desc:?}, roles [ORG_MEMBER, ORG_READ_ONLY] -> {}",
        roles(&updated)
    );
    step("1. update org key", "updateOrgApiKey", outcome);

    keys.assign_to_project(&project, &key, &ProjectRoles::new([first.clone()]))
        .await
        .map_err(|e| format!("assign: {e}"))?;
    let outcome = format!("roles [{}] -> {assigned}", first.as_str());
    step("2. assign to project", assign_op, outcome);

    let update = ProjectKeyUpdate::new().roles([second.clone(), first.clone()]);
    let updated = keys
        .update_project_roles(&project, &key, &update)
        .await
        .map_err(|e| format!("update roles: {e}"))?;
    let (a, b) = (second.as_str(), first.as_str());
    let outcome = format!("roles [{a}, {b}] -> {}", roles(&updated));
    step("3. update project roles", "updateGroupApiKeyRoles", outcome);

    match keys
        .ensure_project_roles(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::GroupOwner]),
        )
        .await
    {
        Ok(Ensured::Updated(k)) if run.version.system == System::Atlas => {
            println!(
                "   ensure GROUP_OWNER      409 API_KEY_ALREADY_IN_GROUP -> roles replaced: {}",
                roles(&k)
            );
        }
        Ok(Ensured::Set(k)) => println!(
            "   ensure GROUP_OWNER      the one PATCH assigns or replaces: {}",
            roles(&k)
        ),
        Ok(other) => return Err(format!("ensure: expected an update, got {other:?}")),
        Err(e) => return Err(format!("ensure: {e}")),
    }
    // The read: the key as the server now holds it, where the version
    // offers it.
    match keys.org_key(&org, &key).await {
        Ok(read) => step("4. describe org key", "getOrgApiKey", roles(&read)),
        Err(e @ atlas_apikeys::Error::Unsupported { .. }) => println!("   describe: {e}"),
        Err(e) => return Err(format!("describe: {e}")),
    }
    let c = emu.counters();
    println!("   roles after             {}", stored(&emu));
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
