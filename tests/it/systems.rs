//! The same key operations on Atlas, Cloud Manager and Ops Manager against
//! the emulator: one program, one builder call apart; role sets that differ
//! per system are enforced before anything is sent.

use atlas_apikeys::{
    ApiKeyId, ApiKeys, ApiKeysBuilder, Description, Ensured, Error, OrgId, OrgKeyUpdate, OrgRole,
    ProjectId, ProjectKeyUpdate, ProjectRole, ProjectRoles, Rule,
};
use atlas_apikeys_emulator::{Config, Emulator, System, defaults};

async fn emulator(system: System) -> Emulator {
    Emulator::start(Config {
        system,
        ..Config::default()
    })
    .await
    .unwrap()
}

/// The only system-specific line of a program.
pub(crate) fn builder(system: System, url: &str) -> ApiKeysBuilder {
    match system {
        System::Atlas => ApiKeys::builder().base_url(url),
        System::CloudManager => ApiKeys::builder().cloud_manager().base_url(url),
        System::OpsManager => ApiKeys::builder().ops_manager(url),
    }
}

fn ids() -> (OrgId, ProjectId, ApiKeyId) {
    (
        defaults::ORG.parse().unwrap(),
        defaults::PROJECT.parse().unwrap(),
        defaults::TARGET.id.parse().unwrap(),
    )
}

/// One program for every system: update the org key, assign, update roles,
/// ensure.
async fn three_operations(keys: &ApiKeys, project_roles: [ProjectRole; 2]) -> Result<(), Error> {
    let (org, project, key) = ids();
    let updated = keys
        .update_org_key(
            &org,
            &key,
            &OrgKeyUpdate::new()
                .description(Description::new("rotated").unwrap())
                .roles([OrgRole::OrgMember, OrgRole::OrgReadOnly]),
        )
        .await?;
    assert_eq!(updated.description.as_deref(), Some("rotated"));
    keys.assign_to_project(
        &project,
        &key,
        &ProjectRoles::new([project_roles[0].clone()]),
    )
    .await?;
    let updated = keys
        .update_project_roles(
            &project,
            &key,
            &ProjectKeyUpdate::new().roles(project_roles.clone()),
        )
        .await?;
    assert_eq!(
        updated.roles_in(&project),
        project_roles.iter().collect::<Vec<_>>()
    );
    match keys
        .ensure_project_roles(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::GroupOwner]),
        )
        .await?
    {
        Ensured::Updated(k) | Ensured::Set(k) => {
            assert_eq!(k.roles_in(&project), [&ProjectRole::GroupOwner])
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn every_operation_on_every_system_with_every_auth_mode_it_offers() {
    let cases = [
        (
            System::Atlas,
            false,
            [ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager],
        ),
        (
            System::Atlas,
            true,
            [ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager],
        ),
        (
            System::CloudManager,
            false,
            [
                ProjectRole::GroupReadOnly,
                ProjectRole::GroupAutomationAdmin,
            ],
        ),
        (
            System::CloudManager,
            true,
            [ProjectRole::GroupReadOnly, ProjectRole::GroupBillingAdmin],
        ),
        (
            System::OpsManager,
            false,
            [
                ProjectRole::GroupReadOnly,
                ProjectRole::GroupMonitoringAdmin,
            ],
        ),
    ];
    for (system, oauth, roles) in cases {
        let emu = emulator(system).await;
        let b = builder(system, &emu.url());
        let keys = if oauth {
            b.service_account(
                defaults::SERVICE_ACCOUNT.client_id,
                defaults::SERVICE_ACCOUNT.client_secret,
            )
        } else {
            b.api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
        }
        .build()
        .unwrap();
        assert_eq!(keys.version().system, system);
        three_operations(&keys, roles.clone())
            .await
            .unwrap_or_else(|e| panic!("{system:?} oauth={oauth}: {e}"));
        let stored = emu.api_key(defaults::TARGET.id).unwrap();
        assert_eq!(stored.grants.org_roles, ["ORG_MEMBER", "ORG_READ_ONLY"]);
        assert_eq!(
            stored.grants.project_roles[defaults::PROJECT],
            ["GROUP_OWNER"]
        );
        let c = emu.counters();
        assert_eq!(c.token_requests, u64::from(oauth), "{system:?}");
    }
}

fn rejected(err: Error, field: &str) -> Rule {
    let v = err
        .validation()
        .unwrap_or_else(|| panic!("not a validation error: {err:?}"));
    assert_eq!(v.field, field, "{err}");
    v.rule.clone()
}

#[tokio::test]
async fn role_sets_differ_per_system_and_are_checked_before_sending() {
    let (org, project, key) = ids();
    let om = emulator(System::OpsManager).await;
    let cm = emulator(System::CloudManager).await;
    let atlas = emulator(System::Atlas).await;
    let servers = [
        (System::OpsManager, &om),
        (System::CloudManager, &cm),
        (System::Atlas, &atlas),
    ];
    let clients: Vec<_> = servers
        .iter()
        .map(|(system, server)| {
            let keys = builder(*system, &server.url())
                .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
                .build()
                .unwrap();
            (*system, *server, keys)
        })
        .collect();
    let catalogue = |system: System| {
        atlas_apikeys::client::catalogue::CATALOGUE
            .iter()
            .find(|e| e.system == system)
            .expect("every system has a catalogue entry")
    };

    // For every pair of systems, a role one system has and the other lacks
    // (from the catalogue) passes on the first and is refused by the second
    // before anything is sent, naming that system and its version.
    let mut compared = 0;
    for (a, _, a_keys) in &clients {
        for (b, b_server, b_keys) in &clients {
            if a == b {
                continue;
            }
            let target = format!("{} {}", b_keys.version().system, b_keys.version().version);
            if let Some(role) = catalogue(*a)
                .project
                .iter()
                .find(|r| !catalogue(*b).project.contains(r))
            {
                let roles = ProjectRoles::new([role.clone()]);
                let sent = b_server.counters().exchanges;
                let err = b_keys
                    .assign_to_project(&project, &key, &roles)
                    .await
                    .unwrap_err();
                let text = err.to_string();
                match rejected(err, "roles[0]") {
                    Rule::NotDocumented {
                        scope: "project",
                        target: t,
                        ..
                    } => assert_eq!(t, target),
                    other => panic!("{other:?}"),
                }
                assert!(
                    text.contains(role.as_str()) && text.contains(&target),
                    "{text}"
                );
                assert_eq!(
                    b_server.counters().exchanges,
                    sent,
                    "{target}: nothing sent"
                );
                a_keys
                    .ensure_project_roles(&project, &key, &roles)
                    .await
                    .unwrap();
                compared += 1;
            }
            if let Some(role) = catalogue(*a)
                .org
                .iter()
                .find(|r| !catalogue(*b).org.contains(r))
            {
                let update = OrgKeyUpdate::new().roles([role.clone()]);
                let sent = b_server.counters().exchanges;
                let err = b_keys
                    .update_org_key(&org, &key, &update)
                    .await
                    .unwrap_err();
                assert!(matches!(
                    rejected(err, "roles[0]"),
                    Rule::NotDocumented {
                        scope: "organization",
                        ..
                    }
                ));
                assert_eq!(
                    b_server.counters().exchanges,
                    sent,
                    "{target}: nothing sent"
                );
                a_keys.update_org_key(&org, &key, &update).await.unwrap();
                compared += 1;
            }
        }
    }
    assert!(compared > 0, "the catalogue's systems differ somewhere");
}

#[tokio::test]
async fn the_v1_project_endpoint_takes_roles_only() {
    let (_, project, key) = ids();
    let om = emulator(System::OpsManager).await;
    let keys = builder(System::OpsManager, &om.url())
        .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
        .build()
        .unwrap();
    let desc = || Description::new("x").unwrap();
    // A description is refused with or without roles beside it.
    for update in [
        ProjectKeyUpdate::new()
            .description(desc())
            .roles([ProjectRole::GroupOwner]),
        ProjectKeyUpdate::new().description(desc()),
    ] {
        let err = keys
            .update_project_roles(&project, &key, &update)
            .await
            .unwrap_err();
        assert!(matches!(rejected(err, "desc"), Rule::NotAccepted { .. }));
    }
    assert_eq!(om.counters().exchanges, 0);
}

#[test]
fn what_a_system_does_not_offer_is_a_build_error() {
    let err = ApiKeys::builder()
        .ops_manager("https://om.example.com:8443")
        .service_account("id", "secret")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Ops Manager offers no service accounts"),
        "{err}"
    );
    // Ops Manager has no default host.
    let mut b = ApiKeys::builder().api_key("k", "p");
    b = b.version(&atlas_apikeys::client::ops_manager_v1_0::API_VERSION);
    let err = b.build().unwrap_err();
    assert!(err.to_string().contains("no default base URL"), "{err}");
    // Cloud Manager's is cloud.mongodb.com.
    let keys = ApiKeys::builder()
        .cloud_manager()
        .api_key("k", "p")
        .build()
        .unwrap();
    assert_eq!(
        keys.version().default_base_url,
        Some("https://cloud.mongodb.com")
    );
}

/// A key in plain terms: description, organization roles, roles per project.
type Plain = (String, Vec<String>, Vec<(String, Vec<String>)>);

/// The key as the emulator holds it.
fn as_stored(emu: &Emulator) -> Plain {
    let k = emu.api_key(defaults::TARGET.id).unwrap();
    let projects = k.grants.project_roles.into_iter().collect();
    (k.description, k.grants.org_roles, projects)
}

/// The key as `org_key` read it, in the same terms.
fn as_read(key: &atlas_apikeys::ApiKey) -> Plain {
    let org = key.roles.org.iter().map(|r| r.role.to_string()).collect();
    let mut projects: Vec<(String, Vec<String>)> = Vec::new();
    for r in &key.roles.project {
        let p = r.project_id.to_string();
        match projects.iter_mut().find(|(id, _)| *id == p) {
            Some((_, roles)) => roles.push(r.role.to_string()),
            None => projects.push((p, vec![r.role.to_string()])),
        }
    }
    projects.sort();
    (key.description.clone().unwrap_or_default(), org, projects)
}

/// `org_key` (`getOrgApiKey` and its v1.0 twin) on every version codegen
/// emitted that offers it: a GET without a body, read back as stored, after
/// a change made through the SDK. Reading takes any role in the
/// organization; a key of another organization reads nothing of it.
#[tokio::test]
async fn the_pilot_read_returns_the_key_as_stored_on_every_version_that_offers_it() {
    let (org, project, key) = ids();
    let mut read = 0;
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        if version
            .offers(atlas_apikeys::client::Op::GetOrgKey)
            .is_none()
        {
            continue;
        }
        read += 1;
        let system = version.system;
        let emu = emulator(system).await;
        let as_ = |k: defaults::SeedKey| {
            builder(system, &emu.url())
                .version(version)
                .api_key(k.public_key, k.private_key)
                .build()
                .unwrap()
        };
        let keys = as_(defaults::OWNER);
        let roles = ProjectRoles::new([version.project_roles[0].clone()]);
        keys.ensure_project_roles(&project, &key, &roles)
            .await
            .unwrap();
        let what = format!("{system} {}", version.version);

        emu.take_seen();
        let got = keys.org_key(&org, &key).await.unwrap();
        assert_eq!(got.id, key, "{what}");
        assert_eq!(as_read(&got), as_stored(&emu), "{what}");
        let seen = emu.take_seen();
        let get = seen.last().unwrap();
        assert_eq!(get.method, "GET", "{what}");
        assert!(get.path.ends_with(defaults::TARGET.id), "{what}");
        assert!(get.body.is_empty(), "{what}");
        assert!(get.headers.get("content-type").is_none(), "{what}");

        // A reader (no Organization Owner) reads; it cannot change.
        let reader = as_(defaults::READER);
        assert_eq!(
            as_read(&reader.org_key(&org, &key).await.unwrap()),
            as_stored(&emu)
        );
        let change = OrgKeyUpdate::new().description(Description::new("nope").unwrap());
        let refused = reader.update_org_key(&org, &key, &change).await;
        assert_eq!(refused.unwrap_err().status(), Some(403), "{what}");
        // Another organization's key sees nothing of this organization.
        let foreign = as_(defaults::FOREIGN).org_key(&org, &key).await;
        assert_eq!(foreign.unwrap_err().status(), Some(403), "{what}");
    }
    assert!(read > 0, "no version offers getOrgApiKey");
}
