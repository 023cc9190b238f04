//! House rules, checked by a test in the manner of rust-analyzer's tidy:
//! every hand-written Rust file opens with a `//!` line saying what it
//! holds and stays within [`MAX_LINES`]; every public item has a doc comment;
//! the README's tables of roles, error variants, environment variables and
//! media types match the code and the role catalogue; every crate's
//! top-level modules form layers, without an import cycle (`layers`).

mod layers;
mod readme;

use std::path::{Path, PathBuf};

pub use layers::{Graph, LAYERED, check_layers, find_cycle, module_graph};
pub use readme::{ReadmeFacts, check_readme, enum_variants, readme_facts};

/// About 400 lines per hand-written file: one concern each.
pub const MAX_LINES: usize = 400;

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file, relative to the workspace root.
    pub file: String,
    /// Which rule.
    pub rule: Rule,
    /// What is wrong.
    pub detail: String,
}

/// The rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A hand-written file must open with `//!`.
    ModuleDoc,
    /// A hand-written file must stay within [`MAX_LINES`].
    Size,
    /// A public item must have a doc comment.
    PublicDoc,
    /// A README table must match the code.
    Readme,
    /// A layered crate's top-level modules must not import each other in a
    /// cycle.
    Layers,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {:?}: {}", self.file, self.rule, self.detail)
    }
}

/// Hand-written Rust files: everything under `crates/`, `xtask/` and
/// `tests/` except generated code and test fixtures.
pub fn hand_written_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in ["crates", "xtask", "tests"] {
        walk(&root.join(top), &mut out);
    }
    out.sort();
    out
}

pub(crate) fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !matches!(
                name.as_ref(),
                "generated" | "fixtures" | "snapshots" | "target"
            ) {
                walk(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The rules for one file's text.
pub fn check_file(label: &str, text: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let violation = |rule, detail: String| Violation {
        file: label.to_owned(),
        rule,
        detail,
    };
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if !first.starts_with("//!") {
        out.push(violation(
            Rule::ModuleDoc,
            "the first line is not a `//!` line saying what the file holds".into(),
        ));
    }
    let lines = text.lines().count();
    if lines > MAX_LINES {
        out.push(violation(
            Rule::Size,
            format!("{lines} lines, over {MAX_LINES}: split it by concern"),
        ));
    }
    match syn::parse_file(text) {
        Ok(file) => undocumented(&file.items, &mut |what| {
            out.push(violation(
                Rule::PublicDoc,
                format!("{what} has no doc comment"),
            ))
        }),
        Err(e) => out.push(violation(Rule::PublicDoc, format!("does not parse: {e}"))),
    }
    out
}

fn documented(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Reports every `pub` item, field and variant without a doc comment.
fn undocumented(items: &[syn::Item], report: &mut dyn FnMut(String)) {
    for item in items {
        let (vis, attrs, what) = match item {
            syn::Item::Fn(i) => (&i.vis, &i.attrs, format!("fn {}", i.sig.ident)),
            syn::Item::Struct(i) => {
                if public(&i.vis) {
                    for f in &i.fields {
                        if public(&f.vis) && !documented(&f.attrs) {
                            let name = f
                                .ident
                                .as_ref()
                                .map_or("(tuple field)".into(), ToString::to_string);
                            report(format!("field {}.{name}", i.ident));
                        }
                    }
                }
                (&i.vis, &i.attrs, format!("struct {}", i.ident))
            }
            syn::Item::Enum(i) => {
                if public(&i.vis) {
                    for v in &i.variants {
                        if !documented(&v.attrs) {
                            report(format!("variant {}::{}", i.ident, v.ident));
                        }
                    }
                }
                (&i.vis, &i.attrs, format!("enum {}", i.ident))
            }
            syn::Item::Trait(i) => (&i.vis, &i.attrs, format!("trait {}", i.ident)),
            syn::Item::Const(i) => (&i.vis, &i.attrs, format!("const {}", i.ident)),
            syn::Item::Static(i) => (&i.vis, &i.attrs, format!("static {}", i.ident)),
            syn::Item::Type(i) => (&i.vis, &i.attrs, format!("type {}", i.ident)),
            syn::Item::Mod(i) => {
                if let Some((_, inner)) = &i.content {
                    undocumented(inner, report);
                }
                (&i.vis, &i.attrs, format!("mod {}", i.ident))
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it
                        && public(&f.vis)
                        && !documented(&f.attrs)
                    {
                        report(format!("method {}", f.sig.ident));
                    }
                }
                continue;
            }
            _ => continue,
        };
        // A module's doc may be its file's `//!` lines, checked above.
        let is_mod_decl = matches!(item, syn::Item::Mod(m) if m.content.is_none());
        if public(vis) && !documented(attrs) && !is_mod_decl {
            report(what);
        }
    }
}

/// Every rule over the workspace.
pub fn check(root: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    for path in hand_written_files(root) {
        let label = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        out.extend(check_file(&label, &text));
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    out.extend(check_readme(&readme, &readme_facts(root)));
    out.extend(check_layers(root));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_keeps_the_house_rules() {
        let root = crate::workspace_root();
        let violations = check(&root);
        assert!(
            violations.is_empty(),
            "{} violation(s):\n{}",
            violations.len(),
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    fn rules(label: &str, text: &str) -> Vec<Rule> {
        check_file(label, text)
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn a_file_without_its_module_line_is_caught() {
        assert_eq!(rules("x.rs", "//! Holds x.\nfn x() {}\n"), []);
        assert_eq!(
            rules("x.rs", "// A plain comment.\nfn x() {}\n"),
            [Rule::ModuleDoc]
        );
    }

    #[test]
    fn a_file_over_the_limit_is_caught() {
        let fits = format!("//! Holds x.\n{}", "fn x() {}\n".repeat(MAX_LINES - 1));
        assert_eq!(rules("x.rs", &fits), []);
        let long = format!("//! Holds x.\n{}", "fn x() {}\n".repeat(MAX_LINES));
        assert_eq!(rules("x.rs", &long), [Rule::Size]);
    }

    #[test]
    fn an_undocumented_public_item_is_caught() {
        assert_eq!(
            rules(
                "x.rs",
                "//! x\n/// Does x.\npub fn x() {}\nfn private() {}\n"
            ),
            []
        );
        assert_eq!(rules("x.rs", "//! x\npub fn x() {}\n"), [Rule::PublicDoc]);
        assert_eq!(
            rules("x.rs", "//! x\n/// A.\npub struct A { pub b: u8 }\n"),
            [Rule::PublicDoc]
        );
        assert_eq!(
            rules("x.rs", "//! x\n/// E.\npub enum E { V }\n"),
            [Rule::PublicDoc]
        );
        assert_eq!(
            rules(
                "x.rs",
                "//! x\n/// S.\npub struct S;\nimpl S {\n    pub fn m(&self) {}\n}\n"
            ),
            [Rule::PublicDoc]
        );
    }
}
