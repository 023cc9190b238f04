//! `plan` and `apply` against live state: drift made behind the tool's
//! back shows as exactly that drift, `apply` then `plan` shows nothing,
//! `--prune` removes only what the file leaves out, a re-run sends reads
//! only, and a plan of 100 keys across 10,000 assignments costs at most two
//! reads a key.

use super::*;

/// The project role this test uses on `system`, and a second one.
fn roles(system: System) -> (&'static str, &'static str) {
    (project_role(system), "GROUP_OWNER")
}

/// The authenticated requests to key endpoints the emulator saw since the
/// last call, by method (a run also reads the rate limits once).
fn sent(e: &Env) -> Vec<String> {
    e.emulator
        .take_seen()
        .into_iter()
        .filter(|s| s.authenticated && s.path.contains("/apiKeys"))
        .map(|s| s.method)
        .collect()
}

#[test]
fn drift_shows_as_itself_apply_settles_it_and_prune_removes_only_what_is_left_out() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let what = system.as_str();
        let (role, other_role) = roles(system);
        let base = |format: &str| {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", format]);
            c
        };
        let (_dir, file) = hostile::plan_file(
            "keys.toml",
            &format!(
                "[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\ndesc = \"bot\"\norg_roles = [\"ORG_MEMBER\"]\naccess_list = [\"192.0.2.7\", \"10.0.0.0/8\"]\n[[keys.projects]]\nid = \"{PROJECT}\"\nroles = [\"{role}\"]\n"
            ),
        );
        let out = sh(base("json"), &format!("apply {file}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stdout);
        let out = sh(base("json"), &format!("plan {file}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stdout);
        let plan = json(&out);
        assert_eq!(
            plan["changes"].as_array().unwrap().len(),
            0,
            "{what}: {plan}"
        );

        // A re-run sends reads only.
        sent(&e);
        let out = sh(base("json"), &format!("apply {file}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stdout);
        let methods = sent(&e);
        assert!(methods.iter().all(|m| m == "GET"), "{what}: {methods:?}");

        // Drift, behind the file's back: roles changed, an assignment
        // added, an entry removed.
        for line in [
            format!("project-key update-roles {PROJECT} {KEY} --role {other_role}"),
            format!(
                "project-key assign {} {KEY} --role {role}",
                defaults::OTHER_PROJECT
            ),
            format!("org-key access-list delete {ORG} {KEY} --entry 192.0.2.7 --force"),
        ] {
            let out = sh(base("json"), &line);
            assert_eq!(out.code, 0, "{what} {line}: {}", out.stderr);
        }
        let out = sh(base("json"), &format!("plan {file}"));
        assert_eq!(out.code, 6, "{what}: {}", out.stdout);
        let plan = json(&out);
        let changes = plan["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2, "{what}: {plan}");
        let roles_back = changes
            .iter()
            .find(|c| c["scope"] == "project")
            .expect("the roles changed");
        assert_eq!(roles_back["target"], PROJECT);
        assert_eq!(roles_back["action"], "change");
        assert_eq!(roles_back["was"], other_role);
        let entry = changes
            .iter()
            .find(|c| c["scope"] == "access list")
            .expect("the entry removed");
        assert_eq!(entry["action"], "add");
        says(
            entry["change"].as_str().unwrap(),
            &["192.0.2.7"],
            &["10.0.0.0/8"],
        );
        let kept = plan["kept"].as_array().unwrap();
        assert_eq!(kept.len(), 1, "{what}: {plan}");
        assert_eq!(kept[0]["target"], defaults::OTHER_PROJECT);
        let table = sh(base("table"), &format!("plan {file}"));
        says(
            &table.stdout,
            &[
                "~ ",
                "+ ",
                "! ",
                "--prune removes it",
                "1 to add, 1 to change",
            ],
            &[],
        );

        // --prune removes what the file leaves out, and only that.
        let out = sh(base("json"), &format!("plan {file} --prune"));
        assert_eq!(out.code, 6);
        let plan = json(&out);
        assert_eq!(plan["summary"]["remove"], 1, "{what}: {plan}");
        assert_eq!(plan["kept"].as_array().unwrap().len(), 0);
        let out = sh(base("json"), &format!("apply {file} --prune"));
        assert_eq!(out.code, 0, "{what}: {}", out.stdout);
        let report = json(&out);
        assert_eq!(report["summary"]["unassigned"], 1, "{what}: {report}");
        assert_eq!(report["summary"]["added"], 1, "{what}: {report}");
        let out = sh(base("json"), &format!("plan {file} --prune"));
        assert_eq!(out.code, 0, "{what}: {}", out.stdout);
        let key = e.emulator.api_key(KEY).unwrap();
        let projects: Vec<&String> = key.grants.project_roles.keys().collect();
        assert_eq!(projects, [PROJECT], "{what}");
        assert_eq!(key.grants.project_roles[PROJECT], [role], "{what}");
        let mut list = e.emulator.access_list(KEY);
        list.sort();
        assert_eq!(list.len(), 2, "{what}: {list:?}");
    }
}

#[test]
fn a_key_is_deleted_only_when_the_file_says_absent() {
    let e = env(System::Atlas);
    let (_dir, file) = hostile::plan_file(
        "gone.yaml",
        &format!("keys:\n- id: {KEY}\n  org: {ORG}\n  state: absent\n"),
    );
    let out = sh(atlas(&e), &format!("-o json plan {file}"));
    assert_eq!(out.code, 6, "{}", out.stdout);
    assert_eq!(json(&out)["summary"]["remove"], 1);
    let out = sh(atlas(&e), &format!("-o json apply {file}"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json(&out)["summary"]["deleted"], 1);
    assert!(e.emulator.api_key(KEY).is_none());
    // Absent already: nothing to do.
    let out = sh(atlas(&e), &format!("-o json plan {file}"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    // An absent key with settings is a contradiction, refused unsent.
    let (_dir, bad) = hostile::plan_file(
        "bad.yaml",
        &format!("keys:\n- id: {KEY}\n  org: {ORG}\n  state: absent\n  desc: x\n"),
    );
    sent(&e);
    let out = sh(atlas(&e), &format!("-o json apply {bad}"));
    assert_eq!(out.code, 2, "{}", out.stdout);
    says(&out.stdout, &["keys[0]", "absent"], &[]);
    let methods = sent(&e);
    assert!(
        methods.iter().all(|m| m == "GET"),
        "only reads: {methods:?}"
    );
}

#[test]
fn planning_100_keys_across_10000_assignments_costs_at_most_two_reads_a_key() {
    let (keys, projects) = (100, 100);
    let mut config = Config::default();
    let mut file = String::from("{\"keys\":[");
    for p in 0..projects {
        config.seed.projects.push(atlas_apikeys_emulator::Project {
            id: format!("7{p:023x}"),
            org_id: ORG.into(),
            name: format!("p{p}"),
        });
    }
    for k in 0..keys {
        let mut grants = atlas_apikeys_emulator::Grants::org(ORG, "ORG_MEMBER");
        let mut declared = Vec::new();
        for p in 0..projects {
            let id = format!("7{p:023x}");
            grants
                .project_roles
                .insert(id.clone(), vec!["GROUP_READ_ONLY".into()]);
            declared.push(format!(
                "{{\"id\":\"{id}\",\"roles\":[\"GROUP_READ_ONLY\"]}}"
            ));
        }
        let id = format!("9{k:023x}");
        config.seed.api_keys.push(crowd_key(k, grants));
        let comma = if k == 0 { "" } else { "," };
        file.push_str(&format!(
            "{comma}{{\"id\":\"{id}\",\"org\":\"{ORG}\",\"access_list\":[],\"projects\":[{}]}}",
            declared.join(",")
        ));
    }
    file.push_str("]}");
    let assignments: usize = config
        .seed
        .api_keys
        .iter()
        .map(|k| k.grants.project_roles.len())
        .sum();
    assert!(assignments >= 10_000);
    let e = env_with(config);
    let (_dir, path) = hostile::plan_file("many.json", &file);
    e.emulator.take_seen();
    let out = sh(atlas(&e), &format!("-o json plan {path} --concurrency 16"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["summary"]["unchanged"], keys * (projects + 1));
    let seen: Vec<_> = e
        .emulator
        .take_seen()
        .into_iter()
        .filter(|s| s.authenticated)
        .collect();
    assert!(seen.iter().all(|s| s.method == "GET"));
    // Besides the keys: one read of the rate limits (one page).
    let limits = seen
        .iter()
        .filter(|s| s.path.ends_with("/rateLimits"))
        .count();
    assert!(limits <= 1, "{limits} reads of the rate limits");
    let reads: Vec<_> = seen
        .iter()
        .filter(|s| s.path.contains("/apiKeys"))
        .collect();
    assert_eq!(reads.len() + limits, seen.len());
    // One read of each key, one of its (one-page) access list.
    assert!(
        reads.len() <= 2 * keys,
        "{} reads for {keys} keys",
        reads.len()
    );
}

#[test]
fn export_then_plan_shows_no_changes_on_every_system_in_every_format() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let what = system.as_str();
        let (role, _) = roles(system);
        let base = || {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", "json"]);
            c
        };
        // Some of everything: an assignment and an access list.
        for line in [
            format!("project-key assign {PROJECT} {KEY} --role {role}"),
            format!("org-key access-list create {ORG} {KEY} --ip 192.0.2.7 --cidr 10.0.0.0/8"),
        ] {
            let out = sh(base(), &line);
            assert_eq!(out.code, 0, "{what} {line}: {}", out.stderr);
        }
        let dir = tempfile::tempdir().unwrap();
        for ext in ["toml", "yaml", "json"] {
            let path = dir.path().join(format!("keys.{ext}"));
            let path = path.to_str().unwrap();
            let out = sh(base(), &format!("export --org {ORG} --file {path}"));
            assert_eq!(out.code, 0, "{what} {ext}: {}", out.stderr);
            let text = std::fs::read_to_string(path).unwrap();
            says(&text, &[KEY, PROJECT, "192.0.2.7", "10.0.0.0/8"], &[]);
            let out = sh(base(), &format!("plan {path} --prune"));
            assert_eq!(out.code, 0, "{what} {ext}: {}\n{text}", out.stdout);
            let plan = json(&out);
            assert_eq!(plan["summary"]["kept"], 0, "{what} {ext}: {plan}");
            // Never over a file that exists.
            let again = sh(base(), &format!("export --org {ORG} --file {path}"));
            expect_failure(&again, 2, "must not exist");
        }
        // One key, to stdout, in TOML by default.
        let out = sh(base(), &format!("export --org {ORG} --key {KEY}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(out.stdout.matches("[[keys]]").count(), 1, "{}", out.stdout);
    }
}

#[test]
fn an_invalid_line_keeps_prune_from_removing_what_it_meant_to_keep() {
    let e = env(System::Atlas);
    let (role, _) = roles(System::Atlas);
    let other = defaults::OTHER_PROJECT;
    let file = |projects: &str, entries: &str| {
        format!(
            "[[keys]]\nid = \"{KEY}\"\norg = \"{ORG}\"\naccess_list = [{entries}]\n{}",
            projects
                .split(',')
                .map(|p| format!("[[keys.projects]]\nid = \"{p}\"\nroles = [\"{role}\"]\n"))
                .collect::<String>()
        )
    };
    let whole = file(
        &format!("{PROJECT},{other}"),
        "\"192.0.2.7\", \"10.0.0.0/8\"",
    );
    let (_dir, path) = hostile::plan_file("whole.toml", &whole);
    let out = sh(atlas(&e), &format!("-o json apply {path} --prune"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    // The other project's id mistyped (upper case), an entry mistyped.
    let typo = file(
        &format!("{PROJECT},{}", other.to_uppercase()),
        "\"192.0.2.7\", \"10.0.0.0/88\"",
    );
    let (_dir2, path) = hostile::plan_file("typo.toml", &typo);
    sent(&e);
    let out = sh(atlas(&e), &format!("-o json apply {path} --prune"));
    assert_eq!(out.code, 2, "{}", out.stdout);
    let methods = sent(&e);
    assert!(methods.iter().all(|m| m == "GET"), "{methods:?}");
    let out = sh(atlas(&e), &format!("-o json plan {path} --prune"));
    let plan = json(&out);
    let kept: Vec<&Value> = plan["kept"].as_array().unwrap().iter().collect();
    assert!(kept.iter().any(|k| k["target"] == other), "{plan}");
    assert!(kept.iter().any(|k| k["scope"] == "access list"), "{plan}");
}

#[test]
fn an_export_dry_runs_without_credentials_as_it_applies() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.toml");
    let out = sh(
        atlas(&e),
        &format!("export --org {ORG} --file {}", file.display()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("access_list = []"), "{text}");
    let out = sh(cli(), &format!("--dry-run apply {}", file.display()));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}
