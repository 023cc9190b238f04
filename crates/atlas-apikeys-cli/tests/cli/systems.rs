//! Every command on every system, in both output formats; envelope, pretty and unlisted roles passed through.

use super::*;

#[test]
fn every_command_on_every_system_in_both_formats() {
    let cases = [
        (System::Atlas, false, "GROUP_CLUSTER_MANAGER"),
        (System::Atlas, true, "GROUP_CLUSTER_MANAGER"),
        (System::CloudManager, false, "GROUP_AUTOMATION_ADMIN"),
        (System::CloudManager, true, "GROUP_BILLING_ADMIN"),
        (System::OpsManager, false, "GROUP_MONITORING_ADMIN"),
    ];
    for (system, oauth, project_role) in cases {
        let e = env(system);
        let system_flag = match system {
            System::Atlas => "atlas",
            System::CloudManager => "cloud-manager",
            System::OpsManager => "ops-manager",
        };
        let base = |format: &str| {
            let mut c = cli();
            if oauth {
                service_account(&mut c, &e)
            } else {
                digest(&mut c, &e)
            }
            c.args(["--system", system_flag, "--output", format]);
            if system == System::Atlas {
                c.args(["--api-version", oldest()]);
            }
            c
        };
        let what = format!("{system_flag} oauth={oauth}");

        let out = sh(
            base("json"),
            &format!(
                "org-key update {ORG} {KEY} --desc 'from the cli' --role ORG_MEMBER --role ORG_READ_ONLY"
            ),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let v = json(&out);
        assert_eq!(v["desc"], "from the cli", "{what}");
        let org_roles = v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["orgId"] == ORG)
            .count();
        assert_eq!(org_roles, 2, "{what}");

        let out = sh(
            base("table"),
            &format!("org-key update {ORG} {KEY} --desc again"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(
            out.stdout.contains("again") && out.stdout.contains("org roles"),
            "{what}: {}",
            out.stdout
        );

        let out = sh(
            base("json"),
            &format!("project-key assign {PROJECT} {KEY} --role GROUP_READ_ONLY"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        // Cloud Manager and Ops Manager's one PATCH assigns or replaces; the
        // first time, it assigned.
        assert_eq!(json(&out)["result"], "assigned", "{what}");

        // Idempotent by default: assigning again updates.
        let out = sh(
            base("table"),
            &format!("project-key assign {PROJECT} {KEY} --role GROUP_OWNER"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        // Atlas says which; Cloud Manager and Ops Manager's PATCH cannot.
        let again = if system == System::Atlas {
            "updated"
        } else {
            "assigned"
        };
        assert!(
            out.stdout.contains(again) && out.stdout.contains("GROUP_OWNER"),
            "{what}: {}",
            out.stdout
        );

        let out = run(
            base("json"),
            &[
                "project-key",
                "update-roles",
                PROJECT,
                KEY,
                "--role",
                project_role,
                "--role",
                "GROUP_READ_ONLY",
            ],
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let roles: Vec<String> = json(&out)["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["groupId"] == PROJECT)
            .map(|r| r["roleName"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(roles, [project_role, "GROUP_READ_ONLY"], "{what}");

        // `org-key describe`, both id forms: the key in Atlas's shape, the
        // update's answer without its `result`.
        let mut updated = json(&out);
        updated.as_object_mut().unwrap().remove("result");
        let out = sh(base("json"), &format!("org-key describe {ORG} {KEY}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(json(&out), updated, "{what}");
        let out = sh(
            base("table"),
            &format!("org-key describe {KEY} --orgId {ORG}"),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        says(
            &out.stdout,
            &["again", "org roles", "ORG_READ_ONLY", project_role],
            &["result"],
        );

        let stored = e.emulator.api_key(KEY).unwrap();
        assert_eq!(stored.description, "again", "{what}");
        assert_eq!(
            stored.grants.project_roles[PROJECT],
            [project_role, "GROUP_READ_ONLY"],
            "{what}"
        );

        // --strict on Atlas refuses a key already in the project.
        if system == System::Atlas {
            let out = sh(
                base("json"),
                &format!("project-key assign {PROJECT} {KEY} --role GROUP_OWNER --strict"),
            );
            assert_eq!(out.code, 3, "{what}: {}", out.stderr);
            assert!(
                out.stderr.contains("errorCode: API_KEY_ALREADY_IN_GROUP"),
                "{}",
                out.stderr
            );
        }
    }
}

#[test]
fn envelope_pretty_and_unlisted_roles_pass_through() {
    // A server that knows an organization role before this build's catalogue does.
    const NEWER: &str = "ORG_NEWER_THAN_THE_CATALOGUE";
    let mut roles = atlas_apikeys_emulator::roles::RoleSets::documented(System::Atlas);
    roles.org.push(NEWER.into());
    let e = env_with(Config {
        system: System::Atlas,
        roles: Some(roles),
        ..Config::default()
    });
    let out = sh(
        atlas(&e),
        &format!("--envelope --pretty --output json org-key update {ORG} {KEY} --desc enveloped"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["desc"], "enveloped");
    let out = sh(
        atlas(&e),
        &format!("org-key update {ORG} {KEY} --role {NEWER}"),
    );
    expect_failure(&out, 2, "--allow-unlisted-roles");
    let out = sh(
        atlas(&e),
        &format!("--allow-unlisted-roles --output json org-key update {ORG} {KEY} --role {NEWER}"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["roles"][0]["roleName"], NEWER);
}

#[test]
fn the_commands_requests_name_the_command_and_its_version() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        e.emulator.take_seen();
        let mut c = cli();
        digest(&mut c, &e);
        c.args(["--system", system.as_str()]);
        let out = sh(c, &format!("org-key describe {ORG} {KEY}"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let agent = format!(
            "{} atlas-apikeys-cli/{}",
            atlas_apikeys::client::USER_AGENT,
            env!("CARGO_PKG_VERSION")
        );
        let seen = e.emulator.take_seen();
        assert!(!seen.is_empty());
        for s in seen {
            assert_eq!(s.header("user-agent"), Some(agent.as_str()), "{system}");
        }
    }
}
