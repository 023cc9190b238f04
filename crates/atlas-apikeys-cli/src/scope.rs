//! What a key command's first id names, an organization or a project, and
//! how each is spelled: the command line's arguments, the help, and the
//! messages all read it from here.

use std::marker::PhantomData;

use atlas_apikeys::settings::{Settings, vars};
use clap::Args;

/// What a command's first id names, an organization or a project, and its
/// spellings.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    /// The id's name in usage and messages.
    pub name: &'static str,
    /// The Atlas CLI's flag, without its dashes.
    pub long: &'static str,
    /// The flag's kebab-case alias.
    pub kebab: &'static str,
    /// The environment variable that gives a default.
    pub variable: &'static str,
    /// The flag's help.
    pub flag_help: &'static str,
    /// `--desc`'s help.
    pub desc_help: &'static str,
    /// `--role`'s help.
    pub roles_help: &'static str,
    org: bool,
}

impl Scope {
    /// An organization (`ORG_ID`, `--orgId`).
    pub const ORG: Self = Self {
        name: "ORG_ID",
        long: "orgId",
        kebab: "org-id",
        variable: vars::ORG_ID,
        flag_help: "The organization's 24-hex id (Atlas CLI spelling)",
        desc_help: "New description (1 to 250 characters)",
        roles_help: "Organization roles (comma-separated or repeated; replaces the current ones)",
        org: true,
    };

    /// A project (`PROJECT_ID`, `--projectId`).
    pub const PROJECT: Self = Self {
        name: "PROJECT_ID",
        long: "projectId",
        kebab: "project-id",
        variable: vars::PROJECT_ID,
        flag_help: "The project's 24-hex id (Atlas CLI spelling; Atlas calls it groupId)",
        desc_help: "New description (Atlas only)",
        roles_help: "Project roles (comma-separated or repeated; replaces the current ones)",
        org: false,
    };

    /// The flag as typed.
    pub fn flag(self) -> String {
        format!("--{}", self.long)
    }

    /// The default from the environment or the profile.
    pub fn default(self, settings: &Settings) -> Option<&str> {
        if self.org {
            settings.org_id.as_deref()
        } else {
            settings.project_id.as_deref()
        }
    }

    /// Every role of this scope that any system's catalogue entry lists,
    /// first appearance first: what the command line offers.
    pub fn roles(self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for entry in atlas_apikeys::client::catalogue::CATALOGUE {
            let roles = if self.org {
                entry.org.iter().map(|r| r.as_str()).collect::<Vec<_>>()
            } else {
                entry.project.iter().map(|r| r.as_str()).collect()
            };
            for role in roles {
                if !out.contains(&role) {
                    out.push(role);
                }
            }
        }
        out
    }
}

/// A scope, as a type: which [`Target`] a command takes.
pub trait ScopeKind: std::fmt::Debug + Send + Sync + 'static {
    /// The scope.
    const SCOPE: Scope;

    /// [`Scope::roles`], as a function the command line can hold.
    fn roles() -> Vec<&'static str> {
        Self::SCOPE.roles()
    }
}

/// The organization scope.
#[derive(Debug)]
pub struct OrgScope;

impl ScopeKind for OrgScope {
    const SCOPE: Scope = Scope::ORG;
}

/// The project scope.
#[derive(Debug)]
pub struct ProjectScope;

impl ScopeKind for ProjectScope {
    const SCOPE: Scope = Scope::PROJECT;
}

/// A key command's ids: `SCOPE_ID KEY_ID`, or `KEY_ID` with the Atlas CLI's
/// flag (or the default `Setup::target` finds).
#[derive(Debug, Args)]
pub struct Target<S: ScopeKind> {
    /// The positional ids, one or two.
    #[arg(id = "ids", value_name = "ID", num_args = 1..=2, required = true, action = clap::ArgAction::Set,
          help = format!("`{} KEY_ID`, or just `KEY_ID` with {} (the Atlas CLI's order) or {}", S::SCOPE.name, S::SCOPE.flag(), S::SCOPE.variable))]
    pub ids: Vec<String>,
    /// The flag's value.
    #[arg(id = "scope_id", long = S::SCOPE.long, alias = S::SCOPE.kebab, value_name = S::SCOPE.name, help = S::SCOPE.flag_help)]
    pub flag: Option<String>,
    #[arg(skip)]
    scope: PhantomData<S>,
}

impl<S: ScopeKind> Target<S> {
    /// The scope these ids are for.
    pub fn scope(&self) -> Scope {
        S::SCOPE
    }
}

/// A list command's scope id: `SCOPE_ID`, the Atlas CLI's flag, or the
/// default `Setup::scope_id` finds.
#[derive(Debug, Args)]
pub struct ScopeId<S: ScopeKind> {
    /// The id as a positional.
    #[arg(id = "id", value_name = "ID",
          help = format!("`{}`, or give {} or set {}", S::SCOPE.name, S::SCOPE.flag(), S::SCOPE.variable))]
    pub id: Option<String>,
    /// The flag's value.
    #[arg(id = "scope_id", long = S::SCOPE.long, alias = S::SCOPE.kebab, value_name = S::SCOPE.name, help = S::SCOPE.flag_help)]
    pub flag: Option<String>,
    #[arg(skip)]
    scope: PhantomData<S>,
}
