//! The arguments of the commands on live state: `apply`, `plan`, `export`
//! and `rotate`.

use std::path::PathBuf;

use clap::Args;

/// The file `apply` and `plan` read, and how they run.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file (TOML, YAML or JSON, by extension; `-`: JSON or YAML on stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Requests in flight at most, 1 to 64 (lowered while the server rate-limits).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=i64::from(crate::limits::CONCURRENCY)))]
    pub concurrency: u16,
    /// Also remove the project assignments and access-list entries of the named keys that the
    /// file does not declare (only for keys that declare `projects` or `access_list`).
    #[arg(long)]
    pub prune: bool,
    /// Send each request as soon as it is ready, not when its rate-limit bucket has a
    /// token (a 429 is then retried after its Retry-After): to compare, or against a
    /// server that does not limit.
    #[arg(long)]
    pub no_pacing: bool,
}

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FileFormat {
    /// TOML.
    Toml,
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

/// What to export, and where.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The organization (default: MONGODB_ATLAS_ORG_ID or the profile's org_id).
    #[arg(long, visible_alias = "orgId", value_name = "ORG_ID")]
    pub org: Option<String>,
    /// Only these keys (repeated or comma-separated).
    #[arg(long, value_name = "KEY_ID", value_delimiter = ',')]
    pub key: Vec<String>,
    /// Only keys in these projects, with only these projects' roles.
    #[arg(
        long,
        visible_alias = "projectId",
        value_name = "PROJECT_ID",
        value_delimiter = ','
    )]
    pub project: Vec<String>,
    /// Write to this new file (never over one); default: stdout.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The format (default: by the file's extension, else TOML).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
}

/// `rotate`'s arguments.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The key to replace.
    #[arg(value_name = "KEY_ID")]
    pub key: String,
    /// Its organization (default: MONGODB_ATLAS_ORG_ID or the profile's org_id).
    #[arg(long, visible_alias = "orgId", value_name = "ORG_ID")]
    pub org: Option<String>,
    /// The successor's description (default: the old key's).
    #[arg(long, value_name = "TEXT")]
    pub desc: Option<String>,
    /// Write the successor's private key to this new file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE", conflicts_with = "successor")]
    pub private_key_out: Option<PathBuf>,
    /// Delete the old key once the successor is proved to work.
    #[arg(long)]
    pub retire_old: bool,
    /// Finish a rotation that stopped midway: the successor made then.
    #[arg(long, value_name = "NEW_ID")]
    pub successor: Option<String>,
    /// The successor's private key, to prove it (with --successor).
    #[arg(long, value_name = "FILE", requires = "successor")]
    pub successor_key_file: Option<PathBuf>,
}

/// `plan`'s arguments.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The file, and how the plan reads.
    #[command(flatten)]
    pub file: FileArgs,
    /// Save the plan, with the live state it saw, to this new file: `apply FILE` of it refuses if
    /// the live state has moved since.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}
