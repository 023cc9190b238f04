//! Digest interoperability with independent implementations, both ways:
//! curl and Python's urllib (widely used clients) against this project's
//! verifying server, and this project's client against lighttpd's
//! `mod_auth` (a widely used server).
//!
//! The lighttpd tests need the `lighttpd` binary: they are ignored by the
//! default test command and run by `.ci/run` after installing it
//! (`apt-get install lighttpd`), with
//! `cargo test -p atlas-apikeys-tests --test it -- --ignored interop::`.

use std::net::TcpListener as StdListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use atlas_apikeys::client::operations::{Answer, Request};
use atlas_apikeys::client::{
    CallError, ClientConfig, Credentials, KeyOperations, Op, RetryPolicy, newest_atlas as api,
};
use atlas_apikeys_emulator::digest::Algorithm;
use atlas_apikeys_emulator::{Config, defaults};

use crate::transport::{start, with_digest};
use atlas_apikeys_emulator::Emulator;
use atlas_apikeys_tests::vouching_emulator;

const PUBLIC: &str = "zmmrboas";
const PRIVATE: &str = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d";
const PATH: &str = "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/apiKeys/5d1113b25a115342acc2d1aa";

async fn run(mut command: Command) -> (bool, String) {
    tokio::task::spawn_blocking(move || {
        let out = command.output().expect("run command");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_authenticates_against_the_verifying_server() {
    for algorithms in [vec![Algorithm::Md5], vec![Algorithm::Sha256]] {
        let server = start(with_digest(|d| d.algorithms = algorithms.clone())).await;
        let mut curl = Command::new("curl");
        curl.args([
            "--silent",
            "--show-error",
            "--fail",
            "--digest",
            "--user",
            &format!("{PUBLIC}:{PRIVATE}"),
        ])
        .args([
            "--request",
            "PATCH",
            "--header",
            "Accept: application/vnd.atlas.2023-01-01+json",
        ])
        .args([
            "--header",
            "Content-Type: application/vnd.atlas.2023-01-01+json",
            "--data",
            r#"{"desc":"from curl"}"#,
        ])
        .arg(format!("{}{PATH}?pretty=true", server.url()));
        let (ok, output) = run(curl).await;
        assert!(ok, "{algorithms:?}: {output}");
        let answered: serde_json::Value = serde_json::from_str(&output).expect("JSON");
        assert_eq!(answered["desc"], "from curl", "{output}");
        let c = server.counters();
        assert_eq!((c.challenges, c.authenticated), (1, 1), "{algorithms:?}");

        let mut wrong = Command::new("curl");
        wrong
            .args([
                "--silent",
                "--output",
                "/dev/null",
                "--write-out",
                "%{http_code}",
                "--request",
                "PATCH",
                "--digest",
                "--user",
                &format!("{PUBLIC}:wrong"),
            ])
            .arg(format!("{}{PATH}", server.url()));
        assert_eq!(run(wrong).await.1, "401");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_urllib_authenticates_against_the_verifying_server() {
    let server = start(Config::default()).await;
    let script = r#"
import sys, urllib.request
url, user, password = sys.argv[1:4]
manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
manager.add_password(None, url, user, password)
opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(manager))
request = urllib.request.Request(url, data=b'{"desc":"from urllib"}', method="PATCH",
    headers={"Content-Type": "application/vnd.atlas.2023-01-01+json",
             "Accept": "application/vnd.atlas.2023-01-01+json"})
with opener.open(request) as response:
    print(response.status, response.read().decode())
"#;
    let mut python = Command::new("python3");
    python.args([
        "-c",
        script,
        &format!("{}{PATH}", server.url()),
        PUBLIC,
        PRIVATE,
    ]);
    let (ok, output) = run(python).await;
    assert!(ok, "{output}");
    assert!(output.starts_with("200 "), "{output}");
    assert_eq!(server.counters().authenticated, 1);
}

/// lighttpd authenticating with `mod_auth` (htdigest file) in front of a
/// capture server, on a free loopback port.
struct Lighttpd {
    url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Lighttpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn lighttpd(algorithms: &str, backend: &Emulator) -> Lighttpd {
    use md5::Digest as _;
    let dir = tempfile::tempdir().unwrap();
    let realm = "MMS Public API";
    let a1 = format!("{PUBLIC}:{realm}:{PRIVATE}");
    let htdigest = format!(
        "{PUBLIC}:{realm}:{}\n{PUBLIC}:{realm}:{}\n",
        hex(&md5::Md5::digest(a1.as_bytes())),
        hex(&sha2::Sha256::digest(a1.as_bytes()))
    );
    std::fs::write(dir.path().join("htdigest"), htdigest).unwrap();
    let port = StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let backend_port = backend.addr().port();
    let conf = format!(
        r#"server.document-root = "{root}"
server.port = {port}
server.bind = "127.0.0.1"
server.modules = ("mod_auth", "mod_authn_file", "mod_proxy")
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "{root}/htdigest"
auth.require = ("/" => ("method" => "digest", "realm" => "{realm}", "require" => "valid-user", "algorithm" => "{algorithms}"))
proxy.server = ("" => (("host" => "127.0.0.1", "port" => {backend_port})))
"#,
        root = dir.path().display()
    );
    let conf_path = dir.path().join("lighttpd.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let child = Command::new("lighttpd")
        .arg("-D")
        .arg("-f")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lighttpd is installed (apt-get install lighttpd)");
    // The guard kills and reaps lighttpd on every path, panics included.
    let server = Lighttpd {
        url: format!("http://127.0.0.1:{port}"),
        child,
        _dir: dir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("lighttpd did not start on port {port}");
}

/// One organization-key update through `client` (the client crate's
/// `KeyOperations::call`): the answered key's public key, or the error, and
/// what the call did.
async fn observed_update(
    client: &dyn KeyOperations,
    desc: &str,
) -> (
    Result<Option<String>, CallError>,
    atlas_apikeys::client::CallRecord,
) {
    let request = Request {
        org: Some(&defaults::ORG.parse().unwrap()),
        key: Some(&defaults::TARGET.id.parse().unwrap()),
        desc: Some(desc),
        ..Request::default()
    };
    let (result, record) = client.call(Op::UpdateOrgKey, request).await;
    let result = result.map(|answer| match answer {
        Answer::Key(key) => key.public_key,
        other => panic!("not a key: {other:?}"),
    });
    (result, record)
}

fn client(url: &str, private: &str) -> Box<dyn KeyOperations> {
    (api::API_VERSION.connect)(
        ClientConfig::new()
            .base_url(url)
            .credentials(Credentials::api_key(PUBLIC, private))
            .retry(RetryPolicy::none()),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs lighttpd; .ci/run installs it and runs these"]
async fn the_client_authenticates_against_lighttpd_with_one_exchange_per_call() {
    for algorithms in ["MD5", "SHA-256", "MD5|SHA-256"] {
        let backend = vouching_emulator().await;
        let server = lighttpd(algorithms, &backend).await;
        let client = client(&server.url, PRIVATE);
        let client = client.as_ref();
        let mut exchanges = Vec::new();
        for i in 0..20 {
            let (public_key, record) =
                observed_update(client, &format!("through lighttpd {i}")).await;
            let public_key = public_key.unwrap_or_else(|e| panic!("{algorithms}: {e}"));
            let key = backend.api_key(defaults::TARGET.id).expect("seeded key");
            assert_eq!(public_key, Some(key.public_key));
            assert_eq!(key.description, format!("through lighttpd {i}"));
            exchanges.push(record.exchanges);
        }
        assert_eq!(exchanges[0], 2, "{algorithms}: challenge, then the answer");
        assert!(
            exchanges[1..].iter().all(|&n| n == 1),
            "{algorithms}: nonce reuse: {exchanges:?}"
        );
        // lighttpd authenticated each call once and passed it on.
        let seen = backend.take_seen();
        assert_eq!(seen.len(), 20);
        assert!(seen.iter().all(|s| s.authenticated));
        assert_eq!(
            seen[0].json().expect("JSON body"),
            serde_json::json!({ "desc": "through lighttpd 0" })
        );
        assert!(seen[0].header("authorization").is_some_and(|a| a.contains(
            if algorithms == "MD5" {
                "algorithm=MD5"
            } else {
                "algorithm=SHA-256"
            }
        )));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs lighttpd; .ci/run installs it and runs these"]
async fn lighttpd_refusing_the_credentials_is_a_typed_error() {
    let backend = vouching_emulator().await;
    let server = lighttpd("MD5", &backend).await;
    let client = client(&server.url, "not-the-private-key");
    let (result, record) = observed_update(client.as_ref(), "x").await;
    assert!(
        matches!(
            result,
            Err(CallError::Auth(
                atlas_apikeys::client::AuthError::Rejected { .. }
            ))
        ),
        "{result:?}"
    );
    assert_eq!(record.exchanges, 2);
    assert!(backend.take_seen().is_empty());
}
