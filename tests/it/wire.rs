//! Every operation of every generated version module against a real HTTP
//! server on loopback: what goes on the wire, and how answers come back.

use atlas_apikeys_client::{USER_AGENT, VERSIONS};
use atlas_apikeys_tests::capture::{CaptureServer, Captured, Reply};
use progenitor_client::Error;
use serde_json::json;

/// A client that does not retry: these tests are about error shapes.
fn one_attempt<C>(
    server: &CaptureServer,
    connect: fn(atlas_apikeys_client::ClientConfig) -> Result<C, atlas_apikeys_client::BuildError>,
) -> C {
    connect(
        atlas_apikeys_client::ClientConfig::new()
            .base_url(&server.url)
            .retry(atlas_apikeys_client::RetryPolicy::none()),
    )
    .expect("client")
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5e2211c17a3e5a48f5497de3";
const KEY: &str = "5d1113b25a115342acc2d1aa";

use atlas_apikeys_emulator::defaults::key_json;

/// Checks what every request shares: versioned media types from the table,
/// no `api-version`, our `User-Agent`.
fn assert_headers(req: &Captured, accept: &str, content_type: Option<&str>) {
    assert_eq!(req.header("accept"), Some(accept), "{req:?}");
    assert_eq!(req.header("content-type"), content_type, "{req:?}");
    assert_eq!(req.header("api-version"), None, "{req:?}");
    assert_eq!(req.header("user-agent"), Some(USER_AGENT), "{req:?}");
}

macro_rules! wire_checks {
    ($v:ident) => {{
        use atlas_apikeys_client::$v as api;
        let server = CaptureServer::start().await;
        let client = api::client(&server.url).expect("client");
        let table = &api::API_VERSION;
        let media = |id: &str| table.operation(id).expect("operation in table");

        // Atlas versions through the media type: every operation has a dated one.
        for op in table.operations {
            assert!(
                op.accept.starts_with("application/vnd.atlas.") && op.accept.ends_with("+json"),
                "{}: {}",
                stringify!($v),
                op.accept
            );
        }

        // 1. Update an organization API key.
        server.reply(Reply::json(200, key_json()));
        let body = api::types::UpdateAtlasOrganizationApiKey {
            desc: Some("rotated".into()),
            roles: vec![api::OrgRole::OrgReadOnly, api::OrgRole::OrgBillingAdmin],
        };
        let key = client
            .update_org_api_key(ORG, KEY, Some(true), Some(false), &body)
            .await
            .expect("update_org_api_key");
        assert_eq!(key.status().as_u16(), 200);
        assert_eq!(key.public_key.as_deref(), key_json()["publicKey"].as_str());
        let req = server.take_one();
        let m = media("update_org_api_key");
        assert_eq!(req.method, "PATCH");
        assert_eq!(req.path, format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"));
        assert_eq!(req.query.as_deref(), Some("envelope=true&pretty=false"));
        assert_headers(&req, m.accept, m.content_type);
        assert_eq!(req.json(), json!({ "desc": "rotated", "roles": ["ORG_READ_ONLY", "ORG_BILLING_ADMIN"] }));

        // Only the fields given are sent.
        server.reply(Reply::json(200, key_json()));
        let body = api::types::UpdateAtlasOrganizationApiKey { desc: Some("only desc".into()), roles: vec![] };
        client.update_org_api_key(ORG, KEY, None, None, &body).await.expect("desc only");
        let req = server.take_one();
        assert_eq!(req.query, None);
        assert_eq!(req.json(), json!({ "desc": "only desc" }));

        // 2. Assign the key to a project: a JSON array, answered by 204.
        server.reply(Reply::empty(204));
        let body = vec![api::types::UserAccessRoleAssignment {
            roles: vec![api::ProjectRole::GroupReadOnly, api::ProjectRole::GroupClusterManager],
            user_id: None,
        }];
        let done = client
            .add_group_api_key(GROUP, KEY, None, Some(true), &body)
            .await
            .expect("add_group_api_key");
        assert_eq!(done.status().as_u16(), 204);
        let req = server.take_one();
        let m = media("add_group_api_key");
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, format!("/api/atlas/v2/groups/{GROUP}/apiKeys/{KEY}"));
        assert_eq!(req.query.as_deref(), Some("pretty=true"));
        assert_headers(&req, m.accept, m.content_type);
        assert_eq!(req.json(), json!([{ "roles": ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"] }]));

        // 3. Update the key's roles (and description) in the project.
        server.reply(Reply::json(200, key_json()));
        let body = api::types::UpdateAtlasProjectApiKey {
            desc: Some("deploy".into()),
            roles: vec![api::ProjectRole::GroupOwner],
        };
        let key = client
            .update_group_api_key_roles(GROUP, KEY, Some(false), Some(true), Some(50), Some(2), None, &body)
            .await
            .expect("update_group_api_key_roles");
        assert_eq!(key.roles.len(), 2);
        let req = server.take_one();
        let m = media("update_group_api_key_roles");
        assert_eq!(req.method, "PATCH");
        assert_eq!(req.path, format!("/api/atlas/v2/groups/{GROUP}/apiKeys/{KEY}"));
        assert_eq!(
            req.query.as_deref(),
            Some("envelope=false&includeCount=true&itemsPerPage=50&pageNum=2")
        );
        assert_headers(&req, m.accept, m.content_type);
        assert_eq!(req.json(), json!({ "desc": "deploy", "roles": ["GROUP_OWNER"] }));
        1usize
    }};
}

#[tokio::test]
async fn every_operation_of_every_version_sends_what_its_table_says() {
    let mut covered = 0;
    macro_rules! run {
        ($v:ident) => {
            covered += wire_checks!($v);
        };
    }
    atlas_apikeys_client::for_each_atlas_version!(run);
    let atlas = VERSIONS.iter().filter(|v| v.system == "atlas").count();
    assert_eq!(covered, atlas);
    assert!(covered > 0);
}

#[tokio::test]
async fn responses_tolerate_unknown_roles_extra_fields_and_nulls() {
    use atlas_apikeys_client::newest_atlas as api;
    let server = CaptureServer::start().await;
    let client = api::client(&server.url).unwrap();
    server.reply(Reply::raw(
        200,
        "application/vnd.atlas.2023-01-01+json;charset=utf-8",
        &json!({
            "id": KEY,
            "desc": null,
            "publicKey": "a-longer-public-key",
            "privateKey": null,
            "someFieldFromTheFuture": { "nested": [1, 2] },
            "links": [],
            "roles": [
                { "orgId": ORG, "roleName": "ORG_FUTURE_ROLE" },
                { "groupId": GROUP, "roleName": "GROUP_OWNER", "extra": true },
                { "roleName": null }
            ]
        })
        .to_string(),
    ));
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    let key = client
        .update_org_api_key(ORG, KEY, None, None, &body)
        .await
        .expect("lenient response")
        .into_inner();
    assert_eq!(key.desc, None);
    assert_eq!(key.public_key.as_deref(), Some("a-longer-public-key"));
    let names: Vec<_> = key.roles.iter().map(|r| r.role_name.clone()).collect();
    assert_eq!(
        names,
        vec![
            Some(api::RoleName::Unknown("ORG_FUTURE_ROLE".into())),
            Some(api::RoleName::GroupOwner),
            None
        ]
    );
    assert!(!names[0].as_ref().unwrap().is_known());
}

#[tokio::test]
async fn documented_errors_parse_into_api_error() {
    use atlas_apikeys_client::newest_atlas as api;
    let server = CaptureServer::start().await;
    let client = api::client(&server.url).unwrap();
    let body = api::types::UpdateAtlasProjectApiKey {
        desc: None,
        roles: vec![api::ProjectRole::GroupOwner],
    };
    server.reply(Reply::json(
        404,
        json!({
            "detail": "No API key with ID 5d1113b25a115342acc2d1aa exists.",
            "error": 404,
            "errorCode": "API_KEY_NOT_FOUND",
            "parameters": [KEY],
            "reason": "Not Found"
        }),
    ));
    let err = client
        .update_group_api_key_roles(GROUP, KEY, None, None, None, None, None, &body)
        .await
        .expect_err("404");
    match err {
        Error::ErrorResponse(e) => {
            assert_eq!(e.status().as_u16(), 404);
            assert_eq!(e.error_code, "API_KEY_NOT_FOUND");
            assert_eq!(e.error, 404);
            assert_eq!(e.reason.as_deref(), Some("Not Found"));
            assert_eq!(e.parameters.len(), 1);
        }
        other => panic!("expected ErrorResponse, got {other:?}"),
    }

    server.reply(Reply::json(
        400,
        json!({
            "error": 400,
            "errorCode": "INVALID_ATTRIBUTE",
            "badRequestDetail": { "fields": [{ "description": "too long", "field": "desc" }] }
        }),
    ));
    let err = client
        .update_group_api_key_roles(GROUP, KEY, None, None, None, None, None, &body)
        .await
        .expect_err("400");
    let Error::ErrorResponse(e) = err else {
        panic!("expected ErrorResponse, got {err:?}")
    };
    let fields = &e.bad_request_detail.as_ref().expect("detail").fields;
    assert_eq!(fields[0].field, "desc");
}

#[tokio::test]
async fn undocumented_statuses_and_foreign_bodies_are_errors_not_panics() {
    use atlas_apikeys_client::newest_atlas as api;
    let server = CaptureServer::start().await;
    let client = one_attempt(&server, api::connect);
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    let call = || client.update_org_api_key(ORG, KEY, None, None, &body);

    // A status the spec does not document.
    server.reply(Reply::raw(418, "text/plain", "teapot"));
    assert!(
        matches!(call().await, Err(Error::UnexpectedResponse(r)) if r.status().as_u16() == 418)
    );

    // A proxy's HTML page where an ApiError was documented.
    server.reply(Reply::raw(
        502,
        "text/html",
        "<html><body>Bad Gateway</body></html>",
    ));
    assert!(
        matches!(call().await, Err(Error::UnexpectedResponse(r)) if r.status().as_u16() == 502)
    );
    server.reply(Reply::raw(401, "text/html", "<html>login</html>"));
    assert!(matches!(
        call().await,
        Err(Error::InvalidResponsePayload(..))
    ));

    // A success status with a body that is not the documented JSON.
    server.reply(Reply::raw(200, "text/html", "<html>maintenance</html>"));
    assert!(matches!(
        call().await,
        Err(Error::InvalidResponsePayload(..))
    ));
    server.reply(Reply::json(200, json!(["not", "an", "object"])));
    assert!(matches!(
        call().await,
        Err(Error::InvalidResponsePayload(..))
    ));
    server.reply(Reply::json(200, json!({ "roles": "not-a-list" })));
    assert!(matches!(
        call().await,
        Err(Error::InvalidResponsePayload(..))
    ));

    // An ApiError missing its required fields.
    server.reply(Reply::json(403, json!({ "message": "denied" })));
    assert!(matches!(
        call().await,
        Err(Error::InvalidResponsePayload(..))
    ));
    assert_eq!(server.take().len(), 7);
}

#[tokio::test]
async fn a_version_table_without_the_operation_fails_before_sending() {
    use atlas_apikeys_client::{ApiVersion, Context, newest_atlas as api};
    static EMPTY: ApiVersion = {
        let mut v = api::API_VERSION;
        v.operations = &[];
        v
    };
    let server = CaptureServer::start().await;
    let client =
        api::Client::new_with_client(&server.url, reqwest::Client::new(), Context::new(&EMPTY));
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    let err = client
        .update_org_api_key(ORG, KEY, None, None, &body)
        .await
        .expect_err("no table entry");
    assert!(
        matches!(&err, Error::Custom(m) if m.contains("update_org_api_key")),
        "{err:?}"
    );
    assert!(server.take().is_empty(), "nothing may reach the network");
}

#[tokio::test]
async fn envelopes_are_unwrapped_and_their_status_is_the_one_that_counts() {
    use atlas_apikeys_client::{newest_atlas as api, observe};
    let server = CaptureServer::start().await;
    let client = one_attempt(&server, api::connect);
    let org_body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };

    // A wrapped success.
    server.reply(Reply::json(
        200,
        json!({ "status": 200, "content": key_json() }),
    ));
    let (result, record) =
        observe(client.update_org_api_key(ORG, KEY, Some(true), None, &org_body)).await;
    let key = result.expect("enveloped success").into_inner();
    assert_eq!(key.id.as_deref(), Some(KEY));
    assert!(record.unwrapped_envelope);
    assert_eq!(record.status.map(|s| s.as_u16()), Some(200));

    // A wrapped error behind HTTP 200: the envelope's status counts.
    server.reply(Reply::json(
        200,
        json!({ "status": 404, "content": { "error": 404, "errorCode": "API_KEY_NOT_FOUND" } }),
    ));
    let err = client
        .update_org_api_key(ORG, KEY, Some(true), None, &org_body)
        .await
        .expect_err("enveloped 404");
    assert!(
        matches!(&err, Error::ErrorResponse(e) if e.status().as_u16() == 404 && e.error_code == "API_KEY_NOT_FOUND"),
        "{err:?}"
    );

    // A wrapped 204 with null content.
    server.reply(Reply::json(200, json!({ "status": 204, "content": null })));
    let body = vec![api::types::UserAccessRoleAssignment {
        roles: vec![api::ProjectRole::GroupOwner],
        user_id: None,
    }];
    let done = client
        .add_group_api_key(GROUP, KEY, Some(true), None, &body)
        .await
        .expect("enveloped 204");
    assert_eq!(done.status().as_u16(), 204);

    // Asked for an envelope, got a proxy page: passed on, reported, no panic.
    server.reply(Reply::raw(503, "text/html", "<html>down</html>"));
    let (result, record) =
        observe(client.update_org_api_key(ORG, KEY, Some(true), None, &org_body)).await;
    assert!(matches!(result, Err(Error::UnexpectedResponse(r)) if r.status().as_u16() == 503));
    assert!(!record.unwrapped_envelope);

    // An envelope is only unwrapped when one was asked for.
    server.reply(Reply::json(200, json!({ "status": 404, "content": {} })));
    let plain = client
        .update_org_api_key(ORG, KEY, None, None, &org_body)
        .await
        .expect("not unwrapped");
    assert_eq!(plain.status().as_u16(), 200);
}

#[tokio::test]
async fn observe_reports_the_status_progenitor_drops() {
    use atlas_apikeys_client::{newest_atlas as api, observe};
    let server = CaptureServer::start().await;
    let client = api::client(&server.url).unwrap();
    let body = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    };
    server.reply(Reply::raw(
        403,
        "text/html",
        "<html>blocked by a firewall</html>",
    ));
    let (result, record) = observe(client.update_org_api_key(ORG, KEY, None, None, &body)).await;
    assert!(matches!(result, Err(Error::InvalidResponsePayload(..))));
    assert_eq!(record.status.map(|s| s.as_u16()), Some(403));
}
