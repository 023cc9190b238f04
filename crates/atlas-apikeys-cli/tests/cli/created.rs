//! `org-key create` and `project-key create`: the private key exactly once,
//! on stdout or in a new 0600 file, at every verbosity; never in a dry run;
//! bad input refused with nothing sent.

use super::*;

/// How often `needle` occurs in what the run printed, both streams.
fn occurrences(out: &Out, needle: &str) -> usize {
    out.stdout.matches(needle).count() + out.stderr.matches(needle).count()
}

#[test]
fn create_shows_the_private_key_exactly_once_at_every_verbosity() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let base = |format: &str| {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", format]);
            c
        };
        let what = system.as_str();
        for (n, verbosity) in ["", "-v", "-vv", "-vvv"].into_iter().enumerate() {
            for format in ["json", "table"] {
                let line =
                    format!("{verbosity} org-key create {ORG} --desc 'bot {n}' --role ORG_MEMBER");
                let out = sh(base(format), &line);
                assert_eq!(out.code, 0, "{what} {line}: {}", out.stderr);
                let id = if format == "json" {
                    json(&out)["id"].as_str().unwrap().to_owned()
                } else {
                    let row = out.stdout.lines().find(|l| l.starts_with("id ")).unwrap();
                    row.split_whitespace().last().unwrap().to_owned()
                };
                let secret = created_secret(&e, &id);
                assert_eq!(occurrences(&out, &secret), 1, "{what} {line}: once");
                assert!(out.stdout.contains(&secret), "{what} {line}: on stdout");
                says(&out.stderr, &["only time"], &[]);
            }
        }

        // Into a new file, 0600; never over one that exists.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        let path = file.to_str().unwrap();
        let line = format!(
            "-vvv project-key create {PROJECT} --desc filed --role GROUP_READ_ONLY --private-key-out {path}"
        );
        let out = sh(base("json"), &line);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let id = json(&out)["id"].as_str().unwrap().to_owned();
        let secret = created_secret(&e, &id);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            format!("{secret}\n")
        );
        assert_eq!(occurrences(&out, &secret), 0, "{what}: only in the file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{what}");
        }
        let stored = e.emulator.api_key(&id).unwrap();
        assert!(stored.grants.project_roles.contains_key(PROJECT), "{what}");
        let before = e.emulator.counters().exchanges;
        let out = sh(base("json"), &line);
        expect_failure(&out, 2, "must not exist");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            format!("{secret}\n")
        );

        // A dry run: the request, no key, no file.
        let dry = dir.path().join("dry");
        let out = sh(
            base("json"),
            &format!(
                "--dry-run org-key create {ORG} --desc dry --role ORG_MEMBER --private-key-out {}",
                dry.display()
            ),
        );
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(json(&out)["requests"][0]["method"], "POST", "{what}");
        assert!(!dry.exists(), "{what}: a dry run makes no file");
        // Bad input: refused by flag, nothing sent.
        let long = "x".repeat(251);
        for (bad, named) in [
            (
                format!("org-key create {ORG} --desc '' --role ORG_MEMBER"),
                "--desc",
            ),
            (
                format!("org-key create {ORG} --desc {long} --role ORG_MEMBER"),
                "--desc",
            ),
            (
                format!("org-key create {ORG} --desc x --role GROUP_OWNER"),
                "--role",
            ),
            (
                format!("org-key create {ORG} --desc x --role ORG_MEMBER,ORG_MEMBER"),
                "--role",
            ),
            (format!("org-key create {ORG} --role ORG_MEMBER"), "--desc"),
            (
                format!("project-key create {PROJECT} --desc x --role ORG_MEMBER"),
                "--role",
            ),
            (format!("project-key create {PROJECT} --desc x"), "--role"),
            (
                "project-key create NOT-AN-ID --desc x --role GROUP_OWNER".to_owned(),
                "PROJECT_ID",
            ),
            (format!("project-key list {PROJECT} --page 0"), "--page"),
            (
                format!("org-key access-list list {ORG} {KEY} --page 1 --limit 501"),
                "--limit",
            ),
            (
                format!("org-key access-list create {ORG} {KEY} --ip 192.0.2.1,192.0.2.1"),
                "more than once",
            ),
        ] {
            let out = sh(base("json"), &bad);
            expect_failure(&out, 2, named);
        }
        assert_eq!(
            e.emulator.counters().exchanges,
            before,
            "{what}: nothing sent"
        );
    }
}

/// The private key the emulator holds for key `id`.
fn created_secret(e: &Env, id: &str) -> String {
    e.emulator.api_key(id).expect("the created key").private_key
}
