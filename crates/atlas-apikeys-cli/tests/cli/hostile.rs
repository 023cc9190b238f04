//! Hostile arguments, files, environments, servers and readers: never a
//! panic (exit 101), never a secret echoed, never an unbounded read.

use std::process::Stdio;

use super::*;

/// A private key, as a user might paste it anywhere.
const PRIVATE: &str = "a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5";
/// A service account's client secret.
const CLIENT_SECRET: &str = "mdb_sa_sk_Qx7pasted0secretZ";

/// The command line as a plain process (for tests that choose its stdout),
/// with only `vars` in its environment.
fn process(vars: &[(&str, String)], args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("atlas-apikeys"));
    c.env_clear()
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .args(args);
    c
}

/// What [`atlas`] sets, for [`process`]: the emulator, the owner key, the
/// newest version.
fn atlas_vars(e: &Env) -> Vec<(&'static str, String)> {
    vec![
        ("MONGODB_ATLAS_BASE_URL", e.emulator.url()),
        (
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            defaults::OWNER.public_key.into(),
        ),
        (
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            defaults::OWNER.private_key.into(),
        ),
        ("MONGODB_ATLAS_API_VERSION", newest().into()),
    ]
}

/// Runs `c` with its stdout a pipe whose reader has already gone.
fn into_closed_pipe(mut c: std::process::Command) -> Out {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = c.stdout(writer).stderr(Stdio::piped()).output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly_with_the_commands_code() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.toml");
    std::fs::write(
        &plan,
        format!("[[keys]]\nid = \"{KEY}\"\n[[keys.projects]]\nid = \"{PROJECT}\"\nroles = [\"GROUP_READ_ONLY\"]\n"),
    )
    .unwrap();
    let plan = plan.to_str().unwrap();
    let update = [
        "-o", "json", "org-key", "update", ORG, KEY, "--desc", "piped",
    ];
    let vars = atlas_vars(&e);
    for (vars, args) in [
        (&[][..], &["roles"][..]),
        (&[], &["completions", "bash"]),
        (&[], &["--help"]),
        (&vars, &["-o", "table", "apply", plan]),
        (&vars, &update),
    ] {
        let out = into_closed_pipe(process(vars, args));
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, "", "{args:?}");
    }
    assert_eq!(e.emulator.api_key(KEY).unwrap().description, "piped");
}

#[test]
fn a_result_that_cannot_be_written_says_the_command_ran_and_exits_5() {
    let e = env(System::Atlas);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let args = [
        "-o", "json", "org-key", "update", ORG, KEY, "--desc", "full",
    ];
    let out = process(&atlas_vars(&e), &args)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    says(
        &stderr,
        &["the command ran, but its result could not be written"],
        &["panicked"],
    );
    assert_eq!(e.emulator.api_key(KEY).unwrap().description, "full");
}

#[test]
fn concurrency_is_bounded_by_clap_not_by_a_panic() {
    for n in ["0", "65", "18446744073709551615", "-1"] {
        let out = run(
            cli(),
            &["apply", "plan.json", &format!("--concurrency={n}")],
        );
        expect_failure(&out, 2, "--concurrency");
    }
}

/// A secret typed where it does not belong, in every argument and variable
/// that is echoed back, never comes back.
#[test]
fn a_secret_typed_into_any_argument_is_never_printed() {
    let e = env(System::Atlas);
    let url_with_password = "http://alice:s3cretpass@127.0.0.1:9";
    let no_config = std::env::temp_dir().display().to_string();
    let update = format!("org-key update {ORG} {KEY} --desc x");
    let cases: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("-P {PRIVATE} {update}"),
            vec![("XDG_CONFIG_HOME", no_config)],
        ),
        (format!("--system {PRIVATE} roles"), vec![]),
        (format!("-o {CLIENT_SECRET} roles"), vec![]),
        (format!("--base-url {PRIVATE} {update}"), vec![]),
        (
            update.clone(),
            vec![("MONGODB_ATLAS_BASE_URL", format!("{PRIVATE}.example"))],
        ),
        (format!("--api-version {PRIVATE} {update}"), vec![]),
        (
            format!("org-key update {ORG} {CLIENT_SECRET} --desc x"),
            vec![],
        ),
        (
            format!("org-key update {ORG} {KEY} --role {CLIENT_SECRET}"),
            vec![],
        ),
        (format!("--base-url {url_with_password} {update}"), vec![]),
        (
            format!("--dry-run --base-url {url_with_password} {update}"),
            vec![],
        ),
        (
            format!("--base-url http://alice:s3cretpass@db.example {update}"),
            vec![],
        ),
    ];
    for (line, vars) in cases {
        let mut c = atlas(&e);
        for (k, v) in &vars {
            c.env(k, v);
        }
        let before = e.emulator.counters().exchanges;
        let out = sh(c, &line);
        assert_ne!(out.code, 101, "{line}");
        assert_eq!(
            e.emulator.counters().exchanges,
            before,
            "{line}: {}",
            out.stdout
        );
        let seen = format!("{}{}", out.stdout, out.stderr);
        says(
            &seen,
            &[],
            &[PRIVATE, CLIENT_SECRET, "s3cretpass", "panicked"],
        );
    }
    // Userinfo is refused before anything is sent, even on loopback.
    assert_eq!(e.emulator.counters().exchanges, 0);
}

#[test]
fn a_base_url_with_userinfo_a_query_or_a_fragment_is_refused_before_sending() {
    let e = env(System::Atlas);
    let url = e.emulator.url();
    let with_userinfo = url.replacen("://", "://alice:s3cretpass@", 1);
    for (base, needle) in [
        (with_userinfo, "user name or password"),
        (format!("{url}?x=1"), "has a query"),
        (format!("{url}#top"), "has a fragment"),
    ] {
        for dry in [false, true] {
            let mut args = vec![
                "--base-url",
                &base,
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "x",
            ];
            if dry {
                args.insert(0, "--dry-run");
            }
            let out = run(atlas(&e), &args);
            expect_failure(&out, 2, needle);
            says(&out.stderr, &[], &["s3cretpass", "swapped"]);
        }
    }
    assert_eq!(e.emulator.counters().exchanges, 0);
}

/// `apply` over files that hold secrets where ids belong, or that are
/// secrets: the report, the dry run and the parse error never show them.
#[test]
fn apply_never_shows_a_secret_from_the_plan() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let pasted = dir.path().join("pasted.json");
    std::fs::write(
        &pasted,
        format!(r#"{{"keys":[{{"id":"{PRIVATE}","org":"{ORG}","desc":"x","projects":[{{"id":"{CLIENT_SECRET}","roles":["GROUP_READ_ONLY"]}}]}}]}}"#),
    )
    .unwrap();
    let whole = dir.path().join("whole.json");
    std::fs::write(&whole, format!("\"{PRIVATE}\"")).unwrap();
    let whole_yaml = dir.path().join("whole.yaml");
    std::fs::write(&whole_yaml, format!("keys: {CLIENT_SECRET}\n")).unwrap();
    let mut seen = String::new();
    for file in [&pasted, &whole, &whole_yaml] {
        for format in ["json", "table"] {
            for dry in [false, true] {
                let mut args = vec!["-o", format, "apply", file.to_str().unwrap()];
                if dry {
                    args.insert(0, "--dry-run");
                }
                let out = run(atlas(&e), &args);
                assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
                seen.push_str(&out.stdout);
                seen.push_str(&out.stderr);
            }
        }
    }
    let mut c = atlas(&e);
    c.write_stdin(PRIVATE);
    let out = run(c, &["apply", "-"]);
    assert_eq!(out.code, 2);
    seen.push_str(&out.stderr);
    says(
        &seen,
        &["keys[0].id", "withheld"],
        &[PRIVATE, CLIENT_SECRET, "panicked"],
    );
}

/// Text from a server, a plan or a file name cannot move the cursor, color
/// the terminal or fake a line.
#[test]
fn escape_sequences_from_servers_plans_and_file_names_are_shown_escaped() {
    let e = env(System::Atlas);
    e.emulator.reply(atlas_apikeys_emulator::Reply::json(
        400,
        serde_json::json!({
            "error": 400,
            "errorCode": "BAD\u{1b}[31mCODE",
            "detail": "bad\nerror: all is well\u{7}",
        }),
    ));
    let out = run(atlas(&e), &["org-key", "update", ORG, KEY, "--desc", "x"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    says(
        &out.stderr,
        &["\\u{1b}[31m", "\\nerror: all is well"],
        &["\u{1b}", "\u{7}", "\nerror: all is well"],
    );

    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("p\u{1b}]0;x\u{7}.json");
    std::fs::write(&plan, r#"{"keys": [], "k\u001b[2J": 1}"#).unwrap();
    let out = run(atlas(&e), &["apply", plan.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    says(&out.stderr, &["unknown field"], &["\u{1b}", "\u{7}"]);
}

#[test]
fn reads_are_bounded_and_a_dry_run_reads_no_secret() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let sparse = sparse.to_str().unwrap();
    let update = |file: &str| {
        let mut c = cli();
        c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
            .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
            .args(["--api-version", newest(), "--private-key-file", file]);
        c
    };
    for file in ["/dev/zero", sparse] {
        let out = run(
            update(file),
            &["org-key", "update", ORG, KEY, "--desc", "x"],
        );
        expect_failure(&out, 4, "larger than the 4 KiB limit");
        let out = run(atlas(&e), &["apply", file]);
        expect_failure(&out, 2, "larger than the 8 MiB limit");
        // A dry run needs no key, and reads none.
        let out = run(
            update(file),
            &["--dry-run", "org-key", "update", ORG, KEY, "--desc", "x"],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    assert_eq!(e.emulator.counters().exchanges, 0);
}

/// Credentials the server rejects, or a host that cannot be reached, would
/// fail every item: the run stops after the items in flight, with the code
/// a single command would give.
#[test]
fn apply_stops_on_a_failure_that_would_fail_every_item() {
    let (config, plan) = super::habits::many_projects(200);
    let e = env_with(config);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, &plan).unwrap();
    let file = file.to_str().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, &plan).unwrap();
    let args = [
        "-o",
        "json",
        "apply",
        file.to_str().unwrap(),
        "--concurrency",
        "2",
    ];
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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.yaml");
    std::fs::write(
        &file,
        format!(
            "keys:\n- id: {KEY}\n  projects:\n  - {{id: {PROJECT}, roles: [GROUP_FUTURE_ROLE]}}\n"
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
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
    says(&out.stdout, &["GROUP_FUTURE_ROLE"], &["Description("]);
}

#[test]
fn strict_is_refused_where_it_cannot_be_told() {
    for system in [System::CloudManager, System::OpsManager] {
        let e = env(system);
        let mut c = cli();
        digest(&mut c, &e);
        c.env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url());
        let name = match system {
            System::CloudManager => "cloud-manager",
            _ => "ops-manager",
        };
        let out = run(
            c,
            &[
                "--system",
                name,
                "project-key",
                "assign",
                PROJECT,
                KEY,
                "--role",
                "GROUP_READ_ONLY",
                "--strict",
            ],
        );
        expect_failure(&out, 2, "--strict");
        assert_eq!(e.emulator.counters().exchanges, 0);
    }
}
