//! `cargo xtask codegen`: fragments under `openapi/` → generated modules in
//! the client crate.
//!
//! The versions of one API family (the same operations: Atlas v2, or public
//! API v1.0) share one progenitor module, a *shape*, generated from the
//! merge of their prepared specs ([`merge`]); its name comes from the family,
//! never from a version, so adding a version renames nothing. A version that
//! differs on the wire is a [`CodegenError::WireChange`] naming the operation.
//! Each version keeps its own thin module with its media-type table; role
//! lists come from the catalogue under `openapi/roles/`.

mod emit;
mod glue;
pub mod merge;
mod prepare;
pub mod surface;
mod wire;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::catalogue::{self, Catalogue, Scope, SystemRoles};
use crate::output::{self, OutputError};

pub use prepare::{EnumSet, OperationMedia, Prepared, ROLE_TYPES, prepare};

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
    /// A version differs on the wire from what atlas-apikeys sends, or from
    /// the other versions of its family.
    #[error("{version} ({file}) changes the wire, so no client is generated for it:\n  {}\nThe operations atlas-apikeys offers cannot drive it as they are: teach xtask/src/codegen (wire.rs, glue.rs) the change, or leave this version out.", .problems.join("\n  "))]
    WireChange {
        /// `atlas 2026-01-01`.
        version: String,
        /// The fragment.
        file: String,
        /// One line per difference, naming the operation or JSON pointer.
        problems: Vec<String>,
    },
    /// The role catalogue could not be read, or lacks a system.
    #[error("{0}")]
    Catalogue(String),
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
    /// The system's role catalogue.
    pub roles: SystemRoles,
}

/// A group of versions that share generated code.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The module name, after the family (`shape_atlas_v2`).
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

/// The family of a prepared spec: its operations, and a name from the
/// paths' common prefix (`/api/atlas/v2/...` → `atlas_v2`).
fn family(spec: &Value) -> (Vec<String>, String) {
    let mut ops = Vec::new();
    let mut prefix: Option<Vec<String>> = None;
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in item.as_object().into_iter().flatten().map(|(k, _)| k) {
            if method != "parameters" {
                ops.push(format!("{method} {path}"));
            }
        }
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(str::to_owned)
            .collect();
        prefix = Some(match prefix {
            None => segments,
            Some(p) => p
                .into_iter()
                .zip(segments)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    ops.sort();
    let mut name: Vec<String> = prefix.unwrap_or_default();
    if name.first().is_some_and(|s| s == "api") {
        name.remove(0);
    }
    let name = snake(&name.join("_"));
    (ops, if name.is_empty() { "api".into() } else { name })
}

/// The name of `media`'s table, adding it to `tables` when new: the family
/// and the resource versions the table sends, so names do not depend on
/// which versions exist.
fn media_table_name(
    shape_module: &str,
    media: &[OperationMedia],
    tables: &mut Vec<(String, Vec<OperationMedia>)>,
) -> String {
    if let Some((name, _)) = tables.iter().find(|(_, t)| t.as_slice() == media) {
        return name.clone();
    }
    let mut dates: Vec<String> = media
        .iter()
        .flat_map(|m| [Some(&m.accept), m.content_type.as_ref()])
        .flatten()
        .filter_map(|t| t.split("vnd.atlas.").nth(1))
        .filter_map(|t| t.get(..10))
        .map(|d| d.replace('-', "_"))
        .collect();
    dates.sort();
    dates.dedup();
    let family = shape_module.trim_start_matches("shape_").to_uppercase();
    let mut name = std::iter::once(family)
        .chain(dates)
        .collect::<Vec<_>>()
        .join("_");
    let base = name.clone();
    let mut n = 2;
    while tables.iter().any(|(t, _)| *t == name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    tables.push((name.clone(), media.to_vec()));
    name
}

/// Generates every file from `fragments`, in memory.
pub fn generate(fragments: Vec<Fragment>) -> Result<Generated, CodegenError> {
    // One shape per family, across systems too: Cloud Manager and Ops
    // Manager speak the same operations with different role sets.
    let mut shapes: Vec<Shape> = Vec::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    for (i, f) in fragments.iter().enumerate() {
        let (ops, name) = family(&f.prepared.spec);
        match keys.iter().position(|k| *k == ops) {
            Some(at) => shapes[at].members.push(i),
            None => {
                keys.push(ops);
                shapes.push(Shape {
                    module: format!("shape_{name}"),
                    system: f.system.clone(),
                    members: vec![i],
                });
            }
        }
    }
    let mut specs = Vec::new();
    for shape in &shapes {
        let mut spec = fragments[shape.members[0]].prepared.spec.clone();
        for &i in &shape.members[1..] {
            let f = &fragments[i];
            spec = merge::merge(&spec, &f.prepared.spec).map_err(|problem| {
                let others: Vec<String> = shape
                    .members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| format!("{} {}", fragments[j].system, fragments[j].version))
                    .collect();
                CodegenError::WireChange {
                    version: format!("{} {}", f.system, f.version),
                    file: f.source.clone(),
                    problems: vec![format!(
                        "{problem} (compared with {}, which share {})",
                        others.join(", "),
                        shape.module
                    )],
                }
            })?;
        }
        specs.push(spec);
    }

    let dir = Path::new(GENERATED_DIR);
    let mut files = BTreeMap::new();
    let mut systems: Vec<String> = fragments.iter().map(|f| f.system.clone()).collect();
    systems.dedup();

    // Enums: one union across systems (every system has organization and
    // project roles), so the same program can target any system. Role values
    // come from the catalogues; other enums from the fragments.
    let mut catalogue = Catalogue::default();
    for f in &fragments {
        if catalogue.system(&f.system).is_none() {
            catalogue.systems.push(f.roles.clone());
        }
    }
    let mut all_enums: Vec<EnumSet> = [Scope::Org, Scope::Project, Scope::Any]
        .into_iter()
        .map(|scope| EnumSet {
            name: scope.type_name().to_owned(),
            values: catalogue.union(scope),
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
    let catalogue_sources: Vec<String> = catalogue.systems.iter().map(|s| s.file.clone()).collect();
    files.insert(
        dir.join("catalogue.rs"),
        emit::catalogue(
            &catalogue.systems.iter().collect::<Vec<_>>(),
            &all_enums,
            &catalogue_sources,
        )?,
    );

    let mut media_tables: Vec<(String, Vec<OperationMedia>)> = Vec::new();
    for (shape, merged) in shapes.iter().zip(&specs) {
        let sources: Vec<String> = shape
            .members
            .iter()
            .map(|&i| fragments[i].source.clone())
            .collect();
        let mut spec = merged.clone();
        spec["info"] = json!({ "title": "atlas-apikeys", "version": "0" });
        let mut enums: Vec<String> = Vec::new();
        let mut uses_secret = false;
        for &i in &shape.members {
            uses_secret |= fragments[i].prepared.uses_secret;
            for e in &fragments[i].prepared.enums {
                if !enums.contains(&e.name) {
                    enums.push(e.name.clone());
                }
            }
        }
        files.insert(
            dir.join(format!("{}.rs", shape.module)),
            emit::shape(&spec, &enums, uses_secret, &sources, &shape.module)?,
        );
        for &i in &shape.members {
            let f = &fragments[i];
            let table = media_table_name(&shape.module, &f.prepared.media, &mut media_tables);
            let module = emit::version(&emit::VersionModule {
                system: &f.system,
                version: &f.version,
                source: &f.source,
                shape_module: &shape.module,
                media_table: &table,
                default_base_url: f.default_base_url.as_deref(),
            })?;
            files.insert(dir.join(format!("{}.rs", f.module)), module);
        }
    }

    files.insert(
        dir.join("media.rs"),
        emit::media(&media_tables, &all_sources)?,
    );
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

/// How generated code grows with one system's versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    /// The system.
    pub system: String,
    /// How many versions it has.
    pub versions: usize,
    /// Lines generated for all of them.
    pub together: usize,
    /// Lines generated for the newest alone.
    pub alone: usize,
}

impl Growth {
    /// `together / alone`.
    pub fn ratio(&self) -> f64 {
        self.together as f64 / self.alone as f64
    }
}

/// For every system with two or more versions: the lines its versions
/// generate together against the newest alone.
pub fn growth(fragments: &[Fragment]) -> Result<Vec<Growth>, CodegenError> {
    let mut systems: Vec<&str> = fragments.iter().map(|f| f.system.as_str()).collect();
    systems.dedup();
    let mut out = Vec::new();
    for system in systems {
        let of: Vec<Fragment> = fragments
            .iter()
            .filter(|f| f.system == system)
            .cloned()
            .collect();
        let Some(newest) = of.last().cloned() else {
            continue;
        };
        if of.len() < 2 {
            continue;
        }
        out.push(Growth {
            system: system.to_owned(),
            versions: of.len(),
            together: generate(of)?.total_lines(),
            alone: generate(vec![newest])?.total_lines(),
        });
    }
    Ok(out)
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
    let existing =
        output::files_with_extension(&root.join(GENERATED_DIR), "rs").unwrap_or_default();
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
