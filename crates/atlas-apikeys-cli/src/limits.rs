//! Every read the command line makes from a file or stdin, with its limit.
//! A refusal comes as soon as the limit is passed, names it, and costs
//! memory in proportion to the limit, not to the input (`/dev/zero`, a
//! sparse file of a gigabyte). The README's "Limits" paragraph states these
//! numbers; a test keeps the two in step.

use std::io::Read;
use std::path::Path;

use crate::echo;

/// The largest plan `apply` reads: about 80,000 projects in TOML.
pub const PLAN_BYTES: u64 = 8 << 20;
/// The largest secret file (`--private-key-file`, `--client-secret-file`):
/// a private key is 36 characters, a client secret under 100.
pub const SECRET_BYTES: u64 = 4 << 10;
/// A CA certificate file (`--ca-cert`): the SDK's limit.
pub use atlas_apikeys::settings::CA_CERT_BYTES;
/// The largest token cache file read: a token and two names.
pub const TOKEN_FILE_BYTES: u64 = 16 << 10;
/// The deepest nesting a YAML plan may have (a plan needs four levels).
pub const YAML_DEPTH: usize = 16;
/// The most aliases (`*name`) a YAML plan may use: one per project of a
/// large plan that names its roles once.
pub const YAML_ALIASES: usize = 100_000;
/// The most events aliases may replay in all: a shared roles list per
/// project of a large plan, far below what an alias bomb asks for.
pub const YAML_REPLAYED: usize = 500_000;
/// The most YAML events and nodes (scalars, collection starts and ends) a
/// plan may hold: above what [`PLAN_BYTES`] of ordinary YAML makes.
pub const YAML_EVENTS: usize = 2_000_000;

/// The longest answer read to a confirmation prompt (`y`, `yes`).
pub const ANSWER_BYTES: u64 = 64;

/// The most requests `apply` keeps in flight (`--concurrency`).
pub const CONCURRENCY: u16 = 64;

/// A byte count as people read it: `8 MiB`, `4 KiB`.
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// Where `path` reads from, as messages name it.
pub fn source(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        echo::field(&path.display().to_string()).into_owned()
    }
}

/// The UTF-8 text of `path` (`-`: stdin), at most `limit` bytes. `what`
/// names it in messages ("plan", "private key").
pub fn read(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    let from = source(path);
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("cannot read the {what} from {from}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the {what} in {from} is larger than the {} limit for a {what}",
            self::bytes(limit)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the {what} in {from} is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to() + 1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's "Limits" table says what the code enforces, row for
    /// row, in this order.
    #[test]
    fn the_readme_states_these_limits() {
        use atlas_apikeys::client::MAX_RESPONSE_BYTES;
        use atlas_apikeys::settings::CONFIG_BYTES;
        use atlas_apikeys::settings::keychain::{KEYCHAIN_TIMEOUT, KEYCHAIN_VALUE_BYTES};
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let text = std::fs::read_to_string(readme).unwrap();
        let section = text
            .split("### Limits")
            .nth(1)
            .and_then(|s| s.split("\n#").next())
            .expect("a Limits section");
        let stated: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| "))
            .filter(|l| !l.starts_with("what") && !l.starts_with("---"))
            .filter_map(|l| l.trim_end_matches(" |").rsplit(" | ").next())
            .collect();
        let enforced = [
            bytes(PLAN_BYTES),
            bytes(SECRET_BYTES),
            bytes(CA_CERT_BYTES),
            bytes(TOKEN_FILE_BYTES),
            format!("{YAML_DEPTH} levels"),
            YAML_ALIASES.to_string(),
            YAML_REPLAYED.to_string(),
            YAML_EVENTS.to_string(),
            bytes(CONFIG_BYTES),
            bytes(MAX_RESPONSE_BYTES as u64),
            CONCURRENCY.to_string(),
            bytes(ANSWER_BYTES),
            bytes(KEYCHAIN_VALUE_BYTES as u64),
            format!("{} s", KEYCHAIN_TIMEOUT.as_secs()),
        ];
        assert_eq!(stated, enforced);
    }

    #[test]
    fn a_read_stops_at_its_limit_and_says_so() {
        let dir = std::env::temp_dir().join(format!("apikeys-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("big");
        std::fs::write(&file, vec![b'x'; 5000]).unwrap();
        let e = read(&file, SECRET_BYTES, "private key").unwrap_err();
        assert!(e.contains("larger than the 4 KiB limit"), "{e}");
        std::fs::write(&file, b"ok\xff").unwrap();
        let e = read(&file, SECRET_BYTES, "private key").unwrap_err();
        assert!(e.contains("not UTF-8 text (byte 3"), "{e}");
        std::fs::write(&file, vec![b'x'; 4096]).unwrap();
        assert_eq!(
            read(&file, SECRET_BYTES, "private key").unwrap().len(),
            4096
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
