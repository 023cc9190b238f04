//! `project-key unassign` and `org-key delete` on every system: asked
//! first (`--force`, or a yes at a terminal; without either nothing is
//! sent), both id forms, a dry run that sends nothing, and the API's answer
//! for what is not there.

use super::*;

#[test]
fn unassign_and_delete_need_force_and_then_do_it_on_every_system() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let base = || {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", "json"]);
            c
        };
        let what = system.as_str();
        let role = project_role(system);
        let assigned = || {
            e.emulator
                .api_key(KEY)
                .unwrap()
                .grants
                .project_roles
                .contains_key(PROJECT)
        };
        let out = sh(
            base(),
            &format!("project-key assign {PROJECT} {KEY} --role {role}"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);

        // No terminal and no --force: refused, nothing sent. A bad id is
        // refused before that, nothing sent either.
        let before = e.emulator.counters().exchanges;
        let out = sh(base(), &format!("project-key unassign {PROJECT} {KEY}"));
        expect_failure(&out, 2, "pass --force");
        let out = sh(base(), &format!("org-key delete {ORG} {KEY}"));
        expect_failure(&out, 2, "pass --force");
        let out = sh(base(), &format!("org-key delete {ORG} zmmrboas --force"));
        expect_failure(&out, 2, "public key");
        // A dry run asks nothing and sends nothing: it shows the DELETE.
        let out = sh(base(), &format!("--dry-run org-key delete {ORG} {KEY}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(json(&out)["requests"][0]["method"], "DELETE", "{what}");
        assert_eq!(e.emulator.counters().exchanges, before, "{what}");
        assert!(assigned(), "{what}");

        // The Atlas CLI's order for the ids works too.
        let out = sh(
            base(),
            &format!("project-key unassign {KEY} --projectId {PROJECT} --force"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let done = json(&out);
        assert_eq!(done["result"], "unassigned", "{what}");
        assert_eq!(
            (done["id"].as_str(), done["groupId"].as_str()),
            (Some(KEY), Some(PROJECT))
        );
        assert!(!assigned(), "{what}: still in the project");
        assert!(e.emulator.api_key(KEY).is_some(), "{what}: the key stays");
        let out = sh(
            base(),
            &format!("project-key unassign {PROJECT} {KEY} --force"),
        );
        expect_failure(&out, 3, "API_KEY_NOT_FOUND");

        let out = sh(base(), &format!("org-key delete {ORG} {KEY} --force"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(json(&out)["result"], "deleted", "{what}");
        assert!(e.emulator.api_key(KEY).is_none(), "{what}");
        let out = sh(
            base(),
            &format!("org-key delete {KEY} --orgId {ORG} --force"),
        );
        expect_failure(&out, 3, "API_KEY_NOT_FOUND");
    }
}

#[test]
fn list_prints_every_key_or_one_page_on_every_system() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let base = |format: &str| {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", format]);
            c
        };
        let what = system.as_str();
        let out = sh(base("json"), &format!("org-key list {ORG}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let listed = json(&out);
        let results = listed["results"].as_array().unwrap();
        assert_eq!(listed["totalCount"], results.len(), "{what}");
        assert!(results.iter().any(|k| k["id"] == KEY), "{what}");
        assert!(
            results.iter().all(|k| k.get("privateKey").is_none()),
            "{what}: never a private key"
        );
        // One page, with the Atlas CLI's flag for the id.
        let out = sh(
            base("json"),
            &format!("org-key list --orgId {ORG} --page 1 --limit 1"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let page = json(&out);
        assert_eq!(page["results"].as_array().unwrap().len(), 1, "{what}");
        assert_eq!(page["totalCount"], results.len(), "{what}");
        // A project's keys, as a table.
        let out = sh(
            base("json"),
            &format!("project-key assign {PROJECT} {KEY} --role GROUP_READ_ONLY"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let out = sh(base("table"), &format!("project-key list {PROJECT}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        says(&out.stdout, &[KEY, "total"], &[]);

        // Out of the API's range: refused by flag, nothing sent.
        let before = e.emulator.counters().exchanges;
        for (flags, named) in [("--page 0", "--page"), ("--page 1 --limit 501", "--limit")] {
            let out = sh(base("json"), &format!("org-key list {ORG} {flags}"));
            expect_failure(&out, 2, named);
        }
        let out = sh(base("json"), &format!("org-key list {ORG} --limit 5"));
        expect_failure(&out, 2, "--page");
        assert_eq!(e.emulator.counters().exchanges, before, "{what}");
    }
}

/// The Atlas CLI's paths, with its meanings: `organizations apiKeys assign`
/// updates the key, `projects apiKeys assign` assigns or replaces, and
/// `projects apiKeys delete` unassigns.
#[test]
fn the_atlas_cli_spellings_carry_the_life_of_a_key_on_every_system() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let dir = tempfile::tempdir().unwrap();
        let run_json = |line: &str| {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", "json"]);
            let out = sh(c, line);
            assert_eq!(out.code, 0, "{system:?} {line}: {}", out.stderr);
            json(&out)
        };
        let role = project_role(system);
        let file = dir.path().join("one");
        let made = run_json(&format!(
            "organizations apiKeys create --orgId {ORG} --desc first --role ORG_MEMBER --private-key-out {}",
            file.display()
        ));
        let id = made["id"].as_str().unwrap().to_owned();
        let listed = run_json(&format!("organizations apiKeys list --orgId {ORG}"));
        let results = listed["results"].as_array().unwrap();
        assert!(results.iter().any(|k| k["id"] == id.as_str()));
        let read = run_json(&format!(
            "organizations apiKeys describe {id} --orgId {ORG}"
        ));
        assert_eq!(read["desc"], "first");
        let updated = run_json(&format!(
            "organizations apiKeys assign {id} --orgId {ORG} --desc second --role ORG_READ_ONLY"
        ));
        assert_eq!(updated["desc"], "second");
        let assigned = run_json(&format!(
            "projects apiKeys assign {id} --projectId {PROJECT} --role {role}"
        ));
        assert_eq!(assigned["result"], "assigned");
        let in_project = run_json(&format!("projects apiKeys list --projectId {PROJECT}"));
        let results = in_project["results"].as_array().unwrap();
        assert!(results.iter().any(|k| k["id"] == id.as_str()));
        let other = dir.path().join("two");
        let made = run_json(&format!(
            "projects apiKeys create --projectId {PROJECT} --desc third --role {role} --private-key-out {}",
            other.display()
        ));
        let second = made["id"].as_str().unwrap();
        assert!(
            e.emulator
                .api_key(second)
                .unwrap()
                .grants
                .project_roles
                .contains_key(PROJECT)
        );
        let gone = run_json(&format!(
            "projects apiKeys delete {id} --projectId {PROJECT} --force"
        ));
        assert_eq!(gone["result"], "unassigned");
        assert!(e.emulator.api_key(&id).is_some(), "unassigned, not deleted");
        let gone = run_json(&format!(
            "organizations apiKeys delete {id} --orgId {ORG} --force"
        ));
        assert_eq!(gone["result"], "deleted");
        assert!(e.emulator.api_key(&id).is_none());
    }
}
