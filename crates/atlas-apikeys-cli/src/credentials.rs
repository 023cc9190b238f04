//! Credentials from a file or stdin, else from the environment or the Atlas
//! CLI profile (its file, or the OS keychain where the Atlas CLI keeps its
//! secrets); never from argv.

use std::path::Path;

use atlas_apikeys::client::{Credentials, System};
use atlas_apikeys::settings::keychain::OsKeychain;
use atlas_apikeys::settings::{Settings, vars};

use crate::limits::{self, SECRET_BYTES};

/// Reads a secret from `path` (`-`: stdin), without surrounding whitespace,
/// within [`SECRET_BYTES`]; from then on it is withheld from all output.
fn read_secret(path: &Path, what: &str) -> Result<String, String> {
    let text = limits::read(path, SECRET_BYTES, what)?;
    let text = text.trim().to_owned();
    crate::echo::remember(&text);
    if text.is_empty() {
        return Err(format!("the {what} in {} is empty", limits::source(path)));
    }
    Ok(text)
}

/// The credentials to use for `system`. The keychain is read here, once
/// credentials are needed, and only for what the environment, the files
/// and the profile's file leave missing.
pub fn resolve(
    settings: &Settings,
    system: System,
    private_key_file: Option<&Path>,
    client_secret_file: Option<&Path>,
) -> Result<Credentials, String> {
    if private_key_file.is_some_and(|p| p == Path::new("-"))
        && client_secret_file.is_some_and(|p| p == Path::new("-"))
    {
        return Err("only one secret can come from stdin".into());
    }
    let oauth_file = client_secret_file.filter(|_| system.offers_oauth());
    let needs_keychain = match (oauth_file, private_key_file) {
        (Some(_), _) => settings.client_id().is_none(),
        (None, Some(_)) => settings.public_key().is_none(),
        (None, None) => true,
    };
    let mut settings = settings.clone();
    if needs_keychain {
        settings.read_keychain(&OsKeychain::new(), system);
        for secret in settings.secrets() {
            crate::echo::remember(secret);
        }
    }
    // A secret from a file pairs with the public half from the settings.
    let from_file = |path: &Path, id: Option<&str>, needs: [&str; 3], secret: &str| {
        let [flag, name, var] = needs;
        let id = id.ok_or(format!("{flag} needs the {name} in {var}"))?;
        Ok::<_, String>((id.to_owned(), read_secret(path, secret)?))
    };
    if let Some(path) = oauth_file {
        let needs = ["--client-secret-file", "client id", vars::CLIENT_ID];
        let (id, secret) = from_file(path, settings.client_id(), needs, "client secret")?;
        return Ok(Credentials::service_account(id, secret));
    }
    if let Some(path) = private_key_file {
        let needs = ["--private-key-file", "public key", vars::PUBLIC_API_KEY[0]];
        let (public, secret) = from_file(path, settings.public_key(), needs, "private key")?;
        return Ok(Credentials::api_key(public, secret));
    }
    settings.credentials_for(system).map_err(|e| e.to_string())
}
