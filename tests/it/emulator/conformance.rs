//! Every answer conforms to the fragments' schemas, and every malformed request gets an `ApiError`, for every Atlas version.

use super::*;
use atlas_apikeys::client::Op;

#[tokio::test]
async fn responses_conform_to_the_fragments_and_bad_requests_get_api_errors() {
    for version in atlas_apikeys::atlas_versions() {
        conforms(version).await;
    }
}

/// The answers a client pinned to `version` gets, against that version's
/// fragment.
async fn conforms(version: &'static ApiVersion) {
    let emu = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let bearer = token(&http, &emu).await;
    let fragment = Fragment::load(&format!("atlas-{}.json", version.version));
    let dated = dated(version);
    let org_path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    );
    let group_path = format!(
        "/api/atlas/v2/groups/{}/apiKeys/{}",
        defaults::PROJECT,
        defaults::TARGET.id
    );
    let api_error = json!({ "$ref": "#/components/schemas/ApiError" });

    // The organization's and the project's endpoint for the example key.
    let org = |method, body: &str, status, code| {
        let body = body.to_owned();
        (method, ORG_PATH, org_path.clone(), body, status, code)
    };
    let group = |method, body: &str, status, code| {
        let body = body.to_owned();
        (method, GROUP_PATH, group_path.clone(), body, status, code)
    };
    let too_long = format!(r#"{{"desc":"{}"}}"#, "x".repeat(251));
    let mut cases: Vec<(&str, &str, String, String, u16, &str)> = vec![
        org("PATCH", r#"{"desc":"ok","roles":["ORG_MEMBER"]}"#, 200, ""),
        group("POST", r#"[{"roles":["GROUP_READ_ONLY"]}]"#, 204, ""),
        group("PATCH", r#"{"roles":["GROUP_OWNER"]}"#, 200, ""),
        group(
            "POST",
            r#"[{"roles":["GROUP_READ_ONLY"]}]"#,
            409,
            "API_KEY_ALREADY_IN_GROUP",
        ),
        org("PATCH", &too_long, 400, "INVALID_ATTRIBUTE"),
        org("PATCH", "{}", 400, "MISSING_ATTRIBUTE"),
        org("PATCH", r#"{"roles":[]}"#, 400, "INVALID_ATTRIBUTE"),
        org(
            "PATCH",
            r#"{"roles":["ORG_WIZARD"]}"#,
            400,
            "INVALID_ENUM_VALUE",
        ),
        org(
            "PATCH",
            r#"{"roles":["GROUP_OWNER"]}"#,
            400,
            "INVALID_ROLE_FOR_SCOPE",
        ),
        group(
            "PATCH",
            r#"{"roles":["ORG_OWNER"]}"#,
            400,
            "INVALID_ROLE_FOR_SCOPE",
        ),
        group("POST", r#"[]"#, 400, "MISSING_ATTRIBUTE"),
        org("PATCH", r#"{"desc": "#, 400, "INVALID_JSON"),
        (
            "PATCH",
            ORG_PATH,
            org_path.replace(defaults::ORG, "NOT-AN-ID"),
            r#"{"desc":"x"}"#.into(),
            400,
            "INVALID_ORG_ID",
        ),
        (
            "PATCH",
            ORG_PATH,
            format!("{org_path}?envelope=maybe"),
            r#"{"desc":"x"}"#.into(),
            400,
            "INVALID_QUERY_PARAMETER",
        ),
        (
            "PATCH",
            GROUP_PATH,
            format!("{group_path}?itemsPerPage=501"),
            r#"{"desc":"x"}"#.into(),
            400,
            "INVALID_QUERY_PARAMETER",
        ),
        org("PUT", "", 405, "METHOD_NOT_ALLOWED"),
        (
            "PATCH",
            ORG_PATH,
            "/api/atlas/v2/clusters".into(),
            "{}".into(),
            404,
            "RESOURCE_NOT_FOUND",
        ),
        org("PATCH", &"x".repeat(70_000), 413, "PAYLOAD_TOO_LARGE"),
    ];
    // The read, where the version offers it: what it answers conforms too.
    if version.offers(Op::GetOrgKey).is_some() {
        cases.insert(1, org("GET", "", 200, ""));
    }
    // Unassigning, where offered: then the key is in no project.
    if version.offers(Op::UnassignFromProject).is_some() {
        cases.insert(5, group("DELETE", "", 204, ""));
        cases.insert(6, group("DELETE", "", 404, "API_KEY_NOT_FOUND"));
    }
    for (method, template, path, body, status, code) in cases {
        let r = raw(&http, &emu, &bearer, (method, &dated), &path, &body).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        if status >= 400 {
            assert_eq!(r.body["errorCode"], code, "{method} {path}");
            assert_eq!(r.content_type, "application/json");
            let v = fragment.violations(&r.body, &api_error);
            assert!(v.is_empty(), "{method} {path}: {v:?}");
        } else if status == 200 {
            // The key operations' resource version this version's table sends.
            let sent = version.offers(Op::UpdateOrgKey).expect("offered").accept;
            assert_eq!(r.content_type, format!("{sent};charset=utf-8"));
            let schema = fragment
                .response_schema(method, template, 200)
                .expect("documented 200");
            let v = fragment.violations(&r.body, &schema);
            assert!(v.is_empty(), "{method} {path}: {v:?}");
            assert_eq!(
                r.body["privateKey"].as_str().unwrap().len(),
                31,
                "redacted like the docs show"
            );
        }
    }

    // Wrong content type; versions; pretty; envelope.
    let authorization = format!("Bearer {bearer}");
    let with = |accept, content_type| {
        [
            ("authorization", authorization.as_str()),
            ("accept", accept),
            ("content-type", content_type),
        ]
    };
    let r = patch(&emu, &org_path, &with(&dated, "text/plain"), "desc=x").await;
    assert_eq!(r.status().as_u16(), 415);
    for accept in ["application/json", "application/vnd.atlas.2022-01-01+json"] {
        let r = patch(
            &emu,
            &org_path,
            &with(accept, "application/json"),
            r#"{"desc":"x"}"#,
        )
        .await;
        assert_eq!(r.status().as_u16(), 406, "{accept}");
    }
    let r = patch(
        &emu,
        &format!("{org_path}?pretty=true&envelope=true"),
        &with(&dated, "application/json"),
        r#"{"desc":"x"}"#,
    )
    .await;
    let text = r.text().await.unwrap();
    assert!(text.starts_with("{\n  \"content\": {"), "{text}");
    let env: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(env["status"], 200);
    assert!(
        fragment
            .violations(
                &env["content"],
                &fragment.response_schema("PATCH", ORG_PATH, 200).unwrap()
            )
            .is_empty()
    );
    // Garbage credentials are a 401, never a crash.
    for auth in [
        "Digest",
        "Digest username=",
        "Bearer",
        "Basic Zm9vOmJhcg==",
        "Digest realm=\"\u{1}\"",
        "\u{7f}",
    ] {
        let r = http
            .patch(format!("{}{org_path}", emu.url()))
            .header("authorization", auth)
            .send()
            .await;
        if let Ok(r) = r {
            assert_eq!(r.status().as_u16(), 401, "{auth:?}");
        }
    }
    // Deleting the key, where offered, last: then it is not found.
    if version.offers(Op::DeleteOrgKey).is_some() {
        for (status, code) in [(204, ""), (404, "API_KEY_NOT_FOUND")] {
            let r = raw(&http, &emu, &bearer, ("DELETE", &dated), &org_path, "").await;
            assert_eq!(r.status, status, "{}", r.body);
            if status == 404 {
                assert_eq!(r.body["errorCode"], code);
                assert!(fragment.violations(&r.body, &api_error).is_empty());
            }
        }
    }
}

/// The rest of a key's life answers as each version's fragment says too:
/// lists, new keys (with their private key whole), access lists; and its
/// bad requests get `ApiError`s.
#[tokio::test]
async fn the_life_of_a_key_conforms_to_the_fragments() {
    for version in atlas_apikeys::atlas_versions() {
        if version.offers(Op::ListOrgKeys).is_none() {
            continue;
        }
        let emu = emulator(Config::default()).await;
        let http = reqwest::Client::new();
        let bearer = token(&http, &emu).await;
        let fragment = Fragment::load(&format!("atlas-{}.json", version.version));
        let dated = dated(version);
        let (org, project, key) = (defaults::ORG, defaults::PROJECT, defaults::TARGET.id);
        let keys = "/api/atlas/v2/orgs/{orgId}/apiKeys";
        let group_keys = "/api/atlas/v2/groups/{groupId}/apiKeys";
        let access = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList";
        let entry = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}";
        let api_error = json!({ "$ref": "#/components/schemas/ApiError" });
        let cases: Vec<(&str, &str, String, &str, u16, &str)> = vec![
            (
                "GET",
                keys,
                format!("/api/atlas/v2/orgs/{org}/apiKeys?includeCount=true"),
                "",
                200,
                "",
            ),
            (
                "POST",
                keys,
                format!("/api/atlas/v2/orgs/{org}/apiKeys"),
                r#"{"desc":"new","roles":["ORG_MEMBER"]}"#,
                200,
                "",
            ),
            (
                "POST",
                keys,
                format!("/api/atlas/v2/orgs/{org}/apiKeys"),
                r#"{"roles":["ORG_MEMBER"]}"#,
                400,
                "MISSING_ATTRIBUTE",
            ),
            (
                "GET",
                group_keys,
                format!("/api/atlas/v2/groups/{project}/apiKeys"),
                "",
                200,
                "",
            ),
            (
                "POST",
                group_keys,
                format!("/api/atlas/v2/groups/{project}/apiKeys"),
                r#"{"desc":"p","roles":["GROUP_READ_ONLY"]}"#,
                200,
                "",
            ),
            (
                "GET",
                keys,
                format!("/api/atlas/v2/orgs/{org}/apiKeys?itemsPerPage=501"),
                "",
                400,
                "INVALID_QUERY_PARAMETER",
            ),
            (
                "POST",
                access,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList"),
                r#"[{"cidrBlock":"127.0.0.0/8"},{"ipAddress":"192.0.2.7"}]"#,
                200,
                "",
            ),
            (
                "POST",
                access,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList"),
                r#"[{"cidrBlock":"10.0.0.1/8"}]"#,
                400,
                "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
            ),
            (
                "POST",
                access,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList"),
                r#"[{"cidrBlock":"10.0.0.0/8","ipAddress":"10.0.0.1"}]"#,
                400,
                "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
            ),
            (
                "GET",
                access,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList"),
                "",
                200,
                "",
            ),
            (
                "GET",
                entry,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList/127.0.0.0%2F8"),
                "",
                200,
                "",
            ),
            (
                "GET",
                entry,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList/203.0.113.1"),
                "",
                404,
                "API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND",
            ),
            (
                "DELETE",
                entry,
                format!("/api/atlas/v2/orgs/{org}/apiKeys/{key}/accessList/192.0.2.7"),
                "",
                204,
                "",
            ),
        ];
        for (method, template, path, body, status, code) in cases {
            let r = raw(&http, &emu, &bearer, (method, &dated), &path, body).await;
            let what = format!("{} {method} {path}", version.version);
            assert_eq!(r.status, status, "{what}: {}", r.body);
            if status >= 400 {
                assert_eq!(r.body["errorCode"], code, "{what}");
                assert!(
                    fragment.violations(&r.body, &api_error).is_empty(),
                    "{what}"
                );
            } else if status == 200 {
                let schema = fragment
                    .response_schema(method, template, 200)
                    .expect("documented 200");
                let v = fragment.violations(&r.body, &schema);
                assert!(v.is_empty(), "{what}: {v:?}");
                if method == "POST" && template != access {
                    let private = r.body["privateKey"].as_str().unwrap_or_default();
                    assert_eq!(
                        private.len(),
                        36,
                        "{what}: the new key's private key, whole"
                    );
                }
            }
        }
    }
}
