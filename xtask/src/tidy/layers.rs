//! Layers without cycles: in the crates listed in [`LAYERED`], no top-level
//! module may reach back to itself through the modules its code names. A
//! name the crate root re-exports (`crate::AuthError`) counts as the module
//! it comes from. Generated code and the crate root are left out (they name
//! everything by design), and so are comments and tests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Rule, Violation};

/// The crates (their `src/`) whose top-level modules must form layers: every
/// crate of the workspace.
pub const LAYERED: [&str; 5] = [
    "crates/atlas-apikeys-client/src",
    "crates/atlas-apikeys/src",
    "crates/atlas-apikeys-cli/src",
    "crates/atlas-apikeys-emulator/src",
    "xtask/src",
];

/// Top-level module → the top-level modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module graph of one crate, from `(path relative to src, text)` pairs.
pub fn module_graph(files: &[(String, String)]) -> Graph {
    let reexports = files
        .iter()
        .find(|(path, _)| path == "lib.rs")
        .map(|(_, text)| reexported(text))
        .unwrap_or_default();
    let mut graph = Graph::new();
    for (path, text) in files {
        let top = path
            .split('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".rs");
        if path == "lib.rs" || top == "generated" {
            continue;
        }
        let named = graph.entry(top.to_owned()).or_default();
        for word in code(text).split("crate::").skip(1) {
            let first: String = word
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let module = reexports.get(&first).cloned().unwrap_or(first);
            if !module.is_empty() && module != top && module != "generated" {
                named.insert(module);
            }
        }
    }
    graph
}

/// What a file compiles to outside its tests: comments (docs link freely)
/// and everything from `#[cfg(test)]` on (tests sit at the end) are left
/// out.
fn code(text: &str) -> String {
    text.split("#[cfg(test)]")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names the crate root re-exports by name (`pub use m::{A, b::C};`), each
/// with the module it comes from; glob re-exports say nothing by name.
fn reexported(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        for name in rest.split(|c: char| "{},".contains(c)) {
            let name = name.trim().rsplit("::").next().unwrap_or("").trim();
            if !name.is_empty() && name != "*" {
                out.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    out
}

/// A cycle in `graph`, as the modules along it (the first repeated last),
/// if there is one.
pub fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

/// The rule over the workspace at `root`.
pub fn check_layers(root: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    for krate in LAYERED {
        let src = root.join(krate);
        let mut paths = Vec::new();
        super::walk(&src, &mut paths);
        let files: Vec<(String, String)> = paths
            .iter()
            .map(|p| {
                let relative = p.strip_prefix(&src).unwrap_or(p);
                (
                    relative.to_string_lossy().replace('\\', "/"),
                    std::fs::read_to_string(p).unwrap_or_default(),
                )
            })
            .collect();
        if let Some(cycle) = find_cycle(&module_graph(&files)) {
            out.push(Violation {
                file: krate.to_owned(),
                rule: Rule::Layers,
                detail: format!("import cycle between modules: {}", cycle.join(" → ")),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn a_cycle_through_a_root_reexport_is_caught() {
        let mut crate_files = files(&[
            (
                "lib.rs",
                "mod a; mod b;\npub use b::{Thing, other::Item};\n",
            ),
            (
                "a.rs",
                "//! a, not [`crate::c`]\nfn f(_: crate::Thing) {}\n#[cfg(test)]\nuse crate::c;\n",
            ),
            ("b/mod.rs", "//! b\nuse crate::c::y;\n"),
            ("c.rs", "//! c\n"),
        ]);
        let graph = module_graph(&crate_files);
        assert_eq!(graph["a"], BTreeSet::from(["b".to_owned()]), "{graph:?}");
        assert_eq!(find_cycle(&graph), None, "{graph:?}");
        crate_files.push(("b/deep.rs".into(), "//! b\nuse crate::a;\n".into()));
        let cycle = find_cycle(&module_graph(&crate_files)).expect("a → b → a");
        assert_eq!(cycle.first(), cycle.last());
        assert!(cycle.contains(&"a".to_owned()) && cycle.contains(&"b".to_owned()));
    }
}
