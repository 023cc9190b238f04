//! Reading an upstream spec, YAML or JSON.

use std::path::Path;

use serde_json::Value;

use super::ImportError;

/// Parses `file` as JSON when it looks like JSON, otherwise as YAML.
pub fn read(file: &Path) -> Result<Value, ImportError> {
    let bytes = std::fs::read(file).map_err(|source| ImportError::Read {
        file: file.to_owned(),
        source,
    })?;
    let looks_json = file.extension().is_some_and(|e| e == "json")
        || bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{');
    if looks_json {
        serde_json::from_slice(&bytes).map_err(|e| ImportError::Parse {
            file: file.to_owned(),
            format: "JSON",
            message: e.to_string(),
        })
    } else {
        serde_norway::from_slice(&bytes).map_err(|e| ImportError::Parse {
            file: file.to_owned(),
            format: "YAML",
            message: e.to_string(),
        })
    }
}
