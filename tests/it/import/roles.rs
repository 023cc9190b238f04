//! `import --check` fails until the role catalogue matches upstream's roles.

use super::*;

/// Roles upstream adds or drops are reported; `--check` fails until the
/// catalogue says the same, and then passes.
#[test]
fn check_fails_until_the_catalogue_matches_upstream_roles() {
    let from = fixture("merged-multiversion.json");
    let out = tempfile::tempdir().unwrap();
    let catalogue = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(workspace_root().join(xtask::catalogue::CATALOGUE_DIR)).unwrap()
    {
        let p = entry.unwrap().path();
        std::fs::copy(&p, catalogue.path().join(p.file_name().unwrap())).unwrap();
    }
    let with = |check: bool| {
        import::run(&ImportOptions {
            from: from.clone(),
            version: Some("2024-08-05".into()),
            out_dir: out.path().to_owned(),
            check,
            catalogue_dir: catalogue.path().to_owned(),
        })
    };
    let done = with(false).unwrap();
    let upstream: Vec<String> = read(&done.path)["components"]["schemas"]
        ["UpdateAtlasOrganizationApiKey20240805"]["properties"]["roles"]["items"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let atlas = catalogue.path().join("atlas.json");
    let mut entry: Value = read(&atlas);
    let listed = listed_of(&entry["org"]);
    let dropped: Vec<&String> = listed.iter().filter(|r| !upstream.contains(r)).collect();
    assert!(
        !dropped.is_empty(),
        "the fixture lists fewer organization roles"
    );
    let org_line = done
        .roles
        .lines()
        .into_iter()
        .find(|l| l.starts_with("organization"))
        .unwrap();
    assert!(
        org_line.contains("upstream drops") && org_line.contains(dropped[0].as_str()),
        "{org_line}"
    );

    // Upstream adds one the catalogue lacks: reported as added.
    entry["org"] = json!(
        upstream
            .iter()
            .filter(|r| r.as_str() != "ORG_MEMBER")
            .collect::<Vec<_>>()
    );
    std::fs::write(&atlas, serde_json::to_string(&entry).unwrap()).unwrap();
    match with(true) {
        Err(ImportError::RoleDrift { lines, .. }) => assert!(
            lines
                .iter()
                .any(|l| l.contains("upstream adds ORG_MEMBER") && l.contains("atlas.json")),
            "{lines:?}"
        ),
        other => panic!("expected a role drift, got {other:?}"),
    }
    // The reviewed edit: the catalogue lists what upstream lists, in every
    // scope upstream lists at all (the report says what to add and drop).
    entry["org"] = json!(upstream);
    for scope in done
        .roles
        .scopes
        .iter()
        .filter(|s| s.scope == "project" && s.listed)
    {
        let mut list: Vec<String> = listed_of(&entry["project"])
            .into_iter()
            .filter(|r| !scope.dropped.contains(r))
            .collect();
        list.extend(scope.added.iter().cloned());
        entry["project"] = json!(list);
    }
    std::fs::write(&atlas, serde_json::to_string(&entry).unwrap()).unwrap();
    let passed = with(true).expect("--check passes once the catalogue matches");
    assert!(!passed.roles.differs(), "{:?}", passed.roles.lines());
}
