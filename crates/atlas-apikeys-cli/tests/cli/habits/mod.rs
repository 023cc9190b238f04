//! What an Atlas CLI user expects: Atlas-shaped JSON, the Atlas CLI's
//! spellings, profiles, readable errors, meaningful verbosity, `roles`,
//! `--dry-run` and `apply`. One test per problem users reported.

use super::*;

fn atlas(e: &Env) -> Command {
    let mut c = cli();
    digest(&mut c, e);
    c.args(["--api-version", newest()]);
    c
}

fn profile_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("atlascli")).unwrap();
    std::fs::write(dir.path().join("atlascli/config.toml"), text).unwrap();
    dir
}

/// A plan over `n` projects of the example organization, seeded into the
/// emulator.
fn many_projects(n: usize) -> (Config, String) {
    let mut config = Config::default();
    let mut projects = String::new();
    for i in 0..n {
        let id = format!("7{i:023x}");
        config.seed.projects.push(atlas_apikeys_emulator::Project {
            id: id.clone(),
            org_id: ORG.into(),
            name: format!("p{i}"),
        });
        projects.push_str(&format!(
            "[[keys.projects]]\nid = \"{id}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ));
    }
    let plan = format!(
        "[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"applied\"\norg_roles = [\"ORG_MEMBER\"]\n{projects}"
    );
    (config, plan)
}

/// Shell words of one README line: quotes grouped, a `#` comment dropped.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '#') if word.is_empty() => break,
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

mod apply;
mod diagnostics;
mod output;
mod readme;
mod settings;
mod spellings;
