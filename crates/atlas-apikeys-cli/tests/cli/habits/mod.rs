//! What an Atlas CLI user expects: Atlas-shaped JSON, the Atlas CLI's
//! spellings, profiles, readable errors, meaningful verbosity, `roles`,
//! `--dry-run` and `apply`. One test per problem users reported.

use super::*;

pub(crate) fn profile_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("atlascli")).unwrap();
    std::fs::write(dir.path().join("atlascli/config.toml"), text).unwrap();
    dir
}

/// A plan over `n` projects of the example organization, seeded into the
/// emulator.
pub(crate) fn many_projects(n: usize) -> (Config, String) {
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

mod apply;
mod diagnostics;
mod output;
mod readme;
mod settings;
mod spellings;
