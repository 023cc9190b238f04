//! Layers without cycles: in the crates listed in [`LAYERED`], no top-level
//! module may reach back to itself through the modules its code names
//! (`crate::m::…` in paths and `use` trees, grouped or renamed, read with
//! `syn`). A name the crate root re-exports (`crate::AuthError`) counts as
//! the module it comes from. Left out: the crate root, which names every
//! module by design; tests (`#[cfg(test)]` items, and files that begin
//! `#![cfg(test)]`), comments, strings and macro bodies, which are
//! not the code's imports; and generated code, which is written against the
//! hand-written runtime (hooks, operations, config) that reads its tables,
//! a two-way tie codegen owns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Rule, Violation};

/// The crates (their `src/`) whose top-level modules must form layers: every
/// crate of the workspace.
pub const LAYERED: [&str; 6] = [
    "crates/atlas-apikeys-client/src",
    "crates/atlas-apikeys/src",
    "crates/atlas-apikeys-cli/src",
    "crates/atlas-apikeys-emulator/src",
    "crates/atlas-apikeys-bench/src",
    "xtask/src",
];

/// Top-level module → the top-level modules it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module graph of one crate, from `(path relative to src, text)` pairs.
pub fn module_graph(files: &[(String, String)]) -> Graph {
    let reexports = files
        .iter()
        .find(|(path, _)| is_root(path))
        .map(|(_, text)| reexported(text))
        .unwrap_or_default();
    let mut graph = Graph::new();
    for (path, text) in files {
        let top = path
            .split('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".rs");
        if is_root(path) || top == "generated" {
            continue;
        }
        let named = graph.entry(top.to_owned()).or_default();
        let Ok(file) = syn::parse_file(text) else {
            continue;
        };
        // A test module in a file of its own says so with `#![cfg(test)]`.
        if is_test(&file.attrs) {
            continue;
        }
        let mut seen = Named::default();
        for item in file.items.iter().filter(|item| !test_only(item)) {
            syn::visit::Visit::visit_item(&mut seen, item);
        }
        for first in seen.0 {
            let module = reexports.get(&first).cloned().unwrap_or(first);
            if module != top && module != "generated" {
                named.insert(module);
            }
        }
    }
    graph
}

/// The crate root: it names every module by design.
fn is_root(path: &str) -> bool {
    path == "lib.rs" || path == "main.rs"
}

/// An item compiled only for tests (`#[cfg(test)]`).
fn test_only(item: &syn::Item) -> bool {
    let attrs: &[syn::Attribute] = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Use(u) => &u.attrs,
        syn::Item::Impl(i) => &i.attrs,
        _ => return false,
    };
    is_test(attrs)
}

/// Whether `attrs` hold `cfg(test)`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The first segment after `crate::` of every path and `use` in the code
/// (strings, macro bodies and comments are not code).
#[derive(Default)]
struct Named(BTreeSet<String>);

impl<'ast> syn::visit::Visit<'ast> for Named {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if segments.next().is_some_and(|s| s.ident == "crate")
            && let Some(next) = segments.next()
        {
            self.0.insert(next.ident.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if let syn::UseTree::Path(p) = &item.tree
            && p.ident == "crate"
        {
            firsts(&p.tree, &mut self.0);
        }
    }
}

/// The first names of a use tree: `{a, b::c}` names `a` and `b`.
fn firsts(tree: &syn::UseTree, out: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(syn::UsePath { ident, .. })
        | syn::UseTree::Name(syn::UseName { ident })
        | syn::UseTree::Rename(syn::UseRename { ident, .. }) => {
            out.insert(ident.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| firsts(t, out)),
        syn::UseTree::Glob(_) => {}
    }
}

/// Names the crate root re-exports by name (`pub use m::{A, b::C as D};`),
/// each with the module it comes from; glob re-exports say nothing by name.
fn reexported(lib: &str) -> BTreeMap<String, String> {
    fn names(tree: &syn::UseTree, module: &str, out: &mut BTreeMap<String, String>) {
        match tree {
            syn::UseTree::Path(p) => names(&p.tree, module, out),
            syn::UseTree::Name(syn::UseName { ident })
            | syn::UseTree::Rename(syn::UseRename { rename: ident, .. }) => {
                out.insert(ident.to_string(), module.to_owned());
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| names(t, module, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = BTreeMap::new();
    let Ok(file) = syn::parse_file(lib) else {
        return out;
    };
    for item in &file.items {
        if let syn::Item::Use(u) = item
            && matches!(u.vis, syn::Visibility::Public(_))
            && let syn::UseTree::Path(p) = &u.tree
        {
            names(&p.tree, &p.ident.to_string(), &mut out);
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
            (
                "c/tests.rs",
                "//! c's tests\n#![cfg(test)]\nuse crate::a::f;\n",
            ),
        ]);
        let graph = module_graph(&crate_files);
        assert_eq!(graph["a"], BTreeSet::from(["b".to_owned()]), "{graph:?}");
        assert_eq!(find_cycle(&graph), None, "{graph:?}");
        assert!(graph["c"].is_empty(), "tests are left out: {graph:?}");
        crate_files.push((
            "b/deep.rs".into(),
            "//! b\nuse crate::{a as _, c};\nconst S: &str = \"crate::z\";\n".into(),
        ));
        let graph = module_graph(&crate_files);
        assert!(
            !graph["b"].contains("z"),
            "a string is not an import: {graph:?}"
        );
        let cycle = find_cycle(&graph).expect("a → b → a");
        assert_eq!(cycle.first(), cycle.last());
        assert!(cycle.contains(&"a".to_owned()) && cycle.contains(&"b".to_owned()));
    }
}
