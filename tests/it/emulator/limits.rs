//! Seeds, and the limits that keep the emulator up: declared lengths, slow headers and bodies, a path prefix.

use super::*;

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
            emu.api_key(defaults::TARGET.id).unwrap().description,
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
    let update = describe("prefixed");
    for keys in [
        ApiKeys::builder().base_url(&base).service_account(
            defaults::SERVICE_ACCOUNT.client_id,
            defaults::SERVICE_ACCOUNT.client_secret,
        ),
        ApiKeys::builder()
            .base_url(&base)
            .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key),
    ] {
        let keys = keys.retry(fast()).build().unwrap();
        keys.update_org_key(&org(), &target(), &update)
            .await
            .unwrap();
    }
    assert_eq!(emu.counters().token_requests, 1);
}

/// A response body over the client's limit is refused as soon as it passes
/// it, declared up front or not, with an error that names the limit; the
/// body is never read whole (the flood is ten times the limit).
#[tokio::test]
async fn a_response_over_the_limit_is_refused_as_it_passes_it() {
    use atlas_apikeys::client::MAX_RESPONSE_BYTES;
    let emu = emulator(Config::default()).await;
    let keys = keys_with(&emu, RetryPolicy::none());
    let bytes = 10 * MAX_RESPONSE_BYTES as u64;
    for declared in [true, false] {
        emu.inject(None, Fault::Flood { bytes, declared });
        let e = keys
            .update_org_key(&org(), &target(), &describe("x"))
            .await
            .expect_err("a flood is not a key");
        let text = with_causes(&e);
        assert!(
            text.contains(&format!("{} MiB limit", MAX_RESPONSE_BYTES >> 20)),
            "declared: {declared}: {text}"
        );
    }
    // Within the limit, the same path reads normally.
    keys.update_org_key(&org(), &target(), &describe("x"))
        .await
        .unwrap();
}

/// The token endpoint's answer is bounded like every other: a flood there
/// fails the call with the limit named, instead of being read whole.
#[tokio::test]
async fn a_token_answer_over_the_limit_is_refused() {
    use atlas_apikeys::client::MAX_RESPONSE_BYTES;
    let emu = emulator(Config::default()).await;
    emu.token_reply(atlas_apikeys_emulator::Reply::raw(
        200,
        "application/json",
        &" ".repeat(MAX_RESPONSE_BYTES + 1),
    ));
    let keys = service_account_keys(&emu, RetryPolicy::none());
    let e = keys
        .update_org_key(&org(), &target(), &describe("x"))
        .await
        .expect_err("a flood is not a token");
    let text = with_causes(&e);
    assert!(text.contains("MiB limit"), "{text}");
}

/// `e` and every cause under it, on one line.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}
