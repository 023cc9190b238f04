//! API errors carry status, code, reason, detail, parameters and field violations.

use super::*;

#[tokio::test]
async fn api_errors_carry_status_code_and_details() {
    let server = vouching_emulator().await;
    // Error mapping, not retries: one attempt per call.
    let keys = ApiKeys::builder()
        .anonymous()
        .version(
            atlas_apikeys::atlas_versions()
                .next()
                .expect("an Atlas version"),
        )
        .base_url(server.url())
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
