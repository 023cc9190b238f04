//! `org-key access-list list|create|delete` and the Atlas CLI's
//! `organizations apiKeys accessLists list|create|delete`, on every system:
//! entries parsed before anything is sent, and removal asked first.

use super::*;

#[test]
fn access_lists_in_both_spellings_on_every_system() {
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env(system);
        let base = |format: &str| {
            let mut c = cli();
            digest(&mut c, &e);
            c.args(["--system", system.as_str(), "-o", format]);
            c
        };
        let what = system.as_str();
        let ok = |format: &str, line: &str| {
            let out = sh(base(format), line);
            assert_eq!(out.code, 0, "{what} {line}: {}", out.stderr);
            out
        };
        let out = ok(
            "json",
            &format!(
                "org-key access-list create {ORG} {KEY} --ip 192.0.2.7 --cidr 10.0.0.0/8,2001:db8::/32"
            ),
        );
        assert_eq!(json(&out)["results"].as_array().unwrap().len(), 3, "{what}");
        let out = ok(
            "json",
            &format!(
                "organizations apiKeys accessLists create --apiKey {KEY} --orgId {ORG} --cidr 198.51.100.0/24"
            ),
        );
        assert_eq!(json(&out)["totalCount"], 4, "{what}");
        let out = ok(
            "table",
            &format!("org-key access-list list {KEY} --orgId {ORG}"),
        );
        says(&out.stdout, &["192.0.2.7", "10.0.0.0/8", "total"], &[]);
        let out = ok(
            "json",
            &format!("organizations apiKeys accessLists list {KEY} --orgId {ORG}"),
        );
        assert_eq!(json(&out)["results"].as_array().unwrap().len(), 4, "{what}");

        // Refused before anything is sent: a bad entry, an entry under the
        // other flag, a removal without --force.
        let before = e.emulator.counters().exchanges;
        for (line, says_what) in [
            (
                format!("org-key access-list create {ORG} {KEY} --ip 10.0.0.1/8"),
                "--ip",
            ),
            (
                format!("org-key access-list create {ORG} {KEY} --cidr 192.0.2.9"),
                "--ip",
            ),
            (
                format!("org-key access-list create {ORG} {KEY} --cidr 10.0.0.1/8"),
                "host bits",
            ),
            (
                format!("org-key access-list delete {ORG} {KEY} --entry 10.0.0.0/8"),
                "--force",
            ),
            (
                format!(
                    "organizations apiKeys accessLists delete 10.0.0.0/8 --apiKey {KEY} --orgId {ORG}"
                ),
                "--force",
            ),
        ] {
            let out = sh(base("json"), &line);
            expect_failure(&out, 2, says_what);
        }
        assert_eq!(
            e.emulator.counters().exchanges,
            before,
            "{what}: nothing sent"
        );

        ok(
            "json",
            &format!("org-key access-list delete {ORG} {KEY} --entry 10.0.0.0/8 --force"),
        );
        ok(
            "json",
            &format!(
                "organizations apiKeys accessLists delete 198.51.100.0/24 --apiKey {KEY} --orgId {ORG} --force"
            ),
        );
        assert_eq!(
            e.emulator.access_list(KEY),
            ["192.0.2.7", "2001:db8::/32"],
            "{what}"
        );
        let out = sh(
            base("json"),
            &format!("org-key access-list delete {ORG} {KEY} --entry 10.0.0.0/8 --force"),
        );
        expect_failure(&out, 3, "API_KEY_ACCESS_LIST_ENTRY_NOT_FOUND");
    }
}

/// More than a page, through the command line: 600 keys more in the
/// organization, 600 entries on a key's list; every page read, or one.
#[test]
fn lists_read_every_page_through_the_command_line() {
    let mut config = Config::default();
    for i in 0..600 {
        config
            .seed
            .api_keys
            .push(atlas_apikeys_emulator::config::ApiKey {
                id: format!("9{i:023x}"),
                public_key: format!("pk{i:06}"),
                private_key: format!("00000000-0000-0000-0000-{i:012}"),
                description: format!("crowd {i}"),
                grants: atlas_apikeys_emulator::Grants::org(ORG, "ORG_MEMBER"),
            });
    }
    let in_org = config
        .seed
        .api_keys
        .iter()
        .filter(|k| k.grants.org_id == ORG)
        .count();
    let e = env_with(config);
    let out = sh(atlas(&e), &format!("-o json org-key list {ORG}"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out)["results"].as_array().unwrap().len(), in_org);
    let out = sh(
        atlas(&e),
        &format!("-o json org-key list {ORG} --page 2 --limit 500"),
    );
    assert_eq!(
        json(&out)["results"].as_array().unwrap().len(),
        in_org - 500
    );

    let ips: Vec<String> = (0..600)
        .map(|i| format!("10.9.{}.{}", i / 256, i % 256))
        .collect();
    let out = sh(
        atlas(&e),
        &format!(
            "-o json org-key access-list create {ORG} {KEY} --ip {}",
            ips.join(",")
        ),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = sh(
        atlas(&e),
        &format!("-o json org-key access-list list {ORG} {KEY}"),
    );
    assert_eq!(json(&out)["results"].as_array().unwrap().len(), 600);
    let out = sh(
        atlas(&e),
        &format!("-o json org-key access-list list {ORG} {KEY} --page 2 --limit 500"),
    );
    assert_eq!(json(&out)["results"].as_array().unwrap().len(), 100);
}
