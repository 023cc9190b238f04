//! Every operation of every generated version module against a real HTTP
//! server on loopback: what goes on the wire, and how answers come back.

use atlas_apikeys_client::{USER_AGENT, VERSIONS};
use atlas_apikeys_emulator::{Emulator, Reply, Seen};
use atlas_apikeys_tests::{take_one, vouching_emulator};
use progenitor_client::Error;
use serde_json::json;

/// A client that does not retry: these tests are about error shapes.
fn one_attempt<C>(
    server: &Emulator,
    connect: fn(atlas_apikeys_client::ClientConfig) -> Result<C, atlas_apikeys_client::BuildError>,
) -> C {
    connect(
        atlas_apikeys_client::ClientConfig::new()
            .base_url(server.url())
            .retry(atlas_apikeys_client::RetryPolicy::none()),
    )
    .expect("client")
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";

const GROUP: &str = "5e2211c17a3e5a48f5497de3";

const KEY: &str = "5d1113b25a115342acc2d1aa";

use atlas_apikeys_emulator::defaults::key_json;

/// The newest Atlas module's organization-key body, setting the
/// description to "x".
fn newest_org_body() -> atlas_apikeys_client::newest_atlas::types::UpdateAtlasOrganizationApiKey {
    atlas_apikeys_client::newest_atlas::types::UpdateAtlasOrganizationApiKey {
        desc: Some("x".into()),
        roles: vec![],
    }
}

/// Checks the method, path and query, then what every request shares.
fn assert_sent(
    req: &Seen,
    media: &atlas_apikeys_client::OperationMedia,
    (method, path, query): (&str, &str, Option<&str>),
) {
    assert_eq!(req.method, method, "{req:?}");
    assert_eq!(req.path, path, "{req:?}");
    assert_eq!(req.query.as_deref(), query, "{req:?}");
    assert_headers(req, media.accept, media.content_type);
}

/// Checks what every request shares: versioned media types from the table,
/// no `api-version`, our `User-Agent`.
fn assert_headers(req: &Seen, accept: &str, content_type: Option<&str>) {
    assert_eq!(req.header("accept"), Some(accept), "{req:?}");
    assert_eq!(req.header("content-type"), content_type, "{req:?}");
    assert_eq!(req.header("api-version"), None, "{req:?}");
    assert_eq!(req.header("user-agent"), Some(USER_AGENT), "{req:?}");
}

macro_rules! wire_checks {
    ($v:ident) => {{
        use atlas_apikeys_client::$v as api;
        let server = vouching_emulator().await;
        let client = api::client(&server.url()).expect("client");
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
        let req = take_one(&server);
        assert_sent(
            &req,
            media("update_org_api_key"),
            ("PATCH", &format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"), Some("envelope=true&pretty=false")),
        );
        assert_eq!(req.json().expect("JSON body"), json!({ "desc": "rotated", "roles": ["ORG_READ_ONLY", "ORG_BILLING_ADMIN"] }));

        // Only the fields given are sent.
        server.reply(Reply::json(200, key_json()));
        let body = api::types::UpdateAtlasOrganizationApiKey { desc: Some("only desc".into()), roles: vec![] };
        client.update_org_api_key(ORG, KEY, None, None, &body).await.expect("desc only");
        let req = take_one(&server);
        assert_eq!(req.query, None);
        assert_eq!(req.json().expect("JSON body"), json!({ "desc": "only desc" }));

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
        let req = take_one(&server);
        assert_sent(
            &req,
            media("add_group_api_key"),
            ("POST", &format!("/api/atlas/v2/groups/{GROUP}/apiKeys/{KEY}"), Some("pretty=true")),
        );
        assert_eq!(req.json().expect("JSON body"), json!([{ "roles": ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"] }]));

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
        let req = take_one(&server);
        assert_sent(
            &req,
            media("update_group_api_key_roles"),
            ("PATCH", &format!("/api/atlas/v2/groups/{GROUP}/apiKeys/{KEY}"), Some("envelope=false&includeCount=true&itemsPerPage=50&pageNum=2")),
        );
        assert_eq!(req.json().expect("JSON body"), json!({ "desc": "deploy", "roles": ["GROUP_OWNER"] }));
        1usize
    }};
}

mod requests;
mod responses;
