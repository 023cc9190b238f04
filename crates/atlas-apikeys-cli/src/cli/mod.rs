//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod atlas;
mod keys;
mod state;

pub use atlas::{AccessLists, OrgApiKeys, Organizations, ProjectApiKeys, Projects};
pub use keys::{
    AccessList, AssignArgs, CreateArgs, EntryArgs, ListArgs, OrgKey, PageArgs, ProjectKey,
    RemoveArgs, UpdateArgs,
};
pub use state::{ExportArgs, FileArgs, FileFormat, PlanArgs, RotateArgs};

/// Accepts any value (the validation layer judges it, so roles newer than
/// this build still pass with `--allow-unlisted-roles`), while offering the
/// known ones to `--help` and shell completions.
#[derive(Clone)]
pub struct Offer(fn() -> Vec<&'static str>);

impl TypedValueParser for Offer {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().into_iter().map(PossibleValue::new)))
    }
}

/// The Atlas API versions codegen emitted.
fn atlas_versions() -> Vec<&'static str> {
    atlas_apikeys::atlas_versions().map(|v| v.version).collect()
}

/// Manage MongoDB organization API keys through their whole life: list,
/// create, describe, update, delete; their access lists; assign them to
/// projects, change their roles there, unassign them. Every request is
/// validated before it is sent.
#[derive(Debug, Parser)]
#[command(
    name = "atlas-apikeys",
    version,
    after_help = "CREDENTIALS (never as arguments: they would land in shell history and `ps`):\n  \
      MONGODB_ATLAS_CLIENT_ID / MONGODB_ATLAS_CLIENT_SECRET        service account (preferred)\n  \
      MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY programmatic API key\n  \
      (also MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY)\n  \
      --private-key-file FILE, --client-secret-file FILE (`-` reads stdin)\n  \
      MONGODB_ATLAS_BASE_URL, MONGODB_ATLAS_OPS_MANAGER_URL, MONGODB_ATLAS_ORG_ID, MONGODB_ATLAS_PROJECT_ID,\n  \
      MONGODB_ATLAS_API_VERSION, MONGODB_ATLAS_PROFILE\n  \
      The Atlas CLI's config.toml profile fills what flags and variables leave unset.\n\n\
      EXIT CODES: 0 success, 2 usage or validation (nothing sent), 3 API error (errorCode printed), 4 transport or authentication,\n  \
      5 the command ran but its result could not be written, 130 interrupted"
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Settings not given here come from the
/// environment, then from the Atlas CLI profile.
#[derive(Debug, Args)]
pub struct Global {
    /// Which MongoDB product to talk to (default: the profile's `service`, else atlas).
    #[arg(long, global = true, value_enum)]
    pub system: Option<SystemArg>,
    /// Atlas API version: any date from the first release on; the newest version on or before it is used
    /// (also MONGODB_ATLAS_API_VERSION or the profile's api_version).
    #[arg(long, global = true, value_name = "DATE", value_parser = Offer(atlas_versions))]
    pub api_version: Option<String>,
    /// Base URL (default: MONGODB_ATLAS_BASE_URL, the profile, then https://cloud.mongodb.com; for
    /// Ops Manager: MONGODB_ATLAS_OPS_MANAGER_URL or the profile's ops_manager_url).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Atlas CLI profile to read settings from (default: MONGODB_ATLAS_PROFILE, else `default`).
    #[arg(short = 'P', long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Read the API key's private key from FILE (`-`: stdin).
    #[arg(long, global = true, value_name = "FILE")]
    pub private_key_file: Option<PathBuf>,
    /// Read the service account's client secret from FILE (`-`: stdin).
    #[arg(long, global = true, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Ask the server to wrap responses in an envelope (unwrapped again here).
    #[arg(long, global = true)]
    pub envelope: bool,
    /// Indent JSON output (default: indented on a terminal, compact when piped); `--pretty=false` for compact.
    #[arg(long, global = true, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub pretty: Option<bool>,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(short = 'o', long, global = true, value_enum)]
    pub output: Option<OutputArg>,
    /// Validate and print the requests that would be sent (credentials removed); send nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// More output on stderr: -v one line per HTTP exchange, -vv with (redacted) headers, -vvv trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Allow role names this build does not know (for roles the server added since).
    #[arg(long, global = true)]
    pub allow_unlisted_roles: bool,
    /// Allow plain http to a host other than loopback (credentials could be sniffed).
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// Trust the CA certificates in FILE (PEM) beside the system's (default:
    /// MONGODB_ATLAS_CA_CERTIFICATE or the profile's ops_manager_ca_certificate).
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Fetch a new service-account token instead of reusing the one kept in the user's cache
    /// directory (and keep none).
    #[arg(long, global = true)]
    pub no_token_cache: bool,
}

/// A MongoDB product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SystemArg {
    /// MongoDB Atlas (Admin API v2).
    Atlas,
    /// MongoDB Cloud Manager (public API v1.0).
    CloudManager,
    /// MongoDB Ops Manager (public API v1.0).
    OpsManager,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Machine-readable JSON.
    Json,
    /// Aligned text for people.
    Table,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Organization API keys.
    #[command(subcommand)]
    OrgKey(OrgKey),
    /// An organization API key in a project.
    #[command(subcommand)]
    ProjectKey(ProjectKey),
    /// The Atlas CLI's words: `organizations apiKeys list|describe|create|assign|delete`.
    #[command(subcommand, alias = "organization", alias = "orgs")]
    Organizations(Organizations),
    /// The Atlas CLI's words: `projects apiKeys list|create|assign|delete`.
    #[command(subcommand, alias = "project")]
    Projects(Projects),
    /// Bring keys to the state a file declares, sending only what differs from the live state.
    #[command(after_help = APPLY_HELP)]
    Apply(FileArgs),
    /// Show what `apply` would change: the file against the live state (reads only).
    #[command(after_help = PLAN_HELP)]
    Plan(PlanArgs),
    /// Replace a key with a successor of the same roles and access list, proved to work; --retire-old deletes the old one.
    Rotate(RotateArgs),
    /// Write the live state of an organization's keys as a file `apply` and `plan` read.
    Export(ExportArgs),
    /// List the roles this build knows, per system and scope (from the role catalogue).
    Roles,
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const PLAN_HELP: &str = "Reads each named key once (its roles in every project come with it), and its access list when\n\
    the file declares one; sends nothing else. Prints + to add, ~ to change, - to remove, ! live but not\n\
    in the file (kept; --prune removes it), and a summary. Exit 0: nothing would change; 6: changes are\n\
    pending; 2: invalid items; 3 or 4: the live state could not be read.";

const APPLY_HELP: &str = "FILE (TOML shown; YAML and JSON have the same shape):\n  \
    [[keys]]\n  \
    id = \"5d1113b25a115342acc2d1aa\"\n  \
    org = \"32b6e34b3d91647abb20e7b8\"          # optional: MONGODB_ATLAS_ORG_ID or the profile\n  \
    desc = \"deploy bot\"                       # optional\n  \
    org_roles = [\"ORG_MEMBER\"]                # optional\n  \
    access_list = [\"192.0.2.7\", \"10.0.0.0/8\"]  # optional: addresses and CIDR blocks\n  \
    # state = \"absent\"                       # deletes the key (nothing else may be given)\n  \
    [[keys.projects]]\n  \
    id = \"5e2211c17a3e5a48f5497de3\"\n  \
    roles = [\"GROUP_READ_ONLY\"]\n\n\
    What a key leaves out is not managed (no `projects`: its assignments stay; `projects = []` declares\n\
    none). Only what differs from the live state is sent: a re-run of a file already true sends reads only. A key listed twice for one organization or project is refused before anything\n\
    is sent. Exit 0 when every item succeeded, 2 when only invalid items failed (nothing of theirs was sent),\n\
    3 when any request failed (each item is reported), 4 when the run stopped because every item would fail\n\
    (credentials, host, TLS), 130 on Ctrl-C (the report covers what finished).";
