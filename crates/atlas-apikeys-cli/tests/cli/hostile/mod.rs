//! Hostile arguments, files, environments, servers and readers: never a
//! panic (exit 101), never a secret echoed, never an unbounded read.
//! Here: readers that go away or cannot take the output.

use std::process::Stdio;

use super::*;

mod apply;
mod echo;
mod fuzz;
mod settings;

/// A private key, as a user might paste it anywhere.
pub(super) const PRIVATE: &str = "a0b1c2d3-e4f5-a6b7-c8d9-e0f1a2b3c4d5";
/// A service account's client secret.
pub(super) const CLIENT_SECRET: &str = "mdb_sa_sk_Qx7pasted0secretZ";

/// The command line as a plain process (for tests that choose its stdout),
/// with only `vars` in its environment.
pub(super) fn process(vars: &[(&str, String)], args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("atlas-apikeys"));
    c.env_clear()
        .envs(vars.iter().map(|(k, v)| (k, v)))
        .args(args);
    c
}

/// What [`atlas`] sets, for [`process`]: the emulator, the owner key, the
/// newest version.
pub(super) fn atlas_vars(e: &Env) -> Vec<(&'static str, String)> {
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

/// A plan file `name` holding `text`; its directory lasts as long as the
/// returned guard.
pub(super) fn plan_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path.display().to_string())
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
    let (_dir, plan) = plan_file(
        "plan.toml",
        &format!(
            "[[keys]]\nid = \"{KEY}\"\n[[keys.projects]]\nid = \"{PROJECT}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ),
    );
    let plan = plan.as_str();
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
    // One over the limit the help states ("1 to N"), whatever N is.
    let help = run(cli(), &["apply", "--help"]).stdout;
    let limit: u64 = help
        .split("1 to ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no limit in the help: {help}"));
    let over = (limit + 1).to_string();
    for n in ["0", over.as_str(), "18446744073709551615", "-1"] {
        let out = run(
            cli(),
            &["apply", "plan.json", &format!("--concurrency={n}")],
        );
        expect_failure(&out, 2, "--concurrency");
    }
}

#[test]
fn a_created_key_whose_private_key_cannot_be_shown_is_named_and_its_secret_kept_out() {
    let e = env(System::Atlas);
    let args = [
        "org-key",
        "create",
        ORG,
        "--desc",
        "piped",
        "--role",
        "ORG_MEMBER",
    ];
    let out = into_closed_pipe(process(&atlas_vars(&e), &args));
    assert_eq!(out.code, 5, "{}", out.stderr);
    says(
        &out.stderr,
        &["was created, but its private key", "delete the key"],
        &["panicked"],
    );
    let id = out
        .stderr
        .split("the key ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no key named: {}", out.stderr));
    let key = e.emulator.api_key(id).expect("the key was created");
    assert!(!out.stderr.contains(&key.private_key), "{}", out.stderr);
}
