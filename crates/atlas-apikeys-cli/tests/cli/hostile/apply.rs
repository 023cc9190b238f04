//! `apply` against failures that would fail every item, Ctrl-C, unlisted
//! roles, and one retry budget per item.

use std::process::Stdio;

use super::*;

/// Credentials the server rejects, or a host that cannot be reached, would
/// fail every item: the run stops after the items in flight, with the code
/// a single command would give.
#[test]
fn apply_stops_on_a_failure_that_would_fail_every_item() {
    let (config, plan) = super::habits::many_projects(200);
    let e = env_with(config);
    let (_dir, file) = plan_file("plan.toml", &plan);
    let file = file.as_str();
    let mut wrong = cli();
    wrong
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", "wrong-9e0f1a2b3c4d")
        .args(["--api-version", newest()]);
    let out = run(wrong, &["-o", "json", "apply", file, "--concurrency", "4"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let report = json(&out);
    assert!(
        report["summary"]["skipped"].as_u64().unwrap() > 150,
        "{}",
        report["summary"]
    );
    // A handful of items in flight, each challenged and refused: not 201.
    assert!(
        e.emulator.counters().exchanges < 40,
        "{:?}",
        e.emulator.counters()
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut c = atlas(&e);
    c.env("MONGODB_ATLAS_BASE_URL", &url);
    let out = run(c, &["-o", "json", "apply", file, "--concurrency", "4"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(json(&out)["summary"]["skipped"].as_u64().unwrap() > 150);
}

/// Ctrl-C ends `apply` at once: what finished is reported, the rest is
/// named, and the exit code is 130.
#[test]
fn apply_interrupted_reports_what_finished_and_exits_130() {
    let (mut config, plan) = super::habits::many_projects(200);
    config.faults.latency_ms = 50;
    let e = env_with(config);
    let (_dir, file) = plan_file("plan.toml", &plan);
    let args = ["-o", "json", "apply", &file, "--concurrency", "2"];
    let child = process(&atlas_vars(&e), &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until some items are done, then interrupt.
    let started = std::time::Instant::now();
    while e.emulator.counters().authenticated < 10 && started.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary = &report["summary"];
    assert!(summary["assigned"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["skipped"].as_u64().unwrap() > 0, "{summary}");
    assert_eq!(summary["items"], 201);
}

#[test]
fn apply_honours_allow_unlisted_roles() {
    let e = env(System::Atlas);
    let (_dir, file) = plan_file(
        "plan.yaml",
        &format!(
            "keys:\n- id: {KEY}\n  org: {ORG}\n  desc: deploy bot\n  projects:\n  - {{id: {PROJECT}, roles: [GROUP_FUTURE_ROLE]}}\n"
        ),
    );
    let file = file.as_str();
    let out = run(atlas(&e), &["--dry-run", "-o", "json", "apply", file]);
    expect_failure(&out, 2, "");
    let out = run(
        atlas(&e),
        &[
            "--dry-run",
            "--allow-unlisted-roles",
            "-o",
            "json",
            "apply",
            file,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    says(
        &out.stdout,
        &["GROUP_FUTURE_ROLE", "desc \\\"deploy bot\\\""],
        &["Description("],
    );
}

/// One retry budget per item, the transport's: `apply` adds no retries of
/// its own on top (four of its own on top of the transport's four made
/// sixteen sends of one item).
#[test]
fn apply_sends_a_failing_item_only_as_often_as_the_transport_retries() {
    let e = env(System::Atlas);
    let (_dir, file) = plan_file(
        "plan.toml",
        &format!("[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"x\"\n"),
    );
    for _ in 0..40 {
        e.emulator.inject(
            Some("/api/atlas/v2/orgs/"),
            atlas_apikeys_emulator::Fault::Status(503),
        );
    }
    let out = run(atlas(&e), &["-o", "json", "apply", &file]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let faults = e.emulator.counters().faults;
    let budget = atlas_apikeys::client::RetryPolicy::default().max_attempts;
    assert!(
        (1..=u64::from(budget)).contains(&faults),
        "{faults} sends of one item, for a budget of {budget}"
    );
}
