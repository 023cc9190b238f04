//! The plan `apply` reads (TOML, YAML or JSON) and the items it becomes,
//! each validated before anything is sent.

use std::path::Path;

use atlas_apikeys::{ApiKeyId, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole, ProjectRoles};
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
    pub(super) key: String,
    pub(super) scope: &'static str,
    pub(super) target: String,
    pub(super) work: Result<Work, String>,
}

pub(super) fn read(path: &Path) -> Result<Plan, Failure> {
    let text = if path == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| Failure::usage(format!("cannot read the plan from stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let bad = |e: String| Failure::usage(format!("{}: {e}", path.display()));
    match extension {
        "toml" => toml::from_str(&text).map_err(|e| bad(e.message().to_owned())),
        "json" => serde_json::from_str(&text).map_err(|e| bad(e.to_string())),
        "yaml" | "yml" => serde_norway::from_str(&text).map_err(|e| bad(e.to_string())),
        _ => serde_json::from_str(&text)
            .or_else(|_| serde_norway::from_str(&text))
            .map_err(|e: serde_norway::Error| bad(format!("neither JSON nor YAML: {e}"))),
    }
}

/// Turns the file into items, each validated now: a bad one is reported as
/// failed and sends nothing; the others go ahead.
pub(super) fn items(plan: Plan, setup: &Setup, allow_unlisted: bool) -> Vec<Item> {
    let check = Check {
        setup,
        allow_unlisted,
    };
    let mut out = Vec::new();
    for (n, k) in plan.keys.iter().enumerate() {
        let label = format!("keys[{n}] {}", k.id.trim());
        let key: Result<ApiKeyId, String> = parse_id(&k.id, "id");
        let item = |scope, target: Option<&str>, work| Item {
            key: label.clone(),
            scope,
            target: target.unwrap_or_default().trim().to_owned(),
            work,
        };
        if k.desc.is_some() || k.org_roles.is_some() {
            let org = k.org.as_deref().or(setup.settings.org_id.as_deref());
            let work = key.clone().and_then(|key| check.org(k, org, key));
            out.push(item("organization", org, work));
        }
        for p in &k.projects {
            let work = key.clone().and_then(|key| check.project(p, key));
            out.push(item("project", Some(&p.id), work));
        }
    }
    out
}

/// Builds and validates one item's work, as the run's flags say.
struct Check<'a> {
    setup: &'a Setup,
    allow_unlisted: bool,
}

impl Check<'_> {
    fn org(&self, k: &KeySpec, org: Option<&str>, key: ApiKeyId) -> Result<Work, String> {
        let org = org.ok_or("org: not given, and no MONGODB_ATLAS_ORG_ID or profile org_id")?;
        let org: OrgId = parse_id(org, "org")?;
        let mut update = OrgKeyUpdate::new();
        if let Some(d) = &k.desc {
            let d = atlas_apikeys::Description::new(d.clone()).map_err(|e| format!("desc: {e}"))?;
            update = update.description(d);
        }
        if let Some(roles) = &k.org_roles {
            update = update.roles(roles.iter().map(|r| OrgRole::from(r.trim())));
        }
        if self.allow_unlisted {
            update = update.allow_unlisted_roles();
        }
        update
            .validate(self.setup.version)
            .map_err(|e| Failure::from(e).message)?;
        Ok(Work::Org(org, key, update))
    }

    fn project(&self, p: &ProjectSpec, key: ApiKeyId) -> Result<Work, String> {
        let project: ProjectId = parse_id(&p.id, "project")?;
        let roles = p.roles.iter().map(|r| ProjectRole::from(r.trim()));
        let roles = match self.allow_unlisted {
            true => ProjectRoles::new(roles).allow_unlisted_roles(),
            false => ProjectRoles::new(roles),
        };
        roles
            .validate(self.setup.version)
            .map_err(|e| Failure::from(e).message)?;
        Ok(Work::Project(project, key, roles))
    }
}

pub(super) fn describe(work: &Work) -> String {
    match work {
        Work::Org(org, key, update) => {
            let mut parts = Vec::new();
            if let Some(d) = update.description_value() {
                parts.push(format!("desc {d:?}"));
            }
            if let Some(r) = update.roles_value() {
                parts.push(format!(
                    "roles {}",
                    r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
                ));
            }
            format!("PATCH org {org} key {key}: {}", parts.join(", "))
        }
        Work::Project(project, key, roles) => format!(
            "assign (or update) key {key} in project {project}: roles {}",
            roles
                .roles()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}
