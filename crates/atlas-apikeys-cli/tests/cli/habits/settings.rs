//! Dated API versions, Atlas CLI profiles with flag-then-environment precedence, and Ops Manager's own URL.

use super::*;

#[test]
fn cloud_and_ops_manager_report_truthfully_and_use_their_own_url() {
    let e = env(System::OpsManager);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
    let out = sh(
        c,
        &format!(
            "--system ops-manager -o json project-key assign {PROJECT} {KEY} --role GROUP_READ_ONLY"
        ),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["result"], "assigned");
    assert!(!out.stdout.contains("already"));
}

#[test]
fn api_version_takes_any_date_from_the_environment_or_profile_too() {
    let e = env(System::Atlas);
    let first = atlas_apikeys::first_atlas_release();
    for date in [first, "2024-06-01"] {
        let mut c = cli();
        digest(&mut c, &e);
        let out = run(
            c,
            &[
                "--api-version",
                date,
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "dated",
            ],
        );
        assert_eq!(out.code, 0, "{date}: {}", out.stderr);
        let chosen = atlas_apikeys::atlas_version_for(date)
            .unwrap()
            .version
            .version;
        assert!(
            out.stderr.contains(&format!("resolves to {chosen}")) || chosen == date,
            "{}",
            out.stderr
        );
    }
    let mut c = cli();
    digest(&mut c, &e);
    c.env("MONGODB_ATLAS_API_VERSION", newest());
    let out = sh(
        c,
        &format!("org-key update {ORG} {KEY} --desc 'env version'"),
    );
    assert_eq!(out.code, 0);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let mut c = cli();
    digest(&mut c, &e);
    let out = sh(
        c,
        &format!("--api-version 2001-01-01 org-key update {ORG} {KEY} --desc x"),
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("first release"), "{}", out.stderr);
}

#[test]
fn atlas_cli_profiles_are_read_with_flags_and_environment_first() {
    let e = env(System::Atlas);
    let dir = profile_dir(&format!(
        "[default]\n  org_id = \"{ORG}\"\n  public_api_key = \"{}\"\n  private_api_key = \"{}\"\n  service = \"cloud\"\n  api_version = \"{}\"\n[keychain]\n  public_api_key = \"{}\"\n  service = \"cloud\"\n",
        defaults::OWNER.public_key,
        defaults::OWNER.private_key,
        newest(),
        defaults::OWNER.public_key
    ));
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = sh(c, &format!("org-key update {KEY} --desc 'from profile'"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    // The environment wins over the profile.
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_ORG_ID", defaults::FOREIGN_ORG);
    assert_eq!(sh(c, &format!("org-key update {KEY} --desc x")).code, 3);
    // A profile whose secret is in the keychain says so.
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = sh(
        c,
        &format!(
            "-P keychain --api-version {} org-key update {ORG} {KEY} --desc x",
            newest()
        ),
    );
    expect_failure(&out, 4, "keychain");
    assert!(
        out.stderr.contains("MONGODB_ATLAS_PRIVATE_API_KEY"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path());
    let out = sh(c, &format!("-P nope org-key update {ORG} {KEY} --desc x"));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("default, keychain"), "{}", out.stderr);
}
