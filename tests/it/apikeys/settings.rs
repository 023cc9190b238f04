//! Settings from the environment and the Atlas CLI profile: credentials come
//! from one place as a unit, a profile's odd values are refused by name, and
//! a configuration that cannot be read matters only when it must be read.

use std::collections::HashMap;

use atlas_apikeys::client::{Credentials, System};
use atlas_apikeys::settings::{Env, Settings, vars};

/// An environment made of a table.
struct Table(HashMap<&'static str, String>);

impl Env for Table {
    fn var(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// An environment whose configuration directory holds `config`.
fn with_config(config: &str, vars: &[(&'static str, &str)]) -> (tempfile::TempDir, Table) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("atlascli")).unwrap();
    std::fs::write(dir.path().join("atlascli/config.toml"), config).unwrap();
    let mut table: HashMap<&'static str, String> =
        vars.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    table.insert("XDG_CONFIG_HOME", dir.path().display().to_string());
    (dir, Table(table))
}

/// Why no credentials could be had in `env`.
fn credentials_error(env: &Table) -> String {
    Settings::load(env, None)
        .unwrap()
        .credentials_for(System::Atlas)
        .unwrap_err()
        .to_string()
}

const PROFILE_SA: &str =
    "[default]\nclient_id = \"mdb_sa_id_profile\"\nclient_secret = \"mdb_sa_sk_profile\"\n";

#[test]
fn an_api_key_in_the_environment_beats_a_service_account_in_the_profile() {
    let (_dir, env) = with_config(
        PROFILE_SA,
        &[
            (vars::PUBLIC_API_KEY[0], "envpubky"),
            (
                vars::PRIVATE_API_KEY[0],
                "6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f",
            ),
        ],
    );
    let settings = Settings::load(&env, None).unwrap();
    let chosen = settings.credentials_for(System::Atlas).unwrap();
    assert!(
        matches!(chosen, Credentials::ApiKey { ref public_key, .. } if public_key == "envpubky"),
        "{chosen:?}"
    );
    // Both secrets are known, to be withheld from output.
    let secrets: Vec<&str> = settings.secrets().collect();
    assert!(secrets.contains(&"mdb_sa_sk_profile"), "{secrets:?}");
    // Without the environment's, the profile's are used.
    let (_dir, env) = with_config(PROFILE_SA, &[]);
    let chosen = Settings::load(&env, None)
        .unwrap()
        .credentials_for(System::Atlas)
        .unwrap();
    assert!(
        matches!(chosen, Credentials::ServiceAccount { .. }),
        "{chosen:?}"
    );
}

/// Ops Manager takes API keys only: a service account in the environment
/// does not set aside the profile's API key there.
#[test]
fn only_credentials_the_system_takes_set_the_profiles_aside() {
    let (_dir, env) = with_config(
        "[default]\npublic_api_key = \"profpubk\"\nprivate_api_key = \"6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f\"\n",
        &[
            (vars::CLIENT_ID, "mdb_sa_id_env"),
            (vars::CLIENT_SECRET, "mdb_sa_sk_env"),
        ],
    );
    let settings = Settings::load(&env, None).unwrap();
    let om = settings.credentials_for(System::OpsManager).unwrap();
    assert!(
        matches!(om, Credentials::ApiKey { ref public_key, .. } if public_key == "profpubk"),
        "{om:?}"
    );
    let atlas = settings.credentials_for(System::Atlas).unwrap();
    assert!(
        matches!(atlas, Credentials::ServiceAccount { .. }),
        "{atlas:?}"
    );
}

#[test]
fn a_date_may_be_a_number_and_other_odd_values_are_refused_by_name() {
    let (_dir, env) = with_config(
        "[default]\napi_version = 20250219\noutput = \"json\"\n",
        &[],
    );
    let settings = Settings::load(&env, None).unwrap();
    assert_eq!(settings.api_version.as_deref(), Some("2025-02-19"));
    assert_eq!(settings.output.as_deref(), Some("json"));
    for odd in ["api_version = 2025", "org_id = 5", "api_version = true"] {
        let (_dir, env) = with_config(&format!("[p]\n{odd}\n"), &[]);
        let e = Settings::load(&env, Some("p")).unwrap_err().to_string();
        let key = odd.split(' ').next().unwrap();
        assert!(e.contains(&format!("{key} must be a string")), "{odd}: {e}");
    }
}

#[test]
fn a_malformed_configuration_matters_only_when_read_and_names_its_line() {
    let broken = "[default]\norg_id = \"aaaaaaaaaaaaaaaaaaaaaaaa\"\nthis is not toml\n";
    let env_key = [
        (vars::PUBLIC_API_KEY[0], "envpubky"),
        (
            vars::PRIVATE_API_KEY[0],
            "6c6d7a5e-1b7c-4d2b-9a55-1a2b3c4d5e6f",
        ),
    ];
    // Everything from the environment: the file is never needed.
    let (_dir, env) = with_config(broken, &env_key);
    let settings = Settings::load(&env, None).unwrap();
    assert!(settings.credentials_for(System::Atlas).is_ok());
    // Said, since its other settings are not used either.
    assert!(
        settings
            .profile_error()
            .is_some_and(|e| e.contains("line 3"))
    );
    // Credentials must come from it: the error says why, with the line.
    let (_dir, env) = with_config(broken, &[]);
    let e = credentials_error(&env);
    assert!(e.contains("line 3"), "{e}");
    // A profile named on purpose fails at once.
    let (_dir, env) = with_config(broken, &env_key);
    let e = Settings::load(&env, Some("default"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 3"), "{e}");
}

#[test]
fn a_profile_without_credentials_is_named() {
    let (_dir, env) = with_config("[default]\norg_id = \"aaaaaaaaaaaaaaaaaaaaaaaa\"\n", &[]);
    let e = credentials_error(&env);
    assert!(e.contains("profile \"default\""), "{e}");
    assert!(e.contains("holds none"), "{e}");
}
