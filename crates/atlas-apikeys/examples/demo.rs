//! `cargo demo`: the three operations through the SDK against the bundled
//! emulator, for every Atlas API version, with digest and with a service
//! account, printed as a transcript. Exits non-zero if anything fails.

use std::process::ExitCode;

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    ApiKey, ApiKeyId, ApiKeys, Description, Ensured, OrgId, OrgKeyUpdate, OrgRole, ProjectId,
    ProjectKeyUpdate, ProjectRole, ProjectRoles,
};
use atlas_apikeys_emulator::{Config, Emulator, defaults};

fn roles(key: &ApiKey) -> String {
    let org: Vec<&str> = key.org_roles.iter().map(|r| r.role.as_str()).collect();
    let mut out = format!("org [{}]", org.join(", "));
    let mut projects: Vec<&ProjectId> = key.project_roles.iter().map(|r| &r.project_id).collect();
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
    let key = emu.api_key(defaults::TARGET_KEY).expect("seeded key");
    let mut out = format!("org [{}]", key.org_roles.join(", "));
    for (p, list) in &key.project_roles {
        out.push_str(&format!("; project {p} [{}]", list.join(", ")));
    }
    out
}

async fn run(version: &'static ApiVersion, auth: &str) -> Result<(), String> {
    let emu = Emulator::start(Config::default())
        .await
        .map_err(|e| e.to_string())?;
    let builder = ApiKeys::builder().atlas(version).base_url(emu.url());
    let keys = match auth {
        "digest" => builder.api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE),
        _ => builder.service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET),
    }
    .build()
    .map_err(|e| e.to_string())?;
    let org: OrgId = defaults::ORG.parse().map_err(|e| format!("{e}"))?;
    let project: ProjectId = defaults::PROJECT.parse().map_err(|e| format!("{e}"))?;
    let key: ApiKeyId = defaults::TARGET_KEY.parse().map_err(|e| format!("{e}"))?;
    let media = version
        .operation("updateOrgApiKey")
        .map_or("?", |o| o.accept);
    println!(
        "\n== Atlas {} · {auth} · {} (Accept: {media})",
        version.version,
        emu.url()
    );
    println!("   roles before   {}", stored(&emu));

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

    let desc = Description::new(format!("deploy bot, rotated on {}", version.version))
        .map_err(|e| e.to_string())?;
    let update = OrgKeyUpdate::new()
        .description(desc)
        .roles([OrgRole::OrgMember, OrgRole::OrgBillingReadOnly]);
    let updated = keys
        .update_org_key(&org, &key, &update)
        .await
        .map_err(|e| format!("update org key: {e}"))?;
    println!(
        "1. update org key       PATCH /api/atlas/v2/orgs/{org}/apiKeys/{key}\n                         desc {:?}, roles [ORG_MEMBER, ORG_BILLING_READ_ONLY] -> 200: {}",
        updated.description.as_deref().unwrap_or(""),
        roles(&updated)
    );

    let assign = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    keys.assign_to_project(&project, &key, &assign)
        .await
        .map_err(|e| format!("assign: {e}"))?;
    println!(
        "2. assign to project    POST  /api/atlas/v2/groups/{project}/apiKeys/{key}\n                         [{{roles: [GROUP_READ_ONLY]}}] -> 204"
    );

    let update = ProjectKeyUpdate::new().roles([
        ProjectRole::GroupClusterManager,
        ProjectRole::GroupDataAccessReadOnly,
    ]);
    let updated = keys
        .update_project_roles(&project, &key, &update)
        .await
        .map_err(|e| format!("update roles: {e}"))?;
    println!(
        "3. update project roles PATCH /api/atlas/v2/groups/{project}/apiKeys/{key}\n                         roles [GROUP_CLUSTER_MANAGER, GROUP_DATA_ACCESS_READ_ONLY] -> 200: {}",
        roles(&updated)
    );

    match keys
        .ensure_project_roles(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::GroupOwner]),
        )
        .await
    {
        Ok(Ensured::Updated(k)) => println!(
            "   ensure again           409 API_KEY_ALREADY_IN_GROUP -> roles replaced: {}",
            roles(&k)
        ),
        Ok(other) => return Err(format!("ensure: expected an update, got {other:?}")),
        Err(e) => return Err(format!("ensure: {e}")),
    }
    let c = emu.counters();
    println!("   roles after    {}", stored(&emu));
    println!(
        "   HTTP exchanges {} for 5 requests (digest challenges {}), token requests {}",
        c.exchanges, c.challenges, c.token_requests
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    println!("atlas-apikeys demo: the SDK against the bundled emulator (loopback, free ports)");
    let mut failures = 0;
    let mut runs = 0;
    for version in atlas_apikeys::atlas_versions() {
        for auth in ["digest", "service account"] {
            runs += 1;
            if let Err(e) = run(version, auth).await {
                failures += 1;
                println!("   FAILED: {e}");
            }
        }
    }
    println!("\n{} of {runs} runs succeeded", runs - failures);
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
