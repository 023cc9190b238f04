//! A service account's token kept between runs: 150 runs cost one token
//! request (the emulator allows 10 a minute and 100 active tokens, as
//! Atlas does); the file is 0600 and holds no client secret; a token the
//! server refuses is replaced; `--no-token-cache` fetches one per run.

use super::*;

#[test]
fn a_hundred_and_fifty_runs_share_one_token_kept_in_the_cache() {
    let e = env(System::Atlas);
    let cache = tempfile::tempdir().unwrap();
    let run_once = |extra: &str| {
        let mut c = cli();
        service_account(&mut c, &e);
        c.env("XDG_CACHE_HOME", cache.path());
        sh(c, &format!("{extra} org-key describe {ORG} {KEY}"))
    };
    for n in 0..150 {
        let out = run_once("");
        assert_eq!(out.code, 0, "run {n}: {}", out.stderr);
        // Checked as it goes: without the cache, the eleventh run would
        // wait out the token endpoint's minute.
        assert_eq!(e.emulator.counters().token_requests, 1, "run {n}");
    }
    assert_eq!(e.emulator.counters().token_requests, 1);

    // One file, readable by its owner only, holding no client secret.
    let dir = cache.path().join("atlas-apikeys");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = files[0].path();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(defaults::SERVICE_ACCOUNT.client_secret));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A token the server refuses is replaced, and the command goes on.
    let mut kept: Value = serde_json::from_str(&text).unwrap();
    kept["access_token"] = Value::from("eyJhbGciOiJub25lIn0.refused");
    std::fs::write(&path, kept.to_string()).unwrap();
    let out = run_once("");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(e.emulator.counters().token_requests, 2);
    assert!(!std::fs::read_to_string(&path).unwrap().contains("refused"));

    // Without the cache, each run fetches its own.
    for _ in 0..3 {
        let out = run_once("--no-token-cache");
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    assert_eq!(e.emulator.counters().token_requests, 5);
}
