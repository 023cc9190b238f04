//! Shared test support for the workspace's integration tests.
#![forbid(unsafe_code)]

pub mod capture;
pub mod schema;

use std::path::PathBuf;

/// The workspace root, found at run time (see `xtask::workspace_root`).
pub use xtask::workspace_root;

/// A fixture file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures").join(name)
}
