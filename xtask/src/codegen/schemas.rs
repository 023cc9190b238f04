//! Schema rewrites for progenitor: inline string enums hoisted to named
//! types, value constraints dropped, date-suffixed schema names merged, and
//! the catalogue's role fields pointed at the open role enums.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use super::prepare::{EnumSet, SECRET_PROPERTIES, SECRET_SCHEMA};
use crate::catalogue::SystemRoles;

/// Keywords that say nothing the generated types use (`nullable`: an
/// optional field accepts null already; `readOnly`/`writeOnly`/`deprecated`:
/// documentation).
pub(super) const MARKERS: &[&str] = &["nullable", "readOnly", "writeOnly", "deprecated"];

/// Whether codegen drops `keyword` from a schema: a marker, or a keyword
/// that constrains values rather than describes shapes.
pub(super) fn dropped(keyword: &str) -> bool {
    MARKERS.contains(&keyword) || crate::import::VALUE_CONSTRAINTS.contains(&keyword)
}

/// Rewrites every schema: inline string enums become references to named
/// placeholders, value constraints go.
#[derive(Default)]
pub(super) struct Schemas {
    pub(super) uses_secret: bool,
    pub(super) sets: Vec<EnumSet>,
    by_name: BTreeMap<String, usize>,
}

impl Schemas {
    pub(super) fn operation(&mut self, op: &mut Value, api_name: &str) {
        let owner = api_name.to_pascal_case();
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for p in params {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("param");
                let ctx = format!("{owner}{}", name.to_pascal_case());
                if let Some(schema) = p.get_mut("schema") {
                    self.schema(schema, &ctx);
                }
            }
        }
        for (pointer, suffix) in [("/requestBody/content", "Body"), ("/responses", "Response")] {
            if let Some(map) = op.pointer_mut(pointer).and_then(Value::as_object_mut) {
                for v in map.values_mut() {
                    for schema in schemas_in(v) {
                        self.schema(schema, &format!("{owner}{suffix}"));
                    }
                }
            }
        }
    }

    pub(super) fn components(&mut self, spec: &mut Value) {
        if let Some(Value::Object(components)) = spec.get_mut("components") {
            for (section, entries) in components.iter_mut() {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for (name, entry) in entries.iter_mut() {
                    match section.as_str() {
                        "schemas" => self.schema(entry, name),
                        "parameters" | "headers" => {
                            if let Some(schema) = entry.get_mut("schema") {
                                self.schema(schema, name);
                            }
                        }
                        "requestBodies" | "responses" => {
                            for schema in schemas_in(entry) {
                                self.schema(schema, name);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if self.sets.is_empty() && !self.uses_secret {
            return;
        }
        let Some(root) = spec.as_object_mut() else {
            return;
        };
        let components = root.entry("components").or_insert_with(|| json!({}));
        if let Some(components) = components.as_object_mut() {
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            if let Some(schemas) = schemas.as_object_mut() {
                for set in &self.sets {
                    schemas.insert(set.name.clone(), json!({ "type": "string" }));
                }
                if self.uses_secret {
                    schemas.insert(SECRET_SCHEMA.to_owned(), json!({ "type": "string" }));
                }
            }
        }
    }

    pub(super) fn schema(&mut self, schema: &mut Value, ctx: &str) {
        if let Some(values) = string_enum(schema) {
            let name = enum_name(&values, ctx);
            self.add(&name, values);
            *schema = json!({ "$ref": format!("#/components/schemas/{name}") });
            return;
        }
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        obj.retain(|k, _| !dropped(k));
        if obj.get("type").is_some_and(|t| t == "string") {
            obj.remove("format");
        }
        let shaped = [
            "properties",
            "additionalProperties",
            "allOf",
            "oneOf",
            "anyOf",
        ]
        .iter()
        .any(|k| obj.contains_key(*k));
        if obj.get("type").is_some_and(|t| t == "object") && !shaped {
            obj.remove("type");
        }
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for (prop, s) in props.iter_mut() {
                if SECRET_PROPERTIES.contains(&prop.as_str())
                    && s.get("type").is_some_and(|t| t == "string")
                {
                    *s = json!({ "$ref": format!("#/components/schemas/{SECRET_SCHEMA}") });
                    self.uses_secret = true;
                    continue;
                }
                self.schema(s, &format!("{ctx}{}", prop.to_pascal_case()));
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(s) = obj.get_mut(key) {
                let child = if key == "items" {
                    format!("{ctx}Item")
                } else {
                    ctx.to_owned()
                };
                self.schema(s, &child);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(items)) = obj.get_mut(key) {
                for s in items {
                    self.schema(s, ctx);
                }
            }
        }
    }

    pub(super) fn add(&mut self, name: &str, values: Vec<String>) {
        // Role values come from the catalogue, never from one version's enum.
        let values = if ROLE_TYPES.contains(&name) {
            Vec::new()
        } else {
            values
        };
        match self.by_name.get(name) {
            Some(&i) => {
                for v in values {
                    if !self.sets[i].values.contains(&v) {
                        self.sets[i].values.push(v);
                    }
                }
            }
            None => {
                self.by_name.insert(name.to_owned(), self.sets.len());
                self.sets.push(EnumSet {
                    name: name.to_owned(),
                    values,
                });
            }
        }
    }
}

/// Schemas directly under a response or media-type map entry.
pub(super) fn schemas_in(value: &mut Value) -> Vec<&mut Value> {
    if value.get("content").is_some() {
        return value["content"]
            .as_object_mut()
            .into_iter()
            .flat_map(|c| c.values_mut())
            .filter_map(|m| m.get_mut("schema"))
            .collect();
    }
    value.get_mut("schema").into_iter().collect()
}

pub(super) fn string_enum(schema: &Value) -> Option<Vec<String>> {
    let values = schema.get("enum")?.as_array()?;
    if schema.get("type").is_some_and(|t| t != "string") || values.is_empty() {
        return None;
    }
    values
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Role sets get stable names whatever schema holds them; other enums are
/// named after where they stand.
pub(super) fn enum_name(values: &[String], ctx: &str) -> String {
    let all = |p: &str| values.iter().all(|v| v.starts_with(p));
    if all("ORG_") {
        "OrgRole".into()
    } else if all("GROUP_") {
        "ProjectRole".into()
    } else if values
        .iter()
        .all(|v| v.starts_with("ORG_") || v.starts_with("GROUP_"))
    {
        "RoleName".into()
    } else {
        ctx.to_pascal_case()
    }
}

/// Upstream names a schema's newer revision after its date
/// (`ApiKeyUserDetails20240805`); the name without the date is the same
/// concept, so versions compare by meaning and the catalogue's field names
/// hold. When the fragment has both revisions, they become one schema if
/// they merge like two versions would; otherwise both stay.
pub(super) fn strip_version_suffixes(spec: &mut Value) {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let renames: Vec<(String, String)> = schemas
        .keys()
        .filter_map(|name| {
            let cut = name.len().checked_sub(8)?;
            let (stem, date) = (name.get(..cut)?, name.get(cut..)?);
            (!stem.is_empty() && date.bytes().all(|b| b.is_ascii_digit()) && date.starts_with("20"))
                .then(|| (name.clone(), stem.to_owned()))
        })
        .collect();
    let mut done = Vec::new();
    for (old, new) in renames {
        let revision = schemas.get(&old).cloned().unwrap_or_default();
        let merged = match schemas.get(&new) {
            None => revision,
            Some(plain) => {
                match super::merge::schemas(&unconstrained(plain), &unconstrained(&revision)) {
                    Ok(m) => m,
                    Err(_) => continue,
                }
            }
        };
        schemas.remove(&old);
        schemas.insert(new.clone(), merged);
        done.push((
            super::merge::schema_ref(&old),
            super::merge::schema_ref(&new),
        ));
    }
    super::merge::replace_refs(spec, &done);
}

/// A schema without the value constraints `prepare` drops anyway.
pub(super) fn unconstrained(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let string = map.get("type").is_some_and(|t| t == "string");
            map.iter()
                .filter(|(k, _)| !(dropped(k) || string && *k == "format"))
                .map(|(k, v)| {
                    let v = if k == "properties" {
                        Value::Object(
                            v.as_object()
                                .into_iter()
                                .flatten()
                                .map(|(p, s)| (p.clone(), unconstrained(s)))
                                .collect(),
                        )
                    } else {
                        unconstrained(v)
                    };
                    (k.clone(), v)
                })
                .collect::<Map<_, _>>()
                .into()
        }
        Value::Array(items) => items.iter().map(unconstrained).collect(),
        other => other.clone(),
    }
}

/// The open enums role properties map to; their values come from the catalogue.
pub const ROLE_TYPES: [&str; 3] = ["OrgRole", "ProjectRole", "RoleName"];

/// Points every property the catalogue names at its role type: a list of
/// roles stays a list, a single role stays single.
pub(super) fn apply_role_fields(spec: &mut Value, roles: &SystemRoles, hoister: &mut Schemas) {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (schema_name, schema) in schemas.iter_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (prop_name, prop) in props.iter_mut() {
            let Some(scope) = roles.field(schema_name, prop_name) else {
                continue;
            };
            let reference =
                json!({ "$ref": format!("#/components/schemas/{}", scope.type_name()) });
            let is_list =
                prop.get("type").is_some_and(|t| t == "array") || prop.get("items").is_some();
            *prop = if is_list {
                json!({ "type": "array", "items": reference })
            } else {
                reference
            };
            hoister.add(scope.type_name(), Vec::new());
        }
    }
}
