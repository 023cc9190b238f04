//! `apply` over 300 projects through rate limits and faults, and a re-run that completes it.

use super::*;

#[test]
fn apply_brings_300_projects_about_through_429s_and_faults_and_a_rerun_completes() {
    let (mut config, plan) = many_projects(300);
    config.rate_limit = Some(atlas_apikeys_emulator::RateLimitConfig {
        requests: 200,
        window_ms: 1000,
    });
    let e = env_with(config);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, &plan).unwrap();
    // Temporary paths hold no spaces, so the line splits where it should.
    let apply = |extra: &str| {
        sh(
            atlas(&e),
            &format!("-o json apply {} {extra}", file.display()),
        )
    };
    // The faults meet the writes (the one read of the key comes first).
    let writes = Some("/api/atlas/v2/groups/");
    for status in [502, 503, 504, 503, 502] {
        e.emulator
            .inject(writes, atlas_apikeys_emulator::Fault::Status(status));
    }
    e.emulator.inject(
        writes,
        atlas_apikeys_emulator::Fault::Refuse {
            status: 429,
            retry_after: 1,
        },
    );
    let out = apply("--concurrency 16");
    let report = json(&out);
    let summary = &report["summary"];
    assert_eq!(summary["items"], 301, "{summary}");
    // Passing server errors are retried by the transport (a PATCH), or by the
    // assign's one repeat after an answer that leaves it open; all pass.
    assert_eq!(summary["failed"], 0, "{report}");
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Every fault was met, and the plan needed more requests than one
    // window allows, so the limit bound. The pace follows
    // RateLimit-Remaining, so it seldom sees a 429 from it.
    let counters = e.emulator.counters();
    assert_eq!(counters.faults, 6, "{counters:?}");
    assert!(counters.authenticated > 200, "{counters:?}");
    // An outage longer than the retries: some items fail, the rest are
    // done, the exit code says so.
    for _ in 0..150 {
        e.emulator
            .inject(None, atlas_apikeys_emulator::Fault::Status(503));
    }
    let out = apply("--concurrency 16");
    let partial = json(&out);
    assert!(
        partial["summary"]["failed"].as_u64().unwrap() > 0,
        "{}",
        partial["summary"]
    );
    assert_eq!(out.code, 3);
    assert!(
        partial["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["result"] == "failed" && i["error"].as_str().unwrap().contains("503"))
    );
    e.emulator.clear_injected();
    // Re-running completes whatever failed, and changes nothing else. The
    // first answers that carry the key show every project it is in, so the
    // items already so are not sent at all.
    let before = e.emulator.counters().authenticated;
    let again = apply("");
    assert_eq!(again.code, 0, "{}", again.stdout);
    let again = json(&again);
    let summary = &again["summary"];
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(
        summary["assigned"], 0,
        "every item was already so: {summary}"
    );
    assert_eq!(
        summary["updated"].as_u64().unwrap() + summary["unchanged"].as_u64().unwrap(),
        301,
        "{summary}"
    );
    let sent = e.emulator.counters().authenticated - before;
    assert!(
        sent < 100,
        "{sent} requests for a plan already so: {summary}"
    );
    // A bad item fails alone, named by its place in the file; when only
    // invalid items failed (nothing of theirs was sent), the exit code is 2.
    let other = defaults::OTHER_PROJECT;
    let bad = file.with_file_name("bad.json");
    std::fs::write(&bad, format!(r#"{{"keys":[{{"id":"{KEY}","projects":[{{"id":"{PROJECT}","roles":["GROUP_NOPE"]}},{{"id":"{other}","roles":["GROUP_READ_ONLY"]}}]}}]}}"#)).unwrap();
    let out = run(atlas(&e), &["-o", "json", "apply", bad.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    let r = json(&out);
    assert_eq!(r["summary"]["failed"], 1);
    assert_eq!(
        r["summary"]["assigned"].as_u64().unwrap() + r["summary"]["updated"].as_u64().unwrap(),
        1
    );
    let error = r["items"][0]["error"].as_str().unwrap();
    says(
        error,
        &["keys[0].projects[0].roles[0]", "GROUP_NOPE"],
        &["--role"],
    );
    let before = e.emulator.counters().exchanges;
    let out = run(
        atlas(&e),
        &["--dry-run", "-o", "json", "apply", bad.to_str().unwrap()],
    );
    assert_eq!(out.code, 2);
    assert_eq!(json(&out)["items"].as_array().unwrap().len(), 2);
    assert_eq!(e.emulator.counters().exchanges, before);
}

/// The same key listed twice for one project (or organization) would race,
/// either's roles winning: the plan is refused before anything is sent,
/// naming both places.
#[test]
fn a_key_listed_twice_for_one_project_or_organization_is_refused_before_sending() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    for (name, plan) in [
        (
            "project.yaml",
            format!(
                "keys:\n- id: {KEY}\n  projects:\n  - {{id: {PROJECT}, roles: [GROUP_OWNER]}}\n- id: \" {KEY}\"\n  projects:\n  - {{id: {PROJECT}, roles: [GROUP_READ_ONLY]}}\n"
            ),
        ),
        (
            "org.toml",
            format!(
                "[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"a\"\n[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\norg_roles = [\"ORG_MEMBER\"]\n"
            ),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, plan).unwrap();
        for dry in [false, true] {
            let mut args = vec!["-o", "json", "apply", path.to_str().unwrap()];
            if dry {
                args.insert(0, "--dry-run");
            }
            let out = run(atlas(&e), &args);
            expect_failure(&out, 2, "list each key once");
            says(&out.stderr, &["keys[0]", "keys[1]"], &[]);
        }
    }
    assert_eq!(e.emulator.counters().exchanges, 0);
}

/// `apply --dry-run` is the client's dry run, as a single command's is: what
/// the client would refuse to send (plain http to a remote host), the dry
/// run refuses too, where it once reported a plan the run could not carry
/// out; a plan it can carry out is held, with nothing sent.
#[test]
fn apply_dry_run_goes_through_the_client_like_a_single_commands() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(
        &file,
        format!("[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"x\"\n"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let remote = [
        "--dry-run",
        "--base-url",
        "http://api.example.com",
        "-o",
        "json",
    ];
    let single = run(
        atlas(&e),
        &[&remote[..], &["org-key", "update", ORG, KEY, "--desc", "x"]].concat(),
    );
    let applied = run(atlas(&e), &[&remote[..], &["apply", file]].concat());
    expect_failure(&single, 2, "--allow-insecure-http");
    expect_failure(&applied, single.code, "--allow-insecure-http");

    let before = e.emulator.counters().exchanges;
    let out = run(atlas(&e), &["--dry-run", "-o", "json", "apply", file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan = &json(&out)["items"][0];
    says(
        plan["plan"].as_str().unwrap(),
        &["PATCH org", ORG, KEY],
        &[],
    );
    assert_eq!(e.emulator.counters().exchanges, before, "nothing sent");
}
