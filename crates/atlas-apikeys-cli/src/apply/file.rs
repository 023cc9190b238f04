//! The plan file: read within its limits, parsed as TOML, YAML or JSON, and
//! its errors told by place and kind without quoting the file's values (a
//! plan may hold a pasted secret, and serde quotes what it did not expect).

use std::path::Path;

use super::plan::Plan;
use super::saved::Saved;
use crate::exit::Failure;
use crate::limits::{self, PLAN_BYTES, YAML_ALIASES, YAML_DEPTH, YAML_EVENTS, YAML_REPLAYED};

/// Reads and parses the file at `path` (`-`: stdin, JSON or YAML): keys,
/// or a saved plan (with the keys it holds).
pub(super) fn read(path: &Path) -> Result<(Plan, Option<Saved>), Failure> {
    let text = limits::read(path, PLAN_BYTES, "plan").map_err(Failure::usage)?;
    let from = limits::source(path);
    let bad = |e: String| Failure::usage(format!("{from}: {e}"));
    if super::saved::is_saved(&text) {
        let mut saved: Saved = serde_json::from_str(&text)
            .map_err(|e| bad(format!("a saved plan, but: {}", unquoted(&e.to_string()))))?;
        let keys = std::mem::take(&mut saved.keys);
        return Ok((Plan { keys }, Some(saved)));
    }
    keys(&text, path, &bad).map(|plan| (plan, None))
}

/// Parses a file of keys by its extension.
fn keys(text: &str, path: &Path, bad: &dyn Fn(String) -> Failure) -> Result<Plan, Failure> {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "toml" => toml(text).map_err(bad),
        "json" => json(text).map_err(bad),
        "yaml" | "yml" => yaml(text).map_err(bad),
        // JSON is YAML, so YAML's reading covers both; its message is the
        // one to give.
        _ => json(text)
            .or_else(|_| yaml(text))
            .map_err(|e| bad(format!("neither JSON nor YAML: {e}"))),
    }
}

fn json(text: &str) -> Result<Plan, String> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_json ends its message with the place; say the place first.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        format!(
            "line {} column {}: {}",
            e.line(),
            e.column(),
            unquoted(message)
        )
    })
}

fn toml(text: &str) -> Result<Plan, String> {
    toml::from_str(text).map_err(|e| {
        let place = e.span().map(|span| {
            // A byte offset: counted in bytes, so no slice can split a character.
            let before = text.as_bytes().get(..span.start).unwrap_or(text.as_bytes());
            let before = String::from_utf8_lossy(before);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("line {line} column {column}: ")
        });
        format!("{}{}", place.unwrap_or_default(), unquoted(e.message()))
    })
}

fn yaml(text: &str) -> Result<Plan, String> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = YAML_DEPTH;
    budget.flow_nesting_limit = YAML_DEPTH;
    budget.max_aliases = YAML_ALIASES;
    budget.max_events = YAML_EVENTS;
    budget.max_nodes = YAML_EVENTS;
    // Many aliases of one anchor is how a large plan names its roles once;
    // the replay limit, not a ratio, bounds what they cost.
    budget.enforce_alias_anchor_ratio = false;
    budget.max_total_scalar_bytes = PLAN_BYTES as usize;
    let mut options = serde_saphyr::options! { budget: Some(budget) };
    options.alias_limits.max_total_replayed_events = YAML_REPLAYED;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let plain = serde_saphyr::render_options! {
            snippets: serde_saphyr::SnippetMode::Off,
        };
        unquoted(&e.render_with_options(plain))
    })
}

/// A parser's message without the values it quotes: `invalid type: string
/// "…", expected a sequence` becomes `invalid type: string, expected a
/// sequence`. Field names (in backticks) stay: they say what to fix.
fn unquoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        // Skip to the closing quote; the quoted text is escaped as Rust's
        // `Debug` does, so `\"` does not close it.
        while let Some(q) = chars.next() {
            match q {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                _ => {}
            }
        }
        if out.ends_with(' ') {
            out.pop();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_lose_their_quoted_values() {
        assert_eq!(
            unquoted(r#"invalid type: string "a0b1 \"x\" y", expected struct Plan"#),
            "invalid type: string, expected struct Plan"
        );
        assert_eq!(
            unquoted("unknown field `org_role`, expected one of `id`"),
            "unknown field `org_role`, expected one of `id`"
        );
    }

    #[test]
    fn every_format_names_the_place_and_never_the_value() {
        let secret = "s3cret-value-here";
        for (read, text) in [
            (
                json as fn(&str) -> Result<Plan, String>,
                format!("\n\"{secret}\""),
            ),
            (toml, format!("keys = \"{secret}\"")),
            (yaml, format!("keys: {secret}")),
        ] {
            let e = read(&text).unwrap_err();
            assert!(!e.contains(secret), "{e}");
            assert!(e.contains("line "), "{e}");
        }
    }

    #[test]
    fn a_large_plan_may_share_one_roles_list_by_alias() {
        let mut text = String::from(
            "keys:\n- id: k\n  projects:\n  - {id: p, roles: &r [GROUP_READ_ONLY, GROUP_OWNER]}\n",
        );
        for _ in 0..20_000 {
            text.push_str("  - {id: p, roles: *r}\n");
        }
        yaml(&text).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Refused for what the limits bound, not for the plan's types: a plan
    /// nested a little past the limit is refused for its nesting, and an
    /// alias bomb for its replayed events (the parser before would read
    /// both, the first into a type error, the second slowly).
    #[test]
    fn yaml_nesting_and_aliases_are_bounded() {
        let deep = YAML_DEPTH + 4;
        let nested = format!("keys: {}1{}", "[".repeat(deep), "]".repeat(deep));
        let e = yaml(&nested).unwrap_err();
        assert!(e.contains("recursion limit"), "{e}");
        // Three levels of 300 aliases each: 27 million roles from 900
        // aliases in 4 KB.
        let fan = |name: &str| vec![format!("*{name}"); 300].join(", ");
        let mut bomb = format!(
            "keys:\n- id: &r r\n  projects:\n  - &p {{id: p, roles: [{}]}}\n- &k {{id: k, projects: [{}]}}\n",
            fan("r"),
            fan("p")
        );
        bomb.push_str(&"- *k\n".repeat(300));
        let e = yaml(&bomb).unwrap_err();
        assert!(
            e.contains(&format!(
                "alias replay limit exceeded: total_replayed_events={}",
                YAML_REPLAYED + 1
            )),
            "{e}"
        );
    }
}
