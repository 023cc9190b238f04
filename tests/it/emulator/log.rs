//! The request log (every request as it arrived, refused ones included) and
//! the mode that vouches for one key, as behind an authenticating proxy.

use super::*;

fn org_key_path() -> String {
    format!(
        "/api/atlas/v2/orgs/{}/apiKeys/{}",
        defaults::ORG,
        defaults::TARGET.id
    )
}

/// Requests refused before authentication are logged too, so a test that
/// finds the log empty knows nothing reached the server.
#[tokio::test]
async fn every_request_is_logged_as_it_arrived() {
    let emu = emulator(Config::default()).await;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", emu.url());

    // Unknown path, wrong method, unauthenticated PATCH, a token request.
    let nowhere = http.get(url("/nowhere?x=1")).send().await.unwrap();
    assert_eq!(nowhere.status(), 404);
    let put = http.put(url(&org_key_path())).send().await.unwrap();
    assert_eq!(put.status(), 405);
    let unauthenticated = patch(
        &emu,
        &format!("{}?pretty=true", org_key_path()),
        &[
            ("accept", "application/vnd.atlas.2023-01-01+json"),
            ("authorization", "Digest username=\"nobody\""),
        ],
        r#"{"desc":"x"}"#,
    )
    .await;
    assert_eq!(unauthenticated.status(), 401);
    let token = http
        .post(url("/api/oauth/token"))
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 401);

    let seen = emu.take_seen();
    let summary: Vec<_> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.path.as_str(), s.query.as_deref()))
        .collect();
    let path = org_key_path();
    assert_eq!(
        summary,
        [
            ("GET", "/nowhere", Some("x=1")),
            ("PUT", path.as_str(), None),
            ("PATCH", path.as_str(), Some("pretty=true")),
            ("POST", "/api/oauth/token", None),
        ]
    );
    assert!(seen.iter().all(|s| !s.authenticated));
    let patch = &seen[2];
    assert_eq!(
        patch.header("authorization"),
        Some("Digest username=\"nobody\"")
    );
    assert_eq!(patch.json(), Some(json!({ "desc": "x" })));
    let shown = format!("{patch:?}");
    assert!(
        !shown.contains("nobody"),
        "Debug shows credentials: {shown}"
    );
    assert_eq!(seen[3].body.as_ref(), b"grant_type=client_credentials");
    assert!(emu.take_seen().is_empty(), "taking empties the log");
}

#[tokio::test]
async fn a_vouched_for_key_needs_no_challenge_and_keeps_its_grants() {
    // The owner key may update; the read-only key is authenticated but not
    // authorized, exactly as if it had answered a challenge.
    for (public, status) in [
        (defaults::OWNER.public_key, 200),
        (defaults::READER.public_key, 403),
    ] {
        let emu = emulator(Config {
            authenticated_as: Some(public.to_owned()),
            ..Config::default()
        })
        .await;
        let media = "application/vnd.atlas.2023-01-01+json";
        let answer = patch(
            &emu,
            &org_key_path(),
            &[("accept", media), ("content-type", media)],
            r#"{"desc":"vouched"}"#,
        )
        .await;
        assert_eq!(answer.status(), status, "{public}");
        assert_eq!(emu.counters().challenges, 0);
        assert!(emu.take_seen()[0].authenticated);
    }
}

#[tokio::test]
async fn vouching_is_refused_off_loopback_and_for_an_unknown_key() {
    let off_loopback = Config {
        authenticated_as: Some(defaults::OWNER.public_key.to_owned()),
        bind: "0.0.0.0:0".parse().unwrap(),
        ..Config::default()
    };
    let err = off_loopback.check().unwrap_err().to_string();
    assert!(
        err.contains("authenticated_as") && err.contains("0.0.0.0:0"),
        "{err}"
    );
    let unknown = Config {
        authenticated_as: Some("nokey".to_owned()),
        ..Config::default()
    };
    let err = unknown.check().unwrap_err().to_string();
    assert!(err.contains("\"nokey\""), "{err}");
}
