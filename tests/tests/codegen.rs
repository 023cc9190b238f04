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

#[test]
fn public_surface_and_media_table_per_version() {
    let g = generate_from(&workspace_root());
    let file = |name: &str| {
        g.files
            .get(&Path::new(GENERATED_DIR).join(name))
            .unwrap_or_else(|| panic!("{name} not generated"))
    };
    assert!(g.fragments.len() >= 3);
    for (i, f) in g.fragments.iter().enumerate() {
        let shape = g
            .shapes
            .iter()
            .find(|s| s.members.contains(&i))
            .expect("shape");
        let mut out = String::new();
        for name in [
            format!("{}.rs", f.module),
            format!("{}.rs", shape.module),
            "enums.rs".to_owned(),
        ] {
            out.push_str(&format!("// ===== {name}\n"));
            out.push_str(&surface::of_source(file(&name)).expect("generated code parses"));
        }
        insta::assert_snapshot!(format!("surface_{}", f.module), out);
        insta::assert_snapshot!(
            format!("media_{}", f.module),
            media_table(&f.prepared.media)
        );
    }
}

#[test]
fn identical_versions_share_one_generated_client() {
    let g = generate_from(&workspace_root());
    let atlas: Vec<_> = g.shapes.iter().filter(|s| s.system == "atlas").collect();
    assert_eq!(
        atlas.len(),
        1,
        "the published versions have identical operations"
    );
    assert_eq!(atlas[0].members.len(), 3);
    let atlas_fragments: Vec<_> = g
        .fragments
        .iter()
        .filter(|f| f.system == "atlas")
        .cloned()
        .collect();
    let newest = atlas_fragments.last().unwrap().clone();
    let one = codegen::generate(vec![newest]).unwrap().total_lines();
    let three = codegen::generate(atlas_fragments).unwrap().total_lines();
    let ratio = three as f64 / one as f64;
    assert!(ratio <= 1.2, "three versions cost {ratio:.2}x one");
    // Cloud Manager and Ops Manager share one client too.
    let v1: Vec<_> = g
        .shapes
        .iter()
        .filter(|s| s.members.iter().any(|&i| g.fragments[i].version == "v1.0"))
        .collect();
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].members.len(), 2);
}

fn atlas_shapes(g: &Generated) -> usize {
    g.shapes.iter().filter(|s| s.system == "atlas").count()
}

/// A workspace copy holding the real fragments plus one imported from
/// `from` at `version`.
fn with_fourth_version(from: &Path, version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    std::fs::create_dir_all(&openapi).unwrap();
    for entry in std::fs::read_dir(workspace_root().join("openapi")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, openapi.join(p.file_name().unwrap())).unwrap();
    }
    xtask::import::run(&xtask::import::ImportOptions {
        from: from.to_owned(),
        version: Some(version.into()),
        out_dir: openapi,
        check: false,
    })
    .unwrap();
    dir
}

#[test]
fn a_fourth_version_from_either_form_needs_only_import_and_codegen() {
    for (from, version, new_shape) in [
        (fixture("merged-multiversion.json"), "2026-03-01", true),
        (fixture("split-2024-05-30.yaml"), "2026-04-01", true),
    ] {
        let dir = with_fourth_version(&from, version);
        let g = generate_from(dir.path());
        let module = format!("v{}", version.replace('-', "_"));
        let path = |n: &str| Path::new(GENERATED_DIR).join(n);
        assert!(
            g.files.contains_key(&path(&format!("{module}.rs"))),
            "{module} generated"
        );
        let list = &g.files[&path("mod.rs")];
        assert!(list.contains(&format!("pub mod {module};")), "{list}");
        assert!(list.contains(&format!("&{module}::API_VERSION")), "{list}");
        assert!(
            list.contains(&format!("$m!({module});"))
                || list.contains(&format!("$m ! ({module});")),
            "{list}"
        );
        assert_eq!(atlas_shapes(&g), if new_shape { 2 } else { 1 });
        // Earlier shapes are untouched apart from the version list in their header.
        let old = generate_from(&workspace_root());
        let shape_file = path(&format!("{}.rs", old.shapes[0].module));
        let body = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(body(&g.files[&shape_file]), body(&old.files[&shape_file]));
    }
    let dir = with_fourth_version(&fixture("merged-multiversion.json"), "2026-03-01");
    let g = generate_from(dir.path());
    let newest = g
        .fragments
        .iter()
        .find(|f| f.version == "2026-03-01")
        .unwrap();
    let update = newest
        .prepared
        .media
        .iter()
        .find(|m| m.operation_id == "update_org_api_key")
        .unwrap();
    assert_eq!(update.accept, "application/vnd.atlas.2024-08-05+json");
    // The new org role joins the shared open enum; older versions' lists do not gain it.
    let enums = &g.files[&Path::new(GENERATED_DIR).join("enums.rs")];
    assert!(enums.contains("ORG_STREAM_PROCESSING_ADMIN"));
    let v2025 = &g.files[&Path::new(GENERATED_DIR).join("v2025_02_19.rs")];
    assert!(!v2025.contains("OrgStreamProcessingAdmin"), "{v2025}");
}

#[test]
fn the_fourth_version_compiles_without_hand_edits() {
    // Build a throwaway workspace: the client crate with code generated for
    // four versions, checked by cargo with this workspace's lock file.
    let dir = with_fourth_version(&fixture("merged-multiversion.json"), "2026-03-01");
    let root = workspace_root();
    let g = generate_from(dir.path());
    let crate_dir = dir.path().join("crates/atlas-apikeys-client");
    copy_tree(&root.join("crates/atlas-apikeys-client"), &crate_dir);
    std::fs::remove_dir_all(crate_dir.join("src/generated")).unwrap();
    for (rel, contents) in &g.files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    let manifest: String = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .lines()
        .map(|line| {
            if line.starts_with("members = ") {
                r#"members = ["crates/atlas-apikeys-client"]"#.to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        manifest.contains(r#"members = ["crates/atlas-apikeys-client"]"#),
        "no workspace members line"
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    std::fs::write(
        crate_dir.join("src/fourth.rs"),
        "#![allow(dead_code)]\nfn _uses() { let _ = crate::v2026_03_01::client; let _: &[crate::OrgRole4] = &[]; }\n",
    )
    .unwrap();
    // Name the new version's new type through the crate root to prove it is exported.
    let lib = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap()
        + "\nmod fourth;\n#[allow(unused_imports)]\nuse v2026_03_01::OrgRole as OrgRole4;\n";
    std::fs::write(crate_dir.join("src/lib.rs"), lib).unwrap();

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--quiet",
            "-p",
            "atlas-apikeys-client",
        ])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "client with a fourth version does not compile"
    );
}

#[test]
fn a_version_whose_spec_lists_no_project_roles_inherits_the_previous_list() {
    let dir = with_fourth_version(&fixture("evolved-2025-11-01.yaml"), "2025-11-01");
    let g = generate_from(dir.path());
    let module = &g.files[&Path::new(GENERATED_DIR).join("v2025_11_01.rs")];
    assert!(
        module.contains("The `ProjectRole` values version 2025-02-19 documents: version 2025-11-01's spec lists none."),
        "{module}"
    );
    // The inherited list is 2025-02-19's: Atlas roles, not Cloud Manager's.
    let v2025 = &g.files[&Path::new(GENERATED_DIR).join("v2025_02_19.rs")];
    let list = |m: &str| {
        m[m.find("pub const PROJECT_ROLES").unwrap()..]
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(list(module), list(v2025));
    assert!(
        list(module).contains("GroupClusterManager")
            && !list(module).contains("GroupAutomationAdmin")
    );
    // Its own org roles, with the one it adds.
    assert!(
        module.contains("pub const ORG_ROLES: &[OrgRole] = &[\n    OrgRole::OrgOwner,\n    OrgRole::OrgMember,\n    OrgRole::OrgStreamProcessingAdmin,\n];"),
        "{module}"
    );
    // The role-less schema is a different shape: roles go as strings there.
    assert_eq!(atlas_shapes(&g), 2);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn fragment_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut f: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("openapi/atlas-2025-02-19.json")).unwrap(),
    )
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
    let err = codegen::fragment_from_value(&two_bodies, "openapi/x.json").unwrap_err();
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
    let text = codegen::fragment_from_value(&mixed, "openapi/y.json")
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
    let text = codegen::fragment_from_value(&disagree, "openapi/z.json")
        .unwrap_err()
        .to_string();
    assert!(text.contains("disagree on media type"), "{text}");

    let v31 = fragment_with(|f| f["openapi"] = json!("3.1.0"));
    let text = codegen::fragment_from_value(&v31, "openapi/w.json")
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("openapi/w.json") && text.contains("3.0"),
        "{text}"
    );

    let no_meta = fragment_with(|f| {
        f.as_object_mut().unwrap().remove("x-atlas-apikeys");
    });
    let text = codegen::fragment_from_value(&no_meta, "openapi/v.json")
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
    let v = gen_dir.join("v2025_02_19.rs");
    let text = std::fs::read_to_string(&v)
        .unwrap()
        .replace("2023-01-01", "2099-01-01");
    std::fs::write(&v, text).unwrap();
    std::fs::write(gen_dir.join("v1999_01_01.rs"), "// left over\n").unwrap();
    let err = codegen::run(dir.path(), true).unwrap_err().to_string();
    assert!(
        err.contains("v2025_02_19.rs is stale") && err.contains("2099-01-01"),
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
