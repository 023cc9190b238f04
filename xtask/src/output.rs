//! Writing generated artefacts: canonical JSON, atomic replacement, and the
//! `--check` comparison that prints a readable diff instead of writing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why a write or check did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// Creating, writing or renaming a file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// `--check` found a file that differs from what would be written.
    #[error("{path} is stale; run `{fix}` to update it\n{diff}")]
    Stale {
        /// The stale file.
        path: PathBuf,
        /// The command that regenerates it.
        fix: String,
        /// Unified diff from the checked-in file to the fresh output.
        diff: String,
    },
    /// `--check` found a file that would be written but does not exist.
    #[error("{path} is missing; run `{fix}` to create it")]
    Missing {
        /// The missing file.
        path: PathBuf,
        /// The command that creates it.
        fix: String,
    },
    /// `--check` found a generated file that would no longer be written.
    #[error("{path} is no longer generated; run `{fix}` to remove it")]
    Orphan {
        /// The leftover file.
        path: PathBuf,
        /// The command that removes it.
        fix: String,
    },
}

/// Serialises JSON with object keys sorted at every level, two-space indent
/// and a trailing newline, so equal documents are byte-identical whatever map
/// type `serde_json` was built with.
pub fn canonical_json(value: &Value) -> String {
    let mut value = value.clone();
    value.sort_all_objects();
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialise");
    text.push('\n');
    text
}

/// Replaces `path` with `contents` atomically: a reader sees the old file or
/// the new one, never a torn write. Skips the write when nothing changed.
pub fn write_atomic(path: &Path, contents: &str) -> Result<bool, OutputError> {
    if fs::read(path).is_ok_and(|old| old == contents.as_bytes()) {
        return Ok(false);
    }
    let err = |source| OutputError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)?;
    Ok(true)
}

/// Compares the file at `path` with `expected`; `fix` names the command that
/// would bring it up to date.
pub fn check_file(path: &Path, expected: &str, fix: &str) -> Result<(), OutputError> {
    match fs::read_to_string(path) {
        Ok(actual) if actual == expected => Ok(()),
        Ok(actual) => Err(OutputError::Stale {
            path: path.to_owned(),
            fix: fix.to_owned(),
            diff: unified_diff(&actual, expected, path),
        }),
        Err(_) => Err(OutputError::Missing {
            path: path.to_owned(),
            fix: fix.to_owned(),
        }),
    }
}

/// A unified diff from `old` (checked in) to `new` (fresh), capped so a
/// wholesale change stays readable in a terminal.
pub fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    const MAX_LINES: usize = 200;
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (checked in)"), &format!("{name} (fresh)"))
        .to_string();
    let total = diff.lines().count();
    if total <= MAX_LINES {
        return diff;
    }
    let mut cut: String = diff.lines().take(MAX_LINES).collect::<Vec<_>>().join("\n");
    cut.push_str(&format!("\n... ({} more diff lines)\n", total - MAX_LINES));
    cut
}

/// The files directly in `dir` whose name ends in `.ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Copies the folder `from` to `to`, recursively (for scratch checkouts in
/// tests).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}
