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
mod fragments;
mod glue;
mod known;
pub mod merge;
mod prepare;
mod schemas;
pub mod surface;
mod wire;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heck::ToSnakeCase;

use crate::catalogue::{Catalogue, Scope};
use crate::output::{self, OutputError};

use fragments::family;
pub use fragments::{Fragment, fragment_from_value, read_catalogue, read_fragments};
pub use prepare::{EnumSet, OperationMedia, Prepared, prepare};
pub use schemas::ROLE_TYPES;

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

/// A group of versions that share generated code.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The module name, after the family (`shape_atlas_v2`).
    pub module: String,
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
    // A version without an optional operation names what it lacks, so a
    // table's name depends only on what it holds.
    let lacks = crate::operations::OPERATIONS
        .iter()
        .filter(|op| !op.required && !media.iter().any(|m| m.api_name == op.operation_id))
        .map(|op| format!("WITHOUT_{}", op.op.to_snake_case().to_uppercase()));
    let family = shape_module.trim_start_matches("shape_").to_uppercase();
    let mut name = std::iter::once(family)
        .chain(dates)
        .chain(lacks)
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
    for (i, f) in fragments.iter().enumerate() {
        let name = family(&f.prepared.spec);
        let module = format!("shape_{name}");
        match shapes.iter_mut().find(|s| s.module == module) {
            Some(s) => s.members.push(i),
            None => shapes.push(Shape {
                module,
                members: vec![i],
            }),
        }
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
    for shape in &shapes {
        let mut spec = fragments[shape.members[0]].prepared.spec.clone();
        for &i in &shape.members[1..] {
            let f = &fragments[i];
            let mut other = f.prepared.spec.clone();
            merge::align_names(&spec, &mut other);
            spec = merge::merge(&spec, &other).map_err(|problem| {
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
        known::only_known(&mut spec);
        let sources: Vec<String> = shape
            .members
            .iter()
            .map(|&i| fragments[i].source.clone())
            .collect();
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
            let module = emit::version(f, &shape.module, &table)?;
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
                .is_ok_and(|rel| !generated.files.contains_key(rel))
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
