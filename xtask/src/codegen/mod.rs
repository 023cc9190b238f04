//! `cargo xtask codegen`: fragments under `openapi/` → generated modules in
//! the client crate.
//!
//! Versions whose prepared specs are identical share one progenitor module
//! (a *shape*), so generated code grows with distinct shapes, not with the
//! number of versions. Each version keeps its own module with its media-type
//! table and documented enum values.

mod emit;
mod prepare;
pub mod surface;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::output::{self, OutputError};

pub use prepare::{EnumSet, OperationMedia, Prepared, prepare};

/// Why codegen failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodegenError {
    /// A fragment could not be read or parsed.
    #[error("{file}: {message}")]
    Fragment {
        /// The fragment.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A fragment uses something the generator cannot take.
    #[error("{file}: {pointer}: {problem}")]
    Unsupported {
        /// The fragment.
        file: String,
        /// The operation or JSON pointer.
        pointer: String,
        /// What progenitor cannot take, and why.
        problem: String,
    },
    /// The generator itself failed.
    #[error("generating {what}: {message}")]
    Generate {
        /// The module being generated.
        what: String,
        /// The generator's message.
        message: String,
    },
    /// `--check` found generated files that differ from a fresh run.
    #[error("{} generated file(s) are stale:\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Stale(Vec<OutputError>),
    /// Writing or checking output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// The generated files' folder, relative to the workspace root.
pub const GENERATED_DIR: &str = "crates/atlas-apikeys-client/src/generated";

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
}

/// A group of versions that share generated code.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The module name (`shape_atlas_2023_02_01`).
    pub module: String,
    /// The system.
    pub system: String,
    /// Indexes into [`Generated::fragments`], oldest first.
    pub members: Vec<usize>,
}

/// All generated files, in memory.
#[derive(Debug)]
pub struct Generated {
    /// The fragments, sorted by system and version.
    pub fragments: Vec<Fragment>,
    /// The distinct shapes.
    pub shapes: Vec<Shape>,
    /// File path (relative to the workspace root) → contents.
    pub files: BTreeMap<PathBuf, String>,
}

impl Generated {
    /// Lines of every generated file.
    pub fn total_lines(&self) -> usize {
        self.files.values().map(|c| c.lines().count()).sum()
    }
}

fn snake(s: &str) -> String {
    s.replace(['-', '.'], "_")
}

fn module_name(system: &str, version: &str) -> String {
    match system {
        "atlas" => format!("v{}", snake(version)),
        _ => format!("{}_{}", snake(system), snake(version)),
    }
}

/// Reads every `openapi/*.json` fragment under `root`.
pub fn read_fragments(root: &Path) -> Result<Vec<Fragment>, CodegenError> {
    let dir = root.join("openapi");
    let fail = |file: String, message: String| CodegenError::Fragment { file, message };
    let entries =
        std::fs::read_dir(&dir).map_err(|e| fail(dir.display().to_string(), e.to_string()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
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
        fragments.push(fragment_from_value(&value, &source)?);
    }
    fragments.sort_by(|a, b| (&a.system, &a.version).cmp(&(&b.system, &b.version)));
    Ok(fragments)
}

/// Prepares one parsed fragment; `source` names it in errors and headers.
pub fn fragment_from_value(value: &Value, source: &str) -> Result<Fragment, CodegenError> {
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
    Ok(Fragment {
        module: module_name(&system, &version),
        default_base_url: value
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map(str::to_owned),
        prepared: prepare(value, source)?,
        source: source.to_owned(),
        system,
        version,
    })
}

/// Generates every file from `fragments`, in memory.
pub fn generate(fragments: Vec<Fragment>) -> Result<Generated, CodegenError> {
    // Group identical prepared specs, across systems too: Cloud Manager and
    // Ops Manager speak the same operations with different role sets.
    let mut shapes: Vec<Shape> = Vec::new();
    for (i, f) in fragments.iter().enumerate() {
        let same = shapes
            .iter_mut()
            .find(|s| fragments[s.members[0]].prepared.spec == f.prepared.spec);
        match same {
            Some(shape) => shape.members.push(i),
            None => shapes.push(Shape {
                module: format!("shape_{}", snake(&format!("{}_{}", f.system, f.version))),
                system: f.system.clone(),
                members: vec![i],
            }),
        }
    }

    let dir = Path::new(GENERATED_DIR);
    let mut files = BTreeMap::new();
    let mut systems: Vec<String> = fragments.iter().map(|f| f.system.clone()).collect();
    systems.dedup();

    // Enums: one union across systems (every system has organization and
    // project roles), so the same program can target any system.
    let mut all_enums: Vec<EnumSet> = ROLE_ENUMS
        .iter()
        .map(|name| EnumSet {
            name: (*name).to_owned(),
            values: Vec::new(),
        })
        .collect();
    for f in &fragments {
        for e in &f.prepared.enums {
            match all_enums.iter_mut().find(|s| s.name == e.name) {
                Some(s) => {
                    for v in &e.values {
                        if !s.values.contains(v) {
                            s.values.push(v.clone());
                        }
                    }
                }
                None => all_enums.push(e.clone()),
            }
        }
    }
    let all_sources: Vec<String> = fragments.iter().map(|f| f.source.clone()).collect();
    files.insert(dir.join("enums.rs"), emit::enums(&all_enums, &all_sources)?);
    let listed = documented_values(&fragments);

    for shape in &shapes {
        let first = &fragments[shape.members[0]];
        let sources: Vec<String> = shape
            .members
            .iter()
            .map(|&i| fragments[i].source.clone())
            .collect();
        let versions: Vec<String> = shape
            .members
            .iter()
            .map(|&i| format!("{} {}", fragments[i].system, fragments[i].version))
            .collect();
        let mut spec = first.prepared.spec.clone();
        spec["info"] = json!({
            "title": emit::system_title(&shape.system),
            "version": versions.join(", "),
        });
        let enums: Vec<String> = first
            .prepared
            .enums
            .iter()
            .map(|e| e.name.clone())
            .collect();
        files.insert(
            dir.join(format!("{}.rs", shape.module)),
            emit::shape(
                &spec,
                &enums,
                first.prepared.uses_secret,
                &sources,
                &shape.module,
            )?,
        );
        for &i in &shape.members {
            let f = &fragments[i];
            let module = emit::version(&emit::VersionModule {
                system: &f.system,
                version: &f.version,
                source: &f.source,
                shape_module: &shape.module,
                media: &f.prepared.media,
                enums: &listed[i],
                all_enums: &all_enums,
                default_base_url: f.default_base_url.as_deref(),
            })?;
            files.insert(dir.join(format!("{}.rs", f.module)), module);
        }
    }

    files.insert(
        dir.join("mod.rs"),
        emit::module_list(
            &shapes.iter().map(|s| s.module.clone()).collect::<Vec<_>>(),
            &systems,
            &fragments
                .iter()
                .map(|f| (f.system.clone(), f.module.clone()))
                .collect::<Vec<_>>(),
            &all_sources,
        )?,
    );
    Ok(Generated {
        fragments,
        shapes,
        files,
    })
}

/// Role enums every system has, listed first in `enums.rs`.
const ROLE_ENUMS: [&str; 2] = ["OrgRole", "ProjectRole"];

/// Per fragment: each enum with the values that version documents, and the
/// version they were inherited from when its spec lists none (upstream
/// dropped the project-role enum in late 2025; an empty list would reject
/// every role).
fn documented_values(fragments: &[Fragment]) -> Vec<Vec<(EnumSet, Option<String>)>> {
    let mut last: BTreeMap<(String, String), (EnumSet, String)> = BTreeMap::new();
    fragments
        .iter()
        .map(|f| {
            let mut names: Vec<String> = ROLE_ENUMS.iter().map(|n| (*n).to_owned()).collect();
            for e in &f.prepared.enums {
                if !names.contains(&e.name) {
                    names.push(e.name.clone());
                }
            }
            names
                .into_iter()
                .map(|name| {
                    let key = (f.system.clone(), name.clone());
                    match f.prepared.enums.iter().find(|e| e.name == name) {
                        Some(own) => {
                            last.insert(key, (own.clone(), f.version.clone()));
                            (own.clone(), None)
                        }
                        None => match last.get(&key) {
                            Some((set, from)) => (set.clone(), Some(from.clone())),
                            None => (
                                EnumSet {
                                    name,
                                    values: Vec::new(),
                                },
                                None,
                            ),
                        },
                    }
                })
                .collect()
        })
        .collect()
}

/// What `run` did.
#[derive(Debug)]
pub struct Report {
    /// The generated set.
    pub generated: Generated,
    /// Files written or removed (empty with `check`).
    pub changed: Vec<PathBuf>,
}

/// Runs `cargo xtask codegen [--check]` for the workspace at `root`.
pub fn run(root: &Path, check: bool) -> Result<Report, CodegenError> {
    let generated = generate(read_fragments(root)?)?;
    let fix = "cargo xtask codegen";
    let existing: Vec<PathBuf> = std::fs::read_dir(root.join(GENERATED_DIR))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        })
        .unwrap_or_default();
    let orphans: Vec<PathBuf> = existing
        .into_iter()
        .filter(|p| {
            p.strip_prefix(root)
                .map(|rel| !generated.files.contains_key(rel))
                .unwrap_or(false)
        })
        .collect();
    let mut changed = Vec::new();
    if check {
        let mut problems = Vec::new();
        for (rel, contents) in &generated.files {
            if let Err(e) = output::check_file(&root.join(rel), contents, fix) {
                problems.push(e);
            }
        }
        problems.extend(orphans.into_iter().map(|path| OutputError::Orphan {
            path,
            fix: fix.into(),
        }));
        if !problems.is_empty() {
            return Err(CodegenError::Stale(problems));
        }
    } else {
        for (rel, contents) in &generated.files {
            if output::write_atomic(&root.join(rel), contents)? {
                changed.push(rel.clone());
            }
        }
        for path in orphans {
            std::fs::remove_file(&path).map_err(|source| OutputError::Write {
                path: path.clone(),
                source,
            })?;
            changed.push(path.strip_prefix(root).map(Path::to_owned).unwrap_or(path));
        }
    }
    Ok(Report { generated, changed })
}
