//! Shared test support for the workspace's integration tests.
#![forbid(unsafe_code)]

pub mod schema;

use std::path::PathBuf;

use atlas_apikeys_emulator::{Config, Emulator, Seen, defaults};

/// The workspace root, found at run time (see `xtask::workspace_root`).
pub use xtask::workspace_root;

/// A fixture file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(name)
}

/// An Atlas emulator that takes every request as the owner key's, as
/// behind an authenticating proxy: for tests of what a client without
/// credentials sends, and of how it reads scripted answers.
pub async fn vouching_emulator() -> Emulator {
    Emulator::start(Config {
        authenticated_as: Some(defaults::OWNER.public_key.to_owned()),
        ..Config::default()
    })
    .await
    .expect("start the emulator")
}

/// Removes and returns the only request the emulator saw; panics if there
/// was not exactly one.
pub fn take_one(emulator: &Emulator) -> Seen {
    let mut seen = emulator.take_seen();
    assert_eq!(seen.len(), 1, "expected exactly one request, got {seen:?}");
    seen.remove(0)
}

/// Asserts that at least `least` has passed since `started`: a wait the
/// client was asked for (`Retry-After`, a timeout) was honoured, not cut
/// short.
#[track_caller]
pub fn assert_waited(started: std::time::Instant, least: std::time::Duration, what: &str) {
    let waited = started.elapsed();
    assert!(
        waited >= least,
        "{what}: waited {waited:?}, expected at least {least:?}"
    );
}
