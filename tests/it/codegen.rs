//! Code generation: the checked-in client is fresh, its public surface per
//! version is snapshotted, identical versions share code, a new version needs
//! only `import` + `codegen`, and what progenitor cannot take is an error.

use std::path::Path;

use atlas_apikeys_tests::{fixture, workspace_root};
use serde_json::{Value, json};
use xtask::codegen::{self, CodegenError, GENERATED_DIR, Generated, surface};

fn generate_from(root: &Path) -> Generated {
    codegen::generate(codegen::read_fragments(root).expect("fragments")).expect("generate")
}

#[test]
fn checked_in_generated_code_is_fresh() {
    // Same check as `cargo xtask codegen --check`.
    if let Err(e) = codegen::run(&workspace_root(), true) {
        panic!("{e}");
    }
}

fn media_table(media: &[codegen::OperationMedia]) -> String {
    media
        .iter()
        .map(|m| {
            format!(
                "{} {} {}\n  accept: {}\n  content-type: {}\n",
                m.operation_id,
                m.method,
                m.path,
                m.accept,
                m.content_type.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn file<'g>(g: &'g Generated, name: &str) -> &'g str {
    g.files
        .get(&Path::new(GENERATED_DIR).join(name))
        .unwrap_or_else(|| panic!("{name} not generated"))
}

/// One snapshot per version module (its own surface and media table), one
/// per shape, one for the shared enums and the catalogue: adding a version
/// adds its snapshots and rewrites none of the others.
#[test]
fn public_surface_and_media_table_per_version() {
    let g = generate_from(&workspace_root());
    assert!(!g.fragments.is_empty());
    for f in &g.fragments {
        let surface = surface::of_source(file(&g, &format!("{}.rs", f.module))).expect("parses");
        insta::assert_snapshot!(format!("surface_{}", f.module), surface);
        insta::assert_snapshot!(
            format!("media_{}", f.module),
            media_table(&f.prepared.media)
        );
    }
    for shape in &g.shapes {
        let surface =
            surface::of_source(file(&g, &format!("{}.rs", shape.module))).expect("parses");
        insta::assert_snapshot!(format!("surface_{}", shape.module), surface);
    }
    for name in ["enums", "catalogue", "media"] {
        let surface = surface::of_source(file(&g, &format!("{name}.rs"))).expect("parses");
        insta::assert_snapshot!(format!("surface_{name}"), surface);
    }
}

/// Every version of a family shares one client, whatever the versions are,
/// and N versions cost at most 1.2x the lines of the newest alone.
#[test]
fn versions_of_one_family_share_one_generated_client() {
    let g = generate_from(&workspace_root());
    for shape in &g.shapes {
        let family: Vec<_> = shape.members.iter().map(|&i| &g.fragments[i]).collect();
        assert!(shape.module.starts_with("shape_"), "{}", shape.module);
        for f in family.iter().filter(|f| f.version.contains('-')) {
            assert!(
                !shape.module.contains(&f.version.replace(['-', '.'], "_")),
                "{} is named after a version",
                shape.module
            );
        }
    }
    let mut systems: Vec<&str> = g.fragments.iter().map(|f| f.system.as_str()).collect();
    systems.dedup();
    for system in systems {
        let shapes: std::collections::BTreeSet<_> = g
            .shapes
            .iter()
            .filter(|s| s.members.iter().any(|&i| g.fragments[i].system == system))
            .map(|s| s.module.clone())
            .collect();
        assert_eq!(
            shapes.len(),
            1,
            "{system} versions share one client: {shapes:?}"
        );
    }
    for grown in codegen::growth(&g.fragments).unwrap() {
        let ratio = grown.ratio();
        assert!(
            ratio <= 1.2,
            "{}: {} versions cost {ratio:.2}x one",
            grown.system,
            grown.versions
        );
    }
}

/// A workspace copy holding the real fragments plus one imported from
/// `from` at `version`.
fn with_version(from: &Path, version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &workspace_root().join("openapi"),
        &dir.path().join("openapi"),
    );
    xtask::import::run(&xtask::import::ImportOptions {
        from: from.to_owned(),
        version: Some(version.into()),
        out_dir: dir.path().join("openapi"),
        check: false,
        catalogue_dir: workspace_root().join(xtask::catalogue::CATALOGUE_DIR),
    })
    .unwrap();
    dir
}

fn without_header(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A newer version, an older one, from a merged or a split file: import and
/// codegen add its module; no module is renamed, no other version module
/// changes, and shapes keep their names.
#[test]
fn adding_a_version_needs_only_import_and_codegen_and_renames_nothing() {
    let old = generate_from(&workspace_root());
    let oldest = old
        .fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .map(|f| f.version.clone())
        .min()
        .unwrap();
    // Dates the fixtures declare; one of them is older than every checked-in version.
    for (from, version) in [
        (fixture("merged-multiversion.json"), "2024-08-05"),
        (fixture("merged-multiversion.json"), "2023-01-01"),
        (fixture("split-2024-05-30.yaml"), "2024-05-30"),
        (fixture("evolved-2025-11-01.yaml"), "2025-11-01"),
    ] {
        let dir = with_version(&from, version);
        let g = generate_from(dir.path());
        let module = format!("v{}", version.replace('-', "_"));
        assert!(
            g.files
                .contains_key(&Path::new(GENERATED_DIR).join(format!("{module}.rs")))
        );
        let list = file(&g, "mod.rs");
        assert!(list.contains(&format!("pub mod {module};")), "{list}");
        assert!(list.contains(&format!("&{module}::API_VERSION")), "{list}");
        let names = |g: &Generated| {
            g.shapes
                .iter()
                .map(|s| s.module.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&g), names(&old), "{version}: shapes keep their names");
        for f in &old.fragments {
            if f.version == version {
                continue; // re-imported from the fixture
            }
            let name = format!("{}.rs", f.module);
            let (new, was) = (file(&g, &name), file(&old, &name));
            assert_eq!(new, was, "{version}: {name} changed");
        }
        for name in ["enums.rs", "catalogue.rs"] {
            let (new, was) = (
                without_header(file(&g, name)),
                without_header(file(&old, name)),
            );
            assert_eq!(new, was, "{version}: {name} changed");
        }
        if version < oldest.as_str() {
            assert_eq!(
                g.fragments
                    .iter()
                    .find(|f| f.system == "atlas")
                    .unwrap()
                    .version,
                version
            );
        }
    }
    // Drift absorbed: the shared client's code is what it was.
    let dir = with_version(&fixture("evolved-2025-11-01.yaml"), "2025-11-01");
    let g = generate_from(dir.path());
    for shape in &old.shapes {
        let name = format!("{}.rs", shape.module);
        assert_eq!(
            without_header(file(&g, &name)),
            without_header(file(&old, &name))
        );
    }
}

/// A version that really changes the wire (a newly required body field) is
/// codegen's error, naming the operation and the field.
#[test]
fn a_real_wire_change_is_reported_by_codegen() {
    let catalogue = codegen::read_catalogue(&workspace_root()).unwrap();
    let required = fragment_with(|f| {
        let schema = f
            .pointer_mut("/components/schemas/UpdateAtlasOrganizationApiKey")
            .unwrap();
        schema["properties"]["expiresAt"] = json!({ "type": "string" });
        schema["required"] = json!(["expiresAt"]);
    });
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &workspace_root().join("openapi"),
        &dir.path().join("openapi"),
    );
    let mut required = required;
    required["x-atlas-apikeys"]["version"] = json!("2099-01-01");
    std::fs::write(
        dir.path().join("openapi/atlas-2099-01-01.json"),
        serde_json::to_string(&required).unwrap(),
    )
    .unwrap();
    let text = codegen::run(dir.path(), false).unwrap_err().to_string();
    assert!(
        !dir.path().join(GENERATED_DIR).exists(),
        "nothing is written"
    );
    assert!(
        text.contains("changes the wire")
            && text
                .contains("updateOrgApiKey (PATCH /api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId})")
            && text.contains("requires `expiresAt`")
            && text.contains("openapi/atlas-2099-01-01.json"),
        "{text}"
    );
    let param = fragment_with(|f| {
        let op = f.pointer_mut(ORG_OP).unwrap();
        op["parameters"].as_array_mut().unwrap().push(json!({
            "in": "query", "name": "reason", "required": true, "schema": { "type": "string" }
        }));
    });
    let text = codegen::fragment_from_value(&param, "openapi/x.json", &catalogue)
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("requires the query parameter `reason`"),
        "{text}"
    );

    // Between versions: a type that changes is a conflict, naming where.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &workspace_root().join("openapi"),
        &dir.path().join("openapi"),
    );
    let mut changed = fragment_with(|f| {
        f["components"]["schemas"]["ApiKeyUserDetails"]["properties"]["id"] =
            json!({ "type": "integer" });
        f["x-atlas-apikeys"]["version"] = json!("2099-01-01");
    });
    changed["info"]["version"] = json!("2099-01-01");
    std::fs::write(
        dir.path().join("openapi/atlas-2099-01-01.json"),
        serde_json::to_string(&changed).unwrap(),
    )
    .unwrap();
    let err = codegen::generate(codegen::read_fragments(dir.path()).unwrap()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("atlas 2099-01-01")
            && text.contains("ApiKeyUserDetails/properties/id")
            && text.contains("integer"),
        "{text}"
    );
}

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
            .find(|e| e.system == system.system)
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

/// The workspace's sources (no `target/`, no `.git/`) copied to a scratch folder.
fn scratch_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace_root();
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dir.path().join(&name));
        } else {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    dir
}

/// Runs cargo in `dir` with this build's target folder (dependencies are
/// built once) and no network.
fn cargo_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run cargo")
}

/// Acceptance: a version that only drifts (nullable items, a project-role
/// enum removed, 429 with RateLimit headers, renamed operationIds) needs
/// `import` and `codegen` only. Then the whole workspace compiles,
/// atlas-apikeys included, and its end-to-end tests pass against the
/// emulator, driving the new version among the others.
#[test]
fn a_drift_only_version_builds_the_whole_workspace_and_passes_end_to_end() {
    let dir = scratch_workspace();
    xtask::import::run(&xtask::import::ImportOptions {
        from: fixture("evolved-2025-11-01.yaml"),
        version: Some("2025-11-01".into()),
        out_dir: dir.path().join("openapi"),
        check: false,
        catalogue_dir: dir.path().join(xtask::catalogue::CATALOGUE_DIR),
    })
    .unwrap();
    let report = codegen::run(dir.path(), false).expect("codegen takes a drift-only version");
    let newest = report
        .generated
        .fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .map(|f| f.version.clone())
        .max()
        .unwrap();
    assert_eq!(
        newest, "2025-11-01",
        "the drift version is the newest, so tests pin it"
    );
    let out = cargo_in(
        dir.path(),
        &[
            "test",
            "--offline",
            "--locked",
            "-p",
            "atlas-apikeys-tests",
            "--test",
            "it",
            "--",
            "apikeys::",
            "emulator::",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("test result: ok"), "{stdout}");
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

        let emulator_system = [
            atlas_apikeys_emulator::System::Atlas,
            atlas_apikeys_emulator::System::CloudManager,
            atlas_apikeys_emulator::System::OpsManager,
        ]
        .into_iter()
        .find(|s| s.name() == system.system)
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
            .filter(|v| v.system == system.system)
        {
            let org: Vec<&str> = v.org_roles.iter().map(|r| r.as_str()).collect();
            let project: Vec<&str> = v.project_roles.iter().map(|r| r.as_str()).collect();
            assert_eq!(org, system.org, "{} {}", v.system, v.version);
            assert_eq!(project, system.project, "{} {}", v.system, v.version);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    xtask::output::copy_tree(from, to).unwrap();
}

fn catalogue() -> xtask::catalogue::Catalogue {
    codegen::read_catalogue(&workspace_root()).unwrap()
}

fn fragment_with(edit: impl FnOnce(&mut Value)) -> Value {
    let newest = generate_from(&workspace_root())
        .fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .map(|f| f.source.clone())
        .max()
        .unwrap();
    let mut f: Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join(newest)).unwrap())
            .unwrap();
    edit(&mut f);
    f
}

const ORG_OP: &str = "/paths/~1api~1atlas~1v2~1orgs~1{orgId}~1apiKeys~1{apiUserId}/patch";

#[test]
fn what_progenitor_cannot_take_is_a_clear_error() {
    let two_bodies = fragment_with(|f| {
        let content = f
            .pointer_mut(&format!("{ORG_OP}/requestBody/content"))
            .unwrap();
        let one = content["application/vnd.atlas.2023-01-01+json"].clone();
        content["application/vnd.atlas.2024-01-01+json"] = one;
    });
    let err =
        codegen::fragment_from_value(&two_bodies, "openapi/x.json", &catalogue()).unwrap_err();
    assert!(matches!(err, CodegenError::Unsupported { .. }));
    let text = err.to_string();
    assert!(
        text.contains("openapi/x.json")
            && text.contains("PATCH /api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}"),
        "{text}"
    );
    assert!(text.contains("2 media types"), "{text}");

    let mixed = fragment_with(|f| {
        let responses = f.pointer_mut(&format!("{ORG_OP}/responses")).unwrap();
        responses["204"] = json!({ "description": "No Content" });
    });
    let text = codegen::fragment_from_value(&mixed, "openapi/y.json", &catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("success responses of different kinds")
            && text.contains("200: body")
            && text.contains("204: no body"),
        "{text}"
    );

    let disagree = fragment_with(|f| {
        let ok = f
            .pointer_mut(&format!("{ORG_OP}/responses/200/content"))
            .unwrap();
        let entry = ok["application/vnd.atlas.2023-01-01+json"].clone();
        *ok = json!({ "application/vnd.atlas.2024-01-01+json": entry });
        let responses = f.pointer_mut(&format!("{ORG_OP}/responses")).unwrap();
        responses["201"] = json!({ "description": "Created", "content": { "application/vnd.atlas.2023-01-01+json": { "schema": { "type": "object" } } } });
    });
    let text = codegen::fragment_from_value(&disagree, "openapi/z.json", &catalogue())
        .unwrap_err()
        .to_string();
    assert!(text.contains("disagree on media type"), "{text}");

    let v31 = fragment_with(|f| f["openapi"] = json!("3.1.0"));
    let text = codegen::fragment_from_value(&v31, "openapi/w.json", &catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("openapi/w.json") && text.contains("3.0"),
        "{text}"
    );

    let no_meta = fragment_with(|f| {
        f.as_object_mut().unwrap().remove("x-atlas-apikeys");
    });
    let text = codegen::fragment_from_value(&no_meta, "openapi/v.json", &catalogue())
        .unwrap_err()
        .to_string();
    assert!(text.contains("x-atlas-apikeys.system"), "{text}");
}

#[test]
fn codegen_check_fails_on_a_stale_or_stray_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &workspace_root().join("openapi"),
        &dir.path().join("openapi"),
    );
    codegen::run(dir.path(), false).expect("generate into the copy");
    codegen::run(dir.path(), true).expect("fresh copy passes");

    let gen_dir = dir.path().join(GENERATED_DIR);
    let module = generate_from(dir.path()).fragments[0].module.clone();
    let v = gen_dir.join(format!("{module}.rs"));
    let text = std::fs::read_to_string(&v).unwrap().replace(
        "pub const VERSION: &str = \"",
        "pub const VERSION: &str = \"2099-01-01",
    );
    std::fs::write(&v, text).unwrap();
    std::fs::write(gen_dir.join("v1999_01_01.rs"), "// left over\n").unwrap();
    let err = codegen::run(dir.path(), true).unwrap_err().to_string();
    assert!(
        err.contains(&format!("{module}.rs is stale")) && err.contains("2099-01-01"),
        "{err}"
    );
    assert!(
        err.contains("v1999_01_01.rs is no longer generated"),
        "{err}"
    );
    assert!(err.contains("cargo xtask codegen"), "{err}");

    codegen::run(dir.path(), false).expect("regenerate");
    assert!(
        !gen_dir.join("v1999_01_01.rs").exists(),
        "stray file removed"
    );
    codegen::run(dir.path(), true).expect("fresh again");
}

/// The shared client does not depend on the order versions are merged in,
/// so adding an older version rewrites nothing; what only one version has
/// (an optional parameter, an optional field, an error status) is kept.
#[test]
fn merging_is_order_independent_and_keeps_what_either_version_has() {
    let catalogue = catalogue();
    let plain = fragment_with(|_| {});
    let drifted = fragment_with(|f| {
        let op = f.pointer_mut(ORG_OP).unwrap();
        op["parameters"].as_array_mut().unwrap().insert(
            0,
            json!({ "in": "query", "name": "aaFirst", "schema": { "type": "boolean" } }),
        );
        op["responses"]["418"] = json!({ "description": "I'm a teapot", "content": {
            "application/vnd.atlas.2023-01-01+json": { "schema": { "$ref": "#/components/schemas/ApiError" } }
        } });
        f["components"]["schemas"]["ApiKeyUserDetails"]["properties"]["expiresAt"] =
            json!({ "type": "string" });
    });
    let prepared = |v: &Value| {
        codegen::fragment_from_value(v, "openapi/x.json", &catalogue)
            .unwrap()
            .prepared
            .spec
    };
    let (a, b) = (prepared(&plain), prepared(&drifted));
    let ab = codegen::merge::merge(&a, &b).unwrap();
    let ba = codegen::merge::merge(&b, &a).unwrap();
    assert_eq!(ab, ba);
    let op = ab.pointer(ORG_OP).unwrap();
    assert!(op["responses"].get("418").is_some(), "{op}");
    assert!(
        op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "aaFirst"),
        "{op}"
    );
    assert!(
        ab.pointer("/components/schemas/ApiKeyUserDetails/properties/expiresAt")
            .is_some()
    );
}

/// No public constructor or method of the generated code may panic:
/// progenitor's `Client::new` (`build().unwrap()`) is not emitted, and no
/// generated file calls `unwrap`, `expect` or `panic!`.
#[test]
fn generated_code_has_no_panicking_calls() {
    let g = generate_from(&workspace_root());
    for (path, text) in &g.files {
        for needle in [".unwrap()", ".expect(", "panic!", "unreachable!"] {
            assert!(
                !text.contains(needle),
                "{} contains {needle}",
                path.display()
            );
        }
        assert!(!text.contains("pub fn new(baseurl"), "{}", path.display());
    }
}
