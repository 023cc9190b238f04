//! How responses are read: unknown roles and extra fields tolerated, documented errors parsed, anything else an error rather than a panic, envelopes unwrapped.

use super::*;

#[tokio::test]
async fn responses_tolerate_unknown_roles_extra_fields_and_nulls() {
    use atlas_apikeys_client::newest_atlas as api;
    let server = vouching_emulator().await;
    let client = api::client(&server.url()).unwrap();
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
    let body = newest_org_body();
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
    let server = vouching_emulator().await;
    let client = api::client(&server.url()).unwrap();
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
    let server = vouching_emulator().await;
    let client = one_attempt(&server, api::connect);
    let body = newest_org_body();
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
    assert_eq!(server.take_seen().len(), 7);
}

#[tokio::test]
async fn envelopes_are_unwrapped_and_their_status_is_the_one_that_counts() {
    use atlas_apikeys_client::operations::{Answer, Flags, Request};
    use atlas_apikeys_client::{CallError, Op, newest_atlas as api};
    let server = vouching_emulator().await;
    let client = one_attempt(&server, api::connect);
    let ops = one_attempt(&server, api::API_VERSION.connect);
    let org_body = newest_org_body();
    let enveloped = Request {
        org: Some(&ORG.parse().unwrap()),
        key: Some(&KEY.parse().unwrap()),
        desc: Some("x"),
        ..Request::new(Flags {
            envelope: Some(true),
            pretty: None,
        })
    };

    // A wrapped success.
    server.reply(Reply::json(
        200,
        json!({ "status": 200, "content": key_json() }),
    ));
    let (result, record) = ops.call(Op::UpdateOrgKey, enveloped).await;
    let Ok(Answer::Key(key)) = result else {
        panic!("enveloped success: {result:?}")
    };
    assert_eq!(key.id.as_str(), KEY);
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
    let result = client
        .update_org_api_key(ORG, KEY, Some(true), None, &org_body)
        .await;
    assert!(matches!(result, Err(Error::UnexpectedResponse(r)) if r.status().as_u16() == 503));
    server.reply(Reply::raw(503, "text/html", "<html>down</html>"));
    let (result, record) = ops.call(Op::UpdateOrgKey, enveloped).await;
    assert!(
        matches!(&result, Err(CallError::Response(r)) if r.status.as_u16() == 503),
        "{result:?}"
    );
    assert!(!record.unwrapped_envelope);

    // An envelope is only unwrapped when one was asked for.
    server.reply(Reply::json(200, json!({ "status": 404, "content": {} })));
    let plain = client
        .update_org_api_key(ORG, KEY, None, None, &org_body)
        .await
        .expect("not unwrapped");
    assert_eq!(plain.status().as_u16(), 200);
}
