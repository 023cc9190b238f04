//! A service account's access token kept between runs: one file per base
//! URL and client id under the user's cache directory
//! (`$XDG_CACHE_HOME/atlas-apikeys`, else `~/.cache/atlas-apikeys`), mode
//! 0600, holding the token and its expiry, never the client secret. A CI
//! job that runs the command hundreds of times an hour then uses one token
//! instead of meeting Atlas's limit of 100 active tokens per account.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atlas_apikeys::client::{Secret, TokenStore};
use serde::{Deserialize, Serialize};

/// The file's contents.
#[derive(Serialize, Deserialize)]
struct Kept {
    base_url: String,
    client_id: String,
    access_token: String,
    /// Seconds since the Unix epoch.
    expires_at: u64,
}

/// The token file of one base URL and client id.
pub struct TokenFile {
    path: PathBuf,
    base_url: String,
    client_id: String,
}

impl TokenFile {
    /// The file for `base_url` and `client_id`; `None` when there is no
    /// cache directory to put it in.
    pub fn new(base_url: &str, client_id: &str) -> Option<Self> {
        let dir = std::env::var_os("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache"))
            })?
            .join("atlas-apikeys");
        // FNV-1a: a name that is the same on every run and every build.
        let hash = format!("{base_url}\n{client_id}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        Some(TokenFile {
            path: dir.join(format!("token-{hash:016x}.json")),
            base_url: base_url.to_owned(),
            client_id: client_id.to_owned(),
        })
    }

    fn read(&self) -> Option<Kept> {
        // One that cannot be read, or is too large, is not used.
        let text =
            crate::limits::read(&self.path, crate::limits::TOKEN_FILE_BYTES, "token").ok()?;
        let kept: Kept = serde_json::from_str(&text).ok()?;
        (kept.base_url == self.base_url && kept.client_id == self.client_id).then_some(kept)
    }

    fn write(&self, kept: &Kept) -> std::io::Result<()> {
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        let mut create = std::fs::DirBuilder::new();
        create.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut create, 0o700);
        create.create(dir)?;
        // Written whole beside it, then renamed over it: a reader sees the
        // old file or the new one, never half of one.
        let partial = self
            .path
            .with_extension(format!("{}.tmp", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial)?;
        file.write_all(serde_json::to_string(kept)?.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&partial, &self.path).inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
    }
}

impl TokenStore for TokenFile {
    fn load(&self) -> Option<(Secret, SystemTime)> {
        let kept = self.read()?;
        // Whatever prints text from elsewhere withholds it.
        crate::echo::remember(&kept.access_token);
        let expires = UNIX_EPOCH.checked_add(Duration::from_secs(kept.expires_at))?;
        Some((Secret::new(kept.access_token), expires))
    }

    fn save(&self, token: &Secret, expires: SystemTime) {
        let kept = Kept {
            base_url: self.base_url.clone(),
            client_id: self.client_id.clone(),
            access_token: token.expose_secret().to_owned(),
            expires_at: expires
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        };
        if let Err(e) = self.write(&kept) {
            // A cache that cannot be written costs a token, not the command.
            tracing::debug!(error = %e, "the token cache could not be written");
        }
    }

    fn clear(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
