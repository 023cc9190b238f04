//! Bad input is refused with the file and place named, and nothing is written.

use super::*;

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
