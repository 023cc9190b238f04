//! Repository automation for atlas-apikeys, as a library so tests can drive
//! the same code the `cargo xtask` commands run.
//!
//! - [`import`]: upstream spec → `openapi/<fragment>.json` (facts only).
//! - [`codegen`]: fragments → generated client modules.
//! - [`catalogue`]: the checked-in role catalogue both of them read.
//! - [`tidy`]: the house rules a test checks.
#![forbid(unsafe_code)]

pub mod catalogue;
pub mod codegen;
pub mod import;
pub mod jsonpath;
pub mod operations;
pub mod output;
pub mod tidy;

use std::path::PathBuf;

/// The workspace root (the folder holding `openapi/` and `crates/`), found at
/// run time: from `CARGO_MANIFEST_DIR` when cargo runs the program, else from
/// the current directory, walking up to the `Cargo.toml` that declares
/// `[workspace]`. Never a path baked in at compile time, so one target
/// directory can serve several checkouts.
pub fn workspace_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    find_workspace_root(&start).unwrap_or(start)
}

/// The nearest folder at or above `start` whose `Cargo.toml` declares a
/// `[workspace]`.
pub fn find_workspace_root(start: &std::path::Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|l| l.trim() == "[workspace]")
            .then(|| dir.to_owned())
    })
}
