//! `cargo xtask import` on small upstream-like fixtures: split and merged
//! forms, upstream evolution, determinism, `--check`, and bad input.

use std::path::{Path, PathBuf};

use atlas_apikeys_tests::{fixture, workspace_root};
use serde_json::{Value, json};
use xtask::import::{self, ApiDate, ImportError, ImportOptions};

fn run(
    from: &Path,
    version: Option<&str>,
    out: &Path,
    check: bool,
) -> Result<import::Imported, ImportError> {
    import::run(&ImportOptions {
        from: from.to_owned(),
        version: version.map(str::to_owned),
        out_dir: out.to_owned(),
        check,
        catalogue_dir: atlas_apikeys_tests::workspace_root().join(xtask::catalogue::CATALOGUE_DIR),
    })
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn op<'a>(fragment: &'a Value, path: &str, method: &str) -> &'a Value {
    &fragment["paths"][path][method]
}

const ORG: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";

const GROUP: &str = "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}";

/// Every string in the fragment, keys included.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
    path
}

fn split_as_json() -> Value {
    serde_norway::from_slice(&std::fs::read(fixture("split-2024-05-30.yaml")).unwrap()).unwrap()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

fn listed_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

mod facts;
mod refusals;
mod roles;
