//! Exit codes as documented, and missing credentials that say what to set.

use super::*;

#[test]
fn exit_codes_are_documented_and_kept() {
    let e = env(System::Atlas);
    let with = |extra: &[&str]| {
        let mut c = cli();
        digest(&mut c, &e);
        c.args(["--api-version", newest()]).args(extra);
        c
    };
    // 2: usage and validation, nothing sent.
    let before = e.emulator.counters().exchanges;
    for (line, needle) in [
        (format!("org-key update {ORG}"), "KEY_ID"),
        (format!("project-key assign {PROJECT} {KEY}"), "--role"),
        (format!("org-key update {ORG} {KEY}"), "--desc, --role"),
        (
            format!("org-key update 32b6e34b3d91647abb20e7b {KEY} --desc x"),
            "ORG_ID",
        ),
        (
            format!("org-key update {ORG} zmmrboas --desc x"),
            "public key",
        ),
        (format!("org-key update {ORG} {KEY} --desc ''"), "--desc"),
        (
            format!("org-key update {ORG} {KEY} --role GROUP_OWNER"),
            "--role",
        ),
        (
            format!("org-key update {ORG} {KEY} --role ORG_OWNER --role ORG_OWNER"),
            "lists a role more than once",
        ),
        (
            format!("project-key assign {PROJECT} {KEY} --role GROUP_AUTOMATION_ADMIN"),
            newest_target(),
        ),
        (
            format!("--private-key x org-key update {ORG} {KEY} --desc x"),
            "--private-key",
        ),
        (
            format!("--api-version 2019-01-01 org-key update {ORG} {KEY} --desc x"),
            "--api-version",
        ),
    ] {
        let out = sh(with(&[]), &line);
        assert_eq!(out.code, 2, "{line}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{line}: {}", out.stderr);
    }
    let long = "x".repeat(251);
    let out = run(with(&[]), &["org-key", "update", ORG, KEY, "--desc", &long]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("1 to 250 characters"), "{}", out.stderr);
    assert_eq!(
        e.emulator.counters().exchanges,
        before,
        "nothing invalid was sent"
    );

    // 3: the API said no.
    let out = sh(
        with(&[]),
        &format!("org-key update {ORG} 0123456789abcdef01234567 --desc x"),
    );
    expect_failure(&out, 3, "errorCode: API_KEY_NOT_FOUND");
    let mut reader = cli();
    reader
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_KEY", defaults::READER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_KEY", defaults::READER.private_key);
    let out = update_x(reader);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("USER_UNAUTHORIZED"), "{}", out.stderr);

    // 4: authentication and transport.
    let mut wrong = cli();
    wrong
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", "not-the-private-key");
    let out = update_x(wrong);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let mut nowhere = cli();
    nowhere
        .env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
    let out = update_x(nowhere);
    assert_eq!(out.code, 4, "{}", out.stderr);

    // 0, with a warning when the version is not pinned.
    let mut unpinned = cli();
    digest(&mut unpinned, &e);
    let out = sh(unpinned, &format!("org-key update {ORG} {KEY} --desc x"));
    expect_failure(&out, 0, "warning: no API version pinned");
}

#[test]
fn missing_credentials_say_what_to_set() {
    let e = env(System::Atlas);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = update_x(c);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("MONGODB_ATLAS_CLIENT_ID")
            && out.stderr.contains("MONGODB_ATLAS_PUBLIC_API_KEY"),
        "{}",
        out.stderr
    );
    let mut half = cli();
    half.env("MONGODB_ATLAS_BASE_URL", e.emulator.url()).env(
        "MONGODB_ATLAS_CLIENT_ID",
        defaults::SERVICE_ACCOUNT.client_id,
    );
    let out = update_x(half);
    assert_eq!(out.code, 4);
    assert!(out.stderr.contains("no client secret"), "{}", out.stderr);
    // Ops Manager needs its URL and takes no service accounts.
    let mut om = cli();
    service_account(&mut om, &e);
    om.env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url());
    let out = sh(
        om,
        &format!("--system ops-manager org-key update {ORG} {KEY} --desc x"),
    );
    expect_failure(&out, 4, "Ops Manager takes API keys only");
    assert_eq!(e.emulator.counters().exchanges, 0);
}
