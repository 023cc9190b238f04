//! Adding a version: import and codegen only, nothing renamed; a real wire change is reported; a drift-only version builds the whole workspace; merging is order independent.

use super::*;

/// A newer version, an older one, from a merged or a split file: import and
/// codegen add its module; no module is renamed, no other version module
/// changes, and shapes keep their names.
#[test]
fn adding_a_version_needs_only_import_and_codegen_and_renames_nothing() {
    let old = generate_from(&workspace_root());
    let oldest = atlas_fragments(&old)[0].version.clone();
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

/// Acceptance: a version that only drifts (nullable items, a project-role
/// enum removed, 429 with RateLimit headers, renamed operationIds, and, added
/// here, an optional query parameter, an optional body property and a
/// renamed schema) needs `import` and `codegen` only. Then the whole workspace compiles,
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
    // Additive drift and a rename on top: an optional query parameter and an
    // optional body property on the organization-key PATCH, and the key
    // schema renamed without a change. Code calling the generated clients
    // directly (the tests) must still compile.
    let path = dir.path().join("openapi/atlas-2025-11-01.json");
    let mut fragment: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let op = fragment.pointer_mut(ORG_OP).unwrap();
    op["parameters"].as_array_mut().unwrap().push(json!({
        "in": "query", "name": "auditReason", "schema": { "type": "string" }
    }));
    let body = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.pointer("/schema/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .unwrap()
        .to_owned();
    fragment["components"]["schemas"][&body]["properties"]["expiresAfterDays"] =
        json!({ "type": "integer" });
    // Renamed: the key (a response body), and a schema nested in one that
    // keeps its name (the error's detail, behind a shared response).
    let schemas = fragment["components"]["schemas"].as_object_mut().unwrap();
    let key = schemas.remove("ApiKeyUserDetails").unwrap();
    schemas.insert("OrgApiKeyDetails".into(), key);
    let detail = schemas.remove("BadRequestDetail").unwrap();
    schemas.insert("BadRequestInfo".into(), detail);
    let text = serde_json::to_string(&fragment)
        .unwrap()
        .replace(
            "#/components/schemas/ApiKeyUserDetails",
            "#/components/schemas/OrgApiKeyDetails",
        )
        .replace(
            "#/components/schemas/BadRequestDetail",
            "#/components/schemas/BadRequestInfo",
        );
    std::fs::write(&path, text).unwrap();
    let report = codegen::run(dir.path(), false).expect("codegen takes a drift-only version");
    let newest = &atlas_fragments(&report.generated)
        .last()
        .expect("an Atlas fragment")
        .version;
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
            "--nocapture",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("test result: ok"), "{stdout}");
    // The fixture predates the pilot read: the SDK refused it, unsent.
    assert!(
        stdout.contains("refused unsent: getOrgApiKey on atlas 2025-11-01"),
        "{stdout}"
    );
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

/// A spec without the pilot read (the fixtures predate it) imports and
/// generates; that version's media table omits it, and is named for what it
/// lacks, while the shared client keeps the read for the others. The SDK's
/// answer for such a version is shown end to end by the scratch workspace
/// above (`apikeys::operations::org_key_reads_or_is_refused_unsent_on_every_version`).
#[test]
fn a_version_without_an_optional_operation_imports_and_its_table_omits_it() {
    let dir = with_version(&fixture("evolved-2025-11-01.yaml"), "2025-11-01");
    let g = generate_from(dir.path());
    let lacking = g
        .fragments
        .iter()
        .find(|f| f.version == "2025-11-01")
        .unwrap();
    let offered: Vec<&str> = lacking
        .prepared
        .media
        .iter()
        .map(|m| m.api_name.as_str())
        .collect();
    assert!(!offered.contains(&"getOrgApiKey"), "{offered:?}");
    // The merged client still has each missing operation's method; the
    // version's table is named for what it lacks (names as codegen makes
    // them from the operations table).
    let snake = |name: &str| {
        name.chars().fold(String::new(), |mut out, c| {
            if c.is_ascii_uppercase() && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            out
        })
    };
    let shape = file(&g, "shape_atlas_v2.rs");
    let module = file(&g, "v2025_11_01.rs");
    let missing: Vec<_> = xtask::operations::OPERATIONS
        .iter()
        .filter(|op| !op.required && !offered.contains(&op.operation_id))
        .collect();
    assert!(!missing.is_empty());
    for op in missing {
        let method = format!("pub async fn {}", snake(op.operation_id));
        assert!(shape.contains(&method), "{method}");
        let table = format!("WITHOUT_{}", snake(op.op).to_uppercase());
        assert!(module.contains(&table), "{table}: {module}");
    }
    for f in g.fragments.iter().filter(|f| f.version != "2025-11-01") {
        assert!(
            f.prepared
                .media
                .iter()
                .any(|m| m.api_name == "getOrgApiKey"),
            "{} {}",
            f.system,
            f.version
        );
    }
}
