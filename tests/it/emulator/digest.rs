//! Digest as strict servers do it: nonce lifetimes, strictly increasing `nc`, auth-int, algorithm names, several challenges, and `curl --digest` as an independent client.

use super::*;

#[tokio::test]
async fn nonces_expire_as_configured() {
    let mut config = Config::default();
    config.digest.nonce_lifetime_ms = 100;
    let emu = emulator(config).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = describe("x");
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    keys.update_org_key(&org(), &target(), &update)
        .await
        .unwrap();
    assert_eq!(emu.counters().stale, 1);
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
    let user = format!(
        "{}:{}",
        defaults::OWNER.public_key,
        defaults::OWNER.private_key
    );
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
            defaults::TARGET.id
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
                defaults::TARGET.id
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
            defaults::TARGET.id
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
        let status = token_request(&http, &emu).await.status().as_u16();
        assert_eq!(
            status,
            if system.offers_oauth() { 200 } else { 404 },
            "{system:?}"
        );
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
    let emu = emulator(crate::transport::unlimited()).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let update = describe("concurrent");
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

/// Every operation (two of them send a body) against a server offering
/// `qop="auth,auth-int"` that verifies auth-int as RFC 7616 says: the
/// client answers `auth`, which it computes correctly.
#[tokio::test]
async fn a_server_offering_auth_int_is_answered_correctly() {
    let emu = emulator(digest_emulator(|d| d.offer_auth_int = true)).await;
    let keys = keys(&emu, atlas_apikeys::latest_atlas_version(), Auth::Digest);
    let roles = ProjectRoles::new([ProjectRole::GroupReadOnly]);
    keys.update_org_key(&org(), &target(), &describe("int"))
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
        keys.update_org_key(&org(), &target(), &describe("lc"))
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
        defaults::TARGET.id
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
    keys.update_org_key(&org(), &target(), &describe("sha"))
        .await
        .unwrap();
}
