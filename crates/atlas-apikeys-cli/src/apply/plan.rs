//! The plan `apply` reads (TOML, YAML or JSON) and the items it becomes,
//! each validated before anything is sent.

use std::collections::HashMap;

use atlas_apikeys::{
    ApiKeyId, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole, ProjectRoles, Rule,
    ValidationError,
};
use serde::Deserialize;

use crate::exit::Failure;
use crate::setup::{Setup, parse_id};

/// The file: keys, each with its organization settings and projects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Plan {
    keys: Vec<KeySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeySpec {
    id: String,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    desc: Option<String>,
    #[serde(default)]
    org_roles: Option<Vec<String>>,
    #[serde(default)]
    projects: Vec<ProjectSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectSpec {
    id: String,
    roles: Vec<String>,
}

/// One request's worth of work.
#[derive(Debug, Clone)]
pub(super) enum Work {
    Org(OrgId, ApiKeyId, OrgKeyUpdate),
    Project(ProjectId, ApiKeyId, ProjectRoles),
}

/// An item of the plan and, once done, its outcome.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// Where it stands in the file: `keys[0]`, `keys[0].projects[2]`.
    pub(super) at: String,
    /// The key's id, once it parsed.
    pub(super) key: Option<ApiKeyId>,
    pub(super) scope: &'static str,
    /// The organization's or project's id, once it parsed.
    pub(super) target: Option<String>,
    pub(super) work: Result<Work, String>,
}

/// Turns the file into items, each validated now: a bad one is reported as
/// failed and sends nothing; the others go ahead. Two items for the same
/// key in the same organization or project would race, with either's roles
/// winning: they are refused before anything is sent.
pub(super) fn items(plan: Plan, setup: &Setup, allow_unlisted: bool) -> Result<Vec<Item>, Failure> {
    let check = Check {
        setup,
        allow_unlisted,
    };
    let mut out = Vec::new();
    for (n, k) in plan.keys.iter().enumerate() {
        let key: Result<ApiKeyId, String> = parse_id(&k.id, &format!("keys[{n}].id"));
        let item = |at: String, scope, target: Option<&str>, work: Result<Work, String>| Item {
            at,
            key: key.as_ref().ok().copied(),
            scope,
            target: match &work {
                Ok(Work::Org(org, ..)) => Some(org.to_string()),
                Ok(Work::Project(project, ..)) => Some(project.to_string()),
                Err(_) => target
                    .map(str::trim)
                    .filter(|t| t.parse::<OrgId>().is_ok())
                    .map(str::to_owned),
            },
            work,
        };
        if k.desc.is_some() || k.org_roles.is_some() {
            let org = k.org.as_deref().or(setup.settings.org_id.as_deref());
            let work = key.clone().and_then(|key| check.org(n, k, org, key));
            out.push(item(format!("keys[{n}]"), "organization", org, work));
        }
        for (m, p) in k.projects.iter().enumerate() {
            let at = format!("keys[{n}].projects[{m}]");
            let work = key.clone().and_then(|key| check.project(&at, p, key));
            out.push(item(at, "project", Some(&p.id), work));
        }
    }
    refuse_duplicates(&out)?;
    Ok(out)
}

/// A usage failure naming the first two items that set the same key in
/// the same organization or project.
fn refuse_duplicates(items: &[Item]) -> Result<(), Failure> {
    let mut seen: HashMap<(ApiKeyId, &str, &str), &str> = HashMap::new();
    for item in items {
        let (Some(key), Some(target)) = (item.key, item.target.as_deref()) else {
            continue;
        };
        if let Some(first) = seen.insert((key, item.scope, target), &item.at) {
            return Err(Failure::usage(format!(
                "{first} and {}: both set key {key} in {} {target}; list each key once per {} (the two would race, and either could win)",
                item.at, item.scope, item.scope
            )));
        }
    }
    Ok(())
}

/// Builds and validates one item's work, as the run's flags say.
struct Check<'a> {
    setup: &'a Setup,
    allow_unlisted: bool,
}

/// A validation error in the plan's terms: the field's place in the file,
/// the rule, the value as shown.
fn invalid(at: &str, roles_field: &str, e: ValidationError) -> String {
    let field = match e.field.strip_prefix("roles") {
        Some(index) => format!("{at}.{roles_field}{index}"),
        None => format!("{at}.{}", e.field),
    };
    if matches!(e.rule, Rule::NothingToUpdate) {
        return format!("{at}: give desc, org_roles, or both");
    }
    format!("{field}: {} (got {})", crate::exit::rule(&e.rule), e.value)
}

impl Check<'_> {
    fn org(&self, n: usize, k: &KeySpec, org: Option<&str>, key: ApiKeyId) -> Result<Work, String> {
        let at = format!("keys[{n}]");
        let org = org.ok_or_else(|| {
            format!("{at}.org: not given, and no MONGODB_ATLAS_ORG_ID or profile org_id")
        })?;
        let org: OrgId = parse_id(org, &format!("{at}.org"))?;
        let mut update = OrgKeyUpdate::new();
        if let Some(d) = &k.desc {
            let d = atlas_apikeys::Description::new(d.clone())
                .map_err(|e| invalid(&at, "org_roles", e.into()))?;
            update = update.description(d);
        }
        if let Some(roles) = &k.org_roles {
            update = update.roles(roles.iter().map(|r| OrgRole::from(r.trim())));
        }
        if self.allow_unlisted {
            update = update.allow_unlisted_roles();
        }
        let update = update
            .checked(self.setup.version)
            .map_err(|e| invalid(&at, "org_roles", e))?;
        Ok(Work::Org(org, key, update))
    }

    fn project(&self, at: &str, p: &ProjectSpec, key: ApiKeyId) -> Result<Work, String> {
        let project: ProjectId = parse_id(&p.id, &format!("{at}.id"))?;
        let roles = p.roles.iter().map(|r| ProjectRole::from(r.trim()));
        let roles = match self.allow_unlisted {
            true => ProjectRoles::new(roles).allow_unlisted_roles(),
            false => ProjectRoles::new(roles),
        };
        let roles = roles
            .checked(self.setup.version)
            .map_err(|e| invalid(at, "roles", e))?;
        Ok(Work::Project(project, key, roles))
    }
}

/// What an item would do, in words: for the dry run.
pub(super) fn describe(work: &Work) -> String {
    let list = |roles: &mut dyn Iterator<Item = &str>| roles.collect::<Vec<_>>().join(",");
    match work {
        Work::Org(org, key, update) => {
            let mut parts = Vec::new();
            if let Some(d) = update.description_value() {
                parts.push(format!("desc {}", serde_json::Value::from(d.as_str())));
            }
            if let Some(r) = update.roles_value() {
                parts.push(format!("roles {}", list(&mut r.iter().map(|r| r.as_str()))));
            }
            format!("PATCH org {org} key {key}: {}", parts.join(", "))
        }
        Work::Project(project, key, roles) => format!(
            "assign (or update) key {key} in project {project}: roles {}",
            list(&mut roles.roles().iter().map(|r| r.as_str()))
        ),
    }
}
