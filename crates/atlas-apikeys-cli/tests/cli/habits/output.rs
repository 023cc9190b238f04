//! Atlas-shaped JSON with one top-level shape per command; secrets withheld, control characters escaped, environment values trimmed.

use super::*;

#[test]
fn json_has_atlas_shape_and_one_top_level_shape_per_command() {
    let e = env(System::Atlas);
    let args = [
        "-o",
        "json",
        "project-key",
        "assign",
        KEY,
        "--projectId",
        PROJECT,
        "--role",
        "GROUP_READ_ONLY",
    ];
    let first = json(&run(atlas(&e), &args));
    let second = json(&run(atlas(&e), &args));
    assert_eq!(first["result"], "assigned");
    assert_eq!(second["result"], "updated");
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&first), keys(&second));
    for v in [&first, &second] {
        let roles = v["roles"].as_array().expect("roles every time");
        assert!(
            roles
                .iter()
                .any(|r| r["roleName"] == "GROUP_READ_ONLY" && r["groupId"] == PROJECT),
            "{v}"
        );
        assert_eq!(v["id"], KEY);
    }
    assert!(second["desc"].is_string(), "{second}");
    let out = sh(
        atlas(&e),
        &format!("-o json org-key update {ORG} {KEY} --desc shape"),
    );
    let key = json(&out);
    assert_eq!(key["desc"], "shape");
    assert!(
        key["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["orgId"] == ORG && r["roleName"].is_string())
    );
    assert!(key.get("privateKey").is_none() && !out.stdout.contains("****"));
    // --pretty indents; piped output is compact otherwise.
    assert!(!out.stdout.trim().contains('\n'));
    let pretty = sh(
        atlas(&e),
        &format!("-o json --pretty org-key update {ORG} {KEY} --desc shape"),
    );
    assert!(
        pretty.stdout.trim().contains("\n  \"desc\""),
        "{}",
        pretty.stdout
    );
}

#[test]
fn hygiene_secrets_withheld_control_characters_escaped_env_trimmed() {
    let e = env(System::Atlas);
    let out = sh(
        atlas(&e),
        &format!(
            "org-key update {ORG} {KEY} --role {}",
            defaults::OWNER.private_key
        ),
    );
    assert_eq!(out.code, 2);
    assert!(
        !out.stderr.contains(defaults::OWNER.private_key),
        "{}",
        out.stderr
    );
    let out = run(
        atlas(&e),
        &[
            "-o",
            "table",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "a\nb\u{1b}[31m",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("a\\nb\\u{1b}[31m") && !out.stdout.contains('\u{1b}'),
        "{}",
        out.stdout
    );
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env(
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            format!(" {} ", defaults::OWNER.public_key),
        )
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            format!("  {}\n", defaults::OWNER.private_key),
        );
    assert_eq!(
        sh(
            c,
            &format!(
                "--api-version {} org-key update {ORG} {KEY} --desc trimmed",
                newest()
            )
        )
        .code,
        0
    );
}

/// A key in several projects: the table has one row per project, in the
/// order the server lists them, each with that project's roles in order.
#[test]
fn the_table_groups_a_keys_roles_by_project() {
    let e = env(System::Atlas);
    let other = defaults::OTHER_PROJECT;
    for (project, roles) in [
        (PROJECT, "GROUP_READ_ONLY,GROUP_CLUSTER_MANAGER"),
        (other, "GROUP_OWNER"),
    ] {
        let out = run(
            atlas(&e),
            &["project-key", "assign", project, KEY, "--role", roles],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let out = run(atlas(&e), &["-o", "table", "org-key", "describe", ORG, KEY]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("project roles"))
        .collect();
    assert_eq!(rows.len(), 2, "{}", out.stdout);
    assert!(
        rows[0].ends_with(&format!(
            "{PROJECT}: GROUP_READ_ONLY, GROUP_CLUSTER_MANAGER"
        )),
        "{rows:?}"
    );
    assert!(
        rows[1].ends_with(&format!("{other}: GROUP_OWNER")),
        "{rows:?}"
    );
}
