//! `rotate`: a successor with the old key's roles and access list, proved
//! with its own credentials, the old key retired only after; a failure at
//! each step leaves the old key untouched, says what exists, and
//! `--successor` finishes the job.

use super::*;

/// The old key as the emulator holds it: what a failed rotation must not
/// change.
fn old_state(e: &Env) -> (Option<String>, Vec<String>) {
    let key = e
        .emulator
        .api_key(KEY)
        .map(|k| format!("{} {:?}", k.description, k.grants));
    let mut list = e.emulator.access_list(KEY);
    list.sort();
    (key, list)
}

/// Gives the target key a project role and an access list that lets it
/// (and its successor) call from loopback.
fn prepare(base: &dyn Fn() -> Command, role: &str, entries: &str) {
    for line in [
        format!("project-key assign {PROJECT} {KEY} --role {role}"),
        format!("org-key access-list create {ORG} {KEY} {entries}"),
    ] {
        let out = sh(base(), &line);
        assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    }
}

/// A key file's place in a new directory (kept while the guard lives).
struct KeyFile(tempfile::TempDir);

impl KeyFile {
    fn new() -> KeyFile {
        KeyFile(tempfile::tempdir().unwrap())
    }

    fn path(&self) -> std::path::PathBuf {
        self.0.path().join("new.key")
    }

    /// Asserts the file holds `secret`, as `rotate` writes it.
    fn holds(&self, secret: &str, what: &str) {
        let text = std::fs::read_to_string(self.path()).unwrap();
        assert_eq!(text, format!("{secret}\n"), "{what}");
    }
}

/// `rotate KEY --retire-old`, the successor's private key to a new file.
fn rotate_retiring(c: Command) -> (Out, KeyFile) {
    let file = KeyFile::new();
    let line = format!(
        "rotate {KEY} --org {ORG} --retire-old --private-key-out {}",
        file.path().display()
    );
    (sh(c, &line), file)
}

#[test]
fn rotate_makes_a_working_successor_on_every_system_and_retires_the_old_key() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let what = system.as_str();
        let role = project_role(system);
        let base = || {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", "json"]);
            c
        };
        prepare(&base, role, "--cidr 127.0.0.0/8 --ip 192.0.2.7");
        let old = e.emulator.api_key(KEY).unwrap();
        let (out, file) = rotate_retiring(base());
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        let done = json(&out);
        assert_eq!(done["result"], "rotated", "{what}: {done}");
        let id = done["id"].as_str().unwrap();
        let new = e.emulator.api_key(id).expect("the successor");
        file.holds(&new.private_key, what);
        assert!(!out.stdout.contains(&new.private_key) && !out.stderr.contains(&new.private_key));
        assert_eq!(new.description, old.description, "{what}");
        assert_eq!(new.grants.org_roles, old.grants.org_roles, "{what}");
        assert_eq!(new.grants.project_roles, old.grants.project_roles, "{what}");
        let mut list = e.emulator.access_list(id);
        list.sort();
        assert_eq!(list.len(), 2, "{what}: {list:?}");
        assert!(
            e.emulator.api_key(KEY).is_none(),
            "{what}: the old key is retired"
        );
    }
}

#[test]
fn a_rotation_that_fails_at_any_step_leaves_the_old_key_and_completes_with_successor() {
    let groups = "POST /api/atlas/v2/groups/";
    let steps: [(&str, Option<&str>, &str); 4] = [
        (
            "copying the access list",
            Some("POST /api/atlas/v2/orgs/*/apiKeys/*/accessList"),
            "--cidr 127.0.0.0/8",
        ),
        (
            "copying the project roles",
            Some(groups),
            "--cidr 127.0.0.0/8",
        ),
        // The successor copies an access list that leaves out where the
        // proof is made from: refused until an entry is added.
        ("proving the successor", None, "--ip 192.0.2.7"),
        (
            "retiring the old key",
            Some("DELETE /api/atlas/v2/orgs/"),
            "--cidr 127.0.0.0/8",
        ),
    ];
    for (step, route, entries) in steps {
        let e = env(System::Atlas);
        let base = || {
            let mut c = atlas(&e);
            c.args(["-o", "json"]);
            c
        };
        let at_start = {
            prepare(&base, "GROUP_READ_ONLY", entries);
            old_state(&e)
        };
        if let Some(route) = route {
            e.emulator
                .inject(Some(route), atlas_apikeys_emulator::Fault::Status(400));
        }
        let (out, file) = rotate_retiring(base());
        assert_ne!(out.code, 0, "{step}: {}", out.stdout);
        let made = json(&out);
        let id = made["id"].as_str().unwrap().to_owned();
        says(
            &out.stderr,
            &[
                &format!("stopped at {step}"),
                "untouched",
                &id,
                "--successor",
            ],
            &[],
        );
        assert_eq!(old_state(&e), at_start, "{step}: the old key is untouched");
        let secret = e.emulator.api_key(&id).unwrap().private_key;
        file.holds(&secret, step);
        if route.is_none() {
            let line = format!("org-key access-list create {ORG} {id} --cidr 127.0.0.0/8");
            assert_eq!(sh(base(), &line).code, 0, "{step}");
        }
        let again = sh(
            base(),
            &format!(
                "rotate {KEY} --org {ORG} --retire-old --successor {id} --successor-key-file {}",
                file.path().display()
            ),
        );
        assert_eq!(again.code, 0, "{step}: {}", again.stderr);
        assert_eq!(json(&again)["result"], "rotated", "{step}");
        assert!(!again.stdout.contains(&secret), "{step}");
        assert!(e.emulator.api_key(KEY).is_none(), "{step}");
        let new = e.emulator.api_key(&id).unwrap();
        assert_eq!(
            new.grants.project_roles[PROJECT],
            ["GROUP_READ_ONLY"],
            "{step}"
        );
    }

    // A failure before the successor exists leaves nothing behind.
    let e = env(System::Atlas);
    let before = old_state(&e);
    e.emulator.inject(
        Some(&format!("POST /api/atlas/v2/orgs/{ORG}/apiKeys")),
        atlas_apikeys_emulator::Fault::Status(400),
    );
    let out = sh(
        atlas(&e),
        &format!("-o json rotate {KEY} --org {ORG} --retire-old"),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    says(&out.stderr, &["untouched", "no successor"], &[]);
    assert_eq!(old_state(&e), before);

    // Every read or refusal before the successor exists takes the key file
    // it made with it: a re-run is not refused for it.
    let file = KeyFile::new();
    for route in [
        format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}"),
        format!("GET /api/atlas/v2/orgs/{ORG}/apiKeys/{KEY}/accessList"),
        format!("POST /api/atlas/v2/orgs/{ORG}/apiKeys"),
    ] {
        e.emulator
            .inject(Some(&route), atlas_apikeys_emulator::Fault::Status(400));
        let out = sh(
            atlas(&e),
            &format!(
                "rotate {KEY} --org {ORG} --private-key-out {}",
                file.path().display()
            ),
        );
        assert_eq!(out.code, 3, "{route}: {}", out.stderr);
        assert!(!file.path().exists(), "{route}: the key file stayed");
        e.emulator.clear_injected();
    }
}
