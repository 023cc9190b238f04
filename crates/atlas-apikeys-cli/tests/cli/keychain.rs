//! A profile's secrets in the OS keychain, where newer Atlas CLI versions
//! keep them: a Secret Service (gnome-keyring) on a D-Bus session bus that
//! the test starts, written by an independent client (libsecret's
//! `secret-tool`) in go-keyring's layout: service `atlascli_<profile>`,
//! one entry per property. Ignored by default, as it needs `dbus-daemon`,
//! `gnome-keyring-daemon` and `secret-tool`; `.ci/run` installs them and
//! runs it.

use std::io::{BufRead, Write};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::*;

/// A session bus and a Secret Service on it, both this test's own.
struct SecretService {
    _dir: tempfile::TempDir,
    address: String,
    children: Vec<Child>,
}

impl SecretService {
    fn start() -> SecretService {
        let dir = tempfile::tempdir().unwrap();
        let path = |p: &str| dir.path().join(p);
        for d in ["run", "data"] {
            std::fs::create_dir(path(d)).unwrap();
        }
        // A bus of its own: no service activation, so nothing but the
        // daemon started below answers for the Secret Service.
        let config = format!(
            "<busconfig><type>session</type><listen>unix:path={}</listen><policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
            path("run/bus").display()
        );
        std::fs::write(path("bus.conf"), config).unwrap();
        let mut bus = std::process::Command::new("dbus-daemon")
            .arg(format!("--config-file={}", path("bus.conf").display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian: dbus-daemon)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
        // The login keyring, created and unlocked with a password on stdin.
        let mut keyring = std::process::Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env_clear()
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", path("run"))
            .env("XDG_DATA_HOME", path("data"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian: gnome-keyring)");
        let mut stdin = keyring.stdin.take().unwrap();
        stdin.write_all(b"keychain-test").unwrap();
        drop(stdin);
        SecretService {
            _dir: dir,
            address,
            children: vec![bus, keyring],
        }
    }

    /// Stores `value` as go-keyring does for `account` of `service` (and
    /// `more` attributes), once the Secret Service answers (within ten
    /// seconds of its start).
    fn store(&self, service: &str, account: &str, value: &str, more: &[&str]) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            // Each try within ten seconds too: a prompt would never end.
            let mut tool = std::process::Command::new("timeout")
                .args(["10", "secret-tool", "store"])
                .arg(format!("--label=Password for '{account}' on '{service}'"))
                .args(["service", service, "username", account])
                .args(more)
                .env_clear()
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("secret-tool (Debian: libsecret-tools)");
            tool.stdin
                .take()
                .unwrap()
                .write_all(value.as_bytes())
                .unwrap();
            let out = tool.wait_with_output().unwrap();
            if out.status.success() {
                return;
            }
            let why = String::from_utf8_lossy(&out.stderr);
            assert!(Instant::now() < deadline, "secret-tool store: {why}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The command line with this session bus and `config`'s profiles.
    fn cli(&self, e: &Env, config: &tempfile::TempDir) -> Command {
        let mut c = cli();
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_CONFIG_HOME", config.path())
            .env("MONGODB_ATLAS_BASE_URL", e.emulator.url())
            .env("MONGODB_ATLAS_OPS_MANAGER_URL", e.emulator.url());
        c
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `org-key update` through profile `profile`.
fn update(c: Command, profile: &str, system: System) -> Out {
    let pin = match system {
        System::Atlas => format!("--api-version {} ", newest()),
        _ => String::new(),
    };
    sh(
        c,
        &format!("-P {profile} {pin}org-key update {ORG} {KEY} --desc from-keychain"),
    )
}

#[test]
#[ignore = "needs dbus-daemon, gnome-keyring-daemon and secret-tool; .ci/run installs them"]
fn keychain_secrets_are_read_as_the_atlas_cli_keeps_them() {
    let ss = SecretService::start();
    let owner = defaults::OWNER;
    let account = defaults::SERVICE_ACCOUNT;
    // As the Atlas CLI leaves profiles once their secrets moved.
    let config = habits::profile_dir(&format!(
        "[keys]\n  org_id = \"{ORG}\"\n  service = \"cloud\"\n  auth_type = \"api_keys\"\n[account]\n  org_id = \"{ORG}\"\n  service = \"cloud\"\n  auth_type = \"service_account\"\n[om]\n  org_id = \"{ORG}\"\n  service = \"ops-manager\"\n  auth_type = \"api_keys\"\n[empty]\n  service = \"cloud\"\n  auth_type = \"api_keys\"\n"
    ));
    for profile in ["atlascli_keys", "atlascli_om"] {
        ss.store(profile, "public_api_key", owner.public_key, &[]);
        ss.store(profile, "private_api_key", owner.private_key, &[]);
    }
    // A second entry that matches too (another tool's, with an attribute
    // of its own): the first is read, as go-keyring does.
    let other = ["application", "another-tool"];
    ss.store("atlascli_om", "private_api_key", owner.private_key, &other);
    ss.store("atlascli_account", "client_id", account.client_id, &[]);
    ss.store(
        "atlascli_account",
        "client_secret",
        account.client_secret,
        &[],
    );
    // A service that holds only an entry of another name holds none.
    ss.store("atlascli_empty", "unrelated", "x", &[]);

    for (profile, system) in [
        ("keys", System::Atlas),
        ("om", System::OpsManager),
        ("account", System::Atlas),
    ] {
        let e = env(system);
        let mut c = ss.cli(&e, &config);
        c.arg("--no-token-cache");
        let out = update(c, profile, system);
        assert_eq!(out.code, 0, "{profile}: {}", out.stderr);
        let said = format!("{}{}", out.stdout, out.stderr);
        says(&said, &[], &[owner.private_key, account.client_secret]);
        let used = e.emulator.counters();
        match profile {
            "account" => assert_eq!(used.token_requests, 1),
            _ => assert_eq!(used.token_requests, 0),
        }
    }

    // The keychain is read once credentials are needed: not for a dry run,
    // nor for an API key whose halves come from elsewhere; but for the
    // public half of a private key read from a file.
    let e = env(System::Atlas);
    let verbose = |extra: &str, c: Command| {
        let line = format!("-vvv {extra} -P keys org-key update {ORG} {KEY} --desc x");
        sh(c, &format!("--api-version {} {line}", newest()))
    };
    let out = verbose("", ss.cli(&e, &config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    says(
        &out.stderr,
        &["reading the OS keychain"],
        &[owner.private_key],
    );
    let out = verbose("--dry-run", ss.cli(&e, &config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    says(&out.stderr, &[], &["OS keychain"]);
    let secret = config.path().join("private-key");
    std::fs::write(&secret, owner.private_key).unwrap();
    let from_file = format!("--private-key-file {}", secret.display());
    let out = verbose(&from_file, ss.cli(&e, &config));
    assert_eq!(out.code, 0, "{}", out.stderr);
    says(
        &out.stderr,
        &["reading the OS keychain"],
        &[owner.private_key],
    );
    let mut c = ss.cli(&e, &config);
    c.env("MONGODB_ATLAS_PUBLIC_API_KEY", owner.public_key);
    let out = verbose(&from_file, c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    says(&out.stderr, &[], &["OS keychain"]);

    // Without the Secret Service, the same profile says where its secrets
    // are, that they could not be read, and what to export instead.
    let mut c = ss.cli(&e, &config);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let out = update(c, "keys", System::Atlas);
    expect_failure(&out, 4, "keychain, which could not be read");
    says(&out.stderr, &["MONGODB_ATLAS_PRIVATE_API_KEY"], &[]);
    // A keychain without the profile's entries says so.
    let out = update(ss.cli(&e, &config), "empty", System::Atlas);
    expect_failure(&out, 4, "holds none of them (service atlascli_empty)");
}
