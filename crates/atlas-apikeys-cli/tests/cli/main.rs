//! The command-line tool against the emulator: every command on every
//! system, both output formats, every exit code, credentials from the
//! environment, files and stdin, and secrets never echoed.

use assert_cmd::Command;
use atlas_apikeys_emulator::{Config, Emulator, System, defaults};
use serde_json::Value;

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

/// The project role below owner that tests assign on `system`: Ops Manager
/// and Cloud Manager keys get a monitoring role, Atlas keys read-only.
fn project_role(system: System) -> &'static str {
    match system {
        System::Atlas => "GROUP_READ_ONLY",
        _ => "GROUP_MONITORING_ADMIN",
    }
}

const PROJECT: &str = defaults::PROJECT;

const KEY: &str = defaults::TARGET.id;

/// A command with a clean environment and only what a test gives it.
fn cli() -> Command {
    let mut c = Command::cargo_bin("atlas-apikeys").unwrap();
    c.env_clear();
    // No session bus: a developer's own keychain stays out of the tests.
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    c
}

fn digest(c: &mut Command, e: &Env) {
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER.private_key);
}

fn service_account(c: &mut Command, e: &Env) {
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env(
            "MONGODB_ATLAS_CLIENT_ID",
            defaults::SERVICE_ACCOUNT.client_id,
        )
        .env(
            "MONGODB_ATLAS_CLIENT_SECRET",
            defaults::SERVICE_ACCOUNT.client_secret,
        );
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
    sh(
        c,
        &format!(
            "--api-version {} org-key update {ORG} {KEY} --desc x",
            newest()
        ),
    )
}

/// Shell words of one README line: quotes grouped, a `#` comment dropped.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '#') if word.is_empty() => break,
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

/// Runs the command line `line` (shell words: quotes group, `#` starts a
/// comment) with `c`'s environment.
fn sh(c: Command, line: &str) -> Out {
    let args = words(line);
    run(c, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The CLI against the Atlas emulator `e`, as the owner key, pinned to the
/// newest version.
fn atlas(e: &Env) -> Command {
    let mut c = cli();
    digest(&mut c, e);
    c.args(["--api-version", newest()]);
    c
}

/// Asserts `text` says every one of `present` and none of `absent`.
fn says(text: &str, present: &[&str], absent: &[&str]) {
    for p in present {
        assert!(text.contains(p), "missing {p:?}: {text}");
    }
    for a in absent {
        assert!(!text.contains(a), "unexpected {a:?}: {text}");
    }
}

/// Asserts the run exited with `code` and said `needle` on stderr.
fn expect_failure(out: &Out, code: i32, needle: &str) {
    assert_eq!(out.code, code, "{}", out.stderr);
    assert!(out.stderr.contains(needle), "{}", out.stderr);
}

fn json(out: &Out) -> Value {
    serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// The `k`th of many seeded keys (id `9…k`), with `grants`.
fn crowd_key(
    k: usize,
    grants: atlas_apikeys_emulator::Grants,
) -> atlas_apikeys_emulator::config::ApiKey {
    atlas_apikeys_emulator::config::ApiKey {
        id: format!("9{k:023x}"),
        public_key: format!("pk{k:06}"),
        private_key: format!("00000000-0000-0000-0000-{k:012}"),
        description: format!("crowd {k}"),
        grants,
    }
}

mod access;
mod created;
mod exit_codes;
mod habits;
mod help;
mod hostile;
mod keychain;
mod lifecycle;
mod pacing;
mod plan;
mod proxy;
mod rotate;
mod saved;
mod secrets;
mod systems;
mod tls;
mod tokens;
