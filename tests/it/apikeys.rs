//! The validation crate end to end against a real loopback server: typed
//! calls for every operation and version, every documented rule rejected
//! before anything is sent, idempotent assignment, envelopes, errors, and
//! responses that know more than the SDK.

use atlas_apikeys::client::ApiVersion;
use atlas_apikeys::{
    ApiKeyId, ApiKeys, Description, Ensured, Error, ErrorCode, OrgId, OrgKeyUpdate, OrgRole,
    ProjectId, ProjectKeyUpdate, ProjectRole, ProjectRoles, Rule,
};
use atlas_apikeys_tests::capture::{CaptureServer, Reply};
use serde_json::json;

fn org() -> OrgId {
    "32b6e34b3d91647abb20e7b8".parse().unwrap()
}
fn project() -> ProjectId {
    "5e2211c17a3e5a48f5497de3".parse().unwrap()
}
fn key() -> ApiKeyId {
    "5d1113b25a115342acc2d1aa".parse().unwrap()
}
fn desc(s: &str) -> Description {
    Description::new(s).unwrap()
}

use atlas_apikeys_emulator::defaults::key_json;

async fn keys_for(server: &CaptureServer, version: &'static ApiVersion) -> ApiKeys {
    ApiKeys::builder()
        .anonymous()
        .version(version)
        .base_url(&server.url)
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_three_operations_work_for_every_atlas_version() {
    let mut seen = 0;
    for version in atlas_apikeys::atlas_versions() {
        seen += 1;
        let server = CaptureServer::start().await;
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
        assert_eq!(updated.org_roles[0].role, OrgRole::OrgMember);
        let req = server.take_one();
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (
                "PATCH",
                "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/apiKeys/5d1113b25a115342acc2d1aa"
            )
        );
        assert_eq!(
            req.json(),
            json!({ "desc": "rotated", "roles": ["ORG_MEMBER"] })
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
        let req = server.take_one();
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            (
                "POST",
                "/api/atlas/v2/groups/5e2211c17a3e5a48f5497de3/apiKeys/5d1113b25a115342acc2d1aa"
            )
        );
        assert_eq!(req.json(), json!([{ "roles": ["GROUP_READ_ONLY"] }]));

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
        let req = server.take_one();
        assert_eq!(req.method, "PATCH");
        assert_eq!(req.json(), json!({ "roles": ["GROUP_READ_ONLY"] }));
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
        assert_eq!(server.take_one().json(), json!({ "desc": "deploy" }));
    }
    assert_eq!(
        seen,
        atlas_apikeys::client::VERSIONS
            .iter()
            .filter(|v| v.system == "atlas")
            .count()
    );
}

/// Asserts the call failed validation with `field` and `rule`, and that the
/// server received nothing.
fn rejected(
    server: &CaptureServer,
    result: Result<impl std::fmt::Debug, Error>,
    field: &str,
    rule: &Rule,
) -> String {
    let err = result.expect_err("must be rejected");
    let v = err
        .validation()
        .unwrap_or_else(|| panic!("not a validation error: {err:?}"));
    assert_eq!(v.field, field, "{err}");
    assert_eq!(&v.rule, rule, "{err}");
    assert!(
        server.take().is_empty(),
        "an invalid request reached the network: {err}"
    );
    err.to_string()
}

#[tokio::test]
async fn every_rule_is_enforced_before_anything_is_sent() {
    let server = CaptureServer::start().await;
    let version = atlas_apikeys::latest_atlas_version();
    let keys = keys_for(&server, version).await;
    let (org, project, key) = (org(), project(), key());

    // Update org key: at least one of description and roles.
    let text = rejected(
        &server,
        keys.update_org_key(&org, &key, &OrgKeyUpdate::new()).await,
        "body",
        &Rule::NothingToUpdate,
    );
    assert!(
        text.contains("give a description, roles, or both"),
        "{text}"
    );
    // Roles, if given, non-empty.
    rejected(
        &server,
        keys.update_org_key(&org, &key, &OrgKeyUpdate::new().roles([]))
            .await,
        "roles",
        &Rule::EmptyRoles,
    );
    // No duplicates (rejected, not silently deduplicated).
    let text = rejected(
        &server,
        keys.update_org_key(
            &org,
            &key,
            &OrgKeyUpdate::new().roles([OrgRole::OrgMember, OrgRole::OrgOwner, OrgRole::OrgMember]),
        )
        .await,
        "roles[2]",
        &Rule::DuplicateRole,
    );
    assert!(text.contains("\"ORG_MEMBER\""), "{text}");
    // All organization roles.
    let text = rejected(
        &server,
        keys.update_org_key(
            &org,
            &key,
            &OrgKeyUpdate::new().roles([OrgRole::from("GROUP_OWNER")]),
        )
        .await,
        "roles[0]",
        &Rule::WrongScope {
            expected: "organization",
        },
    );
    assert!(
        text.contains("GROUP_OWNER") && text.contains("organization roles"),
        "{text}"
    );
    // Only roles this version documents, unless the caller opts in.
    let unlisted = OrgKeyUpdate::new().roles([OrgRole::from("ORG_FUTURE_ROLE")]);
    let err = keys
        .update_org_key(&org, &key, &unlisted)
        .await
        .unwrap_err();
    assert!(
        matches!(&err.validation().unwrap().rule, Rule::NotDocumented { scope: "organization", target, documented } if *target == format!("atlas {}", version.version) && documented.len() == version.org_roles.len()),
        "{err}"
    );
    assert!(
        err.to_string().contains("ORG_FUTURE_ROLE")
            && err.to_string().contains("allow unlisted roles"),
        "{err}"
    );
    assert!(server.take().is_empty());
    // Opting in still rejects malformed names.
    rejected(
        &server,
        keys.update_org_key(
            &org,
            &key,
            &OrgKeyUpdate::new()
                .roles([OrgRole::from("org owner")])
                .allow_unlisted_roles(),
        )
        .await,
        "roles[0]",
        &Rule::RoleNameFormat,
    );
    // Opting in lets a well-formed new role through.
    server.reply(Reply::json(200, key_json()));
    keys.update_org_key(&org, &key, &unlisted.clone().allow_unlisted_roles())
        .await
        .unwrap();
    assert_eq!(
        server.take_one().json(),
        json!({ "roles": ["ORG_FUTURE_ROLE"] })
    );

    // Assign: roles required, non-empty, all project roles, documented.
    rejected(
        &server,
        keys.assign_to_project(&project, &key, &ProjectRoles::new([]))
            .await,
        "roles",
        &Rule::EmptyRoles,
    );
    rejected(
        &server,
        keys.assign_to_project(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::from("ORG_OWNER")]),
        )
        .await,
        "roles[0]",
        &Rule::WrongScope {
            expected: "project",
        },
    );
    rejected(
        &server,
        keys.assign_to_project(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::GroupOwner, ProjectRole::GroupOwner]),
        )
        .await,
        "roles[1]",
        &Rule::DuplicateRole,
    );
    let err = keys
        .assign_to_project(
            &project,
            &key,
            &ProjectRoles::new([ProjectRole::from("GROUP_AUTOMATION_ADMIN")]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.validation().unwrap().rule,
            Rule::NotDocumented {
                scope: "project",
                ..
            }
        ),
        "{err}"
    );
    assert!(server.take().is_empty());
    rejected(
        &server,
        keys.ensure_project_roles(&project, &key, &ProjectRoles::new([]))
            .await,
        "roles",
        &Rule::EmptyRoles,
    );

    // Update project roles: at least one of description and roles; roles non-empty, project roles.
    rejected(
        &server,
        keys.update_project_roles(&project, &key, &ProjectKeyUpdate::new())
            .await,
        "body",
        &Rule::NothingToUpdate,
    );
    rejected(
        &server,
        keys.update_project_roles(&project, &key, &ProjectKeyUpdate::new().roles([]))
            .await,
        "roles",
        &Rule::EmptyRoles,
    );
    rejected(
        &server,
        keys.update_project_roles(
            &project,
            &key,
            &ProjectKeyUpdate::new().roles([ProjectRole::from("ORG_READ_ONLY")]),
        )
        .await,
        "roles[0]",
        &Rule::WrongScope {
            expected: "project",
        },
    );
}

#[tokio::test]
async fn bad_ids_and_descriptions_never_become_requests() {
    // Typed inputs make these unrepresentable; the parse errors say why.
    let cases = [
        (
            "32b6e34b3d91647abb20e7b",
            "orgId: must be 24 hexadecimal characters (0-9, a-f, lower case); got 23 characters (got \"32b6e34b3d91647abb20e7b\")",
        ),
        (
            "32b6e34b3d91647abb20e7bz",
            "character 24 ('z') is not a hex digit",
        ),
        (
            " 32b6e34b3d91647abb20e7b",
            "character 1 (' ') is not a hex digit",
        ),
    ];
    for (input, expected) in cases {
        let err = Error::from(input.parse::<OrgId>().unwrap_err());
        let v = err.validation().unwrap();
        assert_eq!(v.field, "orgId");
        assert!(err.to_string().contains(expected), "{err}");
    }
    let err = Error::from("zmmrboas".parse::<ApiKeyId>().unwrap_err());
    assert_eq!(err.validation().unwrap().field, "apiUserId");
    assert!(err.to_string().contains("public key"), "{err}");
    let err = Error::from(Description::new("x".repeat(251)).unwrap_err());
    let v = err.validation().unwrap();
    assert_eq!(
        (v.field.as_str(), &v.rule),
        ("desc", &Rule::DescriptionLength)
    );
    assert!(err.to_string().contains("(251 characters)"), "{err}");
}

#[tokio::test]
async fn ensure_project_roles_assigns_or_updates() {
    let server = CaptureServer::start().await;
    let keys = keys_for(&server, atlas_apikeys::latest_atlas_version()).await;
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager]);

    server.reply(Reply::empty(204));
    assert!(matches!(
        keys.ensure_project_roles(&project(), &key(), &roles)
            .await
            .unwrap(),
        Ensured::Assigned
    ));
    assert_eq!(server.take_one().method, "POST");

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
    let sent = server.take();
    assert_eq!(
        sent.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["POST", "PATCH"]
    );
    assert_eq!(
        sent[1].json(),
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
    assert_eq!(server.take().len(), 1);
}

#[tokio::test]
async fn envelope_and_pretty_are_sent_and_unwrapped() {
    let server = CaptureServer::start().await;
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(format!("{}/", server.url))
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
    let req = server.take_one();
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
async fn api_errors_carry_status_code_and_details() {
    let server = CaptureServer::start().await;
    // Error mapping, not retries: one attempt per call.
    let keys = ApiKeys::builder()
        .anonymous()
        .version(
            atlas_apikeys::atlas_versions()
                .next()
                .expect("an Atlas version"),
        )
        .base_url(&server.url)
        .retry(atlas_apikeys::client::RetryPolicy::none())
        .build()
        .unwrap();
    let update = ProjectKeyUpdate::new().roles([ProjectRole::GroupOwner]);

    server.reply(Reply::json(
        400,
        json!({
            "error": 400, "errorCode": "INVALID_ATTRIBUTE", "reason": "Bad Request",
            "detail": "Invalid attribute desc specified.", "parameters": ["desc"],
            "badRequestDetail": { "fields": [{ "field": "desc", "description": "too long" }] }
        }),
    ));
    let err = keys
        .update_project_roles(&project(), &key(), &update)
        .await
        .unwrap_err();
    let api = err.api().expect("api error");
    assert_eq!(
        (api.status, api.code.clone()),
        (400, Some(ErrorCode::InvalidAttribute))
    );
    assert_eq!(api.parameters, vec![json!("desc")]);
    assert_eq!(api.bad_request_detail[0].field, "desc");
    assert_eq!(
        err.to_string(),
        "HTTP 400 INVALID_ATTRIBUTE: Invalid attribute desc specified.; desc: too long"
    );

    // An undocumented status with an ApiError body (429 on this version).
    server.reply(Reply::json(
        429,
        json!({ "error": 429, "errorCode": "RATE_LIMITED", "detail": "Slow down." }),
    ));
    let err = keys
        .update_project_roles(&project(), &key(), &update)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert!(err.is_code("RATE_LIMITED") && err.api().unwrap().code == Some(ErrorCode::RateLimited));

    // A proxy's HTML page, on an undocumented and on a documented status.
    for status in [502, 403] {
        let page = format!(
            "<html>\n<head><title>{status}</title></head>\n<body>\x1b[31mblocked</body>\n</html>{}",
            "x".repeat(500)
        );
        server.reply(Reply::raw(status, "text/html", &page));
        let err = keys
            .update_project_roles(&project(), &key(), &update)
            .await
            .unwrap_err();
        let api = err.api().expect("api error");
        assert_eq!(api.status, status);
        assert_eq!(api.error_code, None);
        let excerpt = api.excerpt.as_deref().unwrap();
        assert!(excerpt.starts_with("\"<html> <head><title>"), "{excerpt}");
        assert!(
            !excerpt.contains('\x1b') && excerpt.chars().count() < 200,
            "{excerpt}"
        );
        assert!(err.to_string().contains("not an API error body"), "{err}");
    }

    // A success status with a body that is not the key.
    server.reply(Reply::raw(200, "text/html", "<html>maintenance</html>"));
    let err = keys
        .update_project_roles(&project(), &key(), &update)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { status: 200, .. }),
        "{err:?}"
    );
    server.reply(Reply::json(200, json!({ "desc": "no id" })));
    let err = keys
        .update_project_roles(&project(), &key(), &update)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("id")),
        "{err:?}"
    );

    // Nobody listening.
    drop(server);
    let closed = ApiKeys::builder()
        .anonymous()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let err = closed
        .update_project_roles(&project(), &key(), &update)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn responses_with_unknown_roles_extra_fields_and_nulls_are_read() {
    let server = CaptureServer::start().await;
    let keys = keys_for(&server, atlas_apikeys::latest_atlas_version()).await;
    server.reply(Reply::json(
        200,
        json!({
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
        }),
    ));
    let k = keys
        .update_org_key(&org(), &key(), &OrgKeyUpdate::new().description(desc("x")))
        .await
        .expect("lenient response");
    assert_eq!(k.description, None);
    assert_eq!(
        k.org_roles[0].role,
        OrgRole::Unknown("ORG_FUTURE_ROLE".into())
    );
    assert_eq!(
        k.project_roles[0].role,
        ProjectRole::Unknown("GROUP_FUTURE_ROLE".into())
    );
    assert_eq!(k.other_roles.len(), 2);
    assert!(k.links.is_empty());
    assert!(k.public_key.is_some());
    // The private key never prints.
    let debug = format!("{k:?}");
    assert!(!debug.contains("db2c132ca78d"), "{debug}");
    assert!(debug.contains("PrivateKey([REDACTED])"), "{debug}");
    assert_eq!(
        k.private_key.unwrap().expose_secret(),
        "********-****-****-db2c132ca78d"
    );
}

#[tokio::test]
async fn an_unreadable_success_body_is_an_error_whose_excerpt_hides_secrets() {
    let server = CaptureServer::start().await;
    let keys = keys_for(&server, atlas_apikeys::latest_atlas_version()).await;
    // `links` is not nullable in the spec: a null there cannot be read.
    server.reply(Reply::json(
        200,
        json!({ "id": "5d1113b25a115342acc2d1aa", "privateKey": "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", "links": null, "nested": { "client_secret": "s3cr3t" } }),
    ));
    let err = keys
        .update_org_key(&org(), &key(), &OrgKeyUpdate::new().description(desc("x")))
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

#[test]
fn builder_rejects_what_cannot_work() {
    let newest = atlas_apikeys::latest_atlas_version();
    let mut foreign = *newest;
    foreign.version = "2031-01-01";
    let leaked: &'static ApiVersion = Box::leak(Box::new(foreign));
    let err = ApiKeys::builder()
        .anonymous()
        .version(leaked)
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("2031-01-01") && err.to_string().contains(newest.version),
        "{err}"
    );
    let err = ApiKeys::builder()
        .anonymous()
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::ClientSetup(_)), "{err}");
    let err = ApiKeys::builder()
        .anonymous()
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::ClientSetup(_)), "{err}");
    // Plain http only to loopback, unless explicitly allowed.
    let err = ApiKeys::builder()
        .anonymous()
        .base_url("http://cloud.example.com")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("plain http to a non-loopback host"),
        "{err}"
    );
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:2",
        "https://cloud.example.com",
    ] {
        assert!(
            ApiKeys::builder().anonymous().base_url(ok).build().is_ok(),
            "{ok}"
        );
    }
    assert!(
        ApiKeys::builder()
            .anonymous()
            .base_url("http://cloud.example.com")
            .allow_insecure_http()
            .build()
            .is_ok()
    );
}

#[test]
fn a_builder_without_credentials_fails_unless_asked_to_be_anonymous() {
    let err = ApiKeys::builder().build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    assert!(
        err.to_string().contains("no credentials") && err.to_string().contains("from_env"),
        "{err}"
    );
    assert!(ApiKeys::builder().anonymous().build().is_ok());
    assert!(ApiKeys::builder().api_key("pub", "priv").build().is_ok());
}

#[test]
fn a_version_table_pins_its_own_system() {
    let other = atlas_apikeys::client::VERSIONS
        .iter()
        .find(|v| v.system != "atlas")
        .expect("another system");
    // version() takes any system's table, whole.
    let keys = ApiKeys::builder()
        .anonymous()
        .version(other)
        .base_url("https://om.example.com:8443")
        .build()
        .unwrap();
    assert_eq!(keys.version(), *other);
}
