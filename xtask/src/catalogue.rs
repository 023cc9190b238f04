//! The role catalogue: one reviewed file per system under `openapi/roles/`,
//! saying which organization and project roles the system has, where that
//! list comes from, and which schema properties carry roles.
//!
//! Roles belong to the system, not to an API date: upstream specs list them
//! unevenly (the 2026 Atlas spec has no project-role enum at all), so codegen
//! takes role values from here, and `import` only reports how upstream's
//! lists differ from it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// The catalogue's folder, relative to the workspace root.
pub const CATALOGUE_DIR: &str = "openapi/roles";

/// Which roles a schema property carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Organization roles (`OrgRole`).
    Org,
    /// Project roles (`ProjectRole`).
    Project,
    /// Either, as responses list them (`RoleName`).
    Any,
}

impl Scope {
    /// The open enum codegen maps the property to.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::Org => "OrgRole",
            Self::Project => "ProjectRole",
            Self::Any => "RoleName",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "org" => Self::Org,
            "project" => Self::Project,
            "any" => Self::Any,
            _ => return None,
        })
    }
}

/// One system's roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemRoles {
    /// `atlas`, `cloud-manager`, `ops-manager`.
    pub system: String,
    /// The catalogue file, relative to the workspace root.
    pub file: String,
    /// Where each list comes from (`org`, `project`, `reviewed`).
    pub source: BTreeMap<String, String>,
    /// Organization roles, in catalogue order.
    pub org: Vec<String>,
    /// Project roles, in catalogue order.
    pub project: Vec<String>,
    /// `Schema.property` → the roles it carries.
    pub fields: BTreeMap<String, Scope>,
}

impl SystemRoles {
    /// The scope of `property` of component schema `schema`, if it carries roles.
    pub fn field(&self, schema: &str, property: &str) -> Option<Scope> {
        self.fields.get(&format!("{schema}.{property}")).copied()
    }
}

/// Every system's roles, sorted by system.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// One entry per system.
    pub systems: Vec<SystemRoles>,
}

impl Catalogue {
    /// The entry for `system`.
    pub fn system(&self, system: &str) -> Option<&SystemRoles> {
        self.systems.iter().find(|s| s.system == system)
    }

    /// Every role of a scope across systems, first appearance first (system
    /// order: Atlas, then the others alphabetically), for the shared enums.
    pub fn union(&self, scope: Scope) -> Vec<String> {
        let mut systems: Vec<&SystemRoles> = self.systems.iter().collect();
        systems.sort_by_key(|s| (s.system != "atlas", s.system.clone()));
        let mut out: Vec<String> = Vec::new();
        for s in systems {
            let lists = match scope {
                Scope::Org => vec![&s.org],
                Scope::Project => vec![&s.project],
                Scope::Any => vec![&s.org, &s.project],
            };
            for r in lists.into_iter().flatten() {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        out
    }
}

/// Reads every `*.json` under `dir`. Errors name the file and what is wrong.
pub fn read(dir: &Path) -> Result<Catalogue, String> {
    let files = crate::output::files_with_extension(dir, "json")
        .map_err(|e| format!("{}: cannot read the role catalogue: {e}", dir.display()))?;
    let mut systems = Vec::new();
    for path in files {
        let name = format!(
            "{CATALOGUE_DIR}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON: {e}"))?;
        systems.push(parse(&value, &name)?);
    }
    if systems.is_empty() {
        return Err(format!("{}: no role catalogue files", dir.display()));
    }
    Ok(Catalogue { systems })
}

fn parse(value: &Value, file: &str) -> Result<SystemRoles, String> {
    let bad = |what: &str| format!("{file}: {what}");
    let strings = |key: &str| -> Result<Vec<String>, String> {
        let list = value
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| bad(&format!("`{key}` must be a list of role names")))?;
        let mut out: Vec<String> = Vec::new();
        for item in list {
            let role = item
                .as_str()
                .filter(|s| is_role_name(s))
                .ok_or_else(|| bad(&format!("`{key}` holds {item}, not a role name")))?;
            if out.iter().any(|r| r == role) {
                return Err(bad(&format!("`{key}` lists {role} twice")));
            }
            out.push(role.to_owned());
        }
        Ok(out)
    };
    let system = value
        .get("system")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("`system` is missing"))?
        .to_owned();
    let (org, project) = (strings("org")?, strings("project")?);
    if let Some(r) = org.iter().find(|r| !r.starts_with("ORG_")) {
        return Err(bad(&format!(
            "organization role {r} does not start with ORG_"
        )));
    }
    if let Some(r) = project.iter().find(|r| !r.starts_with("GROUP_")) {
        return Err(bad(&format!("project role {r} does not start with GROUP_")));
    }
    let source: BTreeMap<String, String> = value
        .get("source")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`source` must say where the lists come from"))?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    for key in ["org", "project"] {
        if source.get(key).is_none_or(|s| s.trim().is_empty()) {
            return Err(bad(&format!(
                "`source.{key}` must say where that list comes from"
            )));
        }
    }
    let mut fields = BTreeMap::new();
    for (k, v) in value
        .get("fields")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`fields` must map Schema.property to org, project or any"))?
    {
        let scope = v
            .as_str()
            .and_then(Scope::parse)
            .ok_or_else(|| bad(&format!("fields.{k}: {v} is not org, project or any")))?;
        if k.split('.').count() != 2 {
            return Err(bad(&format!("fields.{k}: expected Schema.property")));
        }
        fields.insert(k.clone(), scope);
    }
    Ok(SystemRoles {
        system,
        file: file.to_owned(),
        source,
        org,
        project,
        fields,
    })
}

fn is_role_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// How the roles a fragment lists compare with the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleDrift {
    /// The catalogue file compared with.
    pub file: String,
    /// Per scope (`organization`, `project`): what upstream lists, or `None`
    /// when it lists no enum for that scope.
    pub scopes: Vec<ScopeDrift>,
}

/// One scope's comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeDrift {
    /// `organization` or `project`.
    pub scope: &'static str,
    /// Whether upstream lists this scope's roles at all.
    pub listed: bool,
    /// Roles upstream lists that the catalogue lacks.
    pub added: Vec<String>,
    /// Catalogue roles upstream no longer lists.
    pub dropped: Vec<String>,
}

impl RoleDrift {
    /// Whether the catalogue and upstream disagree.
    pub fn differs(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| !s.added.is_empty() || !s.dropped.is_empty())
    }

    /// One line per scope, for `import`'s report.
    pub fn lines(&self) -> Vec<String> {
        self.scopes
            .iter()
            .map(|s| {
                if !s.listed {
                    format!(
                        "{} roles: upstream lists none; the catalogue's are used",
                        s.scope
                    )
                } else if s.added.is_empty() && s.dropped.is_empty() {
                    format!("{} roles: as in the catalogue", s.scope)
                } else {
                    let mut parts = Vec::new();
                    if !s.added.is_empty() {
                        parts.push(format!("upstream adds {}", s.added.join(", ")));
                    }
                    if !s.dropped.is_empty() {
                        parts.push(format!("upstream drops {}", s.dropped.join(", ")));
                    }
                    format!(
                        "{} roles: {} (review and edit {})",
                        s.scope,
                        parts.join("; "),
                        self.file
                    )
                }
            })
            .collect()
    }
}

/// Compares the role enums a fragment's role fields carry with `roles`.
pub fn drift(roles: &SystemRoles, fragment: &Value) -> RoleDrift {
    let mut listed: BTreeMap<Scope, BTreeSet<String>> = BTreeMap::new();
    for (field, scope) in &roles.fields {
        let Some((schema, property)) = field.split_once('.') else {
            continue;
        };
        // The schema, or a dated revision of it (`Schema20240805`).
        let revisions = fragment
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(name, _)| {
                name.strip_prefix(schema).is_some_and(|rest| {
                    rest.is_empty() || (rest.len() == 8 && rest.bytes().all(|b| b.is_ascii_digit()))
                })
            })
            .filter_map(|(_, s)| s.pointer(&format!("/properties/{property}")));
        let values = revisions.filter_map(|prop| {
            prop.get("enum")
                .or_else(|| prop.pointer("/items/enum"))
                .and_then(Value::as_array)
        });
        for v in values.flatten().filter_map(Value::as_str) {
            let scope = match scope {
                Scope::Any if v.starts_with("ORG_") => Scope::Org,
                Scope::Any if v.starts_with("GROUP_") => Scope::Project,
                other => *other,
            };
            listed.entry(scope).or_default().insert(v.to_owned());
        }
    }
    let compare = |scope: Scope, name: &'static str, catalogue: &[String]| {
        let Some(upstream) = listed.get(&scope) else {
            return ScopeDrift {
                scope: name,
                listed: false,
                ..ScopeDrift::default()
            };
        };
        ScopeDrift {
            scope: name,
            listed: true,
            added: upstream
                .iter()
                .filter(|r| !catalogue.contains(r))
                .cloned()
                .collect(),
            dropped: catalogue
                .iter()
                .filter(|r| !upstream.contains(*r))
                .cloned()
                .collect(),
        }
    };
    RoleDrift {
        file: roles.file.clone(),
        scopes: vec![
            compare(Scope::Org, "organization", &roles.org),
            compare(Scope::Project, "project", &roles.project),
        ],
    }
}
