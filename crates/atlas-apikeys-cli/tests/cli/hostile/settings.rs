//! Reads within their limits, a dry run that reads no secret, `--strict`
//! where it cannot be told, and the profile's `output`.

use super::*;

#[test]
fn reads_are_bounded_and_a_dry_run_reads_no_secret() {
    let e = env(System::Atlas);
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let sparse = sparse.to_str().unwrap();
    let update = |file: &str| {
        let mut c = cli();
        c.env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
            .env("MONGODB_ATLAS_PUBLIC_API_KEY", defaults::OWNER.public_key)
            .args(["--api-version", newest(), "--private-key-file", file]);
        c
    };
    for file in ["/dev/zero", sparse] {
        let out = run(
            update(file),
            &["org-key", "update", ORG, KEY, "--desc", "x"],
        );
        expect_failure(&out, 4, "larger than the 4 KiB limit");
        let out = run(atlas(&e), &["apply", file]);
        expect_failure(&out, 2, "larger than the 8 MiB limit");
        // A dry run needs no key, and reads none.
        let out = run(
            update(file),
            &["--dry-run", "org-key", "update", ORG, KEY, "--desc", "x"],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    assert_eq!(e.emulator.counters().exchanges, 0);
}

#[test]
fn strict_is_refused_where_it_cannot_be_told() {
    for system in [System::CloudManager, System::OpsManager] {
        let e = env(system);
        let mut c = cli();
        digest(&mut c, &e);
        c.env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url());
        let name = match system {
            System::CloudManager => "cloud-manager",
            _ => "ops-manager",
        };
        let out = sh(
            c,
            &format!(
                "--system {name} project-key assign {PROJECT} {KEY} --role GROUP_READ_ONLY --strict"
            ),
        );
        expect_failure(&out, 2, "--strict");
        assert_eq!(e.emulator.counters().exchanges, 0);
    }
}

/// The profile's `output` chooses the format when `-o` does not; a value
/// this tool does not print is refused by name.
#[test]
fn the_profiles_output_is_honoured() {
    let e = env(System::Atlas);
    for (output, code, needle) in [
        ("plaintext", 0, "result"),
        ("json", 0, "{\"desc\""),
        ("yaml", 2, "the profile's output"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("atlascli")).unwrap();
        std::fs::write(
            dir.path().join("atlascli/config.toml"),
            format!("[default]\noutput = \"{output}\"\n"),
        )
        .unwrap();
        let mut c = atlas(&e);
        c.env("XDG_CONFIG_HOME", dir.path());
        let out = run(c, &["org-key", "update", ORG, KEY, "--desc", "x"]);
        assert_eq!(out.code, code, "{output}: {}", out.stderr);
        let shown = format!("{}{}", out.stdout, out.stderr);
        assert!(shown.contains(needle), "{output}: {shown}");
        if output == "plaintext" {
            assert!(!out.stdout.trim_start().starts_with('{'), "{}", out.stdout);
        }
    }
}
