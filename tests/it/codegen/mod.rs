//! Code generation: the checked-in client is fresh, its public surface per
//! version is snapshotted, identical versions share code, a new version needs
//! only `import` + `codegen`, and what progenitor cannot take is an error.

use std::path::Path;

use atlas_apikeys_tests::{fixture, workspace_root};
use serde_json::{Value, json};
use xtask::codegen::{self, CodegenError, GENERATED_DIR, Generated, surface};

fn generate_from(root: &Path) -> Generated {
    codegen::generate(codegen::read_fragments(root).expect("fragments")).expect("generate")
}

/// The Atlas fragments codegen read, oldest version first.
fn atlas_fragments(generated: &Generated) -> Vec<&codegen::Fragment> {
    let mut atlas: Vec<_> = generated
        .fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .collect();
    atlas.sort_by(|a, b| a.version.cmp(&b.version));
    atlas
}

fn media_table(media: &[codegen::OperationMedia]) -> String {
    media
        .iter()
        .map(|m| {
            format!(
                "{} {} {}\n  accept: {}\n  content-type: {}\n",
                m.operation_id,
                m.method,
                m.path,
                m.accept,
                m.content_type.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn file<'g>(g: &'g Generated, name: &str) -> &'g str {
    g.files
        .get(&Path::new(GENERATED_DIR).join(name))
        .unwrap_or_else(|| panic!("{name} not generated"))
}

/// A workspace copy holding the real fragments plus one imported from
/// `from` at `version`.
fn with_version(from: &Path, version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &workspace_root().join("openapi"),
        &dir.path().join("openapi"),
    );
    xtask::import::run(&xtask::import::ImportOptions {
        from: from.to_owned(),
        version: Some(version.into()),
        out_dir: dir.path().join("openapi"),
        check: false,
        catalogue_dir: workspace_root().join(xtask::catalogue::CATALOGUE_DIR),
    })
    .unwrap();
    dir
}

fn without_header(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The workspace's sources (no `target/`, no `.git/`) copied to a scratch folder.
fn scratch_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace_root();
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dir.path().join(&name));
        } else {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    dir
}

/// Runs cargo in `dir` with this build's target folder (dependencies are
/// built once) and no network.
fn cargo_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run cargo")
}

fn copy_tree(from: &Path, to: &Path) {
    xtask::output::copy_tree(from, to).unwrap();
}

fn catalogue() -> xtask::catalogue::Catalogue {
    codegen::read_catalogue(&workspace_root()).unwrap()
}

fn fragment_with(edit: impl FnOnce(&mut Value)) -> Value {
    let generated = generate_from(&workspace_root());
    let newest = &atlas_fragments(&generated)
        .last()
        .expect("an Atlas fragment")
        .source;
    let mut f: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join(newest)).unwrap())
            .unwrap();
    edit(&mut f);
    f
}

const ORG_OP: &str = "/paths/~1api~1atlas~1v2~1orgs~1{orgId}~1apiKeys~1{apiUserId}/patch";

mod catalogue;
mod freshness;
mod snapshots;
mod versions;
