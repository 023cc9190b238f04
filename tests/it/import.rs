//! `cargo xtask import` on small upstream-like fixtures: split and merged
//! forms, upstream evolution, determinism, `--check`, and bad input.

use std::path::{Path, PathBuf};

use atlas_apikeys_tests::{fixture, workspace_root};
use serde_json::{Value, json};
use xtask::import::{self, ApiDate, ImportError, ImportOptions};

fn run(
    from: &Path,
    version: Option<&str>,
    out: &Path,
    check: bool,
) -> Result<import::Imported, ImportError> {
    import::run(&ImportOptions {
        from: from.to_owned(),
        version: version.map(str::to_owned),
        out_dir: out.to_owned(),
        check,
        catalogue_dir: atlas_apikeys_tests::workspace_root().join(xtask::catalogue::CATALOGUE_DIR),
    })
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn op<'a>(fragment: &'a Value, path: &str, method: &str) -> &'a Value {
    &fragment["paths"][path][method]
}

const ORG: &str = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";
const GROUP: &str = "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}";

/// Every string in the fragment, keys included.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

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

    let early = read(
        &run(&from, Some("2023-02-01"), out.path(), false)
            .unwrap()
            .path,
    );
    let body = &op(&early, ORG, "patch")["requestBody"]["content"];
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["application/vnd.atlas.2023-01-01+json"]
    );
    assert!(
        early["components"]["schemas"]
            .get("UpdateAtlasOrganizationApiKey20240805")
            .is_none()
    );

    let late = read(
        &run(&from, Some("2025-01-01"), out.path(), false)
            .unwrap()
            .path,
    );
    let org = op(&late, ORG, "patch");
    assert_eq!(
        org["requestBody"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
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
    let exact = read(
        &run(&from, Some("2024-08-05"), out.path(), false)
            .unwrap()
            .path,
    );
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

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
    path
}

fn split_as_json() -> Value {
    serde_norway::from_slice(&std::fs::read(fixture("split-2024-05-30.yaml")).unwrap()).unwrap()
}

#[test]
fn bad_input_names_the_file_and_place_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");

    let cases: Vec<(PathBuf, Option<&str>, &[&str])> = vec![
        (
            work.path().join("absent.yaml"),
            Some("2024-05-30"),
            &["absent.yaml", "cannot read"],
        ),
        (
            fixture("bad-syntax.yaml"),
            Some("2024-05-30"),
            &["bad-syntax.yaml", "not valid YAML", "line"],
        ),
        (
            fixture("bad-swagger2.yaml"),
            Some("2024-05-30"),
            &["bad-swagger2.yaml", "not an OpenAPI 3.0.x", "swagger"],
        ),
        (
            fixture("bad-openapi31.json"),
            Some("2024-05-30"),
            &["bad-openapi31.json", "openapi: 3.1.0"],
        ),
        (
            fixture("split-2024-05-30.yaml"),
            Some("2024-13-01"),
            &["2024-13-01", "YYYY-MM-DD"],
        ),
        (
            fixture("merged-multiversion.json"),
            None,
            &["merged-multiversion.json", "--version"],
        ),
    ];
    for (from, version, needles) in cases {
        let err = run(&from, version, &out, false).unwrap_err().to_string();
        for n in needles {
            assert!(err.contains(n), "{from:?}: {err:?} lacks {n:?}");
        }
    }

    let mut missing = split_as_json();
    missing["paths"][GROUP]
        .as_object_mut()
        .unwrap()
        .remove("post");
    let from = write_json(work.path(), "missing-2024-05-30.json", &missing);
    let err = run(&from, None, &out, false).unwrap_err().to_string();
    assert!(
        err.contains("missing-2024-05-30.json")
            && err.contains("POST /api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}"),
        "{err}"
    );

    let mut dangling = split_as_json();
    dangling["components"]["schemas"]["ApiKeyUserDetails"]["properties"]["roles"]["items"]["$ref"] =
        json!("#/components/schemas/Nowhere");
    let from = write_json(work.path(), "dangling-2024-05-30.json", &dangling);
    let err = run(&from, None, &out, false).unwrap_err().to_string();
    assert!(
        err.contains("dangling-2024-05-30.json")
            && err.contains("#/components/schemas/Nowhere")
            && err.contains("ApiKeyUserDetails"),
        "{err}"
    );

    let mut inconsistent = split_as_json();
    inconsistent["paths"][ORG]["patch"]["requestBody"]["content"] =
        json!({ "application/vnd.atlas.2024-01-01+json": { "schema": { "type": "object" } } });
    let from = write_json(work.path(), "inconsistent-2024-05-30.json", &inconsistent);
    let err = run(&from, None, &out, false).unwrap_err().to_string();
    assert!(
        err.contains("has no media type for version 2024-01-01"),
        "{err}"
    );
    assert!(err.contains("/responses/200/content"), "{err}");

    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "nothing written on error"
    );
}

#[test]
fn dates_parse_strictly() {
    assert_eq!(
        ApiDate::parse("2025-02-19").unwrap().to_string(),
        "2025-02-19"
    );
    for bad in [
        "2025-2-19",
        "2025-02-32",
        "2025-00-01",
        "20250219",
        "2025-02-19x",
        "",
        "２０２５-02-19",
        "20€5-02-1",
        "2025-+2-19",
    ] {
        assert!(ApiDate::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        ApiDate::from_file_name(Path::new("/x/atlas-api-2025-02-19.yaml")).map(|d| d.to_string()),
        Some("2025-02-19".into())
    );
    assert_eq!(ApiDate::from_file_name(Path::new("atlas-api.yaml")), None);
    assert_eq!(
        ApiDate::from_media_type("application/vnd.atlas.2023-01-01+json").map(|d| d.to_string()),
        Some("2023-01-01".into())
    );
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

/// `--version` must be a real calendar date that the input declares; the
/// error lists the declared dates, and nothing is written.
#[test]
fn a_version_the_input_does_not_declare_is_refused_with_the_declared_list() {
    let out = tempfile::tempdir().unwrap();
    for from in [
        fixture("merged-multiversion.json"),
        fixture("split-2024-05-30.yaml"),
    ] {
        let doc: Value = match from.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_slice(&std::fs::read(&from).unwrap()).unwrap(),
            _ => serde_norway::from_slice(&std::fs::read(&from).unwrap()).unwrap(),
        };
        let declared: Vec<String> = xtask::import::declared_dates(&doc)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(!declared.is_empty());
        for version in ["2099-01-01", "2025-02-30", "2023-02-29"] {
            let err = run(&from, Some(version), out.path(), false)
                .unwrap_err()
                .to_string();
            assert!(err.contains(version), "{err}");
            assert!(err.contains(&declared.join(", ")), "{version}: {err}");
            assert!(
                files_in(out.path()).is_empty(),
                "{version}: nothing written"
            );
        }
        // A leap day is a date; it is refused only for not being declared.
        let err = run(&from, Some("2024-02-29"), out.path(), false).unwrap_err();
        assert!(
            matches!(err, ImportError::UndeclaredVersion { .. }),
            "{err}"
        );
    }
}

/// A file without its servers, its security requirement or the scheme that
/// requirement names (a file cut off, or not a full spec) is refused, naming
/// what is missing, and nothing is written.
#[test]
fn a_spec_missing_servers_or_security_is_refused() {
    let out = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    type Cut = fn(&mut Value);
    let cases: [(&str, Cut); 3] = [
        ("#/servers", |d| {
            d.as_object_mut().unwrap().remove("servers");
        }),
        ("#/security", |d| {
            d.as_object_mut().unwrap().remove("security");
        }),
        ("#/components/securitySchemes/", |d| {
            d["components"]
                .as_object_mut()
                .unwrap()
                .remove("securitySchemes");
        }),
    ];
    for (what, cut) in cases {
        let mut doc = split_as_json();
        cut(&mut doc);
        let from = write_json(work.path(), "cut-2024-05-30.json", &doc);
        let err = run(&from, None, out.path(), false).unwrap_err();
        assert!(
            matches!(err, ImportError::MissingPart { .. }),
            "{what}: {err}"
        );
        let text = err.to_string();
        assert!(
            text.contains(what) && text.contains("cut-2024-05-30.json"),
            "{text}"
        );
        assert!(files_in(out.path()).is_empty(), "{what}: nothing written");
    }
}

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

fn listed_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}
