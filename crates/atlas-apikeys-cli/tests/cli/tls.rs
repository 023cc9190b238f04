//! Over TLS behind a private CA, on every system: the command trusts the CA
//! given by `--ca-cert`, `MONGODB_ATLAS_CA_CERTIFICATE` or the profile's
//! `ops_manager_ca_certificate`, and without one says which option fixes
//! the certificate error.

use super::*;

use atlas_apikeys_emulator::tls::TlsConfig;

#[test]
fn every_system_over_tls_with_the_ca_from_a_flag_the_environment_or_the_profile() {
    let generated = TlsConfig::generated().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &generated.ca_pem).unwrap();
    let ca_path = ca.display().to_string();
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let e = env_with(Config {
            system,
            tls: Some(generated.server.clone()),
            ..Config::default()
        });
        let what = system.as_str();
        assert!(e.emulator.url().starts_with("https://"));
        let base = || {
            let mut c = cli();
            digest(&mut c, &e);
            c.env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url())
                .env("XDG_CONFIG_HOME", dir.path())
                .args(["--system", system.as_str()]);
            c
        };
        let describe = format!("org-key describe {ORG} {KEY}");
        // Not trusted: a transport failure that names the fix.
        let out = sh(base(), &describe);
        assert_eq!(out.code, 4, "{what}: {}", out.stderr);
        says(
            &out.stderr,
            &["certificate", "--ca-cert", "MONGODB_ATLAS_CA_CERTIFICATE"],
            &[],
        );
        // The flag.
        let out = sh(base(), &format!("--ca-cert {ca_path} {describe}"));
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        // The environment.
        let mut c = base();
        c.env("MONGODB_ATLAS_CA_CERTIFICATE", &ca);
        let out = sh(c, &describe);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
    }
    // The profile, as mongocli writes it; and its skip_verify, loopback only.
    let e = env_with(Config {
        system: System::OpsManager,
        tls: Some(generated.server.clone()),
        ..Config::default()
    });
    let atlascli = dir.path().join("atlascli");
    std::fs::create_dir_all(&atlascli).unwrap();
    for (profile, ok) in [
        (format!("ops_manager_ca_certificate = {ca_path:?}"), true),
        ("ops_manager_skip_verify = \"true\"".to_owned(), true),
        (String::new(), false),
    ] {
        std::fs::write(
            atlascli.join("config.toml"),
            format!(
                "[default]\nservice = \"ops-manager\"\nops_manager_url = {:?}\npublic_api_key = {:?}\nprivate_api_key = {:?}\n{profile}\n",
                e.emulator.url(),
                defaults::OWNER.public_key,
                defaults::OWNER.private_key
            ),
        )
        .unwrap();
        let mut c = cli();
        c.env("XDG_CONFIG_HOME", dir.path());
        let out = sh(c, &format!("org-key describe {ORG} {KEY}"));
        assert_eq!(out.code == 0, ok, "{profile}: {}", out.stderr);
    }
}
