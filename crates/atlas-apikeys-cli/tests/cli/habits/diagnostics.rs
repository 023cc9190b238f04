//! Causes of network errors, verbosity levels, dry runs and the roles listing.

use super::*;

#[test]
fn network_errors_print_their_cause() {
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
    let out = update_x(c);
    expect_failure(&out, 4, "caused by");
    assert!(
        out.stderr.to_lowercase().contains("refused"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "127.0.0.1:8080");
    let out = update_x(c);
    expect_failure(&out, 2, "no scheme");
    assert!(!out.stderr.contains("relative URL"), "{}", out.stderr);
    // TLS against a plain-HTTP port: the TLS layer's own complaint shows.
    let e = env(System::Atlas);
    let mut c = cli();
    c.env(
        "MONGODB_ATLAS_BASE_URL",
        e.emulator.url().replace("http://", "https://"),
    )
    .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
    .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
    let out = update_x(c);
    expect_failure(&out, 4, "caused by");
    let causes = out.stderr.matches("caused by").count();
    assert!(
        causes >= 2,
        "the chain under the TLS failure: {}",
        out.stderr
    );
    assert!(!out.stderr.contains(defaults::OWNER.private_key));
}

#[test]
fn verbosity_levels_mean_something() {
    let e = env(System::Atlas);
    let quiet = sh(atlas(&e), &format!("org-key update {ORG} {KEY} --desc v0"));
    assert!(!quiet.stderr.contains("PATCH"), "{}", quiet.stderr);
    let one = sh(
        atlas(&e),
        &format!("-v org-key update {ORG} {KEY} --desc v1"),
    );
    let lines: Vec<&str> = one
        .stderr
        .lines()
        .filter(|l| l.contains("PATCH /api/atlas/v2/orgs/"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", one.stderr);
    says(lines[0], &["401", "digest challenge"], &[]);
    says(lines[1], &["200", "ms"], &[]);
    says(&one.stderr, &[], &["attempt=1 attempt=2", "headers"]);
    let two = sh(
        atlas(&e),
        &format!("-vv org-key update {ORG} {KEY} --desc v2"),
    );
    says(&two.stderr, &["authorization: [redacted]"], &[]);
    let three = sh(
        atlas(&e),
        &format!("-vvv org-key update {ORG} {KEY} --desc v3"),
    );
    assert!(three.stderr.lines().count() > two.stderr.lines().count());
    for out in [&one, &two, &three] {
        assert!(!out.stderr.contains(defaults::OWNER.private_key));
    }
}

#[test]
fn roles_lists_the_catalogue() {
    let out = sh(cli(), "roles -o json");
    assert_eq!(out.code, 0);
    let listed = json(&out);
    for entry in atlas_apikeys::client::catalogue::CATALOGUE {
        let found = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["system"] == entry.system.as_str())
            .expect("every system");
        let org: Vec<&str> = entry.org.iter().map(|r| r.as_str()).collect();
        assert_eq!(found["organization"], serde_json::json!(org));
        let project: Vec<&str> = entry.project.iter().map(|r| r.as_str()).collect();
        assert_eq!(found["project"], serde_json::json!(project));
    }
    let om = json(&sh(cli(), "roles --system ops-manager -o json"));
    assert_eq!(om.as_array().unwrap().len(), 1);
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let e = env(System::Atlas);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = sh(
        c,
        &format!(
            "--dry-run --api-version {} -o json org-key update {ORG} {KEY} --desc planned",
            newest()
        ),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan = json(&out);
    let request = &plan["requests"][0];
    assert_eq!(request["method"], "PATCH");
    assert!(
        request["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"))
    );
    assert_eq!(request["body"]["desc"], "planned");
    assert!(!out.stdout.to_lowercase().contains("authorization"));
    let out = sh(
        atlas(&e),
        &format!("--dry-run project-key assign {PROJECT} {KEY} --role GROUP_READ_ONLY"),
    );
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("POST") && !out.stdout.contains(defaults::OWNER.private_key));
    // Invalid input still fails, before anything.
    let out = sh(atlas(&e), &format!("--dry-run org-key update {ORG} {KEY}"));
    assert_eq!(out.code, 2);
    assert_eq!(e.emulator.counters().exchanges, 0);
}
