//! The key operations on every system, version and authentication mode, and what the emulator enforces on them: authorization, roles, gone versions, rate limits.

use super::*;

#[tokio::test]
async fn every_operation_for_every_version_and_auth_mode() {
    for version in atlas_apikeys::atlas_versions() {
        for auth in [Auth::Digest, Auth::ServiceAccount] {
            let emu = emulator(Config::default()).await;
            let keys = keys(&emu, version, auth);
            let what = format!("{} {auth:?}", version.version);

            let key = keys
                .update_org_key(
                    &org(),
                    &target(),
                    &OrgKeyUpdate::new()
                        .description(Description::new(format!("rotated {what}")).unwrap())
                        .roles([OrgRole::OrgMember, OrgRole::OrgBillingReadOnly]),
                )
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                key.description.as_deref(),
                Some(format!("rotated {what}").as_str())
            );
            assert!(key.private_key.is_some());
            let stored = emu.api_key(defaults::TARGET.id).unwrap();
            assert_eq!(
                stored.grants.org_roles,
                ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"],
                "{what}"
            );

            keys.assign_to_project(
                &project(),
                &target(),
                &ProjectRoles::new([ProjectRole::GroupReadOnly]),
            )
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                emu.api_key(defaults::TARGET.id)
                    .unwrap()
                    .grants
                    .project_roles[defaults::PROJECT],
                ["GROUP_READ_ONLY"]
            );

            let key = keys
                .update_project_roles(
                    &project(),
                    &target(),
                    &ProjectKeyUpdate::new().roles([
                        ProjectRole::GroupClusterManager,
                        ProjectRole::GroupDataAccessReadOnly,
                    ]),
                )
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                key.roles_in(&project()),
                [
                    &ProjectRole::GroupClusterManager,
                    &ProjectRole::GroupDataAccessReadOnly
                ]
            );

            let roles = ProjectRoles::new([ProjectRole::GroupOwner]);
            assert!(matches!(
                keys.ensure_project_roles(&other_project(), &target(), &roles)
                    .await
                    .unwrap(),
                Ensured::Assigned
            ));
            let again = keys
                .ensure_project_roles(&other_project(), &target(), &roles)
                .await
                .unwrap();
            let Ensured::Updated(key) = again else {
                panic!("{what}: expected an update")
            };
            assert_eq!(key.roles_in(&other_project()), [&ProjectRole::GroupOwner]);
        }
    }
}

#[tokio::test]
async fn authorization_follows_the_docs() {
    let emu = emulator(Config::default()).await;
    let reader = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::READER.public_key, defaults::READER.private_key)
        .build()
        .unwrap();
    let owner = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = describe("x");
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);

    let unknown = "0123456789abcdef01234567";
    let (nowhere, no_project, no_key): (OrgId, ProjectId, ApiKeyId) = (
        unknown.parse().unwrap(),
        unknown.parse().unwrap(),
        unknown.parse().unwrap(),
    );
    let foreign_org: OrgId = defaults::FOREIGN_ORG.parse().unwrap();
    let foreign_project: ProjectId = defaults::FOREIGN_PROJECT.parse().unwrap();
    let foreign_key: ApiKeyId = defaults::FOREIGN.id.parse().unwrap();
    let not_in_project = ProjectKeyUpdate::new().roles([ProjectRole::GroupOwner]);
    // The calls, each answering only whether and how it failed.
    let update_org = async |keys: &ApiKeys, org: &OrgId, key: &ApiKeyId| {
        keys.update_org_key(org, key, &update).await.map(drop)
    };
    let assign = async |keys: &ApiKeys, project: &ProjectId, key: &ApiKeyId| {
        keys.assign_to_project(project, key, &roles).await
    };
    let (o, p, k) = (&org(), &project(), &target());
    // What is refused, with which status and (where it matters) code.
    for (what, result, status, code) in [
        // An org member without ORG_OWNER may not update keys or assign them.
        (
            "reader updates",
            update_org(&reader, o, k).await,
            403,
            Some("USER_UNAUTHORIZED"),
        ),
        ("reader assigns", assign(&reader, p, k).await, 403, None),
        // Another organization's resources are out of reach.
        (
            "foreign org",
            update_org(&owner, &foreign_org, k).await,
            403,
            None,
        ),
        (
            "foreign project",
            assign(&owner, &foreign_project, k).await,
            403,
            None,
        ),
        (
            "foreign key",
            assign(&owner, p, &foreign_key).await,
            404,
            Some("API_KEY_NOT_FOUND"),
        ),
        // Unknown things are 404.
        (
            "unknown org",
            update_org(&owner, &nowhere, k).await,
            404,
            Some("ORG_NOT_FOUND"),
        ),
        (
            "unknown project",
            assign(&owner, &no_project, k).await,
            404,
            Some("GROUP_NOT_FOUND"),
        ),
        (
            "unknown key",
            update_org(&owner, o, &no_key).await,
            404,
            Some("API_KEY_NOT_FOUND"),
        ),
        // Updating roles in a project the key is not in.
        (
            "not in the project",
            owner
                .update_project_roles(p, k, &not_in_project)
                .await
                .map(drop),
            404,
            None,
        ),
    ] {
        let err = result.expect_err(what);
        assert_eq!(err.status(), Some(status), "{what}: {err}");
        if let Some(code) = code {
            assert!(err.is_code(code), "{what}: {err}");
        }
    }

    // Re-assigning answers 409, which the plain assign reports.
    owner
        .assign_to_project(&project(), &target(), &roles)
        .await
        .unwrap();
    let err = owner
        .assign_to_project(&project(), &target(), &roles)
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.is_code("API_KEY_ALREADY_IN_GROUP")),
        (Some(409), true)
    );
    // Wrong credentials.
    let wrong = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER.public_key, "nope")
        .build()
        .unwrap();
    assert!(matches!(
        wrong
            .update_org_key(&org(), &target(), &update)
            .await
            .unwrap_err(),
        Error::Auth(_)
    ));
}

#[tokio::test]
async fn a_role_the_server_knows_before_the_sdk_passes_with_the_opt_in() {
    // A server whose roles run ahead of this build's catalogue.
    const NEWER: &str = "ORG_NEWER_THAN_THE_CATALOGUE";
    let mut roles = atlas_apikeys_emulator::roles::RoleSets::documented(System::Atlas);
    roles.org.push(NEWER.into());
    let emu = emulator(Config {
        roles: Some(roles),
        ..Config::default()
    })
    .await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let new_role = OrgKeyUpdate::new().roles([OrgRole::from(NEWER)]);
    assert!(
        keys.update_org_key(&org(), &target(), &new_role)
            .await
            .unwrap_err()
            .validation()
            .is_some()
    );
    let key = keys
        .update_org_key(&org(), &target(), &new_role.allow_unlisted_roles())
        .await
        .unwrap();
    assert_eq!(key.roles.org[0].role, OrgRole::Unknown(NEWER.into()));
}

#[tokio::test]
async fn a_gone_version_is_a_distinct_error() {
    // Every module sends the operations' resource version, 2023-01-01; once
    // the server stops serving dates before 2024, each gets VERSION_GONE.
    let emu = emulator(Config {
        versions_gone_before: Some("2024-01-01".into()),
        ..Config::default()
    })
    .await;
    let update = describe("x");
    for version in atlas_apikeys::atlas_versions() {
        let err = keys(&emu, version, Auth::Digest)
            .update_org_key(&org(), &target(), &update)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::VersionGone { version: v, .. } if *v == version.version),
            "{err:?}"
        );
        assert!(err.to_string().contains("newer version module"), "{err}");
    }
    // A newer requested date is still served.
    let http = reqwest::Client::new();
    let bearer = token(&http, &emu).await;
    let path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    );
    assert_eq!(
        raw(
            &http,
            &emu,
            &bearer,
            ("PATCH", &dated(atlas_apikeys::latest_atlas_version())),
            &path,
            r#"{"desc":"x"}"#
        )
        .await
        .status,
        200
    );
}

#[tokio::test]
async fn rate_limits_are_announced_and_retried() {
    let emu = emulator(Config {
        rate_limit: Some(RateLimitConfig {
            requests: 3,
            window_ms: 1000,
        }),
        ..Config::default()
    })
    .await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = describe("x");
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    let limit = keys.rate_limit().unwrap();
    assert_eq!(limit.limit, Some(3));
    for _ in 0..4 {
        keys.update_org_key(&org(), &target(), &update)
            .await
            .expect("429 is retried after Retry-After");
    }
    assert!(emu.counters().rate_limited >= 1);
}
