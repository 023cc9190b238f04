//! What the builder refuses: unusable base URLs, no credentials, mixed systems.

use super::*;

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
    // Unusable URLs; plain http only to loopback, unless explicitly allowed.
    for (url, says) in [
        ("ftp://example.com", "client setup"),
        ("not a url", "client setup"),
        (
            "http://cloud.example.com",
            "plain http to a non-loopback host",
        ),
    ] {
        let err = ApiKeys::builder()
            .anonymous()
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::ClientSetup(_)), "{url}: {err}");
        assert!(err.to_string().contains(says), "{url}: {err}");
    }
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

#[tokio::test]
async fn a_user_agent_suffix_names_the_program_and_a_bad_one_is_refused_unsent() {
    let server = vouching_emulator().await;
    let keys = ApiKeys::builder()
        .anonymous()
        .base_url(server.url())
        .user_agent_suffix("my-tool/2.3")
        .build()
        .unwrap();
    // One of the operations every version offers.
    keys.update_org_key(&org(), &key(), &OrgKeyUpdate::new().description(desc("x")))
        .await
        .unwrap();
    let agent = format!("{} my-tool/2.3", atlas_apikeys::client::USER_AGENT);
    let seen = take_one(&server);
    assert_eq!(seen.header("user-agent"), Some(agent.as_str()));
    for bad in [
        "",
        "tool\r\nX-Injected: 1",
        "outil/\u{e9}",
        &"x".repeat(201),
    ] {
        let err = ApiKeys::builder()
            .anonymous()
            .base_url(server.url())
            .user_agent_suffix(bad)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::ClientSetup(_)), "{bad:?}: {err}");
        assert!(
            err.to_string().contains("user agent suffix"),
            "{bad:?}: {err}"
        );
    }
    assert!(server.take_seen().is_empty());
}
