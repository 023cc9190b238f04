//! Through a forward proxy, as corporate networks run: digest, OAuth and
//! HTTPS (a `CONNECT` tunnel) all pass through the proxy the builder names,
//! and a proxy URL's password never shows in an error.

use atlas_apikeys::{ApiKeys, ApiKeysBuilder, Error};
use atlas_apikeys_emulator::proxy::ForwardProxy;
use atlas_apikeys_emulator::tls::TlsConfig;
use atlas_apikeys_emulator::{Config, Emulator, defaults};

async fn update(keys: &ApiKeys) -> Result<(), Error> {
    crate::transport::update(keys).await.map(|_| ())
}

fn digest(url: &str) -> ApiKeysBuilder {
    ApiKeys::builder()
        .base_url(url)
        .api_key(defaults::OWNER.public_key, defaults::OWNER.private_key)
}

#[tokio::test]
async fn digest_oauth_and_https_go_through_the_proxy_the_builder_names() {
    let proxy = ForwardProxy::start().await.unwrap();
    let emu = Emulator::start(Config::default()).await.unwrap();
    // Digest, plain HTTP: requests in absolute form.
    update(&digest(&emu.url()).proxy(proxy.url()).build().unwrap())
        .await
        .unwrap();
    let after_digest = proxy.requests();
    assert!(after_digest >= 1, "{after_digest}");
    // OAuth: the token request and the call.
    let sa = defaults::SERVICE_ACCOUNT;
    let oauth = ApiKeys::builder()
        .base_url(emu.url())
        .service_account(sa.client_id, sa.client_secret)
        .proxy(proxy.url())
        .build()
        .unwrap();
    update(&oauth).await.unwrap();
    assert!(proxy.requests() > after_digest);
    assert!(emu.counters().token_requests >= 1);
    // HTTPS: through a tunnel, the private CA trusted.
    let generated = TlsConfig::generated().unwrap();
    let tls = Emulator::start(Config {
        tls: Some(generated.server),
        ..Config::default()
    })
    .await
    .unwrap();
    let keys = digest(&tls.url())
        .add_root_certificates_pem(generated.ca_pem)
        .proxy(proxy.url())
        .build()
        .unwrap();
    update(&keys).await.unwrap();
    assert!(proxy.tunnels() >= 1);
}

#[test]
fn a_proxy_url_that_cannot_serve_is_refused_with_its_password_withheld() {
    let err = ApiKeys::builder()
        .anonymous()
        .proxy("http://user:s3cret-pw@exa mple.com:3128")
        .build()
        .unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("proxy"), "{text}");
    assert!(!text.contains("s3cret-pw"), "{text}");
    // Nor does a configuration's Debug show it.
    let config = atlas_apikeys::client::ClientConfig::new()
        .proxy("http://user:s3cret-pw@127.0.0.1:3128")
        .base_url("https://user:other-pw@127.0.0.1");
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("s3cret-pw") && !shown.contains("other-pw"),
        "{shown}"
    );
    assert!(shown.contains("127.0.0.1:3128"), "{shown}");
}
