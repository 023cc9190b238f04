//! Checked-in generated code is what codegen writes, `--check` catches a stale or stray file, nothing generated can panic, and what progenitor cannot take is a clear error.

use super::*;

#[test]
fn checked_in_generated_code_is_fresh() {
    // Same check as `cargo xtask codegen --check`.
    if let Err(e) = codegen::run(&workspace_root(), true) {
        panic!("{e}");
    }
}

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
