//! Behind a proxy, as corporate networks run: `HTTP_PROXY` and
//! `HTTPS_PROXY` carry the command's requests (HTTPS through a `CONNECT`
//! tunnel), and `NO_PROXY` sends a host around them.

use super::*;

use atlas_apikeys_emulator::proxy::ForwardProxy;
use atlas_apikeys_emulator::tls::TlsConfig;

#[test]
fn the_environments_proxies_carry_the_requests_and_no_proxy_bypasses_them() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let proxy = runtime.block_on(ForwardProxy::start()).unwrap();
    let describe = format!("org-key describe {ORG} {KEY}");

    // Plain HTTP through HTTP_PROXY; around it with NO_PROXY.
    let e = env(System::Atlas);
    let mut c = atlas(&e);
    c.env("HTTP_PROXY", proxy.url());
    let out = sh(c, &describe);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let through = proxy.requests();
    assert!(through >= 1, "{through}");
    let mut c = atlas(&e);
    c.env("HTTP_PROXY", proxy.url())
        .env("NO_PROXY", "127.0.0.1");
    let out = sh(c, &describe);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(proxy.requests(), through, "NO_PROXY goes around it");

    // HTTPS through HTTPS_PROXY's tunnel, the private CA trusted.
    let generated = TlsConfig::generated().unwrap();
    let e = env_with(Config {
        tls: Some(generated.server.clone()),
        ..Config::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &generated.ca_pem).unwrap();
    let mut c = atlas(&e);
    c.env("HTTPS_PROXY", proxy.url());
    let out = sh(c, &format!("--ca-cert {} {describe}", ca.display()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(proxy.tunnels() >= 1);
}
