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

mod exit_codes;
mod habits;
mod help;
mod secrets;
mod systems;
