//! A new key's private key, which the API shows this once: printed on
//! stdout with a note on stderr that it cannot be shown again, or written
//! to a new file (`--private-key-out`, mode 0600, never over another). It
//! is nowhere else: not in logs, errors or a dry run.

use std::io::Write;
use std::path::{Path, PathBuf};

use atlas_apikeys::ApiKey;
use serde_json::{Value, json};

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
    print_as(format, key, file, "created", Vec::new())
}

/// `key` with `result` and `extra` fields (a rotation's), as JSON and as
/// table rows; no private key.
pub fn fields(
    key: &ApiKey,
    result: &str,
    extra: Vec<(&'static str, String)>,
) -> (Value, Vec<(&'static str, String)>) {
    let mut value = output::key_json(key);
    value["result"] = json!(result);
    let mut rows = vec![("result", result.to_owned())];
    rows.extend(output::key_rows(key));
    for (name, text) in extra {
        value[name] = json!(text);
        rows.push((name, text));
    }
    (value, rows)
}

/// [`print`], with `result` and `extra` fields (a rotation's).
pub fn print_as(
    format: Format,
    key: &ApiKey,
    file: Option<KeyFile>,
    result: &str,
    extra: Vec<(&'static str, String)>,
) -> Result<(), Failure> {
    let (mut value, mut rows) = fields(key, result, extra);
    let lost = |why: String| Failure {
        code: crate::exit::OUTPUT,
        message: format!(
            "the key {} was created, but its private key {why}; delete the key and create another (--private-key-out FILE writes the key to a file)",
            key.id
        ),
    };
    let Some(private) = key.private_key.as_ref().map(|p| p.expose_secret()) else {
        if let Some(file) = file {
            file.discard();
        }
        echo::err("warning: the answer holds no private key");
        return output::print(format, &value, || rows);
    };
    match file {
        Some(mut to) => {
            let written = writeln!(to.file, "{private}").and_then(|()| to.file.sync_all());
            let shown = crate::limits::source(&to.path);
            if let Err(e) = written {
                return Err(lost(format!("could not be written to {shown}: {e}")));
            }
            value["privateKeyFile"] = json!(shown);
            rows.push(("private key", format!("written to {shown}")));
            output::print(format, &value, || rows)
        }
        None => {
            value["privateKey"] = json!(revealed());
            rows.push(("private key", revealed().to_owned()));
            print_revealing(format, &value, || rows, private).map_err(lost)?;
            echo::err(
                "note: this is the only time the API shows the private key; keep it now (or create with --private-key-out FILE)",
            );
            Ok(())
        }
    }
}

/// Where [`out_revealing`] puts the secret: random for each run, so no text
/// from elsewhere (a description, a server's answer) can stand there too;
/// not secret-shaped, and the same in JSON and in a table.
pub fn revealed() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        use std::hash::BuildHasher;
        let tag = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        format!("@{{private-key-{tag:016x}}}@")
    })
}

/// Prints `text` (JSON when `json`) by the rule, then shows `secret` where
/// [`revealed`] stands: the one way a secret reaches the output on purpose
/// (a new key's private key, which the API shows this once). It is shown
/// exactly once, or not at all and the reason returned: a place that is
/// not there once, a secret that is not letters, digits and dashes (as a
/// private key is), or an output that cannot take it (a closed pipe too).
fn out_revealing(text: &str, json: bool, secret: &str) -> Result<(), String> {
    let text = if json {
        echo::json_text(text)
    } else {
        echo::lines(text)
    };
    if text.matches(revealed()).count() != 1 {
        return Err("had no single place in the output".into());
    }
    let printable = !secret.is_empty()
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !printable {
        return Err("holds characters a terminal could obey, so it is not printed".into());
    }
    if echo::stdout_closed() {
        return Err("could not be written: the output was closed".into());
    }
    let text = text.replace(revealed(), secret);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| match text.ends_with('\n') {
            true => Ok(()),
            false => stdout.write_all(b"\n"),
        })
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("could not be written: {e}"))
}

/// [`print`], showing `secret` where [`revealed`] stands in `value`
/// and `fields`: a new key's private key, the one time the API shows it.
/// The error says why it was not shown.
fn print_revealing<'a>(
    format: Format,
    value: &Value,
    fields: impl FnOnce() -> Vec<(&'a str, String)>,
    secret: &str,
) -> Result<(), String> {
    let (text, json) = match format {
        Format::Json { pretty: true } => (
            serde_json::to_string_pretty(value).unwrap_or_default(),
            true,
        ),
        Format::Json { pretty: false } => (value.to_string(), true),
        Format::Table => (output::table(fields()), false),
    };
    out_revealing(&text, json, secret)
}
