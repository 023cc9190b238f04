//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::scope::{OrgScope, ProjectScope, ScopeId, ScopeKind, Target};

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
    /// Bring keys to the state a file declares: descriptions, organization roles, project roles.
    #[command(after_help = APPLY_HELP)]
    Apply {
        /// The file (TOML, YAML or JSON, by extension; `-`: JSON or YAML on stdin).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Requests in flight at most, 1 to 64 (lowered while the server rate-limits).
        #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=i64::from(crate::limits::CONCURRENCY)))]
        concurrency: u16,
    },
    /// List the roles this build knows, per system and scope (from the role catalogue).
    Roles,
    /// Print shell completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const APPLY_HELP: &str = "FILE (TOML shown; YAML and JSON have the same shape):\n  \
    [[keys]]\n  \
    id = \"5d1113b25a115342acc2d1aa\"\n  \
    org = \"32b6e34b3d91647abb20e7b8\"          # optional: MONGODB_ATLAS_ORG_ID or the profile\n  \
    desc = \"deploy bot\"                       # optional\n  \
    org_roles = [\"ORG_MEMBER\"]                # optional\n  \
    [[keys.projects]]\n  \
    id = \"5e2211c17a3e5a48f5497de3\"\n  \
    roles = [\"GROUP_READ_ONLY\"]\n\n\
    Each project is assigned, or updated when the key is already there; re-running is safe and completes\n\
    what a failed run left. A key listed twice for one organization or project is refused before anything\n\
    is sent. Exit 0 when every item succeeded, 2 when only invalid items failed (nothing of theirs was sent),\n\
    3 when any request failed (each item is reported), 4 when the run stopped because every item would fail\n\
    (credentials, host, TLS), 130 on Ctrl-C (the report covers what finished).";

/// Organization key commands.
#[derive(Debug, Subcommand)]
pub enum OrgKey {
    /// List an organization's API keys: every page, or one with --page.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key list 32b6e34b3d91647abb20e7b8\n  \
        atlas-apikeys org-key list --orgId 32b6e34b3d91647abb20e7b8 --page 2 --limit 50 -o json")]
    List(ListArgs<OrgScope>),
    /// Create an organization API key; its private key is shown this once.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key create 32b6e34b3d91647abb20e7b8 --desc \"deploy bot\" --role ORG_MEMBER\n  \
        atlas-apikeys org-key create --orgId 32b6e34b3d91647abb20e7b8 --desc ci --role ORG_READ_ONLY --private-key-out ci.key\n\n\
        The private key is printed on stdout, or written to a new file (mode 0600) with --private-key-out;\n\
        the API never shows it again.")]
    Create(CreateArgs<OrgScope>),
    /// Update an organization API key's description and/or organization roles.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key update 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --desc \"ci key\"\n  \
        atlas-apikeys org-key update 5d1113b25a115342acc2d1aa --orgId 32b6e34b3d91647abb20e7b8 --role ORG_MEMBER,ORG_BILLING_READ_ONLY\n\n\
        IDS: ORG_ID KEY_ID, or KEY_ID with --orgId (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).\n\
        Only the fields you give are sent; give --desc, --role, or both.")]
    Update(UpdateArgs<OrgScope>),
    /// Show an organization API key: its description, public key and roles in the organization and its projects.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key describe 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa\n  \
        atlas-apikeys org-key describe 5d1113b25a115342acc2d1aa --orgId 32b6e34b3d91647abb20e7b8 -o json\n\n\
        IDS: ORG_ID KEY_ID, or KEY_ID with --orgId (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).")]
    Describe {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
    },
    /// Delete an organization API key: it leaves every project, and its access list goes with it.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key delete 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --force\n  \
        atlas-apikeys org-key delete 5d1113b25a115342acc2d1aa --orgId 32b6e34b3d91647abb20e7b8\n\n\
        IDS: ORG_ID KEY_ID, or KEY_ID with --orgId (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).\n\
        It cannot be undone: without --force it asks at a terminal, and elsewhere sends nothing.")]
    Delete(RemoveArgs<OrgScope>),
}

/// `organizations …`, as the Atlas CLI spells it.
#[derive(Debug, Subcommand)]
pub enum Organizations {
    /// Organization API keys, in the Atlas CLI's words.
    #[command(subcommand, name = "apiKeys", alias = "apikeys", alias = "apikey")]
    ApiKeys(OrgApiKeys),
}

/// `organizations apiKeys …`, with the Atlas CLI's meanings.
#[derive(Debug, Subcommand)]
pub enum OrgApiKeys {
    /// As `org-key list`.
    #[command(alias = "ls")]
    List(ListArgs<OrgScope>),
    /// As `org-key describe`.
    #[command(alias = "get")]
    Describe {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
    },
    /// As `org-key create`.
    Create(CreateArgs<OrgScope>),
    /// As `org-key update`: the Atlas CLI's `assign` changes the key's description and organization roles.
    #[command(alias = "update")]
    Assign(UpdateArgs<OrgScope>),
    /// As `org-key delete`.
    #[command(alias = "rm")]
    Delete(RemoveArgs<OrgScope>),
}

/// `projects …`, as the Atlas CLI spells it.
#[derive(Debug, Subcommand)]
pub enum Projects {
    /// Organization API keys in a project, in the Atlas CLI's words.
    #[command(subcommand, name = "apiKeys", alias = "apikeys", alias = "apikey")]
    ApiKeys(ProjectApiKeys),
}

/// `projects apiKeys …`, with the Atlas CLI's meanings.
#[derive(Debug, Subcommand)]
pub enum ProjectApiKeys {
    /// As `project-key list`.
    #[command(alias = "ls")]
    List(ListArgs<ProjectScope>),
    /// As `project-key create`.
    Create(CreateArgs<ProjectScope>),
    /// As `project-key assign`: assigns the key, or replaces its roles in the project.
    Assign(AssignArgs),
    /// As `project-key unassign`: the Atlas CLI's `delete` takes the key out of the project.
    #[command(alias = "rm")]
    Delete(RemoveArgs<ProjectScope>),
}

/// Project key commands.
#[derive(Debug, Subcommand)]
pub enum ProjectKey {
    /// List the organization API keys assigned to a project: every page, or one with --page.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key list 5e2211c17a3e5a48f5497de3\n  \
        atlas-apikeys project-key list --projectId 5e2211c17a3e5a48f5497de3 --page 1 --limit 500 -o json")]
    List(ListArgs<ProjectScope>),
    /// Create an organization API key with roles in a project; its private key is shown this once.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key create 5e2211c17a3e5a48f5497de3 --desc \"deploy bot\" --role GROUP_READ_ONLY\n  \
        atlas-apikeys project-key create --projectId 5e2211c17a3e5a48f5497de3 --desc ci --role GROUP_OWNER --private-key-out ci.key\n\n\
        The private key is printed on stdout, or written to a new file (mode 0600) with --private-key-out;\n\
        the API never shows it again.")]
    Create(CreateArgs<ProjectScope>),
    /// Give an organization API key these roles in a project.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key assign 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --role GROUP_READ_ONLY\n  \
        atlas-apikeys project-key assign 5d1113b25a115342acc2d1aa --projectId 5e2211c17a3e5a48f5497de3 --role GROUP_OWNER --strict\n\n\
        IDS: PROJECT_ID KEY_ID, or KEY_ID with --projectId (or MONGODB_ATLAS_PROJECT_ID, or the profile's project_id).\n\
        Idempotent by default: assigns the key, or updates its roles when it is already in the project.\n\
        With --strict, a key already in the project is an error (409 API_KEY_ALREADY_IN_GROUP).")]
    Assign(AssignArgs),
    /// Replace an organization API key's roles in a project (and/or its description, on Atlas).
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key update-roles 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --role GROUP_CLUSTER_MANAGER,GROUP_READ_ONLY\n  \
        atlas-apikeys project-key update-roles 5d1113b25a115342acc2d1aa --projectId 5e2211c17a3e5a48f5497de3 --desc \"deploy bot\"\n\n\
        IDS: PROJECT_ID KEY_ID, or KEY_ID with --projectId (or MONGODB_ATLAS_PROJECT_ID, or the profile's project_id).")]
    UpdateRoles(UpdateArgs<ProjectScope>),
    /// Take an organization API key out of a project; the key stays in the organization.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys project-key unassign 5e2211c17a3e5a48f5497de3 5d1113b25a115342acc2d1aa --force\n  \
        atlas-apikeys project-key unassign 5d1113b25a115342acc2d1aa --projectId 5e2211c17a3e5a48f5497de3\n\n\
        IDS: PROJECT_ID KEY_ID, or KEY_ID with --projectId (or MONGODB_ATLAS_PROJECT_ID, or the profile's project_id).\n\
        Without --force it asks at a terminal, and elsewhere sends nothing.")]
    Unassign(RemoveArgs<ProjectScope>),
}

/// `org-key list`'s and `project-key list`'s arguments.
#[derive(Debug, Args)]
pub struct ListArgs<S: ScopeKind> {
    /// The organization's or project's id.
    #[command(flatten)]
    pub scope: ScopeId<S>,
    /// Only this page (from 1); without it, every page in turn.
    #[arg(long, value_name = "N")]
    pub page: Option<u32>,
    /// Keys per page with --page (1 to 500; the API's default is 100).
    #[arg(long, value_name = "N", requires = "page")]
    pub limit: Option<u32>,
}

/// `org-key create`'s and `project-key create`'s arguments.
#[derive(Debug, Args)]
pub struct CreateArgs<S: ScopeKind> {
    /// The organization's or project's id.
    #[command(flatten)]
    pub scope: ScopeId<S>,
    /// The key's description (1 to 250 characters).
    #[arg(long, value_name = "TEXT", required = true)]
    pub desc: String,
    /// Its roles (comma-separated or repeated; at least one).
    #[arg(long = "role", value_name = "ROLE", required = true, value_delimiter = ',', value_parser = Offer(S::roles))]
    pub roles: Vec<String>,
    /// Write the private key to this new file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub private_key_out: Option<PathBuf>,
}

/// `org-key delete`'s and `project-key unassign`'s arguments.
#[derive(Debug, Args)]
pub struct RemoveArgs<S: ScopeKind> {
    /// The scope's id and the key's.
    #[command(flatten)]
    pub target: Target<S>,
    /// Go ahead without asking (needed where there is no terminal to ask).
    #[arg(long)]
    pub force: bool,
}

/// `org-key update`'s and `project-key update-roles`' arguments: the same
/// on either scope, which says their help and which roles are offered.
#[derive(Debug, Args)]
pub struct UpdateArgs<S: ScopeKind> {
    /// The scope's id and the key's.
    #[command(flatten)]
    pub target: Target<S>,
    /// New description.
    #[arg(long, value_name = "TEXT", help = S::SCOPE.desc_help)]
    pub desc: Option<String>,
    /// New roles.
    #[arg(long = "role", value_name = "ROLE", value_delimiter = ',', value_parser = Offer(S::roles), help = S::SCOPE.roles_help)]
    pub roles: Vec<String>,
}

/// `project-key assign`'s arguments.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The project's id and the key's.
    #[command(flatten)]
    pub target: Target<ProjectScope>,
    /// Project roles (comma-separated or repeated; at least one).
    #[arg(long = "role", value_name = "ROLE", required = true, value_delimiter = ',', value_parser = Offer(ProjectScope::roles))]
    pub roles: Vec<String>,
    /// Fail instead of updating when the key is already in the project.
    #[arg(long)]
    pub strict: bool,
}
