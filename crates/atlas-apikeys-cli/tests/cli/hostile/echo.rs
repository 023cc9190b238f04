//! Secrets typed, filed or served where they do not belong are never shown;
//! control characters from anywhere are shown escaped.

use super::*;

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

/// JSON output stays JSON whatever a server's strings hold: DEL, C1 controls
/// and reordering marks come escaped as JSON escapes them.
#[test]
fn json_output_escapes_what_a_terminal_would_obey_and_stays_json() {
    let e = env(System::Atlas);
    let mut key = atlas_apikeys_emulator::defaults::key_json();
    key["desc"] = serde_json::json!("a\u{7f}b\u{85}c\u{202e}d");
    e.emulator
        .reply(atlas_apikeys_emulator::Reply::json(200, key));
    let out = run(
        atlas(&e),
        &["-o", "json", "org-key", "update", ORG, KEY, "--desc", "x"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    says(
        &out.stdout,
        &["\\u007f", "\\u0085", "\\u202e"],
        &["\u{7f}", "\u{85}", "\u{202e}"],
    );
    assert_eq!(json(&out)["desc"], "a\u{7f}b\u{85}c\u{202e}d");
}
