//! Over TLS behind a private certificate authority, as Ops Manager on
//! premises runs: the emulator serves a certificate its own test CA signed;
//! a client that trusts that CA works on every system, one that does not is
//! refused with a TLS error, and skipping verification is loopback-only.

use atlas_apikeys::client::System;
use atlas_apikeys::{ApiKeys, ApiKeysBuilder, Error, TransportError};
use atlas_apikeys_emulator::tls::TlsConfig;
use atlas_apikeys_emulator::{Config, Emulator, defaults};

fn builder(system: System, url: &str) -> ApiKeysBuilder {
    crate::systems::builder(system, url).anonymous()
}

async fn describe_once(keys: &ApiKeys) -> Result<(), Error> {
    crate::transport::update(keys).await.map(|_| ())
}

#[tokio::test]
async fn every_system_over_tls_trusts_the_given_ca_and_refuses_without_it() {
    let generated = TlsConfig::generated().unwrap();
    for system in [System::Atlas, System::CloudManager, System::OpsManager] {
        let emu = Emulator::start(Config {
            system,
            tls: Some(generated.server.clone()),
            authenticated_as: Some(defaults::OWNER.public_key.into()),
            ..Config::default()
        })
        .await
        .unwrap();
        let url = emu.url();
        assert!(url.starts_with("https://"), "{url}");
        let trusted = builder(system, &url)
            .add_root_certificates_pem(generated.ca_pem.clone())
            .build()
            .unwrap();
        describe_once(&trusted).await.unwrap();
        let untrusted = builder(system, &url).build().unwrap();
        let err = describe_once(&untrusted).await.unwrap_err();
        assert!(
            matches!(err, Error::Transport(TransportError::Tls(_))),
            "{system}: {err:?}"
        );
        // Unverified, to loopback: allowed, and it works.
        let skipping = builder(system, &url)
            .danger_skip_tls_verification()
            .build()
            .unwrap();
        describe_once(&skipping).await.unwrap();
        assert_eq!(emu.counters().authenticated, 2, "{system}");
    }
}

#[test]
fn a_bundle_without_a_certificate_and_skipping_verification_off_loopback_are_refused() {
    for bad in [
        &b""[..],
        b"not pem",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let err = ApiKeys::builder()
            .anonymous()
            .add_root_certificates_pem(bad)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::ClientSetup(_)), "{err}");
        assert!(err.to_string().contains("root certificates"), "{err}");
    }
    // Unverified TLS is never sent through a proxy, which could read it.
    let err = ApiKeys::builder()
        .anonymous()
        .base_url("https://127.0.0.1:1")
        .danger_skip_tls_verification()
        .proxy("http://127.0.0.1:3128")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("proxy"), "{err}");
    let remote = "https://ops.example.com";
    let err = ApiKeys::builder()
        .anonymous()
        .ops_manager(remote)
        .danger_skip_tls_verification()
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
    assert!(
        ApiKeys::builder()
            .anonymous()
            .ops_manager(remote)
            .danger_skip_tls_verification()
            .danger_skip_tls_verification_off_loopback()
            .build()
            .is_ok()
    );
}
