//! A new key's private key, which the API shows this once: printed on
//! stdout with a note on stderr that it cannot be shown again, or written
//! to a new file (`--private-key-out`, mode 0600, never over another). It
//! is nowhere else: not in logs, errors or a dry run.

use std::io::Write;
use std::path::{Path, PathBuf};

use atlas_apikeys::ApiKey;
use serde_json::json;

use crate::echo;
use crate::exit::Failure;
use crate::output::{self, Format};

/// The file a private key goes to, made before anything is sent: a key is
/// never created without a place for its secret.
pub struct KeyFile {
    path: PathBuf,
    file: std::fs::File,
}

impl KeyFile {
    /// Creates `path`, readable by its owner only; one that exists is
    /// refused, not overwritten.
    pub fn create(path: &Path) -> Result<Self, Failure> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path).map_err(|e| {
            Failure::usage(format!(
                "--private-key-out {}: {e}; nothing was sent (the file must not exist yet)",
                crate::limits::source(path)
            ))
        })?;
        Ok(KeyFile {
            path: path.to_owned(),
            file,
        })
    }

    /// Removes the file, left empty by a create that failed.
    pub fn discard(self) {
        drop(self.file);
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Prints `key`, created: its private key on stdout, or into `file`.
pub fn print(format: Format, key: &ApiKey, file: Option<KeyFile>) -> Result<(), Failure> {
    let mut value = output::key_json(key);
    value["result"] = json!("created");
    let mut rows = vec![("result", "created".to_owned())];
    rows.extend(output::key_rows(key));
    let Some(private) = key.private_key.as_ref().map(|p| p.expose_secret()) else {
        echo::err("warning: the answer holds no private key");
        return output::print(format, &value, || rows);
    };
    match file {
        Some(mut to) => {
            let written = writeln!(to.file, "{private}").and_then(|()| to.file.sync_all());
            let shown = crate::limits::source(&to.path);
            if let Err(e) = written {
                return Err(Failure {
                    code: crate::exit::OUTPUT,
                    message: format!(
                        "the key {} was created, but its private key could not be written to {shown}: {e}; delete the key and create another",
                        key.id
                    ),
                });
            }
            value["privateKeyFile"] = json!(shown);
            rows.push(("private key", format!("written to {shown}")));
            output::print(format, &value, || rows)
        }
        None => {
            value["privateKey"] = json!(echo::REVEALED);
            rows.push(("private key", echo::REVEALED.to_owned()));
            output::print_revealing(format, &value, || rows, private)?;
            echo::err(
                "note: this is the only time the API shows the private key; keep it now (or create with --private-key-out FILE)",
            );
            Ok(())
        }
    }
}
