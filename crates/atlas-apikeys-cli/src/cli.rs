//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

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

/// Every role of any system that `scope` picks from a catalogue entry, first
/// appearance first.
fn union(scope: fn(&atlas_apikeys::client::SystemRoles) -> Vec<&'static str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for entry in atlas_apikeys::client::catalogue::CATALOGUE {
        for role in scope(entry) {
            if !out.contains(&role) {
                out.push(role);
            }
        }
    }
    out
}

/// Every organization role of any system, from the role catalogue.
fn org_roles() -> Vec<&'static str> {
    union(|e| e.org.iter().map(|r| r.as_str()).collect())
}

/// Every project role of any system, from the role catalogue.
fn project_roles() -> Vec<&'static str> {
    union(|e| e.project.iter().map(|r| r.as_str()).collect())
}

/// The Atlas API versions codegen emitted.
fn atlas_versions() -> Vec<&'static str> {
    atlas_apikeys::atlas_versions().map(|v| v.version).collect()
}

/// Manage MongoDB organization API keys: update a key, assign it to a
/// project, update its roles there. Every request is validated before it is
/// sent.
#[derive(Debug, Parser)]
#[command(
    name = "atlas-apikeys",
    version,
    after_help = "CREDENTIALS (never as arguments: they would land in shell history and `ps`):\n  \
      MONGODB_ATLAS_CLIENT_ID / MONGODB_ATLAS_CLIENT_SECRET        service account (preferred)\n  \
      MONGODB_ATLAS_PUBLIC_API_KEY / MONGODB_ATLAS_PRIVATE_API_KEY programmatic API key\n  \
      (also MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY)\n  \
      --private-key-file FILE, --client-secret-file FILE (`-` reads stdin)\n  \
      MONGODB_ATLAS_BASE_URL, MONGODB_ATLAS_OPS_MANAGER_URL\n\n\
      EXIT CODES: 0 success, 2 usage or validation (nothing sent), 3 API error (errorCode printed), 4 transport or authentication"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Which MongoDB product to talk to.
    #[arg(long, global = true, value_enum, default_value_t = SystemArg::Atlas)]
    pub system: SystemArg,
    /// Atlas API version to pin (YYYY-MM-DD; default: the newest this build knows, with a warning).
    #[arg(long, global = true, value_name = "DATE", value_parser = Offer(atlas_versions))]
    pub api_version: Option<String>,
    /// Base URL (default: https://cloud.mongodb.com; Ops Manager: MONGODB_ATLAS_OPS_MANAGER_URL).
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_BASE_URL",
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// Ops Manager's URL (https://host:port).
    #[arg(
        long,
        global = true,
        env = "MONGODB_ATLAS_OPS_MANAGER_URL",
        value_name = "URL",
        hide = true
    )]
    pub ops_manager_url: Option<String>,
    /// Read the API key's private key from FILE (`-`: stdin).
    #[arg(long, global = true, value_name = "FILE")]
    pub private_key_file: Option<PathBuf>,
    /// Read the service account's client secret from FILE (`-`: stdin).
    #[arg(long, global = true, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Ask the server to wrap responses in an envelope (unwrapped again here).
    #[arg(long, global = true)]
    pub envelope: bool,
    /// Ask the server to indent its JSON.
    #[arg(long, global = true)]
    pub pretty: bool,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, global = true, value_enum)]
    pub output: Option<OutputArg>,
    /// Log requests to stderr (-v: info, -vv: debug, -vvv: trace). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Allow role names this build does not know (for roles the server added since).
    #[arg(long, global = true)]
    pub allow_unlisted_roles: bool,
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
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Organization key commands.
#[derive(Debug, Subcommand)]
pub enum OrgKey {
    /// Update an organization API key's description and/or organization roles.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key update 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --desc \"ci key\"\n  \
        atlas-apikeys org-key update 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --role ORG_MEMBER --role ORG_BILLING_READ_ONLY\n\n\
        Only the fields you give are sent; give --desc, --role, or both.")]
    Update {
        /// The organization's 24-hex id.
        #[arg(value_name = "ORG_ID")]
        org: String,
        /// The API key's 24-hex id (not its 8-character public key).
        #[arg(value_name = "KEY_ID")]
        key: String,
        /// New description (1 to 250 characters).
        #[arg(long, value_name = "TEXT")]
        desc: Option<String>,
        /// Organization role (repeat for several; replaces the current ones).
        #[arg(long = "role", value_name = "ROLE", value_parser = Offer(org_roles))]
        roles: Vec<String>,
    },
}

/// Project key commands.
#[derive(Debug, Subcommand)]
pub enum ProjectKey {
    /// Give an organization API key these roles in a project.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key assign 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --role GROUP_READ_ONLY\n  \
        atlas-apikeys project-key assign 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --role GROUP_OWNER --strict\n\n\
        Idempotent by default: assigns the key, or updates its roles when it is already in the project.\n\
        With --strict, a key already in the project is an error (409 API_KEY_ALREADY_IN_GROUP).")]
    Assign {
        /// The project's 24-hex id (Atlas calls it groupId).
        #[arg(value_name = "PROJECT_ID")]
        project: String,
        /// The API key's 24-hex id.
        #[arg(value_name = "KEY_ID")]
        key: String,
        /// Project role (repeat for several; at least one).
        #[arg(long = "role", value_name = "ROLE", required = true, value_parser = Offer(project_roles))]
        roles: Vec<String>,
        /// Fail instead of updating when the key is already in the project.
        #[arg(long)]
        strict: bool,
    },
    /// Replace an organization API key's roles in a project (and/or its description, on Atlas).
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key update-roles 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --role GROUP_CLUSTER_MANAGER --role GROUP_READ_ONLY\n  \
        atlas-apikeys project-key update-roles 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --desc \"deploy bot\"")]
    UpdateRoles {
        /// The project's 24-hex id.
        #[arg(value_name = "PROJECT_ID")]
        project: String,
        /// The API key's 24-hex id.
        #[arg(value_name = "KEY_ID")]
        key: String,
        /// New description (Atlas only).
        #[arg(long, value_name = "TEXT")]
        desc: Option<String>,
        /// Project role (repeat for several; replaces the current ones).
        #[arg(long = "role", value_name = "ROLE", value_parser = Offer(project_roles))]
        roles: Vec<String>,
    },
}
