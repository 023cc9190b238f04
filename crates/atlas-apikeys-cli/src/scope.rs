//! What a key command's first id names, an organization or a project, and
//! how each is spelled: the command line's arguments, the help, and the
//! messages all read it from here.

use std::marker::PhantomData;

use atlas_apikeys::settings::{Settings, vars};
use clap::{Arg, ArgMatches, Args, Command, FromArgMatches};

/// What a command's first id names.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// An organization (`ORG_ID`, `--orgId`).
    Org,
    /// A project (`PROJECT_ID`, `--projectId`).
    Project,
}

impl Scope {
    /// The id's name in usage and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Org => "ORG_ID",
            Self::Project => "PROJECT_ID",
        }
    }

    /// The Atlas CLI's flag, without its dashes.
    fn long(self) -> &'static str {
        match self {
            Self::Org => "orgId",
            Self::Project => "projectId",
        }
    }

    /// The flag as typed.
    pub fn flag(self) -> String {
        format!("--{}", self.long())
    }

    /// The environment variable that gives a default.
    pub fn variable(self) -> &'static str {
        match self {
            Self::Org => vars::ORG_ID,
            Self::Project => vars::PROJECT_ID,
        }
    }

    /// The default from the environment or the profile.
    pub fn default(self, settings: &Settings) -> Option<&str> {
        match self {
            Self::Org => settings.org_id.as_deref(),
            Self::Project => settings.project_id.as_deref(),
        }
    }

    fn flag_help(self) -> &'static str {
        match self {
            Self::Org => "The organization's 24-hex id (Atlas CLI spelling)",
            Self::Project => "The project's 24-hex id (Atlas CLI spelling; Atlas calls it groupId)",
        }
    }

    /// `--desc`'s help.
    pub fn desc_help(self) -> &'static str {
        match self {
            Self::Org => "New description (1 to 250 characters)",
            Self::Project => "New description (Atlas only)",
        }
    }

    /// `--role`'s help.
    pub fn roles_help(self) -> &'static str {
        match self {
            Self::Org => {
                "Organization roles (comma-separated or repeated; replaces the current ones)"
            }
            Self::Project => {
                "Project roles (comma-separated or repeated; replaces the current ones)"
            }
        }
    }

    /// Every role of this scope that any system's catalogue entry lists,
    /// first appearance first: what the command line offers.
    pub fn roles(self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for entry in atlas_apikeys::client::catalogue::CATALOGUE {
            let roles = match self {
                Self::Org => entry.org.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
                Self::Project => entry.project.iter().map(|r| r.as_str()).collect(),
            };
            for role in roles {
                if !out.contains(&role) {
                    out.push(role);
                }
            }
        }
        out
    }

    fn kebab(self) -> &'static str {
        match self {
            Self::Org => "org-id",
            Self::Project => "project-id",
        }
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
    const SCOPE: Scope = Scope::Org;
}

/// The project scope.
#[derive(Debug)]
pub struct ProjectScope;

impl ScopeKind for ProjectScope {
    const SCOPE: Scope = Scope::Project;
}

/// A key command's ids: `SCOPE_ID KEY_ID`, or `KEY_ID` with the Atlas CLI's
/// flag (or the default `Setup::target` finds).
#[derive(Debug)]
pub struct Target<S> {
    /// The positional ids, one or two.
    pub ids: Vec<String>,
    /// The flag's value.
    pub flag: Option<String>,
    scope: PhantomData<S>,
}

impl<S: ScopeKind> Target<S> {
    /// The scope these ids are for.
    pub fn scope(&self) -> Scope {
        S::SCOPE
    }
}

const IDS: &str = "ids";
const FLAG: &str = "scope_id";

impl<S: ScopeKind> FromArgMatches for Target<S> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(Self {
            ids: m
                .get_many::<String>(IDS)
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            flag: m.get_one::<String>(FLAG).cloned(),
            scope: PhantomData,
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<S: ScopeKind> Args for Target<S> {
    fn augment_args(cmd: Command) -> Command {
        let scope = S::SCOPE;
        let (name, flag) = (scope.name(), scope.flag());
        cmd.arg(
            Arg::new(IDS)
                .value_name("ID")
                .num_args(1..=2)
                .required(true)
                .help(format!(
                    "`{name} KEY_ID`, or just `KEY_ID` with {flag} (the Atlas CLI's order) or {}",
                    scope.variable()
                )),
        )
        .arg(
            Arg::new(FLAG)
                .long(scope.long())
                .alias(scope.kebab())
                .value_name(name)
                .help(scope.flag_help()),
        )
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
