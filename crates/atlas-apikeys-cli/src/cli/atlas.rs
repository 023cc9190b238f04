//! The Atlas CLI's spellings, with its meanings: `organizations apiKeys
//! …` (with `accessLists …`) and `projects apiKeys …`, onto the same
//! arguments as our own commands.

use clap::Subcommand;

use super::keys::{AssignArgs, CreateArgs, EntryArgs, ListArgs, PageArgs, RemoveArgs, UpdateArgs};
use crate::scope::{OrgScope, ProjectScope, Target};

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
    /// A key's access list, in the Atlas CLI's words.
    #[command(
        subcommand,
        name = "accessLists",
        alias = "accesslists",
        alias = "accessList"
    )]
    AccessLists(AccessLists),
}

/// `organizations apiKeys accessLists …`, with the Atlas CLI's flags.
#[derive(Debug, Subcommand)]
pub enum AccessLists {
    /// As `org-key access-list list`: the key's id as the argument.
    #[command(alias = "ls")]
    List {
        /// The key's id.
        #[arg(value_name = "API_KEY_ID")]
        key: String,
        /// The organization (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).
        #[arg(long = "orgId", value_name = "ORG_ID")]
        org: Option<String>,
        /// Only this page, and its size.
        #[command(flatten)]
        page: PageArgs,
    },
    /// As `org-key access-list create`.
    Create {
        /// The key's id.
        #[arg(long = "apiKey", value_name = "API_KEY_ID", required = true)]
        key: String,
        /// The organization (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).
        #[arg(long = "orgId", value_name = "ORG_ID")]
        org: Option<String>,
        /// The entries.
        #[command(flatten)]
        entries: EntryArgs,
    },
    /// As `org-key access-list delete`: the entry as the argument.
    #[command(alias = "rm")]
    Delete {
        /// The address or CIDR block to remove.
        #[arg(value_name = "ENTRY")]
        entry: String,
        /// The key's id.
        #[arg(long = "apiKey", value_name = "API_KEY_ID", required = true)]
        key: String,
        /// The organization (or MONGODB_ATLAS_ORG_ID, or the profile's org_id).
        #[arg(long = "orgId", value_name = "ORG_ID")]
        org: Option<String>,
        /// Go ahead without asking (needed where there is no terminal to ask).
        #[arg(long)]
        force: bool,
    },
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
