//! Serving over TLS: a certificate chain and its key, in PEM, as an Ops
//! Manager on premises serves behind a private certificate authority.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The server's certificate chain (its own first) and private key, PEM.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// `-----BEGIN CERTIFICATE-----` blocks, the server's own first.
    pub cert_pem: String,
    /// The private key: PKCS#8, PKCS#1 or SEC1.
    pub key_pem: String,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs and panics.
        f.debug_struct("TlsConfig")
            .field("cert_pem", &format_args!("{} bytes", self.cert_pem.len()))
            .field("key_pem", &"[withheld]")
            .finish()
    }
}

impl TlsConfig {
    /// The acceptor for these, or why they cannot serve.
    pub(crate) fn acceptor(&self) -> Result<tokio_rustls::TlsAcceptor, String> {
        let chain = CertificateDer::pem_slice_iter(self.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("tls cert_pem: {e}"))?;
        if chain.is_empty() {
            return Err("tls cert_pem: no certificate".into());
        }
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| format!("tls key_pem: {e}"))?;
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("tls: {e}"))?;
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}

/// A certificate authority made on the spot, and what it signed for the
/// emulator.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The server's certificate (for `localhost`, `127.0.0.1` and `::1`)
    /// and key: give it to [`crate::Config::tls`].
    pub server: TlsConfig,
    /// The authority's certificate, PEM: what a client must trust.
    pub ca_pem: String,
}

impl TlsConfig {
    /// A fresh certificate authority and a loopback certificate it signed,
    /// for tests that connect over TLS: a client trusts the emulator only
    /// when told to trust `ca_pem`.
    pub fn generated() -> Result<Generated, String> {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
        };
        let fail = |e: rcgen::Error| format!("generating a test certificate: {e}");
        let ca_key = KeyPair::generate().map_err(fail)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.distinguished_name
            .push(DnType::CommonName, "atlas-apikeys emulator test CA");
        let ca_pem = ca.self_signed(&ca_key).map_err(fail)?.pem();
        let issuer = Issuer::new(ca, ca_key);
        let key = KeyPair::generate().map_err(fail)?;
        let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        let mut leaf = CertificateParams::new(names).map_err(fail)?;
        leaf.distinguished_name
            .push(DnType::CommonName, "atlas-apikeys emulator");
        let cert = leaf.signed_by(&key, &issuer).map_err(fail)?;
        Ok(Generated {
            server: TlsConfig {
                cert_pem: cert.pem(),
                key_pem: key.serialize_pem(),
            },
            ca_pem,
        })
    }
}
