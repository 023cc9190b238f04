//! The file `apply` and `plan` read (TOML, YAML or JSON) and the items it
//! becomes, each validated before anything is sent: a key's organization
//! settings, its roles per project, its access list, or its removal.

use std::collections::HashMap;

use atlas_apikeys::{
    AccessEntry, ApiKeyId, OrgId, OrgKeyUpdate, OrgRole, ProjectId, ProjectRole, ProjectRoles,
    Rule, ValidationError,
};
use serde::Deserialize;

use crate::exit::Failure;
use crate::setup::{Setup, parse_id};

/// The file: keys, each with its organization settings and projects.
#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Plan {
    pub(super) keys: Vec<KeySpec>,
}

/// One key. What it leaves out is not managed: no `desc` leaves the
/// description as it is, no `projects` its assignments (`projects = []`
/// declares none), no `access_list` its entries.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KeySpec {
    pub(super) id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) org: Option<String>,
    /// `absent`: the key is deleted (only ever when a file says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) state: Option<KeyState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) desc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) org_roles: Option<Vec<String>>,
    /// Addresses and CIDR blocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) access_list: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) projects: Option<Vec<ProjectSpec>>,
}

/// Whether a key should exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum KeyState {
    Present,
    Absent,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProjectSpec {
    pub(super) id: String,
    pub(super) roles: Vec<String>,
}

/// One request's worth of work.
#[derive(Debug, Clone)]
pub(super) enum Work {
    Org(OrgId, ApiKeyId, OrgKeyUpdate),
    Project(ProjectId, ApiKeyId, ProjectRoles),
    Unassign(ProjectId, ApiKeyId),
    AddEntries(OrgId, ApiKeyId, Vec<AccessEntry>),
    RemoveEntry(OrgId, ApiKeyId, AccessEntry),
    Delete(OrgId, ApiKeyId),
}

impl Work {
    /// The organization or project it is sent to.
    fn target(&self) -> String {
        match self {
            Work::Org(org, ..)
            | Work::AddEntries(org, ..)
            | Work::RemoveEntry(org, ..)
            | Work::Delete(org, ..) => org.to_string(),
            Work::Project(project, ..) | Work::Unassign(project, ..) => project.to_string(),
        }
    }
}

/// A key the file names, as the live state is read for it: its
/// organization, and what of it the file manages.
#[derive(Debug, Clone)]
pub(super) struct Named {
    /// `keys[0]`.
    pub(super) at: String,
    pub(super) key: ApiKeyId,
    pub(super) org: Result<OrgId, String>,
    /// Its projects are declared (`projects`, even empty).
    pub(super) projects: bool,
    /// The declared projects whose ids parse.
    pub(super) project_ids: Vec<ProjectId>,
    /// Its access list is declared.
    pub(super) access: bool,
    pub(super) absent: bool,
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
pub(super) fn items(
    plan: &Plan,
    setup: &Setup,
    allow_unlisted: bool,
) -> Result<(Vec<Item>, Vec<Named>), Failure> {
    let check = Check {
        setup,
        allow_unlisted,
    };
    let mut out = Vec::new();
    let mut named = Vec::new();
    for (n, k) in plan.keys.iter().enumerate() {
        let key: Result<ApiKeyId, String> = parse_id(&k.id, &format!("keys[{n}].id"));
        let item = |at: String, scope, target: Option<&str>, work: Result<Work, String>| Item {
            at,
            key: key.as_ref().ok().copied(),
            scope,
            target: match &work {
                Ok(work) => Some(work.target()),
                Err(_) => target
                    .map(str::trim)
                    .filter(|t| t.parse::<OrgId>().is_ok())
                    .map(str::to_owned),
            },
            work,
        };
        let org_text = k.org.as_deref().or(setup.settings.org_id.as_deref());
        let org = setup.org(k.org.as_deref(), &format!("keys[{n}].org"));
        let at = format!("keys[{n}]");
        if k.state == Some(KeyState::Absent) {
            let managed = k.desc.is_some()
                || k.org_roles.is_some()
                || k.projects.is_some()
                || k.access_list.is_some();
            let work = match managed {
                true => Err(format!(
                    "{at}: state = \"absent\" deletes the key; it takes no desc, org_roles, projects or access_list"
                )),
                false => key
                    .clone()
                    .and_then(|key| Ok(Work::Delete(org.clone()?, key))),
            };
            out.push(item(at.clone(), "organization", org_text, work));
        } else {
            if k.desc.is_some() || k.org_roles.is_some() {
                let work = key
                    .clone()
                    .and_then(|key| check.org(n, k, org.clone()?, key));
                out.push(item(at.clone(), "organization", org_text, work));
            }
            if let Some(entries) = &k.access_list {
                let at = format!("{at}.access_list");
                let work = key.clone().and_then(|key| {
                    let entries = access_entries(&at, entries)?;
                    Ok(Work::AddEntries(org.clone()?, key, entries))
                });
                out.push(item(at, "access list", org_text, work));
            }
            for (m, p) in k.projects.iter().flatten().enumerate() {
                let at = format!("keys[{n}].projects[{m}]");
                let work = key.clone().and_then(|key| check.project(&at, p, key));
                out.push(item(at, "project", Some(&p.id), work));
            }
        }
        if let Ok(key) = key {
            named.push(Named {
                at,
                key,
                org,
                projects: k.projects.is_some(),
                project_ids: k
                    .projects
                    .iter()
                    .flatten()
                    .filter_map(|p| p.id.trim().parse().ok())
                    .collect(),
                access: k.access_list.is_some(),
                absent: k.state == Some(KeyState::Absent),
            });
        }
    }
    refuse_duplicates(&out)?;
    Ok((out, named))
}

/// The entries of `at`, parsed, each once.
fn access_entries(at: &str, entries: &[String]) -> Result<Vec<AccessEntry>, String> {
    let mut parsed: Vec<AccessEntry> = Vec::with_capacity(entries.len());
    for (n, text) in entries.iter().enumerate() {
        let entry = AccessEntry::parse(text.trim()).map_err(|e| format!("{at}[{n}]: {e}"))?;
        if parsed.iter().any(|p| same_entry(p, &entry)) {
            return Err(format!("{at}[{n}]: {entry} is listed twice"));
        }
        parsed.push(entry);
    }
    Ok(parsed)
}

/// Whether two entries admit the same addresses (an address is its own
/// one-address block).
pub(super) fn same_entry(a: &AccessEntry, b: &AccessEntry) -> bool {
    canonical(a) == canonical(b)
}

/// An entry as a block: `192.0.2.7` is `192.0.2.7/32`.
pub(crate) fn canonical(entry: &AccessEntry) -> String {
    match entry {
        AccessEntry::Address(a) if a.is_ipv4() => format!("{a}/32"),
        AccessEntry::Address(a) => format!("{a}/128"),
        other => other.to_string(),
    }
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
    fn org(&self, n: usize, k: &KeySpec, org: OrgId, key: ApiKeyId) -> Result<Work, String> {
        let at = format!("keys[{n}]");
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
        Work::Unassign(project, key) => format!("unassign key {key} from project {project}"),
        Work::AddEntries(org, key, entries) => format!(
            "add to the access list of key {key} (org {org}): {}",
            entries
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Work::RemoveEntry(org, key, entry) => {
            format!("remove {entry} from the access list of key {key} (org {org})")
        }
        Work::Delete(org, key) => format!("delete key {key} from org {org}"),
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
