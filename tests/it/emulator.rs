//! The SDK against the emulator: every operation, version and auth mode,
//! the error paths a real server has, responses held to the fragments'
//! schemas, faults, and malformed requests that must never crash it.

use std::time::Duration;

use atlas_apikeys::client::{ApiVersion, RetryPolicy};
use atlas_apikeys::{
    ApiKeyId, ApiKeys, Description, Ensured, Error, OrgId, OrgKeyUpdate, OrgRole, ProjectId,
    ProjectKeyUpdate, ProjectRole, ProjectRoles,
};
use atlas_apikeys_emulator::config::RateLimitConfig;
use atlas_apikeys_emulator::{Config, Emulator, Fault, FaultConfig, System, defaults};
use atlas_apikeys_tests::schema::Fragment;
use serde_json::{Value, json};

async fn emulator(config: Config) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

fn fast() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(20))
}

#[derive(Clone, Copy, Debug)]
enum Auth {
    Digest,
    ServiceAccount,
}

fn keys(emu: &Emulator, version: &'static ApiVersion, auth: Auth) -> ApiKeys {
    let b = ApiKeys::builder()
        .version(version)
        .base_url(emu.url())
        .retry(fast());
    match auth {
        Auth::Digest => b.api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE),
        Auth::ServiceAccount => b.service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET),
    }
    .build()
    .unwrap()
}

fn org() -> OrgId {
    defaults::ORG.parse().unwrap()
}
fn project() -> ProjectId {
    defaults::PROJECT.parse().unwrap()
}
fn other_project() -> ProjectId {
    defaults::OTHER_PROJECT.parse().unwrap()
}
fn target() -> ApiKeyId {
    defaults::TARGET_KEY.parse().unwrap()
}

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
            let stored = emu.api_key(defaults::TARGET_KEY).unwrap();
            assert_eq!(
                stored.org_roles,
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
                emu.api_key(defaults::TARGET_KEY).unwrap().project_roles[defaults::PROJECT],
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
        .api_key(defaults::READER_PUBLIC, defaults::READER_PRIVATE)
        .build()
        .unwrap();
    let owner = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = OrgKeyUpdate::new().description(Description::new("x").unwrap());
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);

    // An org member without ORG_OWNER may not update keys or assign them.
    let err = reader
        .update_org_key(&org(), &target(), &update)
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.is_code("USER_UNAUTHORIZED")),
        (Some(403), true),
        "{err}"
    );
    let err = reader
        .assign_to_project(&project(), &target(), &roles)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");

    // Another organization's resources are out of reach.
    let foreign_org: OrgId = defaults::FOREIGN_ORG.parse().unwrap();
    let foreign_project: ProjectId = defaults::FOREIGN_PROJECT.parse().unwrap();
    assert_eq!(
        owner
            .update_org_key(&foreign_org, &target(), &update)
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    assert_eq!(
        owner
            .assign_to_project(&foreign_project, &target(), &roles)
            .await
            .unwrap_err()
            .status(),
        Some(403)
    );
    let foreign_key: ApiKeyId = defaults::FOREIGN_KEY.parse().unwrap();
    let err = owner
        .assign_to_project(&project(), &foreign_key, &roles)
        .await
        .unwrap_err();
    assert!(err.is_code("API_KEY_NOT_FOUND"), "{err}");

    // Unknown things are 404.
    let nowhere: OrgId = "0123456789abcdef01234567".parse().unwrap();
    assert!(
        owner
            .update_org_key(&nowhere, &target(), &update)
            .await
            .unwrap_err()
            .is_code("ORG_NOT_FOUND")
    );
    let no_project: ProjectId = "0123456789abcdef01234567".parse().unwrap();
    assert!(
        owner
            .assign_to_project(&no_project, &target(), &roles)
            .await
            .unwrap_err()
            .is_code("GROUP_NOT_FOUND")
    );
    let no_key: ApiKeyId = "0123456789abcdef01234567".parse().unwrap();
    assert!(
        owner
            .update_org_key(&org(), &no_key, &update)
            .await
            .unwrap_err()
            .is_code("API_KEY_NOT_FOUND")
    );
    // Updating roles in a project the key is not in.
    let err = owner
        .update_project_roles(
            &project(),
            &target(),
            &ProjectKeyUpdate::new().roles([ProjectRole::GroupOwner]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");

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
        .api_key(defaults::OWNER_PUBLIC, "nope")
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
    assert_eq!(key.org_roles[0].role, OrgRole::Unknown(NEWER.into()));
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
    let update = OrgKeyUpdate::new().description(Description::new("x").unwrap());
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
        defaults::TARGET_KEY
    );
    assert_eq!(
        raw(&http, &emu, &bearer, "PATCH", &path, r#"{"desc":"x"}"#)
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
    let update = OrgKeyUpdate::new().description(Description::new("x").unwrap());
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

#[tokio::test]
async fn faults_are_survived_or_reported() {
    let emu = emulator(Config::default()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = OrgKeyUpdate::new().description(Description::new("x").unwrap());
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    for fault in [
        Fault::Html502,
        Fault::Drop,
        Fault::Status(503),
        Fault::Latency(50),
        Fault::RotateNonces,
    ] {
        emu.inject(None, fault);
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    }
    // A response cut short is a failed exchange: retried, or reported.
    emu.inject(None, Fault::Truncate);
    keys.update_org_key(&org(), &target(), &update)
        .await
        .expect("retried after a truncated response");
    let once = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    once.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    emu.inject(None, Fault::Truncate);
    let err = once
        .update_org_key(&org(), &target(), &update)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Random faults at a steady rate: retries carry every call through.
    emu.configure_faults(FaultConfig {
        error_rate: 0.2,
        html_502_rate: 0.1,
        drop_rate: 0.1,
        seed: 7,
        ..FaultConfig::default()
    });
    let sturdy = ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
        .retry(fast().max_attempts(8))
        .build()
        .unwrap();
    for _ in 0..30 {
        sturdy
            .update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
    }
    assert!(emu.counters().faults > 5, "{:?}", emu.counters());
}

#[tokio::test]
async fn nonces_expire_as_configured() {
    let mut config = Config::default();
    config.digest.nonce_lifetime_ms = 100;
    let emu = emulator(config).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = OrgKeyUpdate::new().description(Description::new("x").unwrap());
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    assert_eq!(emu.counters().stale, 1);
}

/// An access token from the emulator, for raw requests.
async fn token(http: &reqwest::Client, emu: &Emulator) -> String {
    let response: Value = http
        .post(format!("{}/api/oauth/token", emu.url()))
        .basic_auth(defaults::CLIENT_ID, Some(defaults::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"].as_str().unwrap().to_owned()
}

struct Raw {
    status: u16,
    content_type: String,
    body: Value,
}

async fn raw(
    http: &reqwest::Client,
    emu: &Emulator,
    bearer: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Raw {
    let request = http
        .request(method.parse().unwrap(), format!("{}{path}", emu.url()))
        .bearer_auth(bearer)
        .header("accept", "application/vnd.atlas.2025-02-19+json")
        .header("content-type", "application/vnd.atlas.2023-01-01+json")
        .body(body.to_owned());
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    Raw {
        status,
        content_type,
        body,
    }
}

const ORG_PATH: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";
const GROUP_PATH: &str = "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}";

#[tokio::test]
async fn responses_conform_to_the_fragments_and_bad_requests_get_api_errors() {
    let emu = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let bearer = token(&http, &emu).await;
    let fragment = Fragment::load("atlas-2025-02-19.json");
    let org_path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET_KEY
    );
    let group_path = format!(
        "/api/atlas/v2/groups/{}/apiKeys/{}",
        defaults::PROJECT,
        defaults::TARGET_KEY
    );
    let api_error = json!({ "$ref": "#/components/schemas/ApiError" });

    let cases: Vec<(&str, &str, String, String, u16, &str)> = vec![
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            r#"{"desc":"ok","roles":["ORG_MEMBER"]}"#.into(),
            200,
            "",
        ),
        (
            "POST",
            GROUP_PATH,
            group_path.clone(),
            r#"[{"roles":["GROUP_READ_ONLY"]}]"#.into(),
            204,
            "",
        ),
        (
            "PATCH",
            GROUP_PATH,
            group_path.clone(),
            r#"{"roles":["GROUP_OWNER"]}"#.into(),
            200,
            "",
        ),
        (
            "POST",
            GROUP_PATH,
            group_path.clone(),
            r#"[{"roles":["GROUP_READ_ONLY"]}]"#.into(),
            409,
            "API_KEY_ALREADY_IN_GROUP",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            format!(r#"{{"desc":"{}"}}"#, "x".repeat(251)),
            400,
            "INVALID_ATTRIBUTE",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            "{}".into(),
            400,
            "MISSING_ATTRIBUTE",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            r#"{"roles":[]}"#.into(),
            400,
            "INVALID_ATTRIBUTE",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            r#"{"roles":["ORG_WIZARD"]}"#.into(),
            400,
            "INVALID_ENUM_VALUE",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            r#"{"roles":["GROUP_OWNER"]}"#.into(),
            400,
            "INVALID_ROLE_FOR_SCOPE",
        ),
        (
            "PATCH",
            GROUP_PATH,
            group_path.clone(),
            r#"{"roles":["ORG_OWNER"]}"#.into(),
            400,
            "INVALID_ROLE_FOR_SCOPE",
        ),
        (
            "POST",
            GROUP_PATH,
            group_path.clone(),
            r#"[]"#.into(),
            400,
            "MISSING_ATTRIBUTE",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            r#"{"desc": "#.into(),
            400,
            "INVALID_JSON",
        ),
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
        (
            "DELETE",
            ORG_PATH,
            org_path.clone(),
            String::new(),
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            "PATCH",
            ORG_PATH,
            "/api/atlas/v2/clusters".into(),
            "{}".into(),
            404,
            "RESOURCE_NOT_FOUND",
        ),
        (
            "PATCH",
            ORG_PATH,
            org_path.clone(),
            "x".repeat(70_000),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for (method, template, path, body, status, code) in cases {
        let r = raw(&http, &emu, &bearer, method, &path, &body).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.body);
        if status >= 400 {
            assert_eq!(r.body["errorCode"], code, "{method} {path}");
            assert_eq!(r.content_type, "application/json");
            let v = fragment.violations(&r.body, &api_error);
            assert!(v.is_empty(), "{method} {path}: {v:?}");
        } else if status == 200 {
            assert_eq!(r.content_type, atlas_apikeys_emulator_success_type());
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
    let r = http
        .patch(format!("{}{org_path}", emu.url()))
        .bearer_auth(&bearer)
        .header("accept", "application/vnd.atlas.2025-02-19+json")
        .header("content-type", "text/plain")
        .body("desc=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 415);
    for accept in ["application/json", "application/vnd.atlas.2022-01-01+json"] {
        let r = http
            .patch(format!("{}{org_path}", emu.url()))
            .bearer_auth(&bearer)
            .header("accept", accept)
            .header("content-type", "application/json")
            .body(r#"{"desc":"x"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 406, "{accept}");
    }
    let r = http
        .patch(format!("{}{org_path}?pretty=true&envelope=true", emu.url()))
        .bearer_auth(&bearer)
        .header("accept", "application/vnd.atlas.2025-02-19+json")
        .header("content-type", "application/json")
        .body(r#"{"desc":"x"}"#)
        .send()
        .await
        .unwrap();
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
}

fn atlas_apikeys_emulator_success_type() -> &'static str {
    "application/vnd.atlas.2023-01-01+json;charset=utf-8"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_digest_works_on_every_system_and_role_sets_differ() {
    let run = |args: Vec<String>| async move {
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new("curl")
                .args(&args)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let user = format!("{}:{}", defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE);
    let patch = |url: String, body: &str, accept: &str| {
        vec![
            "--silent".into(),
            "--digest".into(),
            "--user".into(),
            user.clone(),
            "--request".into(),
            "PATCH".into(),
            "--header".into(),
            format!("Accept: {accept}"),
            "--header".into(),
            "Content-Type: application/json".into(),
            "--data".into(),
            body.to_owned(),
            "--write-out".into(),
            "\n%{http_code}".into(),
            url,
        ]
    };
    // Atlas: the README's example request.
    let atlas = emulator(Config::default()).await;
    let out = run(patch(
        format!(
            "{}/api/atlas/v2/orgs/{}/apiKeys/{}",
            atlas.url(),
            defaults::ORG,
            defaults::TARGET_KEY
        ),
        r#"{"desc":"rotated with curl","roles":["ORG_MEMBER"]}"#,
        "application/vnd.atlas.2025-02-19+json",
    ))
    .await;
    assert!(out.ends_with("\n200"), "{out}");

    for (system, billing_ok) in [(System::CloudManager, true), (System::OpsManager, false)] {
        let emu = emulator(Config {
            system,
            ..Config::default()
        })
        .await;
        let base = format!("{}/api/public/v1.0", emu.url());
        let out = run(patch(
            format!(
                "{base}/orgs/{}/apiKeys/{}",
                defaults::ORG,
                defaults::TARGET_KEY
            ),
            r#"{"desc":"v1"}"#,
            "application/json",
        ))
        .await;
        assert!(out.ends_with("\n200"), "{system:?}: {out}");
        // The one PATCH that assigns and replaces.
        let group = format!(
            "{base}/groups/{}/apiKeys/{}",
            defaults::PROJECT,
            defaults::TARGET_KEY
        );
        let out = run(patch(
            group.clone(),
            r#"{"roles":["GROUP_AUTOMATION_ADMIN"]}"#,
            "application/json",
        ))
        .await;
        assert!(
            out.ends_with("\n200") && out.contains("GROUP_AUTOMATION_ADMIN"),
            "{system:?}: {out}"
        );
        let out = run(patch(
            group.clone(),
            r#"{"roles":["GROUP_BILLING_ADMIN"]}"#,
            "application/json",
        ))
        .await;
        assert_eq!(out.ends_with("\n200"), billing_ok, "{system:?}: {out}");
        if !billing_ok {
            assert!(out.contains("INVALID_ENUM_VALUE"), "{out}");
        }
        // Atlas-only roles are not roles here.
        let out = run(patch(
            group,
            r#"{"roles":["GROUP_CLUSTER_MANAGER"]}"#,
            "application/json",
        ))
        .await;
        assert!(out.ends_with("\n400"), "{system:?}: {out}");
        // OAuth: Cloud Manager offers it, Ops Manager does not.
        let http = reqwest::Client::new();
        let status = http
            .post(format!("{}/api/oauth/token", emu.url()))
            .basic_auth(defaults::CLIENT_ID, Some(defaults::CLIENT_SECRET))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(
            status,
            if system.offers_oauth() { 200 } else { 404 },
            "{system:?}"
        );
    }
}

#[tokio::test]
async fn seeds_load_from_json_and_toml() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.seed.api_keys[1].description = "from a file".into();
    let json_path = dir.path().join("emulator.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let toml_path = dir.path().join("emulator.toml");
    std::fs::write(&toml_path, toml_text(&config)).unwrap();
    for path in [&json_path, &toml_path] {
        let loaded = Config::from_file(path).unwrap_or_else(|e| panic!("{e}"));
        let emu = emulator(loaded).await;
        assert_eq!(
            emu.api_key(defaults::TARGET_KEY).unwrap().description,
            "from a file"
        );
    }
    let mut broken = Config::default();
    broken.seed.projects[0].org_id = "ffffffffffffffffffffffff".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&broken).unwrap()).unwrap();
    let err = Config::from_file(&bad).unwrap_err().to_string();
    assert!(err.contains("unknown organization"), "{err}");
    std::fs::write(&bad, "{ not json").unwrap();
    assert!(
        Config::from_file(&bad)
            .unwrap_err()
            .to_string()
            .contains("bad.json")
    );
}

fn toml_text(config: &Config) -> String {
    // The TOML a user would write: the same structure, TOML syntax.
    let value: Value = serde_json::to_value(config).unwrap();
    let toml_value: toml_value::Value = serde_json::from_value(value).unwrap();
    toml_value::to_string(&toml_value)
}

mod toml_value {
    pub use toml::Value;
    /// The value as TOML text.
    pub fn to_string(v: &Value) -> String {
        toml::to_string(v).unwrap()
    }
}

#[test]
fn nonce_memory_is_bounded() {
    use atlas_apikeys_emulator::digest::{DigestConfig, MAX_NONCES, Nonces};
    let mut nonces = Nonces::default();
    let config = DigestConfig::default();
    for _ in 0..(MAX_NONCES + 100) {
        nonces.challenges(&config, false);
    }
    assert!(nonces.len() <= MAX_NONCES, "{}", nonces.len());
}

/// 64 concurrent callers on one client against the emulator's default,
/// strict digest (each nc must exceed the last seen for its nonce): every
/// call succeeds, and once warm a call costs one exchange.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_digest_callers_on_one_client_all_succeed() {
    const CALLERS: usize = 64;
    const CALLS: usize = 40;
    let emu = emulator(Config::default()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = OrgKeyUpdate::new().description(Description::new("concurrent").unwrap());
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let (keys, update) = (keys.clone(), update.clone());
            tokio::spawn(async move {
                for _ in 0..CALLS {
                    keys.update_org_key(&org(), &target(), &update).await?;
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            failures.push(e.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "{} callers failed: {failures:?}",
        failures.len()
    );
    let c = emu.counters();
    let calls = (CALLERS * CALLS) as u64;
    assert_eq!(c.authenticated, calls, "{c:?}");
    assert!(
        c.challenges <= CALLERS as u64,
        "one challenge per caller at most: {c:?}"
    );
    let per_call = c.exchanges as f64 / calls as f64;
    assert!(per_call <= 1.05, "{per_call:.3} exchanges per call: {c:?}");
}

/// A strict server refuses a count at or below the highest it saw for a
/// nonce, and answers with a fresh challenge.
#[tokio::test]
async fn the_emulator_refuses_an_nc_that_does_not_increase() {
    use atlas_apikeys_emulator::digest::{DigestConfig, Nonces, Verdict};
    let config = DigestConfig::default();
    let mut nonces = Nonces::default();
    let challenge = nonces.challenges(&config, false).remove(0);
    let nonce = challenge
        .split("nonce=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let answer = |nc: u32| {
        let mut client = http_auth::digest::DigestClient::try_from(
            &http_auth::parse_challenges(&challenge).unwrap()[0],
        )
        .unwrap();
        let mut header = String::new();
        for _ in 0..nc {
            header = client
                .respond(&http_auth::PasswordParams {
                    username: "u",
                    password: "p",
                    uri: "/x",
                    method: "GET",
                    body: None,
                })
                .unwrap();
        }
        header
    };
    let mut verify =
        |header: &str| nonces.verify(&config, "GET", "/x", b"", header, |_| Some("p".into()));
    assert!(
        matches!(verify(&answer(2)), Verdict::Valid { .. }),
        "{nonce}"
    );
    assert_eq!(
        verify(&answer(1)),
        Verdict::Challenge { stale: false },
        "late count"
    );
    assert_eq!(
        verify(&answer(2)),
        Verdict::Challenge { stale: false },
        "repeated count"
    );
    assert!(matches!(verify(&answer(3)), Verdict::Valid { .. }));
}

fn digest_emulator(edit: impl FnOnce(&mut atlas_apikeys_emulator::digest::DigestConfig)) -> Config {
    let mut config = Config::default();
    edit(&mut config.digest);
    config
}

/// Every operation (two of them send a body) against a server offering
/// `qop="auth,auth-int"` that verifies auth-int as RFC 7616 says: the
/// client answers `auth`, which it computes correctly.
#[tokio::test]
async fn a_server_offering_auth_int_is_answered_correctly() {
    let emu = emulator(digest_emulator(|d| d.offer_auth_int = true)).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    keys.update_org_key(
        &org(),
        &target(),
        &OrgKeyUpdate::new().description(Description::new("int").unwrap()),
    )
    .await
    .expect("PATCH with a body");
    keys.ensure_project_roles(&project(), &target(), &roles)
        .await
        .expect("POST and PATCH with bodies");
}

/// `algorithm=md5` (lower case) is the same algorithm as `MD5`.
#[tokio::test]
async fn lower_case_algorithm_names_are_answered() {
    use atlas_apikeys_emulator::digest::Algorithm;
    for algorithm in [Algorithm::Md5, Algorithm::Sha256, Algorithm::Sha256Sess] {
        let emu = emulator(digest_emulator(|d| {
            d.lowercase_algorithm = true;
            d.algorithms = vec![algorithm];
        }))
        .await;
        let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
        keys.update_org_key(
            &org(),
            &target(),
            &OrgKeyUpdate::new().description(Description::new("lc").unwrap()),
        )
        .await
        .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
    }
}

/// A server configured with several algorithms sends one challenge each
/// (several `WWW-Authenticate` headers), and the client answers the strongest.
#[tokio::test]
async fn several_algorithms_mean_several_challenges() {
    use atlas_apikeys_emulator::digest::Algorithm;
    let emu = emulator(digest_emulator(|d| {
        d.algorithms = vec![Algorithm::Md5, Algorithm::Sha256]
    }))
    .await;
    let url = format!(
        "{}/api/atlas/v2/orgs/{}/apiKeys/{}",
        emu.url(),
        defaults::ORG,
        defaults::TARGET_KEY
    );
    let response = reqwest::Client::new()
        .patch(&url)
        .header("content-type", "application/vnd.atlas.2023-01-01+json")
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenges: Vec<String> = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(challenges.len(), 2, "{challenges:?}");
    assert!(challenges[0].contains("algorithm=MD5") && challenges[1].contains("algorithm=SHA-256"));
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    keys.update_org_key(
        &org(),
        &target(),
        &OrgKeyUpdate::new().description(Description::new("sha").unwrap()),
    )
    .await
    .unwrap();
}

/// An assign the server committed but whose answer was lost (a proxy's 502,
/// a dropped connection) is not repeated by the transport; the validation
/// layer's one retry meets 409 `API_KEY_ALREADY_IN_GROUP` and completes the
/// assign with the idempotent PATCH: a success, with the roles asked for.
#[tokio::test]
async fn a_committed_assign_whose_answer_was_lost_completes_as_a_success() {
    for fault in [Fault::CommitThen502, Fault::CommitThenDrop] {
        let emu = emulator(Config::default()).await;
        let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
        // Warm: the next request answers a known challenge, so the fault
        // meets the authenticated POST itself.
        keys.update_org_key(
            &org(),
            &target(),
            &OrgKeyUpdate::new().description(Description::new("warm").unwrap()),
        )
        .await
        .unwrap();
        let before = emu.counters().exchanges;
        emu.inject(Some("/api/atlas/v2/groups/"), fault);
        let roles =
            ProjectRoles::new([ProjectRole::GroupReadOnly, ProjectRole::GroupClusterManager]);
        keys.assign_to_project(&other_project(), &target(), &roles)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        let stored = emu.api_key(defaults::TARGET_KEY).unwrap();
        assert_eq!(
            stored
                .project_roles
                .get(defaults::OTHER_PROJECT)
                .cloned()
                .unwrap_or_default(),
            ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"],
            "{fault:?}"
        );
        // The committed POST, its retry (409), the PATCH.
        assert_eq!(
            emu.counters().exchanges - before,
            3,
            "{fault:?}: {:?}",
            emu.counters()
        );
    }
}

/// The transport never repeats a POST after an ambiguous failure, whatever
/// its retry budget; it still repeats the PATCHes after the same failure.
#[tokio::test]
async fn the_transport_does_not_repeat_a_post_after_an_ambiguous_failure() {
    use atlas_apikeys::client::{ClientConfig, Credentials, newest_atlas as api, observe};
    let emu = emulator(Config::default()).await;
    let client = api::connect(
        ClientConfig::new()
            .base_url(emu.url())
            .credentials(Credentials::api_key(
                defaults::OWNER_PUBLIC,
                defaults::OWNER_PRIVATE,
            ))
            .retry(fast()),
    )
    .unwrap();
    let update = api::types::UpdateAtlasProjectApiKey {
        desc: None,
        roles: vec![api::ProjectRole::GroupReadOnly],
    };
    let patch = || {
        client.update_group_api_key_roles(
            defaults::OTHER_PROJECT,
            defaults::TARGET_KEY,
            None,
            None,
            None,
            None,
            None,
            &update,
        )
    };
    // Warm (a known challenge), through the organization endpoint.
    let org_update = api::types::UpdateAtlasOrganizationApiKey {
        desc: Some("warm".into()),
        roles: vec![],
    };
    client
        .update_org_api_key(defaults::ORG, defaults::TARGET_KEY, None, None, &org_update)
        .await
        .unwrap();
    for fault in [
        Fault::CommitThen502,
        Fault::CommitThenDrop,
        Fault::Status(504),
    ] {
        emu.inject(Some("/api/atlas/v2/groups/"), fault);
        let body = vec![api::types::UserAccessRoleAssignment {
            roles: vec![api::ProjectRole::GroupReadOnly],
            user_id: None,
        }];
        let (result, record) = observe(client.add_group_api_key(
            defaults::OTHER_PROJECT,
            defaults::TARGET_KEY,
            None,
            None,
            &body,
        ))
        .await;
        assert!(result.is_err(), "{fault:?}");
        assert_eq!(record.exchanges, 1, "{fault:?}: the POST was sent once");
        assert!(record.ambiguous, "{fault:?}");
        emu.inject(Some("/api/atlas/v2/groups/"), fault);
        let (result, record) = observe(patch()).await;
        result.unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(record.exchanges, 2, "{fault:?}: the PATCH was repeated");
    }
}

fn keys_with(emu: &Emulator, policy: RetryPolicy) -> ApiKeys {
    ApiKeys::builder()
        .base_url(emu.url())
        .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
        .retry(policy)
        .build()
        .unwrap()
}

/// With `envelope=true` the server answers HTTP 200 and puts the status in
/// the body; retry decisions go by that status.
#[tokio::test]
async fn an_enveloped_503_or_429_is_retried() {
    for fault in [
        Fault::Status(503),
        Fault::Refuse {
            status: 429,
            retry_after: 0,
        },
    ] {
        let emu = emulator(Config::default()).await;
        let keys = ApiKeys::builder()
            .base_url(emu.url())
            .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE)
            .retry(fast())
            .envelope(true)
            .build()
            .unwrap();
        let update = OrgKeyUpdate::new().description(Description::new("enveloped").unwrap());
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
        emu.inject(Some("/api/atlas/v2/orgs/"), fault);
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
    }
}

/// A `Retry-After` longer than the policy allows fails at once with a typed
/// error carrying the wait; within the policy it is honoured, on 503 too,
/// and for the POST (the server said it did not process it).
#[tokio::test]
async fn retry_after_is_honoured_or_reported() {
    let emu = emulator(Config::default()).await;
    let policy = fast().max_retry_after(Duration::from_secs(1));
    let keys = keys_with(&emu, policy);
    let update = OrgKeyUpdate::new().description(Description::new("wait").unwrap());
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();

    // Requests that reached the server: handled ones, and ones a fault answered.
    let requests = |emu: &Emulator| emu.counters().exchanges + emu.counters().faults;
    let before = requests(&emu);
    emu.inject(
        Some("/api/atlas/v2/orgs/"),
        Fault::Refuse {
            status: 429,
            retry_after: 30,
        },
    );
    let err = keys
        .update_org_key(&org(), &target(), &update)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RateLimited { retry_after, .. } if *retry_after == Duration::from_secs(30)),
        "{err:?}"
    );
    assert!(err.to_string().contains("30s"), "{err}");
    assert_eq!(requests(&emu) - before, 1, "no early retry");

    for route in ["/api/atlas/v2/orgs/", "/api/atlas/v2/groups/"] {
        emu.inject(
            Some(route),
            Fault::Refuse {
                status: 503,
                retry_after: 1,
            },
        );
        let started = std::time::Instant::now();
        if route.contains("groups") {
            keys.assign_to_project(
                &other_project(),
                &target(),
                &ProjectRoles::new([ProjectRole::GroupReadOnly]),
            )
            .await
            .expect("a POST refused with Retry-After is retried");
        } else {
            keys.update_org_key(&org(), &target(), &update)
                .await
                .expect("503 with Retry-After");
        }
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "{route}: waited {:?}",
            started.elapsed()
        );
    }
}

/// `ensure_project_roles` on a key already in the project meets 409, and
/// when the key leaves the project before its PATCH (404), assigns it again.
#[tokio::test]
async fn ensure_reassigns_a_key_removed_between_the_409_and_the_patch() {
    let emu = emulator(Config::default()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    keys.assign_to_project(&other_project(), &target(), &roles)
        .await
        .unwrap();
    // The POST (409) passes; the PATCH after it finds the key gone.
    emu.inject(Some("/api/atlas/v2/groups/"), Fault::Latency(0));
    emu.inject(Some("/api/atlas/v2/groups/"), Fault::UnassignFirst);
    let wanted = ProjectRoles::new([ProjectRole::GroupClusterManager]);
    let ensured = keys
        .ensure_project_roles(&other_project(), &target(), &wanted)
        .await
        .unwrap();
    assert!(matches!(ensured, Ensured::Assigned), "{ensured:?}");
    let stored = emu.api_key(defaults::TARGET_KEY).unwrap();
    assert_eq!(
        stored.project_roles[defaults::OTHER_PROJECT],
        ["GROUP_CLUSTER_MANAGER"]
    );
}

fn service_account_keys(emu: &Emulator, policy: RetryPolicy) -> ApiKeys {
    ApiKeys::builder()
        .base_url(emu.url())
        .service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET)
        .retry(policy)
        .build()
        .unwrap()
}

/// During a token endpoint outage (429 with a long `Retry-After`), a burst
/// of 50 concurrent calls makes one token request: the failure is shared
/// with the callers waiting on it, and kept for its window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_outage_costs_one_request_per_window() {
    let emu = emulator(Config::default()).await;
    for _ in 0..50 {
        emu.inject(
            Some("/api/oauth/token"),
            Fault::Refuse {
                status: 429,
                retry_after: 30,
            },
        );
    }
    let keys = service_account_keys(&emu, fast().max_retry_after(Duration::from_secs(1)));
    let update = OrgKeyUpdate::new().description(Description::new("outage").unwrap());
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let (keys, update) = (keys.clone(), update.clone());
            tokio::spawn(async move { keys.update_org_key(&org(), &target(), &update).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Auth(atlas_apikeys::client::AuthError::TokenEndpoint { status: 429, .. })
            ),
            "{err:?}"
        );
    }
    assert_eq!(emu.counters().token_requests, 1, "{:?}", emu.counters());
}

/// The token endpoint's 5xx, and a connection it drops, are retried under
/// the API's policy.
#[tokio::test]
async fn a_token_endpoint_5xx_is_retried() {
    for fault in [
        Fault::Status(503),
        Fault::Status(500),
        Fault::Html502,
        Fault::Drop,
    ] {
        let emu = emulator(Config::default()).await;
        emu.inject(Some("/api/oauth/token"), fault);
        let keys = service_account_keys(&emu, fast());
        keys.update_org_key(
            &org(),
            &target(),
            &OrgKeyUpdate::new().description(Description::new("t").unwrap()),
        )
        .await
        .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        // A dropped connection never reaches the handler that counts token
        // requests; the emulator counts it as a fault.
        let c = emu.counters();
        let reached = match fault {
            Fault::Drop => c.token_requests + c.faults,
            _ => c.token_requests,
        };
        assert_eq!(reached, 2, "{fault:?}: {c:?}");
    }
}

/// Token lifetimes: a 30 s token is reused (refreshed 15 s before it
/// expires, not never); a lifetime too large for the clock, or zero, is no
/// panic.
#[tokio::test]
async fn token_lifetimes_of_any_size_are_handled() {
    let update = OrgKeyUpdate::new().description(Description::new("life").unwrap());
    for (lifetime, reused) in [(30, true), (u64::MAX, true), (0, false)] {
        let emu = emulator(Config {
            token_lifetime_secs: lifetime,
            ..Config::default()
        })
        .await;
        let keys = service_account_keys(&emu, fast());
        for _ in 0..5 {
            let result = keys.update_org_key(&org(), &target(), &update).await;
            if reused {
                result.unwrap_or_else(|e| panic!("{lifetime}: {e}"));
            }
        }
        let requests = emu.counters().token_requests;
        if reused {
            assert_eq!(requests, 1, "lifetime {lifetime}: one token for five calls");
        } else {
            assert!(requests >= 5, "lifetime 0: never reused ({requests})");
        }
    }
}

/// Sends raw bytes on a fresh connection and reads until the server closes
/// it (or `limit` passes): what comes back, and how long it took.
async fn raw_exchange(emu: &Emulator, bytes: &[u8], limit: Duration) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut out)).await;
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

/// A PATCH of an organization key that declares `length` body bytes and
/// sends two.
fn patch_declaring(length: u64) -> String {
    let path = format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET_KEY
    );
    format!(
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{}}"
    )
}

fn with_timeouts(header_ms: u64, body_ms: u64) -> Config {
    Config {
        header_timeout_ms: header_ms,
        body_timeout_ms: body_ms,
        ..Config::default()
    }
}

/// A declared length over the limit is refused with 413 at once, before
/// any body is read, and the connection is closed.
#[tokio::test]
async fn an_oversized_declared_length_is_refused_before_the_body() {
    let emu = emulator(with_timeouts(5_000, 5_000)).await;
    let request = patch_declaring(99_999_999_999);
    let (answer, took) = raw_exchange(&emu, request.as_bytes(), Duration::from_secs(4)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(took < Duration::from_secs(2), "answered in {took:?}");
}

/// Headers that never finish, and a body that never arrives, do not hold a
/// connection: the server closes it after its timeouts.
#[tokio::test]
async fn slow_headers_and_slow_bodies_time_out() {
    let emu = emulator(with_timeouts(300, 300)).await;
    let (answer, took) = raw_exchange(
        &emu,
        b"PATCH /api/atlas/v2/orgs HTTP/1.1\r\nHost: x\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert!(
        took < Duration::from_secs(3),
        "unfinished headers held for {took:?}: {answer}"
    );

    let request = patch_declaring(10);
    let (answer, took) = raw_exchange(&emu, request.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        took < Duration::from_secs(3),
        "a missing body held for {took:?}"
    );
}

/// Access tokens are 256 random bits: long, distinct, and not sequential.
#[tokio::test]
async fn access_tokens_are_random() {
    let emu = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let token = token(&http, &emu).await;
        let random = token.rsplit('.').next().unwrap();
        assert_eq!(random.len(), 64, "{token}");
        assert!(random.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
        tokens.push(random.to_owned());
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3);
    // Not a counter: consecutive tokens share no long prefix.
    assert!(tokens.windows(2).all(|w| w[0][..8] != w[1][..8]));
}

/// Behind a gateway that serves the API below a path prefix, both
/// credentials work: the token endpoint is found below the prefix too, and
/// digest answers the request target as sent.
#[tokio::test]
async fn a_base_url_with_a_path_prefix_is_kept_for_every_endpoint() {
    let emu = emulator(Config {
        path_prefix: "/gateway/mongodb".into(),
        ..Config::default()
    })
    .await;
    let base = format!("{}/gateway/mongodb/", emu.url());
    let update = OrgKeyUpdate::new().description(Description::new("prefixed").unwrap());
    for keys in [
        ApiKeys::builder()
            .base_url(&base)
            .service_account(defaults::CLIENT_ID, defaults::CLIENT_SECRET),
        ApiKeys::builder()
            .base_url(&base)
            .api_key(defaults::OWNER_PUBLIC, defaults::OWNER_PRIVATE),
    ] {
        let keys = keys.retry(fast()).build().unwrap();
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
    }
    assert_eq!(emu.counters().token_requests, 1);
}
