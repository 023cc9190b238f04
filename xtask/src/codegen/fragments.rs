//! Reading the fragments under `openapi/` and the role catalogue, and
//! preparing each fragment for progenitor.

use std::path::Path;

use serde_json::Value;

use super::prepare::{Prepared, prepare};
use super::{CodegenError, wire};
use crate::catalogue::{self, Catalogue, SystemRoles};
use crate::output;

/// One fragment, read and prepared.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// Path relative to the workspace root, `/`-separated.
    pub source: String,
    /// `atlas`, `cloud-manager`, `ops-manager`.
    pub system: String,
    /// `2025-02-19`, `v1.0`.
    pub version: String,
    /// The version module's name.
    pub module: String,
    /// The fragment's first server URL.
    pub default_base_url: Option<String>,
    /// The prepared spec and what preparing recorded.
    pub prepared: Prepared,
    /// The system's role catalogue.
    pub roles: SystemRoles,
}

pub(super) fn snake(s: &str) -> String {
    s.replace(['-', '.'], "_")
}

pub(super) fn module_name(system: &str, version: &str) -> String {
    match system {
        "atlas" => format!("v{}", snake(version)),
        _ => format!("{}_{}", snake(system), snake(version)),
    }
}

/// Reads the role catalogue under `root`.
pub fn read_catalogue(root: &Path) -> Result<Catalogue, CodegenError> {
    catalogue::read(&root.join(catalogue::CATALOGUE_DIR)).map_err(CodegenError::Catalogue)
}

/// Reads every `openapi/*.json` fragment under `root`, prepared with the
/// catalogue there.
pub fn read_fragments(root: &Path) -> Result<Vec<Fragment>, CodegenError> {
    let roles = read_catalogue(root)?;
    let dir = root.join("openapi");
    let fail = |file: String, message: String| CodegenError::Fragment { file, message };
    let paths = output::files_with_extension(&dir, "json")
        .map_err(|e| fail(dir.display().to_string(), e.to_string()))?;
    let mut fragments = Vec::new();
    for path in paths {
        let source = format!(
            "openapi/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let text =
            std::fs::read_to_string(&path).map_err(|e| fail(source.clone(), e.to_string()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| fail(source.clone(), format!("not JSON: {e}")))?;
        fragments.push(fragment_from_value(&value, &source, &roles)?);
    }
    fragments.sort_by(|a, b| (&a.system, &a.version).cmp(&(&b.system, &b.version)));
    Ok(fragments)
}

/// Prepares one parsed fragment; `source` names it in errors and headers.
pub fn fragment_from_value(
    value: &Value,
    source: &str,
    catalogue: &Catalogue,
) -> Result<Fragment, CodegenError> {
    let meta = |key: &str| {
        value
            .pointer(&format!("/x-atlas-apikeys/{key}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| CodegenError::Fragment {
                file: source.to_owned(),
                message: format!("missing x-atlas-apikeys.{key}"),
            })
    };
    let (system, version) = (meta("system")?, meta("version")?);
    match value.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        other => {
            return Err(CodegenError::Fragment {
                file: source.to_owned(),
                message: format!(
                    "not OpenAPI 3.0.x (openapi: {other:?}); progenitor takes 3.0 only"
                ),
            });
        }
    }
    let roles = catalogue.system(&system).cloned().ok_or_else(|| {
        CodegenError::Catalogue(format!(
            "{source}: system {system:?} has no role catalogue in {}",
            catalogue::CATALOGUE_DIR
        ))
    })?;
    let prepared = prepare(value, source, &roles)?;
    let problems = wire::check(&prepared.spec);
    if !problems.is_empty() {
        return Err(CodegenError::WireChange {
            version: format!("{system} {version}"),
            file: source.to_owned(),
            problems,
        });
    }
    Ok(Fragment {
        module: module_name(&system, &version),
        default_base_url: value
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map(str::to_owned),
        prepared,
        roles,
        source: source.to_owned(),
        system,
        version,
    })
}

/// The family of a prepared spec, named by the paths' common prefix
/// (`/api/atlas/v2/...` → `atlas_v2`): the versions of one family share one
/// generated client, which holds the union of their operations.
pub(super) fn family(spec: &Value) -> String {
    let prefix = spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.keys())
        .map(|path| {
            path.split('/')
                .filter(|s| !s.is_empty() && !s.starts_with('{'))
                .collect::<Vec<_>>()
        })
        .reduce(|p, s| {
            p.into_iter()
                .zip(s)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect()
        })
        .unwrap_or_default();
    let name = snake(&prefix.strip_prefix(&["api"]).unwrap_or(&prefix).join("_"));
    if name.is_empty() { "api".into() } else { name }
}
