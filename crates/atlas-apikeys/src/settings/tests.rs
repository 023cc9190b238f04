//! Settings from a test's table of variables and a profile file.
#![cfg(test)]

use super::*;
use std::collections::HashMap;

struct Table(HashMap<&'static str, &'static str>);
impl Env for Table {
    fn var(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

#[test]
fn environment_values_are_trimmed_and_win_over_the_profile() {
    let xdg = config_home(
        "settings",
        "[default]\norg_id = \"aaaaaaaaaaaaaaaaaaaaaaaa\"\nproject_id = \"bbbbbbbbbbbbbbbbbbbbbbbb\"\npublic_api_key = \"profpub1\"\n",
    );
    let env = Table(HashMap::from([
        ("XDG_CONFIG_HOME", xdg),
        (vars::ORG_ID, " cccccccccccccccccccccccc \n"),
    ]));
    let s = Settings::load(&env, None).unwrap();
    assert_eq!(s.org_id.as_deref(), Some("cccccccccccccccccccccccc"));
    assert_eq!(s.project_id.as_deref(), Some("bbbbbbbbbbbbbbbbbbbbbbbb"));
    // The profile names a key whose secret lives in the keychain.
    let e = s.credentials_for(System::Atlas).unwrap_err().to_string();
    assert!(e.contains("a public key is set but no private key"), "{e}");
    assert!(e.contains("keychain"), "{e}");
    let env = Table(HashMap::from([
        ("XDG_CONFIG_HOME", xdg),
        (vars::PUBLIC_API_KEY[0], "envpub12"),
        (
            vars::PRIVATE_API_KEY[0],
            "  6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f \n",
        ),
    ]));
    let s = Settings::load(&env, None).unwrap();
    assert!(s.credentials_for(System::Atlas).is_ok());
    std::fs::remove_dir_all(xdg).ok();
}

#[test]
fn ops_manager_reads_its_own_url() {
    let env = Table(HashMap::from([
        (vars::BASE_URL, "https://cloud.example"),
        (vars::OPS_MANAGER_URL, "https://om.example:8443"),
    ]));
    let s = Settings::load(&env, None).unwrap();
    assert_eq!(
        s.base_url_for(System::OpsManager).as_deref(),
        Some("https://om.example:8443")
    );
    assert_eq!(
        s.base_url_for(System::Atlas).as_deref(),
        Some("https://cloud.example")
    );
}

#[test]
fn from_settings_builds_the_system_and_version_they_name() {
    let with_version = |version| {
        let env = Table(HashMap::from([
            (vars::PUBLIC_API_KEY[0], "envpub12"),
            (
                vars::PRIVATE_API_KEY[0],
                "6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f",
            ),
            (vars::API_VERSION, version),
        ]));
        crate::ApiKeys::from_settings(&Settings::load(&env, None).unwrap())
    };
    let keys = with_version("2099-01-01").unwrap();
    assert_eq!(keys.version(), crate::latest_atlas_version());
    let none = Table(HashMap::new());
    let e = crate::ApiKeys::from_settings(&Settings::load(&none, None).unwrap()).unwrap_err();
    assert!(e.to_string().contains("no credentials"), "{e}");
    let e = with_version("soon").unwrap_err();
    assert!(e.to_string().contains(vars::API_VERSION), "{e}");
}

/// A keychain of `(service, account) -> value`, keeping what was asked.
#[derive(Default)]
struct Stored(
    HashMap<(String, String), String>,
    std::cell::RefCell<Vec<String>>,
);
impl Keychain for Stored {
    fn read(
        &self,
        profile: &str,
        properties: &[&str],
    ) -> Result<Vec<Option<SecretString>>, keychain::KeychainError> {
        let service = format!("{}{profile}", keychain::SERVICE_PREFIX);
        let asked = properties.iter().map(|p| format!("{service}/{p}"));
        self.1.borrow_mut().extend(asked);
        Ok(properties
            .iter()
            .map(|p| self.0.get(&(service.clone(), p.to_string())))
            .map(|v| v.map(|v| SecretString::from(v.clone())))
            .collect())
    }
}

impl Stored {
    fn with(entries: &[(&str, &str, &str)]) -> Self {
        let entries = entries.iter().map(|(service, account, value)| {
            (((*service).into(), (*account).into()), (*value).into())
        });
        Stored(entries.collect(), Default::default())
    }

    /// The reads since the last call.
    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut self.1.borrow_mut())
    }
}

/// A keychain that cannot be reached.
struct Broken;
impl Keychain for Broken {
    fn read(
        &self,
        _: &str,
        _: &[&str],
    ) -> Result<Vec<Option<SecretString>>, keychain::KeychainError> {
        Err(keychain::KeychainError::Unavailable(
            "no session bus".into(),
        ))
    }
}

/// `XDG_CONFIG_HOME` for a config.toml of `text`.
fn config_home(tag: &str, text: &str) -> &'static str {
    let dir = std::env::temp_dir().join(format!("apikeys-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("atlascli")).unwrap();
    std::fs::write(dir.join("atlascli/config.toml"), text).unwrap();
    Box::leak(dir.display().to_string().into_boxed_str())
}

/// Settings for profile `profile`, after reading `keychain` for `system`.
fn read(env: &Table, profile: &str, keychain: &dyn Keychain, system: System) -> Settings {
    let mut s = Settings::load(env, Some(profile)).unwrap();
    s.read_keychain(keychain, system);
    s
}

const KEYCHAIN_PRIVATE: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

#[test]
fn a_profile_without_its_secrets_reads_them_from_the_keychain_first() {
    // As the Atlas CLI leaves a profile once its secrets moved: the file
    // names the kind of credential, and the keychain holds it.
    let xdg = config_home(
        "keychain",
        "[ci]\nservice = \"cloud\"\nauth_type = \"api_keys\"\n[partial]\npublic_api_key = \"filepub1\"\n[whole]\npublic_api_key = \"filepub2\"\nprivate_api_key = \"6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f\"\n[human]\nauth_type = \"user_account\"\n",
    );
    let env = Table(HashMap::from([("XDG_CONFIG_HOME", xdg)]));
    let mut entries = Vec::new();
    for service in ["atlascli_ci", "atlascli_partial", "atlascli_whole"] {
        entries.push((service, "public_api_key", " chainpub \n"));
        entries.push((service, "private_api_key", KEYCHAIN_PRIVATE));
        entries.push((service, "client_id", "  "));
    }
    let stored = Stored::with(&entries);
    let s = read(&env, "ci", &stored, System::Atlas);
    assert!(s.credentials_for(System::Atlas).is_ok());
    assert_eq!(s.public_key(), Some("chainpub"), "trimmed");
    assert!(
        s.secrets().any(|v| v == KEYCHAIN_PRIVATE),
        "withheld from output"
    );
    // Only what the profile's auth_type names is asked for.
    let asked = ["atlascli_ci/public_api_key", "atlascli_ci/private_api_key"];
    assert_eq!(stored.asked(), asked);
    // What the keychain holds wins over the file's half; a blank value is none.
    let s = read(&env, "partial", &stored, System::Atlas);
    assert_eq!((s.public_key(), s.client_id()), (Some("chainpub"), None));
    assert_eq!(stored.asked().len(), 4, "no auth_type: every kind");
    // Not asked: a file that holds a whole key, a user account's profile,
    // or settings never told to.
    let s = read(&env, "whole", &stored, System::Atlas);
    assert_eq!(s.public_key(), Some("filepub2"));
    read(&env, "human", &stored, System::Atlas);
    assert!(stored.asked().is_empty());
    // The environment wins over both, and spares the keychain a read (and
    // a desktop its prompt), even when it holds only half a key.
    for private in [Some(KEYCHAIN_PRIVATE), None] {
        let mut vars = HashMap::from([
            ("XDG_CONFIG_HOME", xdg),
            (vars::PUBLIC_API_KEY[0], "envpub12"),
        ]);
        vars.extend(private.map(|p| (vars::PRIVATE_API_KEY[0], p)));
        let s = read(&Table(vars), "ci", &stored, System::Atlas);
        assert_eq!(s.public_key(), Some("envpub12"));
        assert!(stored.asked().is_empty());
    }
    // A service account in the environment does not set aside an API key
    // for Ops Manager, which takes none.
    let env = Table(HashMap::from([
        ("XDG_CONFIG_HOME", xdg),
        (vars::CLIENT_ID, "mdb_sa_id_env"),
        (vars::CLIENT_SECRET, "mdb_sa_sk_env"),
    ]));
    let s = read(&env, "ci", &stored, System::OpsManager);
    assert!(s.credentials_for(System::OpsManager).is_ok());
}

#[test]
fn a_keychain_that_fails_or_lacks_the_secret_says_which() {
    let xdg = config_home(
        "keychain-fails",
        "[ci]\nservice = \"cloud\"\nauth_type = \"service_account\"\n",
    );
    let env = Table(HashMap::from([("XDG_CONFIG_HOME", xdg)]));
    let message = |keychain: &dyn Keychain| {
        let s = read(&env, "ci", keychain, System::Atlas);
        s.credentials_for(System::Atlas).unwrap_err().to_string()
    };
    let e = message(&Broken);
    assert!(e.contains("could not be read (no session bus)"), "{e}");
    assert!(e.contains(vars::CLIENT_ID), "{e}");
    let e = message(&keychain::NoKeychain);
    assert!(e.contains("does not read"), "{e}");
    let e = message(&Stored::default());
    assert!(
        e.contains("holds none of them (service atlascli_ci)"),
        "{e}"
    );
    // Half a service account: the secret is named, never quoted.
    let half = Stored::with(&[("atlascli_ci", "client_secret", "mdb_sa_sk_kept")]);
    let e = message(&half);
    assert!(e.contains("not whole"), "{e}");
    assert!(!e.contains("mdb_sa_sk_kept"), "{e}");
    // Settings never told to read it say so.
    let s = Settings::load(&env, Some("ci")).unwrap();
    let e = s.credentials_for(System::Atlas).unwrap_err().to_string();
    assert!(e.contains("which was not read"), "{e}");
    // Half a key in the environment sets the profile aside, and says so.
    let env = Table(HashMap::from([
        ("XDG_CONFIG_HOME", xdg),
        (
            vars::PRIVATE_API_KEY[0],
            "6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f",
        ),
    ]));
    let e = read(&env, "ci", &Stored::default(), System::Atlas)
        .credentials_for(System::Atlas)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not read since the environment sets"), "{e}");
}

#[test]
fn a_ca_certificate_is_read_within_its_limit_and_named_by_its_source() {
    let dir = config_home("ca", "[default]\n");
    let pem = format!("{dir}/ca.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").unwrap();
    let big = format!("{dir}/big.pem");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(CA_CERT_BYTES + 1).unwrap();
    let with = |path: &str| {
        let path: &'static str = Box::leak(path.to_owned().into_boxed_str());
        let env = Table(HashMap::from([(vars::CA_CERTIFICATE, path)]));
        Settings::load(&env, None).unwrap().ca_certificate_pem()
    };
    assert!(with(&pem).unwrap().unwrap().starts_with("-----BEGIN"));
    let e = with(&big).unwrap_err().to_string();
    assert!(
        e.contains(vars::CA_CERTIFICATE) && e.contains("1024 KiB limit"),
        "{e}"
    );
    let e = with(&format!("{dir}/missing.pem")).unwrap_err().to_string();
    assert!(e.contains("missing.pem"), "{e}");
    assert_eq!(Settings::default().ca_certificate_pem().unwrap(), None);
}
