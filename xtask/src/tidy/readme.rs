//! The README rules: its lists of error variants, environment variables and
//! media types match the code they describe.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Rule, Violation};

/// Words in backticks that look like type or variant names.
fn backticked_names(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map(str::to_owned)
        .collect()
}

/// The README's paragraph that starts with `start`, up to a blank line.
fn paragraph<'a>(readme: &'a str, start: &str) -> Option<&'a str> {
    let at = readme.find(start)?;
    let rest = &readme[at..];
    Some(rest.split("\n\n").next().unwrap_or(rest))
}

/// The variants of `pub enum name` in `source`.
pub fn enum_variants(source: &str, name: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(source) else {
        return Vec::new();
    };
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Enum(e) if e.ident == name => {
                Some(e.variants.iter().map(|v| v.ident.to_string()).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// What the README is checked against.
pub struct ReadmeFacts {
    /// `atlas_apikeys::Error`'s variants.
    pub error_variants: Vec<String>,
    /// Other public type names the errors paragraph may mention.
    pub error_types: Vec<String>,
    /// Every environment variable the settings read.
    pub env_vars: Vec<String>,
    /// Every media type the generated tables send.
    pub media_types: Vec<String>,
    /// The role catalogue: (system, organization roles, project roles).
    pub roles: Vec<(String, Vec<String>, Vec<String>)>,
}

/// The README's roles table row for `system`: its two role lists.
fn roles_row(readme: &str, system: &str) -> Option<(Vec<String>, Vec<String>)> {
    let prefix = format!("| {system} |");
    let row = readme.lines().find(|l| l.starts_with(&prefix))?;
    let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
    let list = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Some((list(cells.get(1)?), list(cells.get(2)?)))
}

/// The README rules.
pub fn check_readme(readme: &str, facts: &ReadmeFacts) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut violation = |detail: String| {
        out.push(Violation {
            file: "README.md".into(),
            rule: Rule::Readme,
            detail,
        })
    };
    match paragraph(readme, "Errors are one enum") {
        None => violation("no \"Errors are one enum\" paragraph listing `Error`'s variants".into()),
        Some(text) => {
            let named = backticked_names(text);
            for v in &facts.error_variants {
                if !named.contains(v) {
                    violation(format!("the errors paragraph does not list `{v}`"));
                }
            }
            for n in &named {
                if !facts.error_variants.contains(n) && !facts.error_types.contains(n) {
                    violation(format!(
                        "the errors paragraph lists `{n}`, which is not a variant of `Error`"
                    ));
                }
            }
        }
    }
    for var in &facts.env_vars {
        if !readme.contains(var.as_str()) {
            violation(format!(
                "environment variable {var} is read but not documented"
            ));
        }
    }
    for word in readme.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("MONGODB_ATLAS_")
            && !word.ends_with('_')
            && !facts.env_vars.iter().any(|v| v == word)
        {
            violation(format!("{word} is documented but not read"));
        }
    }
    for (system, org, project) in &facts.roles {
        match roles_row(readme, system) {
            None => violation(format!("the roles table has no row for {system}")),
            Some((o, p)) => {
                if &o != org {
                    violation(format!(
                        "the roles table's organization roles of {system} are not the catalogue's: {}",
                        org.join(", ")
                    ));
                }
                if &p != project {
                    violation(format!(
                        "the roles table's project roles of {system} are not the catalogue's: {}",
                        project.join(", ")
                    ));
                }
            }
        }
    }
    for media in &facts.media_types {
        if !readme.contains(media.as_str()) {
            violation(format!("media type {media} is sent but not documented"));
        }
    }
    for (at, _) in readme.match_indices("application/vnd.atlas.") {
        let token: String = readme[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '`' && *c != ',' && *c != ')')
            .collect();
        // `application/vnd.atlas.<date>+json` is the pattern, not a type.
        if token.ends_with("+json") && !token.contains('<') && !facts.media_types.contains(&token) {
            violation(format!("{token} is documented but no version sends it"));
        }
    }
    out
}

/// The facts, read from the workspace's sources.
pub fn readme_facts(root: &Path) -> ReadmeFacts {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let error_rs = read("crates/atlas-apikeys/src/error/mod.rs");
    let mut error_types: Vec<String> = Vec::new();
    let mut sources = Vec::new();
    super::walk(&root.join("crates/atlas-apikeys/src"), &mut sources);
    for file in sources {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for line in text.lines() {
            let line = line.trim();
            for kind in ["pub struct ", "pub enum ", "pub trait "] {
                if let Some(rest) = line.strip_prefix(kind) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    error_types.push(name);
                }
            }
        }
    }
    // Every name in the `vars` module, older spellings included.
    let vars = read("crates/atlas-apikeys/src/settings/vars.rs");
    let env_vars = vars
        .split('"')
        .filter(|s| s.starts_with("MONGODB_ATLAS_"))
        .map(str::to_owned)
        .collect();
    let media = read("crates/atlas-apikeys-client/src/generated/media.rs");
    let media_types: BTreeSet<String> = media
        .split('"')
        .filter(|s| s.starts_with("application/vnd.atlas.") && s.ends_with("+json"))
        .map(str::to_owned)
        .collect();
    let roles = crate::catalogue::read(&root.join(crate::catalogue::CATALOGUE_DIR))
        .map(|c| {
            c.systems
                .into_iter()
                .map(|s| (s.system, s.org, s.project))
                .collect()
        })
        .unwrap_or_default();
    ReadmeFacts {
        roles,
        error_variants: enum_variants(&error_rs, "Error"),
        error_types,
        env_vars,
        media_types: media_types.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> ReadmeFacts {
        ReadmeFacts {
            error_variants: vec!["Api".into(), "Config".into()],
            error_types: vec!["ErrorCode".into()],
            env_vars: vec!["MONGODB_ATLAS_ORG_ID".into()],
            media_types: vec!["application/vnd.atlas.2023-01-01+json".into()],
            roles: vec![(
                "atlas".into(),
                vec!["ORG_OWNER".into()],
                vec!["GROUP_OWNER".into(), "GROUP_READ_ONLY".into()],
            )],
        }
    }

    const GOOD: &str = "Errors are one enum: `Api` (with an `ErrorCode`) and `Config`.\n\nSet MONGODB_ATLAS_ORG_ID. Sends `application/vnd.atlas.2023-01-01+json`.\n\n| atlas | ORG_OWNER | GROUP_OWNER, GROUP_READ_ONLY |\n";

    #[test]
    fn readme_tables_that_drift_are_caught() {
        assert_eq!(check_readme(GOOD, &facts()), []);
        // Each planted drift, and what the finding must name.
        for (readme, named) in [
            (GOOD.replace(" and `Config`", ""), "`Config`"),
            (GOOD.replace("`Config`", "`Config` and `Build`"), "`Build`"),
            (
                format!("{GOOD}Also MONGODB_ATLAS_NOPE.\n"),
                "MONGODB_ATLAS_NOPE",
            ),
            (
                GOOD.replace("MONGODB_ATLAS_ORG_ID", "the org variable"),
                "MONGODB_ATLAS_ORG_ID",
            ),
            (GOOD.replace("GROUP_OWNER, ", ""), "project roles of atlas"),
            (GOOD.replace("| atlas |", "| atlas2 |"), "no row for atlas"),
        ] {
            let found = check_readme(&readme, &facts());
            assert!(
                found.first().is_some_and(|f| f.detail.contains(named)),
                "{named}: {found:?}"
            );
        }
        let stale_media = GOOD.replace("2023-01-01", "2019-01-01");
        assert_eq!(check_readme(&stale_media, &facts()).len(), 2);
    }
}
