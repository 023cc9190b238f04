//! What an Atlas CLI user expects: Atlas-shaped JSON, the Atlas CLI's
//! spellings, profiles, readable errors, meaningful verbosity, `roles`,
//! `--dry-run` and `apply`. One test per problem users reported.

use super::*;

fn atlas(e: &Env) -> Command {
    let mut c = cli();
    digest(&mut c, e);
    c.args(["--api-version", newest()]);
    c
}

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
    let out = run(
        atlas(&e),
        &[
            "-o", "json", "org-key", "update", ORG, KEY, "--desc", "shape",
        ],
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
    let pretty = run(
        atlas(&e),
        &[
            "-o", "json", "--pretty", "org-key", "update", ORG, KEY, "--desc", "shape",
        ],
    );
    assert!(
        pretty.stdout.trim().contains("\n  \"desc\""),
        "{}",
        pretty.stdout
    );
}

#[test]
fn atlas_cli_spellings_are_accepted() {
    let e = env(System::Atlas);
    let out = run(
        atlas(&e),
        &[
            "-o",
            "json",
            "org-key",
            "update",
            KEY,
            "--orgId",
            ORG,
            "--role",
            "ORG_MEMBER,ORG_READ_ONLY",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let roles: Vec<String> = json(&out)["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleName"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        roles.contains(&"ORG_MEMBER".into()) && roles.contains(&"ORG_READ_ONLY".into()),
        "{roles:?}"
    );
    // The organization from the environment, as the Atlas CLI reads it.
    let mut c = atlas(&e);
    c.env("MONGODB_ATLAS_ORG_ID", ORG);
    assert_eq!(
        run(c, &["org-key", "update", KEY, "--desc", "env org"]).code,
        0
    );
    let mut c = atlas(&e);
    c.env("MONGODB_ATLAS_PROJECT_ID", PROJECT);
    assert_eq!(
        run(
            c,
            &["project-key", "assign", KEY, "--role", "GROUP_READ_ONLY"]
        )
        .code,
        0
    );
    // Swapped ids: the 404 says what may have happened.
    let out = run(atlas(&e), &["org-key", "update", KEY, ORG, "--desc", "x"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("Were they swapped?"), "{}", out.stderr);
    // Both ways of naming the organization at once is refused before sending.
    let out = run(
        atlas(&e),
        &["org-key", "update", ORG, KEY, "--orgId", ORG, "--desc", "x"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[test]
fn network_errors_print_their_cause() {
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE);
    let out = update_x(c);
    assert_eq!(out.code, 4);
    assert!(
        out.stderr.contains("caused by") && out.stderr.to_lowercase().contains("refused"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "127.0.0.1:8080");
    let out = update_x(c);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no scheme") && !out.stderr.contains("relative URL"),
        "{}",
        out.stderr
    );
}

#[test]
fn verbosity_levels_mean_something() {
    let e = env(System::Atlas);
    let quiet = run(atlas(&e), &["org-key", "update", ORG, KEY, "--desc", "v0"]);
    assert!(!quiet.stderr.contains("PATCH"), "{}", quiet.stderr);
    let one = run(
        atlas(&e),
        &["-v", "org-key", "update", ORG, KEY, "--desc", "v1"],
    );
    let lines: Vec<&str> = one
        .stderr
        .lines()
        .filter(|l| l.contains("PATCH /api/atlas/v2/orgs/"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", one.stderr);
    assert!(
        lines[0].contains("401") && lines[0].contains("digest challenge"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("200") && lines[1].contains("ms"),
        "{}",
        lines[1]
    );
    assert!(
        !one.stderr.contains("attempt=1 attempt=2") && !one.stderr.contains("headers"),
        "{}",
        one.stderr
    );
    let two = run(
        atlas(&e),
        &["-vv", "org-key", "update", ORG, KEY, "--desc", "v2"],
    );
    assert!(
        two.stderr.contains("authorization: [redacted]"),
        "{}",
        two.stderr
    );
    let three = run(
        atlas(&e),
        &["-vvv", "org-key", "update", ORG, KEY, "--desc", "v3"],
    );
    assert!(three.stderr.lines().count() > two.stderr.lines().count());
    for out in [&one, &two, &three] {
        assert!(!out.stderr.contains(defaults::OWNER_PRIVATE));
    }
}

#[test]
fn cloud_and_ops_manager_report_truthfully_and_use_their_own_url() {
    let e = env(System::OpsManager);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9")
        .env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url())
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE);
    let out = run(
        c,
        &[
            "--system",
            "ops-manager",
            "-o",
            "json",
            "project-key",
            "assign",
            PROJECT,
            KEY,
            "--role",
            "GROUP_READ_ONLY",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["result"], "assigned");
    assert!(!out.stdout.contains("already"));
}

#[test]
fn api_version_takes_any_date_from_the_environment_or_profile_too() {
    let e = env(System::Atlas);
    let first = atlas_apikeys::first_atlas_release();
    for date in [first, "2024-06-01"] {
        let mut c = cli();
        digest(&mut c, &e);
        let out = run(
            c,
            &[
                "--api-version",
                date,
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "dated",
            ],
        );
        assert_eq!(out.code, 0, "{date}: {}", out.stderr);
        let chosen = atlas_apikeys::atlas_version_for(date)
            .unwrap()
            .version
            .version;
        assert!(
            out.stderr.contains(&format!("resolves to {chosen}")) || chosen == date,
            "{}",
            out.stderr
        );
    }
    let mut c = cli();
    digest(&mut c, &e);
    c.env("MONGODB_ATLAS_API_VERSION", newest());
    let out = run(c, &["org-key", "update", ORG, KEY, "--desc", "env version"]);
    assert_eq!(out.code, 0);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let mut c = cli();
    digest(&mut c, &e);
    let out = run(
        c,
        &[
            "--api-version",
            "2001-01-01",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("first release"), "{}", out.stderr);
}

fn profile_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("atlascli")).unwrap();
    std::fs::write(dir.path().join("atlascli/config.toml"), text).unwrap();
    dir
}

#[test]
fn atlas_cli_profiles_are_read_with_flags_and_environment_first() {
    let e = env(System::Atlas);
    let dir = profile_dir(&format!(
        "[default]\n  org_id = \"{ORG}\"\n  public_api_key = \"{}\"\n  private_api_key = \"{}\"\n  service = \"cloud\"\n  api_version = \"{}\"\n[keychain]\n  public_api_key = \"{}\"\n  service = \"cloud\"\n",
        defaults::OWNER_PUBLIC,
        defaults::OWNER_PRIVATE,
        newest(),
        defaults::OWNER_PUBLIC
    ));
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = run(c, &["org-key", "update", KEY, "--desc", "from profile"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    // The environment wins over the profile.
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
        .env("MONGODB_ATLAS_ORG_ID", defaults::FOREIGN_ORG);
    assert_eq!(run(c, &["org-key", "update", KEY, "--desc", "x"]).code, 3);
    // A profile whose secret is in the keychain says so.
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path())
        .env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = run(
        c,
        &[
            "-P",
            "keychain",
            "--api-version",
            newest(),
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "x",
        ],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains("keychain") && out.stderr.contains("MONGODB_ATLAS_PRIVATE_API_KEY"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    c.env("XDG_CONFIG_HOME", dir.path());
    let out = run(
        c,
        &["-P", "nope", "org-key", "update", ORG, KEY, "--desc", "x"],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("default, keychain"), "{}", out.stderr);
}

#[test]
fn roles_lists_the_catalogue() {
    let out = run(cli(), &["roles", "-o", "json"]);
    assert_eq!(out.code, 0);
    let listed = json(&out);
    for entry in atlas_apikeys::client::catalogue::CATALOGUE {
        let found = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["system"] == entry.system)
            .expect("every system");
        let org: Vec<&str> = entry.org.iter().map(|r| r.as_str()).collect();
        assert_eq!(found["organization"], serde_json::json!(org));
        let project: Vec<&str> = entry.project.iter().map(|r| r.as_str()).collect();
        assert_eq!(found["project"], serde_json::json!(project));
    }
    let om = json(&run(
        cli(),
        &["roles", "--system", "ops-manager", "-o", "json"],
    ));
    assert_eq!(om.as_array().unwrap().len(), 1);
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let e = env(System::Atlas);
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url());
    let out = run(
        c,
        &[
            "--dry-run",
            "--api-version",
            newest(),
            "-o",
            "json",
            "org-key",
            "update",
            ORG,
            KEY,
            "--desc",
            "planned",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plan = json(&out);
    let request = &plan["requests"][0];
    assert_eq!(request["method"], "PATCH");
    assert!(
        request["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"))
    );
    assert_eq!(request["body"]["desc"], "planned");
    assert!(!out.stdout.to_lowercase().contains("authorization"));
    let out = run(
        atlas(&e),
        &[
            "--dry-run",
            "project-key",
            "assign",
            PROJECT,
            KEY,
            "--role",
            "GROUP_READ_ONLY",
        ],
    );
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("POST") && !out.stdout.contains(defaults::OWNER_PRIVATE));
    // Invalid input still fails, before anything.
    let out = run(atlas(&e), &["--dry-run", "org-key", "update", ORG, KEY]);
    assert_eq!(out.code, 2);
    assert_eq!(e.emulator.counters().exchanges, 0);
}

#[test]
fn messages_use_the_command_lines_words() {
    let e = env(System::Atlas);
    let out = run(
        atlas(&e),
        &[
            "org-key",
            "update",
            "32b6e34b3d91647abb20e7b",
            KEY,
            "--desc",
            "x",
        ],
    );
    assert!(
        out.stderr.contains("ORG_ID")
            && !out.stderr.contains("orgId")
            && !out.stderr.contains("a-f0-9]{24}"),
        "{}",
        out.stderr
    );
    let out = run(atlas(&e), &["org-key", "update", ORG, KEY]);
    assert!(
        out.stderr.contains("give --desc, --role, or both") && !out.stderr.contains("(got {})"),
        "{}",
        out.stderr
    );
    let out = run(
        atlas(&e),
        &["org-key", "update", ORG, KEY, "--role", "ORG_NOPE"],
    );
    assert!(
        out.stderr.contains("is not an organization role")
            && out.stderr.contains("--allow-unlisted-roles"),
        "{}",
        out.stderr
    );
    let cm = env(System::CloudManager);
    let mut c = cli();
    digest(&mut c, &cm);
    let out = run(
        c,
        &[
            "--system",
            "cloud-manager",
            "project-key",
            "update-roles",
            PROJECT,
            KEY,
            "--desc",
            "x",
            "--role",
            "GROUP_READ_ONLY",
        ],
    );
    assert!(
        out.stderr.contains("org-key update") && !out.stderr.contains("update_org_key"),
        "{}",
        out.stderr
    );
    let mut c = cli();
    c.env("MONGODB_ATLAS_BASE_URL", "http://cloud.example.com")
        .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER_PUBLIC)
        .env("MONGODB_ATLAS_PRIVATE_API_KEY", defaults::OWNER_PRIVATE);
    let out = update_x(c);
    assert!(
        out.stderr.contains("--allow-insecure-http"),
        "{}",
        out.stderr
    );
}

#[test]
fn hygiene_secrets_withheld_control_characters_escaped_env_trimmed() {
    let e = env(System::Atlas);
    let out = run(
        atlas(&e),
        &[
            "org-key",
            "update",
            ORG,
            KEY,
            "--role",
            defaults::OWNER_PRIVATE,
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        !out.stderr.contains(defaults::OWNER_PRIVATE),
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
            format!(" {} ", defaults::OWNER_PUBLIC),
        )
        .env(
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            format!("  {}\n", defaults::OWNER_PRIVATE),
        );
    assert_eq!(
        run(
            c,
            &[
                "--api-version",
                newest(),
                "org-key",
                "update",
                ORG,
                KEY,
                "--desc",
                "trimmed"
            ]
        )
        .code,
        0
    );
}

/// A plan over `n` projects of the example organization, seeded into the
/// emulator.
fn many_projects(n: usize) -> (Config, String) {
    let mut config = Config::default();
    let mut projects = String::new();
    for i in 0..n {
        let id = format!("7{i:023x}");
        config.seed.projects.push(atlas_apikeys_emulator::Project {
            id: id.clone(),
            org_id: ORG.into(),
            name: format!("p{i}"),
        });
        projects.push_str(&format!(
            "[[keys.projects]]\nid = \"{id}\"\nroles = [\"GROUP_READ_ONLY\"]\n"
        ));
    }
    let plan = format!(
        "[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"applied\"\norg_roles = [\"ORG_MEMBER\"]\n{projects}"
    );
    (config, plan)
}

#[test]
fn apply_brings_300_projects_about_through_429s_and_faults_and_a_rerun_completes() {
    let (mut config, plan) = many_projects(300);
    config.rate_limit = Some(atlas_apikeys_emulator::RateLimitConfig {
        requests: 200,
        window_ms: 1000,
    });
    let e = env_with(config);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.toml");
    std::fs::write(&file, &plan).unwrap();
    for _ in 0..5 {
        e.emulator
            .inject(None, atlas_apikeys_emulator::Fault::Status(500));
    }
    e.emulator.inject(
        None,
        atlas_apikeys_emulator::Fault::Refuse {
            status: 429,
            retry_after: 1,
        },
    );
    let out = run(
        atlas(&e),
        &[
            "-o",
            "json",
            "apply",
            file.to_str().unwrap(),
            "--concurrency",
            "16",
        ],
    );
    let report = json(&out);
    let summary = &report["summary"];
    assert_eq!(summary["items"], 301, "{summary}");
    // Every item is idempotent, so server errors are retried and pass.
    assert_eq!(summary["failed"], 0, "{report}");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        e.emulator.counters().rate_limited > 0,
        "the limit was reached"
    );
    // An outage longer than the retries: some items fail, the rest are
    // done, the exit code says so.
    for _ in 0..150 {
        e.emulator
            .inject(None, atlas_apikeys_emulator::Fault::Status(503));
    }
    let out = run(
        atlas(&e),
        &[
            "-o",
            "json",
            "apply",
            file.to_str().unwrap(),
            "--concurrency",
            "16",
        ],
    );
    let partial = json(&out);
    assert!(
        partial["summary"]["failed"].as_u64().unwrap() > 0,
        "{}",
        partial["summary"]
    );
    assert_eq!(out.code, 3);
    assert!(
        partial["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["result"] == "failed" && i["error"].as_str().unwrap().contains("503"))
    );
    e.emulator.clear_injected();
    // Re-running completes whatever failed, and changes nothing else.
    let again = run(atlas(&e), &["-o", "json", "apply", file.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    let again = json(&again);
    assert_eq!(again["summary"]["failed"], 0);
    assert_eq!(
        again["summary"]["updated"], 301,
        "every item was already so"
    );
    // A bad item fails alone; the dry run shows the plan.
    let bad = file.with_file_name("bad.json");
    std::fs::write(&bad, format!(r#"{{"keys":[{{"id":"{KEY}","projects":[{{"id":"{PROJECT}","roles":["GROUP_NOPE"]}},{{"id":"{PROJECT}","roles":["GROUP_READ_ONLY"]}}]}}]}}"#)).unwrap();
    let out = run(atlas(&e), &["-o", "json", "apply", bad.to_str().unwrap()]);
    assert_eq!(out.code, 3);
    let r = json(&out);
    assert_eq!(r["summary"]["failed"], 1);
    assert_eq!(
        r["summary"]["assigned"].as_u64().unwrap() + r["summary"]["updated"].as_u64().unwrap(),
        1
    );
    let before = e.emulator.counters().exchanges;
    let out = run(
        atlas(&e),
        &["--dry-run", "-o", "json", "apply", bad.to_str().unwrap()],
    );
    assert_eq!(out.code, 2);
    assert_eq!(json(&out)["items"].as_array().unwrap().len(), 2);
    assert_eq!(e.emulator.counters().exchanges, before);
}

/// Shell words of one README line: quotes grouped, a `#` comment dropped.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                any = true;
            }
            (None, '#') if word.is_empty() => break,
            (None, c) if c.is_whitespace() => {
                if any || !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            (None, c) => word.push(c),
        }
    }
    if any || !word.is_empty() {
        out.push(word);
    }
    out
}

#[test]
fn every_readme_command_block_runs_against_the_emulator() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it when running tests");
    let readme = std::path::Path::new(&manifest)
        .ancestors()
        .map(|d| d.join("README.md"))
        .find(|p| p.is_file() && p.parent().is_some_and(|d| d.join("openapi").is_dir()))
        .expect("the workspace README");
    let text = std::fs::read_to_string(readme).unwrap();
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let mut vars: Vec<(String, String)> = Vec::new();
    let (mut ran, mut lines) = (0, text.lines());
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if lang == "toml"
            && let Some(name) = block.first().and_then(|l| l.strip_prefix("# "))
        {
            std::fs::write(dir.path().join(name.trim()), block.join("\n")).unwrap();
            continue;
        }
        if lang != "sh" || !block.iter().any(|l| l.starts_with("atlas-apikeys ")) {
            continue;
        }
        for line in block {
            let w = words(line);
            match w.first().map(String::as_str) {
                Some("export") => {
                    for assignment in &w[1..] {
                        let (k, v) = assignment.split_once('=').expect("NAME=value");
                        let v = if k.ends_with("_URL") {
                            e.emulator.url()
                        } else {
                            v.to_owned()
                        };
                        vars.push((k.to_owned(), v));
                    }
                }
                Some("atlas-apikeys") => {
                    let mut c = cli();
                    c.current_dir(dir.path())
                        .envs(vars.iter().map(|(k, v)| (k, v)));
                    let args: Vec<&str> = w[1..].iter().map(String::as_str).collect();
                    let out = run(c, &args);
                    assert_eq!(out.code, 0, "README: {line}\n{}{}", out.stdout, out.stderr);
                    ran += 1;
                }
                _ => {}
            }
        }
    }
    assert!(
        ran >= 5,
        "the README's command blocks were found ({ran} commands)"
    );
}
