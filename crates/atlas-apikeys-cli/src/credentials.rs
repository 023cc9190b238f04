//! Credentials from the environment, a file, or stdin; never from argv.

use std::io::Read;
use std::path::Path;

use atlas_apikeys::client::Credentials;

/// Where to look.
pub trait Env {
    /// A variable's value, if set and not empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

fn first(env: &dyn Env, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| env.var(n))
}

/// Reads a secret from `path` (`-`: stdin), without its trailing newline.
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
    let text = text.trim_end_matches(['\n', '\r']).to_owned();
    if text.is_empty() {
        return Err(format!("the {what} in {} is empty", path.display()));
    }
    Ok(text)
}

/// The credentials to use: a service account when one is configured and the
/// system offers it, otherwise a programmatic API key.
pub fn resolve(
    env: &dyn Env,
    offers_oauth: bool,
    private_key_file: Option<&Path>,
    client_secret_file: Option<&Path>,
) -> Result<Credentials, String> {
    if private_key_file.is_some_and(|p| p == Path::new("-"))
        && client_secret_file.is_some_and(|p| p == Path::new("-"))
    {
        return Err("only one secret can come from stdin".into());
    }
    let client_id = env.var("MONGODB_ATLAS_CLIENT_ID");
    if offers_oauth && let Some(id) = client_id {
        let secret = match client_secret_file {
            Some(p) => read_secret(p, "client secret")?,
            None => env
                .var("MONGODB_ATLAS_CLIENT_SECRET")
                .ok_or("MONGODB_ATLAS_CLIENT_ID is set but no client secret (MONGODB_ATLAS_CLIENT_SECRET or --client-secret-file)")?,
        };
        return Ok(Credentials::service_account(id, secret));
    }
    let public = first(
        env,
        &["MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY"],
    );
    let private = match private_key_file {
        Some(p) => Some(read_secret(p, "private key")?),
        None => first(
            env,
            &["MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PRIVATE_KEY"],
        ),
    };
    match (public, private) {
        (Some(public), Some(private)) => Ok(Credentials::api_key(public, private)),
        (Some(_), None) => Err("a public key is set but no private key (MONGODB_ATLAS_PRIVATE_API_KEY or --private-key-file)".into()),
        (None, Some(_)) => Err("a private key is given but no public key (MONGODB_ATLAS_PUBLIC_API_KEY)".into()),
        (None, None) => Err(if offers_oauth {
            "no credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (service account), or MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (API key)"
        } else {
            "no credentials: set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (Ops Manager takes API keys only)"
        }
        .into()),
    }
}
