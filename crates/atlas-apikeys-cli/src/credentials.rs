//! Credentials from a file or stdin, else from the environment or the Atlas
//! CLI profile; never from argv.

use std::io::Read;
use std::path::Path;

use atlas_apikeys::client::Credentials;
use atlas_apikeys::settings::{Settings, vars};

/// Reads a secret from `path` (`-`: stdin), without surrounding whitespace.
fn read_secret(path: &Path, what: &str) -> Result<String, String> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the {what} from stdin: {e}"))?;
    } else {
        text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the {what} from {}: {e}", path.display()))?;
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("the {what} in {} is empty", path.display()));
    }
    Ok(text)
}

/// The credentials to use for `system`.
pub fn resolve(
    settings: &Settings,
    system: &str,
    private_key_file: Option<&Path>,
    client_secret_file: Option<&Path>,
) -> Result<Credentials, String> {
    if private_key_file.is_some_and(|p| p == Path::new("-"))
        && client_secret_file.is_some_and(|p| p == Path::new("-"))
    {
        return Err("only one secret can come from stdin".into());
    }
    if let Some(path) = client_secret_file
        && system != "ops-manager"
    {
        let id = settings.client_id().ok_or(format!(
            "--client-secret-file needs the client id in {}",
            vars::CLIENT_ID
        ))?;
        return Ok(Credentials::service_account(
            id,
            read_secret(path, "client secret")?,
        ));
    }
    if let Some(path) = private_key_file {
        let public = settings.public_key().ok_or(format!(
            "--private-key-file needs the public key in {}",
            vars::PUBLIC_API_KEY
        ))?;
        return Ok(Credentials::api_key(
            public,
            read_secret(path, "private key")?,
        ));
    }
    settings.credentials_for(system).map_err(|e| e.to_string())
}
