//! Role lists come from the catalogue, and the README, the emulator and every version follow it.

use super::*;

/// Roles come from the catalogue, not from a version's enum: a version
/// whose spec lists no project roles, or fewer organization roles, offers
/// exactly the catalogue's.
#[test]
fn role_lists_come_from_the_catalogue_whatever_the_spec_lists() {
    let catalogue = codegen::read_catalogue(&workspace_root()).unwrap();
    let dir = with_version(&fixture("evolved-2025-11-01.yaml"), "2025-11-01");
    let g = generate_from(dir.path());
    let module = file(&g, "v2025_11_01.rs");
    assert!(
        module.contains("pub use super::catalogue::atlas::{ORG_ROLES, PROJECT_ROLES, ROLE_NAMES};"),
        "{module}"
    );
    // The generated catalogue is the checked-in one, role for role.
    assert_eq!(
        file(&g, "catalogue.rs"),
        file(&generate_from(&workspace_root()), "catalogue.rs")
    );
    for system in &catalogue.systems {
        let entry = atlas_apikeys_client::catalogue::CATALOGUE
            .iter()
            .find(|e| e.system == system.system.as_str())
            .unwrap();
        let wire = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            wire(entry.org.iter().map(|r| r.as_str()).collect()),
            system.org
        );
        assert_eq!(
            wire(entry.project.iter().map(|r| r.as_str()).collect()),
            system.project
        );
    }
}

/// The README's roles table, the emulator's role sets and every version's
/// lists are the catalogue's, system by system.
#[test]
fn readme_emulator_and_versions_follow_the_role_catalogue() {
    let catalogue = catalogue();
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let table: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| system | organization roles | project roles |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    let split = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect()
    };
    assert_eq!(
        table.len(),
        catalogue.systems.len(),
        "one README row per system: {table:?}"
    );
    for system in &catalogue.systems {
        let row = table
            .iter()
            .find(|r| r[0] == system.system)
            .unwrap_or_else(|| panic!("README has no row for {}", system.system));
        assert_eq!(
            split(&row[1]),
            system.org,
            "README organization roles of {}",
            system.system
        );
        assert_eq!(
            split(&row[2]),
            system.project,
            "README project roles of {}",
            system.system
        );

        let emulator_system: atlas_apikeys_emulator::System = system
            .system
            .parse()
            .expect("the emulator serves every catalogued system");
        let sets = atlas_apikeys_emulator::roles::RoleSets::documented(emulator_system);
        assert_eq!(
            sets.org, system.org,
            "emulator organization roles of {}",
            system.system
        );
        assert_eq!(
            sets.project, system.project,
            "emulator project roles of {}",
            system.system
        );

        for v in atlas_apikeys_client::VERSIONS
            .iter()
            .filter(|v| v.system == system.system.as_str())
        {
            let org: Vec<&str> = v.org_roles.iter().map(|r| r.as_str()).collect();
            let project: Vec<&str> = v.project_roles.iter().map(|r| r.as_str()).collect();
            assert_eq!(org, system.org, "{} {}", v.system, v.version);
            assert_eq!(project, system.project, "{} {}", v.system, v.version);
        }
    }
}
