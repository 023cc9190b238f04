//! Repository automation for atlas-apikeys, as a library so tests can drive
//! the same code the `cargo xtask` commands run.
//!
//! - [`import`]: upstream spec → `openapi/<fragment>.json` (facts only).
//! - [`codegen`]: fragments → generated client modules.
#![forbid(unsafe_code)]

pub mod codegen;
pub mod import;
pub mod jsonpath;
pub mod operations;
pub mod output;

use std::path::PathBuf;

/// The workspace root (the folder holding `openapi/` and `crates/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
