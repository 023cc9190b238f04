//! Our own key commands: `org-key …` (with its `access-list …`) and
//! `project-key …`, and the arguments they share with the Atlas CLI's
//! spellings.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Offer;
use crate::scope::{OrgScope, ProjectScope, ScopeId, ScopeKind, Target};

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
    /// A key's access list: the addresses and CIDR blocks it may call from.
    #[command(subcommand, name = "access-list")]
    AccessList(AccessList),
}

/// `org-key access-list …`.
#[derive(Debug, Subcommand)]
pub enum AccessList {
    /// List a key's access list: every page, or one with --page.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key access-list list 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa\n  \
        atlas-apikeys org-key access-list list 5d1113b25a115342acc2d1aa --orgId 32b6e34b3d91647abb20e7b8 -o json")]
    List {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
        /// Only this page, and its size.
        #[command(flatten)]
        page: PageArgs,
    },
    /// Add addresses or CIDR blocks to a key's access list.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key access-list create 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --ip 203.0.113.10\n  \
        atlas-apikeys org-key access-list create 5d1113b25a115342acc2d1aa --orgId 32b6e34b3d91647abb20e7b8 --cidr 203.0.113.0/24,2001:db8::/32")]
    Create {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
        /// The entries.
        #[command(flatten)]
        entries: EntryArgs,
    },
    /// Show one entry of a key's access list: when it was added and last used.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key access-list describe 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --entry 203.0.113.0/24")]
    Describe {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
        /// The address or CIDR block.
        #[arg(long, value_name = "ENTRY", required = true)]
        entry: String,
    },
    /// Remove one address or CIDR block from a key's access list.
    #[command(after_help = "EXAMPLES:\n  \
        atlas-apikeys org-key access-list delete 32b6e34b3d91647abb20e7b8 5d1113b25a115342acc2d1aa --entry 203.0.113.0/24 --force")]
    Delete {
        /// The organization's id and the key's.
        #[command(flatten)]
        target: Target<OrgScope>,
        /// The address or CIDR block to remove.
        #[arg(long, value_name = "ENTRY", required = true)]
        entry: String,
        /// Go ahead without asking (needed where there is no terminal to ask).
        #[arg(long)]
        force: bool,
    },
}

/// `--ip` and `--cidr`: at least one entry in all.
#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct EntryArgs {
    /// IPv4 or IPv6 addresses (comma-separated or repeated).
    #[arg(long, value_name = "ADDRESS", value_delimiter = ',')]
    pub ip: Vec<String>,
    /// CIDR blocks (comma-separated or repeated).
    #[arg(long, value_name = "BLOCK", value_delimiter = ',')]
    pub cidr: Vec<String>,
}

/// `--page` and `--limit`.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Only this page (from 1); without it, every page in turn.
    #[arg(long, value_name = "N")]
    pub page: Option<u32>,
    /// Items per page with --page (1 to 500; the API's default is 100).
    #[arg(long, value_name = "N", requires = "page")]
    pub limit: Option<u32>,
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
    /// Only this page, and its size.
    #[command(flatten)]
    pub page: PageArgs,
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
    /// Write the new key's private key to this new file (mode 0600 on Unix) instead of stdout (--private-key-file, by contrast, reads the caller's own).
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
