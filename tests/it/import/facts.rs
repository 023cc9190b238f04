//! What import keeps (structural facts) and drops (prose), deterministically, from split, merged and evolved specs.

use super::*;

#[test]
fn split_file_keeps_facts_and_drops_prose() {
    let out = tempfile::tempdir().unwrap();
    let done = run(&fixture("split-2024-05-30.yaml"), None, out.path(), false).unwrap();
    assert_eq!(done.path, out.path().join("atlas-2024-05-30.json"));
    let f = read(&done.path);

    // Selected by method and path, stamped with the newest operationIds.
    assert_eq!(op(&f, ORG, "patch")["operationId"], "updateOrgApiKey");
    assert_eq!(op(&f, GROUP, "post")["operationId"], "addGroupApiKey");
    assert_eq!(
        op(&f, GROUP, "patch")["operationId"],
        "updateGroupApiKeyRoles"
    );
    // Other operations on the same paths, and other paths, are left out.
    assert!(op(&f, ORG, "get").is_null());
    assert!(op(&f, GROUP, "delete").is_null());
    assert_eq!(f["paths"].as_object().unwrap().len(), 2);
    // Only the closure of referenced components.
    let schemas: Vec<&String> = f["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(!schemas.iter().any(|s| *s == "Unrelated"), "{schemas:?}");
    assert!(schemas.iter().any(|s| *s == "FieldViolation"));
    // Structure stays: patterns, lengths, enums, defaults, versions.
    assert_eq!(
        f["components"]["parameters"]["orgId"]["schema"]["pattern"],
        "^([a-f0-9]{24})$"
    );
    assert_eq!(
        f["components"]["schemas"]["ApiKeyUserDetails"]["properties"]["desc"]["maxLength"],
        250
    );
    assert_eq!(
        f["components"]["schemas"]["UpdateAtlasOrganizationApiKey"]["properties"]["roles"]["items"]
            ["enum"],
        json!(["ORG_OWNER", "ORG_MEMBER"])
    );
    assert_eq!(
        op(&f, GROUP, "post")["responses"]["204"]["content"]["application/vnd.atlas.2023-01-01+json"],
        json!({ "x-xgen-version": "2023-01-01" })
    );
    // A property called `description` is a name, not prose.
    let fv = &f["components"]["schemas"]["FieldViolation"];
    assert_eq!(fv["properties"]["description"], json!({ "type": "string" }));
    assert_eq!(fv["required"], json!(["description", "field"]));
    // No prose, examples, code samples or annotations anywhere.
    let mut all = Vec::new();
    strings(&f, &mut all);
    for banned in [
        "prose",
        "example",
        "x-codeSamples",
        "externalDocs",
        "x-xgen-docs-url",
        "x-xgen-IPA",
        "summary",
        "title prose",
        "Fixture License",
    ] {
        assert!(
            !all.iter()
                .any(|s| s.to_lowercase().contains(&banned.to_lowercase())),
            "{banned} leaked into the fragment"
        );
    }
    assert_eq!(
        f["x-atlas-apikeys"],
        json!({ "system": "atlas", "version": "2024-05-30" })
    );
}

#[test]
fn import_is_deterministic_and_check_reports_a_diff() {
    let out = tempfile::tempdir().unwrap();
    let from = fixture("split-2024-05-30.yaml");
    let first = run(&from, None, out.path(), false).unwrap();
    assert!(first.changed);
    let bytes = std::fs::read(&first.path).unwrap();
    let again = run(&from, None, out.path(), false).unwrap();
    assert!(!again.changed, "a rerun must not rewrite the file");
    assert_eq!(std::fs::read(&again.path).unwrap(), bytes);
    // The fixture lists fewer roles than the catalogue: --check says so.
    match run(&from, None, out.path(), true) {
        Err(ImportError::RoleDrift { lines, .. }) => {
            assert!(
                lines.iter().any(|l| l.contains("upstream drops")),
                "{lines:?}"
            )
        }
        other => panic!("expected a role drift report, got {other:?}"),
    }

    let edited = String::from_utf8(bytes)
        .unwrap()
        .replace("\"pattern\"", "\"patern\"");
    std::fs::write(&first.path, edited).unwrap();
    let err = run(&from, None, out.path(), true).unwrap_err().to_string();
    assert!(err.contains("is stale"), "{err}");
    assert!(
        err.contains("-")
            && err.contains("\"patern\"")
            && err.contains("+")
            && err.contains("\"pattern\""),
        "{err}"
    );
    assert!(err.contains("cargo xtask import --from"), "{err}");

    std::fs::remove_file(&first.path).unwrap();
    let err = run(&from, None, out.path(), true).unwrap_err().to_string();
    assert!(err.contains("is missing"), "{err}");
    assert!(!first.path.exists(), "--check never writes");
}

#[test]
fn merged_file_resolves_the_newest_version_on_or_before_the_date() {
    let from = fixture("merged-multiversion.json");
    let out = tempfile::tempdir().unwrap();
    // The fragment imported as of `date`.
    let as_of = |date| read(&run(&from, Some(date), out.path(), false).unwrap().path);
    // The media types an operation's part offers.
    let media = |content: &serde_json::Value| -> Vec<String> {
        content.as_object().unwrap().keys().cloned().collect()
    };

    let early = as_of("2023-02-01");
    let body = &op(&early, ORG, "patch")["requestBody"]["content"];
    assert_eq!(media(body), ["application/vnd.atlas.2023-01-01+json"]);
    assert!(
        early["components"]["schemas"]
            .get("UpdateAtlasOrganizationApiKey20240805")
            .is_none()
    );

    let late = as_of("2025-01-01");
    let org = op(&late, ORG, "patch");
    assert_eq!(
        media(&org["requestBody"]["content"]),
        ["application/vnd.atlas.2024-08-05+json"]
    );
    let ok = &org["responses"]["200"]["content"]["application/vnd.atlas.2024-08-05+json"];
    assert_eq!(ok["x-sunset"], "2027-01-01");
    assert!(
        org["responses"]["200"]["content"]
            .get("application/vnd.atlas.2023-01-01+json")
            .is_none()
    );
    // Operations with only older content keep it.
    assert!(
        op(&late, GROUP, "post")["requestBody"]["content"]
            .get("application/vnd.atlas.2023-01-01+json")
            .is_some()
    );
    // Exactly on the date counts.
    let exact = as_of("2024-08-05");
    assert!(
        op(&exact, ORG, "patch")["requestBody"]["content"]
            .get("application/vnd.atlas.2024-08-05+json")
            .is_some()
    );

    let err = run(&from, Some("2022-12-31"), out.path(), false).unwrap_err();
    // A date the input does not declare is refused, listing those it does.
    assert!(
        matches!(err, ImportError::UndeclaredVersion { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("merged-multiversion.json") && text.contains("2023-01-01, 2023-02-01"),
        "{text}"
    );
    assert!(!out.path().join("atlas-2022-12-31.json").exists());
}

#[test]
fn evolved_upstream_renames_removed_enums_429_and_nullable_items_import() {
    let out = tempfile::tempdir().unwrap();
    let f = read(
        &run(&fixture("evolved-2025-11-01.yaml"), None, out.path(), false)
            .unwrap()
            .path,
    );
    assert_eq!(op(&f, ORG, "patch")["operationId"], "updateOrgApiKey");
    assert_eq!(
        op(&f, GROUP, "patch")["operationId"],
        "updateGroupApiKeyRoles"
    );
    assert_eq!(
        op(&f, GROUP, "post")["responses"]["429"]["$ref"],
        "#/components/responses/tooManyRequests"
    );
    let limited = &f["components"]["responses"]["tooManyRequests"];
    assert_eq!(limited["description"], "tooManyRequests");
    assert_eq!(
        limited["headers"]["RateLimit-Limit"]["$ref"],
        "#/components/headers/HeaderRateLimitLimit"
    );
    assert_eq!(
        f["components"]["headers"]["HeaderRateLimitRemaining"],
        json!({ "schema": { "type": "integer" } })
    );
    assert_eq!(
        f["components"]["schemas"]["UpdateAtlasProjectApiKey"]["properties"]["roles"]["items"],
        json!({ "type": "string" })
    );
    assert_eq!(
        f["components"]["schemas"]["ApiKeyUserDetails"]["properties"]["links"]["items"],
        json!({ "$ref": "#/components/schemas/Link" })
    );
}
