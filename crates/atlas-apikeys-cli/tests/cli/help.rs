//! Help with examples, and completions that offer the catalogue's roles and versions.

use super::*;

#[test]
fn help_has_examples_and_completions_are_printed() {
    let out = sh(cli(), "project-key assign --help");
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("EXAMPLES:") && out.stdout.contains("--strict"),
        "{}",
        out.stdout
    );
    let out = sh(cli(), "--help");
    assert!(
        out.stdout.contains("EXIT CODES") && out.stdout.contains("MONGODB_ATLAS_CLIENT_ID"),
        "{}",
        out.stdout
    );
    for (shell, needle) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef atlas-apikeys"),
        ("fish", "complete -c atlas-apikeys"),
    ] {
        let out = run(cli(), &["completions", shell]);
        assert_eq!(out.code, 0);
        assert!(
            out.stdout.contains(needle),
            "{shell}: {}",
            &out.stdout[..out.stdout.len().min(300)]
        );
    }
}

/// `--help` and shell completions offer every role of the role catalogue
/// (organization roles for org keys, project roles in projects) and every
/// Atlas version codegen emitted.
#[test]
fn help_and_completions_offer_the_catalogue_roles_and_versions() {
    let help = |args: &[&str]| {
        let mut c = cli();
        c.args(args).arg("--help");
        let out = sh(c, "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let org_help = help(&["org-key", "update"]);
    let assign_help = help(&["project-key", "assign"]);
    let update_help = help(&["project-key", "update-roles"]);
    let mut c = cli();
    c.args(["completions", "bash"]);
    let completions = sh(c, "").stdout;
    // Every catalogued role is offered where it can be given, and completed.
    for entry in atlas_apikeys::client::catalogue::CATALOGUE {
        let org = entry
            .org
            .iter()
            .map(|r| (r.as_str(), [("org-key", &org_help)].to_vec()));
        let project = entry.project.iter().map(|r| {
            (
                r.as_str(),
                [("assign", &assign_help), ("update-roles", &update_help)].to_vec(),
            )
        });
        for (role, helps) in org.chain(project) {
            for (what, text) in helps.into_iter().chain([("completions", &completions)]) {
                assert!(text.contains(role), "{role} in {what}");
            }
        }
    }
    for v in atlas_apikeys::atlas_versions() {
        assert!(
            completions.contains(v.version),
            "{} in completions",
            v.version
        );
    }
}

/// Each key command's help names its own scope: the positional ids, the
/// Atlas CLI's flag and the variable that gives a default.
#[test]
fn help_names_each_commands_own_scope() {
    for (command, own, other) in [
        (
            "org-key update",
            ["ORG_ID KEY_ID", "--orgId", "MONGODB_ATLAS_ORG_ID"],
            "PROJECT_ID",
        ),
        (
            "project-key assign",
            [
                "PROJECT_ID KEY_ID",
                "--projectId",
                "MONGODB_ATLAS_PROJECT_ID",
            ],
            "ORG_ID",
        ),
        (
            "project-key update-roles",
            [
                "PROJECT_ID KEY_ID",
                "--projectId",
                "MONGODB_ATLAS_PROJECT_ID",
            ],
            "ORG_ID",
        ),
    ] {
        let out = sh(cli(), &format!("{command} --help"));
        assert_eq!(out.code, 0, "{}", out.stderr);
        for needle in own {
            assert!(
                out.stdout.contains(needle),
                "{command}: no {needle}: {}",
                out.stdout
            );
        }
        assert!(
            !out.stdout.contains(&format!("`{other} ")),
            "{command}: {}",
            out.stdout
        );
    }
}
