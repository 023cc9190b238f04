//! The command-line tool against the emulator: every command on every
//! system, both output formats, every exit code, credentials from the
//! environment, files and stdin, and secrets never echoed.

use assert_cmd::Command;
use atlas_apikeys_emulator::{Config, Emulator, System, defaults};
use serde_json::Value;

#[path = "cli/habits.rs"]
mod habits;

struct Env {
    _runtime: tokio::runtime::Runtime,
    emulator: Emulator,
}

/// An emulator served by its own runtime's threads while tests run the CLI.
fn env(system: System) -> Env {
    env_with(Config {
        system,
        ..Config::default()
    })
}

fn env_with(config: Config) -> Env {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(Emulator::start(config)).unwrap();
    Env {
        _runtime: runtime,
        emulator,
    }
}

/// The newest Atlas version codegen emitted.
fn newest() -> &'static str {
    atlas_apikeys::latest_atlas_version().version
}

/// The oldest Atlas version codegen emitted.
fn oldest() -> &'static str {
    atlas_apikeys::atlas_versions()
        .next()
        .expect("an Atlas version")
        .version
}

/// `atlas <newest>`, as messages name the target.
fn newest_target() -> &'static str {
    static TARGET: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| format!("atlas {}", newest()));
    &TARGET
}

const ORG: &str = defaults::ORG;
const PROJECT: &str = defaults::PROJECT;
const KEY: &str = defaults::TARGET_KEY;

/// A command with a clean environment and only what a test gives it.
fn cli() -> Command {
    let mut c = Command::cargo_bin("atlas-apikeys").unwrap();
    c.env_clear();
    c
}

fn digest(c: &mut Command, e: &Env) {
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE);
}

fn service_account(c: &mut Command, e: &Env) {
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_CLIENT_ID", defaults::CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", defaults::CLIENT_SECRET);
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(mut c: Command, args: &[&str]) -> Out {
    let out = c.args(args).output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `org-key update ORG KEY --desc x` on the newest version: the command
/// most tests need one of.
fn update_x(c: Command) -> Out {
    run(
        c,
        &[
            "--api-version",
            newest(),
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    )
}

fn json(out: &Out) -> Value {
    serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn every_command_on_every_system_in_both_formats() {
    let cases = [
        (System::Atlas, false, "GROUP_CLUSTER_MANAGER"),
        (System::Atlas, true, "GROUP_CLUSTER_MANAGER"),
        (System::CloudManager, false, "GROUP_AUTOMATION_ADMIN"),
        (System::CloudManager, true, "GROUP_BILLING_ADMIN"),
        (System::OpsManager, false, "GROUP_MONITORING_ADMIN"),
    ];
    for (system, oauth, project_role) in cases {
        let e = env(system);
        let system_flag = match system {
            System::Atlas => "atlas",
            System::CloudManager => "cloud-manager",
            System::OpsManager => "ops-manager",
        };
        let base = |format: &str| {
            let mut c = cli();
            if oauth {
                service_account(&mut c, &e)
            } else {
                digest(&mut c, &e)
            }
            c.args(["--system", system_flag, "--output", format]);
            if system == System::Atlas {
                c.args(["--api-version", oldest()]);
            }
            c
        };
        let what = format!("{system_flag} oauth={oauth}");

        let out = run(
            base("json"),
            &[
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "from the cli",
                "--role",
                "ORG_MEMBER",
                "--role",
                "ORG_READ_ONLY",
            ],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let v = json(&out);
        assert_eq!(v["desc"], "from the cli", "{what}");
        let org_roles = v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["orgId"] == ORG)
            .count();
        assert_eq!(org_roles, 2, "{what}");

        let out = run(
            base("table"),
            &["org-key", "update", ORG, KEY, "--desc", "again"],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            out.stdout.contains("again") && out.stdout.contains("org roles"),
            "{what}: {}",
            out.stdout
        );

        let out = run(
            base("json"),
            &[
                "project-key",
                "assign",
                PROJECT,
                KEY,
                "--role",
                "GROUP_READ_ONLY",
            ],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        // Cloud Manager and Ops Manager's one PATCH assigns or replaces; the
        // first time, it assigned.
        assert_eq!(json(&out)["result"], "assigned", "{what}");

        // Idempotent by default: assigning again updates.
        let out = run(
            base("table"),
            &[
                "project-key",
                "assign",
                PROJECT,
                KEY,
                "--role",
                "GROUP_OWNER",
            ],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        // Atlas says which; Cloud Manager and Ops Manager's PATCH cannot.
        let again = if system == System::Atlas {
            "updated"
        } else {
            "assigned"
        };
        assert!(
            out.stdout.contains(again) && out.stdout.contains("GROUP_OWNER"),
            "{what}: {}",
            out.stdout
        );

        let out = run(
            base("json"),
            &[
                "project-key",
                "update-roles",
                PROJECT,
                KEY,
                "--role",
                project_role,
                "--role",
                "GROUP_READ_ONLY",
            ],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let roles: Vec<String> = json(&out)["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["groupId"] == PROJECT)
            .map(|r| r["roleName"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(roles, [project_role, "GROUP_READ_ONLY"], "{what}");

        let stored = e.emulator.api_key(KEY).unwrap();
        assert_eq!(stored.description, "again", "{what}");
        assert_eq!(
            stored.project_roles[PROJECT],
            [project_role, "GROUP_READ_ONLY"],
            "{what}"
        );

        // --strict on Atlas refuses a key already in the project.
        if system == System::Atlas {
            let out = run(
                base("json"),
                &[
                    "project-key",
                    "assign",
                    PROJECT,
                    KEY,
                    "--role",
                    "GROUP_OWNER",
                    "--strict",
                ],
            );
            assert_eq!(out.code, 3, "{what}: {}", out.stderr);
            assert!(
                out.stderr.contains("errorCode: API_KEY_ALREADY_IN_GROUP"),
                "{}",
                out.stderr
            );
        }
    }
}

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
    for (args, needle) in [
        (vec!["org-key", "update", ORG], "KEY_ID"),
        (vec!["project-key", "assign", PROJECT, KEY], "--role"),
        (vec!["org-key", "update", ORG, KEY], "--desc, --role"),
        (
            vec![
                "org-key",
                "update",
                "32b6e34b3d91647abb20e7b",
                KEY,
                "--desc",
                "x",
            ],
            "ORG_ID",
        ),
        (
            vec!["org-key", "update", ORG, "zmmrboas", "--desc", "x"],
            "public key",
        ),
        (vec!["org-key", "update", ORG, KEY, "--desc", ""], "--desc"),
        (
            vec!["org-key", "update", ORG, KEY, "--role", "GROUP_OWNER"],
            "--role",
        ),
        (
            vec![
                "org-key",
                "update",
                ORG,
                KEY,
                "--role",
                "ORG_OWNER",
                "--role",
                "ORG_OWNER",
            ],
            "lists a role more than once",
        ),
        (
            vec![
                "project-key",
                "assign",
                PROJECT,
                KEY,
                "--role",
                "GROUP_AUTOMATION_ADMIN",
            ],
            newest_target(),
        ),
        (
            vec![
                "--private-key",
                "x",
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "x",
            ],
            "--private-key",
        ),
        (
            vec![
                "--api-version",
                "2019-01-01",
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "x",
            ],
            "--api-version",
        ),
    ] {
        let out = run(with(&[]), &args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
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
    let out = run(
        with(&[]),
        &[
            "org-key",
            "update",
            ORG,
            "0123456789abcdef01234567",
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("errorCode: API_KEY_NOT_FOUND"),
        "{}",
        out.stderr
    );
    let mut reader = cli();
    reader
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_KEY", defaults::READER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_KEY", defaults::READER_PRIVATE);
    let out = update_x(reader);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("USER_UNAUTHORIZED"), "{}", out.stderr);

    // 4: authentication and transport.
    let mut wrong = cli();
    wrong
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", "not-the-private-key");
    let out = update_x(wrong);
    assert_eq!(out.code, 4, "{}", out.stderr);
    let mut nowhere = cli();
    nowhere
        .env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE);
    let out = update_x(nowhere);
    assert_eq!(out.code, 4, "{}", out.stderr);

    // 0, with a warning when the version is not pinned.
    let mut unpinned = cli();
    digest(&mut unpinned, &e);
    let out = run(unpinned, &["org-key", "update", ORG, KEY, "--desc", "x"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("warning: no API version pinned"),
        "{}",
        out.stderr
    );
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
    half.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_CLIENT_ID", defaults::CLIENT_ID);
    let out = update_x(half);
    assert_eq!(out.code, 4);
    assert!(out.stderr.contains("no client secret"), "{}", out.stderr);
    // Ops Manager needs its URL and takes no service accounts.
    let mut om = cli();
    om.env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url())
        .env("MONGODB_ATLAS_CLIENT_ID", defaults::CLIENT_ID)
        .env("MONGODB_ATLAS_CLIENT_SECRET", defaults::CLIENT_SECRET);
    let out = run(
        om,
        &[
            "--system",
            "ops-manager",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("Ops Manager takes API keys only"),
        "{}",
        out.stderr
    );
    assert_eq!(e.emulator.counters().exchanges, 0);
}

#[test]
fn secrets_come_from_files_or_stdin_and_are_never_echoed() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("private-key");
    std::fs::write(&file, format!("{}\n", defaults::OWNER_PRIVATE)).unwrap();
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC);
    let out = run(
        c,
        &[
            "--api-version",
            newest(),
            "--private-key-file",
            file.to_str().unwrap(),
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_CLIENT_ID", defaults::CLIENT_ID);
    c.write_stdin(defaults::CLIENT_SECRET);
    let out = run(
        c,
        &[
            "--api-version",
            newest(),
            "--client-secret-file",
            "-",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Everything a user can see, at the most verbose, on success and failure.
    let mut seen = String::new();
    for (private, secret) in [
        (defaults::OWNER_PRIVATE, defaults::CLIENT_SECRET),
        ("wrong-9e0f1a2b3c4d", "mdb_sa_sk_wrong"),
    ] {
        for use_sa in [false, true] {
            for format in ["json", "table"] {
                let mut c = cli();
                c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
                if use_sa {
                    c.env("MONGODB_ATLAS_CLIENT_ID", defaults::CLIENT_ID)
                        .env("MONGODB_ATLAS_CLIENT_SECRET", secret);
                } else {
                    c.env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
                        .env("MONGODB_ATLAS_PRIVATE_API_KEY", private);
                }
                let out = run(
                    c,
                    &[
                        "-vvv",
                        "--output",
                        format,
                        "project-key",
                        "assign",
                        PROJECT,
                        KEY,
                        "--role",
                        "GROUP_READ_ONLY",
                    ],
                );
                seen.push_str(&out.stdout);
                seen.push_str(&out.stderr);
            }
        }
    }
    assert!(
        seen.contains("atlas_apikeys.call"),
        "verbose logging ran: {seen}"
    );
    for secret in [
        defaults::OWNER_PRIVATE,
        "9e0f1a2b3c4d",
        defaults::CLIENT_SECRET,
        "mdb_sa_sk_wrong",
        "eyJhbGciOiJub25lIn0",
        "Digest username",
        "Basic ",
    ] {
        assert!(!seen.contains(secret), "{secret:?} was shown:\n{seen}");
    }
}

#[test]
fn help_has_examples_and_completions_are_printed() {
    let out = run(cli(), &["project-key", "assign", "--help"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("EXAMPLES:") && out.stdout.contains("--strict"),
        "{}",
        out.stdout
    );
    let out = run(cli(), &["--help"]);
    assert!(
        out.stdout.contains("EXIT CODES") && out.stdout.contains("MONGODB_ATLAS_CLIENT_ID"),
        "{}",
        out.stdout
    );
    for (shell, needle) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef atlas-apikeys"),
        ("fish", "complete -c atlas-apikeys"),
    ] {
        let out = run(cli(), &["completions", shell]);
        assert_eq!(out.code, 0);
        assert!(
            out.stdout.contains(needle),
            "{shell}: {}",
            &out.stdout[..out.stdout.len().min(300)]
        );
    }
}

#[test]
fn envelope_pretty_and_unlisted_roles_pass_through() {
    // A server that knows an organization role before this build's catalogue does.
    const NEWER: &str = "ORG_NEWER_THAN_THE_CATALOGUE";
    let mut roles = atlas_apikeys_emulator::roles::RoleSets::documented(System::Atlas);
    roles.org.push(NEWER.into());
    let e = env_with(Config {
        system: System::Atlas,
        roles: Some(roles),
        ..Config::default()
    });
    let mut c = cli();
    digest(&mut c, &e);
    let out = run(
        c,
        &[
            "--api-version",
            newest(),
            "--envelope",
            "--pretty",
            "--output",
            "json",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "enveloped",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["desc"], "enveloped");
    let mut c = cli();
    digest(&mut c, &e);
    let out = run(
        c,
        &[
            "--api-version",
            newest(),
            "org-key",
            "update",
            ORG,
            KEY,
            "--role",
            NEWER,
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("--allow-unlisted-roles"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    digest(&mut c, &e);
    let out = run(
        c,
        &[
            "--api-version",
            newest(),
            "--allow-unlisted-roles",
            "--output",
            "json",
            "org-key",
            "update",
            ORG,
            KEY,
            "--role",
            NEWER,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["roles"][0]["roleName"], NEWER);
}

/// `--help` and shell completions offer every role of the role catalogue
/// (organization roles for org keys, project roles in projects) and every
/// Atlas version codegen emitted.
#[test]
fn help_and_completions_offer_the_catalogue_roles_and_versions() {
    let help = |args: &[&str]| {
        let mut c = cli();
        c.args(args).arg("--help");
        let out = run(c, &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let org_help = help(&["org-key", "update"]);
    let assign_help = help(&["project-key", "assign"]);
    let update_help = help(&["project-key", "update-roles"]);
    let mut c = cli();
    c.args(["completions", "bash"]);
    let completions = run(c, &[]).stdout;
    for entry in atlas_apikeys::client::catalogue::CATALOGUE {
        for role in entry.org {
            assert!(
                org_help.contains(role.as_str()),
                "{} in org-key help",
                role.as_str()
            );
            assert!(
                completions.contains(role.as_str()),
                "{} in completions",
                role.as_str()
            );
        }
        for role in entry.project {
            for (what, text) in [("assign", &assign_help), ("update-roles", &update_help)] {
                assert!(
                    text.contains(role.as_str()),
                    "{} in {what} help",
                    role.as_str()
                );
            }
            assert!(
                completions.contains(role.as_str()),
                "{} in completions",
                role.as_str()
            );
        }
    }
    for v in atlas_apikeys::atlas_versions() {
        assert!(
            completions.contains(v.version),
            "{} in completions",
            v.version
        );
    }
}
