//! Authentication and transport against the emulator (strict digest, OAuth
//! tokens, scripted answers after authentication): exchanges per call, concurrency, nonce
//! rotation, wrong credentials, token single flight and expiry, retries and
//! their limits, headers the server uses to talk back.

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_apikeys::client::{AuthError, RetryPolicy};
use atlas_apikeys::{ApiKeys, ApiKeysBuilder, Description, Error, OrgKeyUpdate};
use atlas_apikeys_emulator::Reply;
use atlas_apikeys_emulator::digest::Algorithm;
use atlas_apikeys_emulator::{Config, Emulator, defaults};
use atlas_apikeys_tests::assert_waited;
use serde_json::json;

const PUBLIC: &str = defaults::OWNER.public_key;

const PRIVATE: &str = defaults::OWNER.private_key;

const CLIENT_ID: &str = defaults::SERVICE_ACCOUNT.client_id;

const CLIENT_SECRET: &str = defaults::SERVICE_ACCOUNT.client_secret;

/// The emulator, on a free loopback port.
pub(crate) async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// The default configuration without rate limits: for the tests that
/// load the transport harder than Atlas's buckets allow, to show what
/// concurrency does to authentication.
pub(crate) fn unlimited() -> Config {
    Config {
        rate_limits: Vec::new(),
        ..Config::default()
    }
}

/// The default configuration with its digest settings changed.
pub(crate) fn with_digest(
    change: impl FnOnce(&mut atlas_apikeys_emulator::digest::DigestConfig),
) -> Config {
    let mut config = Config::default();
    change(&mut config.digest);
    config
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .max_retry_after(Duration::from_millis(300))
}

/// A client of `server`, set up by `with` (credentials, policy).
fn client_of(server: &Emulator, with: impl FnOnce(ApiKeysBuilder) -> ApiKeysBuilder) -> ApiKeys {
    with(ApiKeys::builder().base_url(server.url()))
        .build()
        .expect("client")
}

fn digest(server: &Emulator) -> ApiKeys {
    client_of(server, |b| b.api_key(PUBLIC, PRIVATE).retry(fast_retries()))
}

fn service_account(server: &Emulator) -> ApiKeys {
    client_of(server, |b| {
        b.service_account(CLIENT_ID, CLIENT_SECRET)
            .retry(fast_retries())
    })
}

/// The default emulator and a client of it that has made one call, so
/// digest holds a nonce and a service account a token.
async fn warmed(client: fn(&Emulator) -> ApiKeys) -> (Emulator, ApiKeys) {
    let server = start(unlimited()).await;
    let keys = client(&server);
    update(&keys).await.expect("first call");
    (server, keys)
}

/// Updates the example key's description: the call most tests need one of.
pub(crate) async fn update(keys: &ApiKeys) -> Result<atlas_apikeys::ApiKey, Error> {
    let (org, _, key) = crate::lifecycle::ids();
    keys.update_org_key(
        &org,
        &key,
        &OrgKeyUpdate::new().description(Description::new("rotated").unwrap()),
    )
    .await
}

fn httpdate(at: std::time::SystemTime) -> String {
    // IMF-fixdate, as servers send it.
    let secs = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let days = secs / 86_400;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(month - 1) as usize];
    format!("{weekday}, {d:02} {name} {year} {h:02}:{m:02}:{s:02} GMT")
}

/// A server that closes the first `drops` connections without answering,
/// then answers every request with the key.
async fn flaky_server(drops: usize) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                if n < drops {
                    return; // reset: close without a response
                }
                let body = defaults::key_json().to_string();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (url, seen)
}

/// Captures formatted tracing output at TRACE level.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

/// `n` concurrent [`update`]s on clones of one client; every result.
pub(crate) async fn concurrent_updates(
    keys: &ApiKeys,
    n: usize,
) -> Vec<Result<atlas_apikeys::ApiKey, Error>> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let keys = keys.clone();
            tokio::spawn(async move { update(&keys).await })
        })
        .collect();
    let mut out = Vec::new();
    for call in calls {
        out.push(call.await.expect("the task runs to the end"));
    }
    out
}

/// The organization-key update sent `times` times through the client crate
/// built from `config` (`KeyOperations::call`, which codegen gives every
/// generated client): each call's result, and what it did.
pub(crate) async fn observed_updates(
    config: atlas_apikeys::client::ClientConfig,
    times: usize,
) -> Vec<(
    Result<(), atlas_apikeys::client::CallError>,
    atlas_apikeys::client::CallRecord,
)> {
    use atlas_apikeys::client::operations::Request;
    use atlas_apikeys::client::{Op, newest_atlas as api};
    let ops = (api::API_VERSION.connect)(config).unwrap();
    let mut out = Vec::new();
    for _ in 0..times {
        let request = Request {
            org: Some(&defaults::ORG.parse().unwrap()),
            key: Some(&defaults::TARGET.id.parse().unwrap()),
            desc: Some("x"),
            ..Request::default()
        };
        let (result, record) = ops.call(Op::UpdateOrgKey, request).await;
        out.push((result.map(|_| ()), record));
    }
    out
}

mod digest;
mod oauth;
mod pacing;
mod reporting;
mod retries;
