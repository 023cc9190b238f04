//! The operations end to end against the emulator, answers scripted: every Atlas version, the idempotent assign, envelopes, lenient responses, unreadable bodies.

use super::*;

#[tokio::test]
async fn the_three_operations_work_for_every_atlas_version() {
    let mut seen = 0;
    for version in atlas_apikeys::atlas_versions() {
        seen += 1;
        let server = vouching_emulator().await;
        let keys = keys_for(&server, version).await;
        assert_eq!(keys.version().version, version.version);

        server.reply(Reply::json(200, key_json()));
        let updated = keys
            .update_org_key(
                &org(),
                &key(),
                &OrgKeyUpdate::new()
                    .description(desc("rotated"))
                    .roles([OrgRole::OrgMember]),
            )
            .await
            .unwrap();
        assert_eq!(updated.id, key());
        assert_eq!(updated.roles.org[0].role, OrgRole::OrgMember);
        let req = take_one(&server);
        assert_eq!(
            summary(&req),
            (
                "PATCH",
                "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/apiKeys/5d1113b25a115342acc2d1aa",
                json!({ "desc": "rotated", "roles": ["ORG_MEMBER"] })
            )
        );
        assert_eq!(
            req.header("accept"),
            Some(version.operation("updateOrgApiKey").unwrap().accept)
        );
        assert_eq!(req.query, None);

        server.reply(Reply::empty(204));
        keys.assign_to_project(
            &project(),
            &key(),
            &ProjectRoles::new([ProjectRole::GroupReadOnly]),
        )
        .await
        .unwrap();
        let req = take_one(&server);
        assert_eq!(
            summary(&req),
            (
                "POST",
                "/api/atlas/v2/groups/5e2211c17a3e5a48f5497de3/apiKeys/5d1113b25a115342acc2d1aa",
                json!([{ "roles": ["GROUP_READ_ONLY"] }])
            )
        );

        server.reply(Reply::json(200, key_json()));
        let updated = keys
            .update_project_roles(
                &project(),
                &key(),
                &ProjectKeyUpdate::new().roles([ProjectRole::GroupReadOnly]),
            )
            .await
            .unwrap();
        assert_eq!(
            updated.roles_in(&project()),
            vec![&ProjectRole::GroupReadOnly]
        );
        let req = take_one(&server);
        assert_eq!(req.method, "PATCH");
        assert_eq!(
            req.json().expect("JSON body"),
            json!({ "roles": ["GROUP_READ_ONLY"] })
        );
        assert_eq!(
            req.query, None,
            "no paging parameters on a single-result update"
        );

        // Description only: roles are not sent.
        server.reply(Reply::json(200, key_json()));
        keys.update_project_roles(
            &project(),
            &key(),
            &ProjectKeyUpdate::new().description(desc("deploy")),
        )
        .await
        .unwrap();
        assert_eq!(
            take_one(&server).json().expect("JSON body"),
            json!({ "desc": "deploy" })
        );
    }
    assert_eq!(
        seen,
        atlas_apikeys::client::VERSIONS
            .iter()
            .filter(|v| v.system == "atlas")
            .count()
    );
}

#[tokio::test]
async fn ensure_project_roles_assigns_or_updates() {
    let server = vouching_emulator().await;
    let keys = keys_for(&server, atlas_apikeys::latest_atlas_version()).await;
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager]);

    server.reply(Reply::empty(204));
    assert!(matches!(
        keys.ensure_project_roles(&project(), &key(), &roles)
            .await
            .unwrap(),
        Ensured::Assigned
    ));
    assert_eq!(take_one(&server).method, "POST");

    server.reply(Reply::json(
        409,
        json!({ "error": 409, "errorCode": "API_KEY_ALREADY_IN_GROUP", "reason": "Conflict", "detail": "The API key is already assigned to the project." }),
    ));
    server.reply(Reply::json(200, key_json()));
    let Ensured::Updated(updated) = keys
        .ensure_project_roles(&project(), &key(), &roles)
        .await
        .unwrap()
    else {
        panic!("expected an update")
    };
    assert_eq!(updated.id, key());
    let sent = server.take_seen();
    assert_eq!(
        sent.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["POST", "PATCH"]
    );
    assert_eq!(
        sent[1].json().expect("JSON body"),
        json!({ "roles": ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"] })
    );

    // Any other failure is not papered over.
    server.reply(Reply::json(
        404,
        json!({ "error": 404, "errorCode": "API_KEY_NOT_FOUND" }),
    ));
    let err = keys
        .ensure_project_roles(&project(), &key(), &roles)
        .await
        .unwrap_err();
    assert!(err.is_code("API_KEY_NOT_FOUND"));
    assert_eq!(server.take_seen().len(), 1);
}

#[tokio::test]
async fn envelope_and_pretty_are_sent_and_unwrapped() {
    let server = vouching_emulator().await;
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(format!("{}/", server.url()))
        .envelope(true)
        .pretty(true)
        .build()
        .unwrap();
    server.reply(Reply::raw(
        200,
        "application/vnd.atlas.2023-01-01+json;charset=utf-8",
        &serde_json::to_string_pretty(&json!({ "status": 200, "content": key_json() })).unwrap(),
    ));
    let k = keys
        .update_org_key(&org(), &key(), &OrgKeyUpdate::new().description(desc("x")))
        .await
        .unwrap();
    assert_eq!(k.public_key.as_deref(), key_json()["publicKey"].as_str());
    let req = take_one(&server);
    assert_eq!(req.query.as_deref(), Some("envelope=true&pretty=true"));
    assert_eq!(
        req.path,
        "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/apiKeys/5d1113b25a115342acc2d1aa"
    );

    server.reply(Reply::json(200, json!({ "status": 409, "content": { "error": 409, "errorCode": "API_KEY_ALREADY_IN_GROUP" } })));
    server.reply(Reply::json(
        200,
        json!({ "status": 200, "content": key_json() }),
    ));
    let out = keys
        .ensure_project_roles(
            &project(),
            &key(),
            &ProjectRoles::new([ProjectRole::GroupOwner]),
        )
        .await
        .unwrap();
    assert!(
        matches!(out, Ensured::Updated(_)),
        "the envelope's 409 counts"
    );
}

#[tokio::test]
async fn responses_with_unknown_roles_extra_fields_and_nulls_are_read() {
    let k = org_update_answered(json!({
        "id": "5d1113b25a115342acc2d1aa",
        "desc": null,
        "publicKey": "zmmrboas",
        "privateKey": "********-****-****-db2c132ca78d",
        "createdAt": "2026-01-01T00:00:00Z",
        "roles": [
            { "orgId": "32b6e34b3d91647abb20e7b8", "roleName": "ORG_FUTURE_ROLE" },
            { "groupId": "5e2211c17a3e5a48f5497de3", "roleName": "GROUP_FUTURE_ROLE", "extra": 1 },
            { "roleName": "ORG_OWNER" },
            { "orgId": "not-an-id", "roleName": null }
        ]
    }))
    .await
    .expect("lenient response");
    assert_eq!(k.description, None);
    assert_eq!(
        k.roles.org[0].role,
        OrgRole::Unknown("ORG_FUTURE_ROLE".into())
    );
    assert_eq!(
        k.roles.project[0].role,
        ProjectRole::Unknown("GROUP_FUTURE_ROLE".into())
    );
    assert_eq!(k.roles.other.len(), 2);
    assert!(k.links.is_empty());
    assert!(k.public_key.is_some());
    // The private key never prints.
    let debug = format!("{k:?}");
    assert!(!debug.contains("db2c132ca78d"), "{debug}");
    assert!(debug.contains("PrivateKey([REDACTED])"), "{debug}");
    // Serialized, it is Atlas's shape again: every entry kept, in scope
    // order, and never the private key.
    assert_eq!(
        serde_json::to_value(&k).unwrap(),
        json!({
            "id": "5d1113b25a115342acc2d1aa",
            "desc": null,
            "publicKey": "zmmrboas",
            "roles": [
                { "orgId": "32b6e34b3d91647abb20e7b8", "roleName": "ORG_FUTURE_ROLE" },
                { "groupId": "5e2211c17a3e5a48f5497de3", "roleName": "GROUP_FUTURE_ROLE" },
                { "roleName": "ORG_OWNER" },
                { "orgId": "not-an-id", "roleName": null }
            ]
        })
    );
    assert_eq!(
        k.private_key.unwrap().expose_secret(),
        "********-****-****-db2c132ca78d"
    );
}

#[tokio::test]
async fn an_unreadable_success_body_is_an_error_whose_excerpt_hides_secrets() {
    // Roles that are not a list cannot be read (a null could: nothing is lost).
    let err = org_update_answered(json!({ "id": "5d1113b25a115342acc2d1aa", "privateKey": "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", "roles": "ORG_OWNER", "nested": { "client_secret": "s3cr3t" } }))
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(
            !shown.contains("a0b1c2d3") && !shown.contains("s3cr3t"),
            "{shown}"
        );
        assert!(shown.contains("[REDACTED]"), "{shown}");
    }
}

/// The newest Atlas version's organization-key update, answered 200 with
/// `body` whatever it holds.
async fn org_update_answered(body: serde_json::Value) -> Result<atlas_apikeys::ApiKey, Error> {
    let server = vouching_emulator().await;
    let keys = keys_for(&server, atlas_apikeys::latest_atlas_version()).await;
    server.reply(Reply::json(200, body));
    keys.update_org_key(&org(), &key(), &OrgKeyUpdate::new().description(desc("x")))
        .await
}

/// `org_key` on every version codegen emitted: a GET with the version's
/// media type where the version offers the read; where it does not (a spec
/// that predates it), the typed `Unsupported` answer, with nothing sent.
#[tokio::test]
async fn org_key_reads_or_is_refused_unsent_on_every_version() {
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        let server = Emulator::start(atlas_apikeys_emulator::Config {
            system: version.system,
            authenticated_as: Some(atlas_apikeys_emulator::defaults::OWNER.public_key.into()),
            ..Default::default()
        })
        .await
        .unwrap();
        let keys = keys_for(&server, version).await;
        let what = format!("{} {}", version.system, version.version);
        match version.offers(atlas_apikeys::client::Op::GetOrgKey) {
            Some(media) => {
                server.reply(Reply::json(200, key_json()));
                let read = keys.org_key(&org(), &key()).await.unwrap();
                assert_eq!(read.id, key(), "{what}");
                let req = take_one(&server);
                assert_eq!(req.method, "GET", "{what}");
                assert_eq!(req.header("accept"), Some(media.accept), "{what}");
                assert!(req.body.is_empty(), "{what}");
            }
            None => {
                let err = keys.org_key(&org(), &key()).await.unwrap_err();
                let Error::Unsupported {
                    operation,
                    system,
                    version: pinned,
                } = &err
                else {
                    panic!("{what}: {err:?}");
                };
                assert_eq!(
                    (*operation, *system, *pinned),
                    ("getOrgApiKey", version.system, version.version)
                );
                assert!(server.take_seen().is_empty(), "{what}: a request was sent");
                // Read by the scratch-workspace test, which imports a spec
                // without the read.
                println!("refused unsent: {operation} on {what}");
            }
        }
    }
}

/// Dry run is a mode of the client: `Writes` sends reads and holds writes,
/// `All` holds both; a held request comes back as `Error::Planned`, what
/// would have been sent, and the server sees nothing of it.
#[tokio::test]
async fn a_dry_run_client_holds_writes_or_everything_and_says_what_it_held() {
    use atlas_apikeys::client::DryRun;
    for version in atlas_apikeys::client::VERSIONS.iter().copied() {
        let server = Emulator::start(atlas_apikeys_emulator::Config {
            system: version.system,
            authenticated_as: Some(atlas_apikeys_emulator::defaults::OWNER.public_key.into()),
            ..Default::default()
        })
        .await
        .unwrap();
        let client = |mode| {
            ApiKeys::builder()
                .anonymous()
                .version(version)
                .base_url(server.url())
                .dry_run(mode)
                .build()
                .unwrap()
        };
        let what = format!("{} {}", version.system, version.version);
        let update = OrgKeyUpdate::new().description(Description::new("held").unwrap());
        for mode in [DryRun::Writes, DryRun::All] {
            let keys = client(mode);
            server.take_seen();
            let Err(Error::Planned(held)) = keys.update_org_key(&org(), &key(), &update).await
            else {
                panic!("{what} {mode:?}: the write was not held");
            };
            assert_eq!(held.method, "PATCH", "{what}");
            assert!(held.url.contains(key().as_str()), "{what}");
            assert!(
                held.body.as_deref().is_some_and(|b| b.contains("held")),
                "{what}"
            );
            assert!(server.take_seen().is_empty(), "{what} {mode:?}: sent");
            if version
                .offers(atlas_apikeys::client::Op::GetOrgKey)
                .is_none()
            {
                continue;
            }
            let read = keys.org_key(&org(), &key()).await;
            let seen = server.take_seen().len();
            match mode {
                DryRun::Writes => {
                    assert!(read.is_ok(), "{what}: {read:?}");
                    assert!(seen > 0, "{what}: the read was not sent");
                }
                _ => {
                    assert!(matches!(read, Err(Error::Planned(_))), "{what}: {read:?}");
                    assert_eq!(seen, 0, "{what}: the read was sent");
                }
            }
        }
    }
}
