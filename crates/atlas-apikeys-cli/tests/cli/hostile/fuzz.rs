//! Generated hostile input: command lines and plan files built from the
//! command line's own words, secret shapes, control characters and noise.
//! Whatever comes in, the process never panics (exit 101) and never prints
//! a secret.

use proptest::prelude::*;

use super::*;

/// A JSON Web Token's shape.
const TOKEN: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
/// A URL with a password in it.
const USERINFO_URL: &str = "http://alice:s3cretpass@127.0.0.1:9";

/// Every secret a case may carry (the password inside a URL), and the one
/// the environment holds.
fn carried() -> Vec<&'static str> {
    vec![
        PRIVATE,
        CLIENT_SECRET,
        TOKEN,
        USERINFO_URL,
        defaults::OWNER.private_key,
    ]
}

/// What must never be shown of them.
fn never_shown() -> [&'static str; 5] {
    [
        PRIVATE,
        CLIENT_SECRET,
        TOKEN,
        "s3cretpass",
        defaults::OWNER.private_key,
    ]
}

/// One word of a command line.
fn word() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "org-key",
        "project-key",
        "update",
        "assign",
        "update-roles",
        "apply",
        "roles",
        "completions",
        "bash",
        "--desc",
        "--role",
        "--orgId",
        "--projectId",
        "--strict",
        "--system",
        "atlas",
        "ops-manager",
        "-o",
        "json",
        "table",
        "--pretty",
        "--dry-run",
        "-v",
        "-vvv",
        "--api-version",
        "--base-url",
        "-P",
        "--private-key-file",
        "--client-secret-file",
        "-",
        "--concurrency",
        "--allow-unlisted-roles",
        ORG,
        PROJECT,
        KEY,
        PRIVATE,
        CLIENT_SECRET,
        TOKEN,
        USERINFO_URL,
        "GROUP_OWNER",
        "ORG_MEMBER",
        "\u{1b}[2J",
        "a\nb",
        "",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        4 => fixed,
        1 => "[ -~\u{1b}\u{7}\n]{0,12}",
        1 => prop::sample::select(carried()).prop_map(|s| format!("x{s}\u{1b}y")),
    ]
}

/// A plan file's text: a plan with secrets and noise in its values and
/// keys, in one of the three formats, sometimes cut short.
fn plan() -> impl Strategy<Value = (String, &'static str)> {
    let value = prop_oneof![
        Just(serde_json::json!(KEY)),
        Just(serde_json::json!(PROJECT)),
        Just(serde_json::json!("GROUP_READ_ONLY")),
        prop::sample::select(carried()).prop_map(|s| serde_json::json!(s)),
        "[ -~\u{1b}]{0,8}".prop_map(|s| serde_json::json!(s)),
        Just(serde_json::json!(7)),
    ];
    let project = (value.clone(), prop::collection::vec(value.clone(), 0..3))
        .prop_map(|(id, roles)| serde_json::json!({ "id": id, "roles": roles }));
    let key = (
        value.clone(),
        value.clone(),
        prop::option::of(value.clone()),
        prop::collection::vec(project, 0..3),
        prop::option::of(prop::sample::select(carried())),
    )
        .prop_map(|(id, org, desc, projects, odd_key)| {
            let mut k = serde_json::json!({ "id": id, "org": org, "projects": projects });
            if let Some(d) = desc {
                k["desc"] = d;
            }
            if let Some(name) = odd_key {
                k[name] = serde_json::json!(1);
            }
            k
        });
    (
        prop::collection::vec(key, 0..3),
        prop::sample::select(vec!["json", "yaml", "toml"]),
        any::<bool>(),
    )
        .prop_map(|(keys, format, cut)| {
            let plan = serde_json::json!({ "keys": keys });
            let mut text = match format {
                "json" => plan.to_string(),
                "yaml" => yaml(&plan, 0),
                _ => toml_text(&plan),
            };
            if cut {
                text.truncate(text.len() / 2);
            }
            (text, format)
        })
}

/// YAML for a JSON value, in flow style (strings quoted as JSON, which
/// YAML reads).
fn yaml(v: &serde_json::Value, _depth: usize) -> String {
    v.to_string()
}

/// TOML for a plan's JSON: keys as `[[keys]]` tables.
fn toml_text(plan: &serde_json::Value) -> String {
    let mut out = String::new();
    for k in plan["keys"].as_array().into_iter().flatten() {
        out.push_str("[[keys]]\n");
        for (name, value) in k.as_object().into_iter().flatten() {
            if name != "projects" {
                out.push_str(&format!(
                    "{} = {value}\n",
                    serde_json::Value::from(name.as_str())
                ));
            }
        }
        for p in k["projects"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "[[keys.projects]]\nid = {}\nroles = {}\n",
                p["id"], p["roles"]
            ));
        }
    }
    out
}

/// No panic, no secret, in what `out` shows.
fn clean(out: &Out, what: &str) -> Result<(), TestCaseError> {
    prop_assert_ne!(out.code, 101, "{}: {}", what, out.stderr);
    let shown = format!("{}{}", out.stdout, out.stderr);
    prop_assert!(!shown.contains("panicked"), "{}: {}", what, shown);
    for secret in never_shown() {
        prop_assert!(!shown.contains(secret), "{} shows {:?}", what, secret);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_command_line_neither_panics_nor_shows_a_secret(words in prop::collection::vec(word(), 0..8)) {
        let e = env(System::Atlas);
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let mut c = atlas(&e);
        c.write_stdin(PRIVATE);
        clean(&run(c, &args), &format!("{args:?}"))?;
    }

    #[test]
    fn any_plan_file_neither_panics_nor_shows_a_secret((text, format) in plan(), dry in any::<bool>(), json in any::<bool>()) {
        let e = env(System::Atlas);
        let (_dir, file) = plan_file(&format!("plan.{format}"), &text);
        let mut args = vec!["-o", if json { "json" } else { "table" }, "apply", &file];
        if dry {
            args.insert(0, "--dry-run");
        }
        clean(&run(atlas(&e), &args), &text)?;
    }
}
