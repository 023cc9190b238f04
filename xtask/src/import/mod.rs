//! `cargo xtask import`: turns an upstream Atlas spec (split per version or
//! merged) into a checked-in fragment holding only the structural facts of the
//! covered operations: paths, parameters, schemas, enums, media types.

mod error;
mod facts;
mod load;
mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::catalogue::{self, RoleDrift};
use crate::jsonpath;
use crate::operations::{OPERATIONS, Operation};
use crate::output;

pub use error::ImportError;
pub use facts::VALUE_CONSTRAINTS;
pub use versions::{ApiDate, declared_dates};

/// What `import` reads and where it writes.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The upstream spec, YAML or JSON.
    pub from: PathBuf,
    /// The version date; inferred from the file name when absent.
    pub version: Option<String>,
    /// The folder fragments are written to (`openapi/`).
    pub out_dir: PathBuf,
    /// Compare with the checked-in fragment instead of writing.
    pub check: bool,
    /// The role catalogue's folder (`openapi/roles`).
    pub catalogue_dir: PathBuf,
}

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The fragment's path.
    pub path: PathBuf,
    /// Whether the file changed (always false with `check`).
    pub changed: bool,
    /// How upstream's role lists compare with the catalogue.
    pub roles: RoleDrift,
}

/// Runs `cargo xtask import`.
pub fn run(opts: &ImportOptions) -> Result<Imported, ImportError> {
    let date = match &opts.version {
        Some(v) => ApiDate::parse(v).map_err(|message| {
            // Say what would have worked, when the input can be read.
            let declared = load::read(&opts.from)
                .map(|doc| versions::list_dates(&versions::declared_dates(&doc)));
            ImportError::Date(match declared {
                Ok(list) => format!(
                    "{message}; {} declares the release dates: {list}",
                    opts.from.display()
                ),
                Err(_) => message,
            })
        })?,
        None => ApiDate::from_file_name(&opts.from).ok_or_else(|| {
            ImportError::Date(format!(
                "{}: no YYYY-MM-DD date in the file name; pass --version",
                opts.from.display()
            ))
        })?,
    };
    let doc = load::read(&opts.from)?;
    let fragment = fragment(&doc, date, &opts.from)?;
    let roles = catalogue::read(&opts.catalogue_dir).map_err(ImportError::Catalogue)?;
    let roles = roles.system("atlas").ok_or_else(|| {
        ImportError::Catalogue(format!(
            "{}: no catalogue for atlas",
            opts.catalogue_dir.display()
        ))
    })?;
    let roles = catalogue::drift(roles, &fragment);
    let text = output::canonical_json(&fragment);
    let path = opts.out_dir.join(fragment_file_name(date));
    if opts.check {
        let fix = format!(
            "cargo xtask import --from {} --version {date}",
            opts.from.display()
        );
        output::check_file(&path, &text, &fix)?;
        if roles.differs() {
            return Err(ImportError::RoleDrift {
                file: opts.from.clone(),
                lines: roles.lines(),
            });
        }
        return Ok(Imported {
            path,
            changed: false,
            roles,
        });
    }
    let changed = output::write_atomic(&path, &text)?;
    Ok(Imported {
        path,
        changed,
        roles,
    })
}

/// The fragment's file name for an Atlas version date.
pub fn fragment_file_name(date: ApiDate) -> String {
    format!("atlas-{date}.json")
}

/// Builds the fragment for `date` from a parsed upstream document. `file` is
/// used in error messages only.
pub fn fragment(doc: &Value, date: ApiDate, file: &Path) -> Result<Value, ImportError> {
    let ctx = Ctx { doc, file };
    check_openapi_version(doc, file)?;
    let declared = versions::declared_dates(doc);
    if !declared.contains(&date) {
        return Err(ImportError::UndeclaredVersion {
            file: file.to_owned(),
            date,
            declared: versions::list_dates(&declared),
        });
    }
    let missing = |what: &str| ImportError::MissingPart {
        file: file.to_owned(),
        what: what.to_owned(),
    };
    let server = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("#/servers (the API's base URL)"))?;
    let security = doc
        .get("security")
        .filter(|s| s.as_array().is_some_and(|a| !a.is_empty()))
        .ok_or_else(|| missing("#/security (how requests authenticate)"))?;
    let security_schemes = facts::security_scheme_names(security);
    for name in &security_schemes {
        if doc
            .pointer(&jsonpath::push("/components/securitySchemes", name))
            .is_none()
        {
            return Err(missing(&format!(
                "{} (the security scheme #/security names)",
                jsonpath::push("#/components/securitySchemes", name)
            )));
        }
    }

    // Operations grouped by path, in the fixed order of the table.
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    for op in &OPERATIONS {
        let (path_params, operation) = match ctx.select(op, date) {
            Ok(selected) => selected,
            // An operation not marked `required` is optional: a version
            // without it, or without a dated content type for it on `date`,
            // imports without it.
            Err(
                ImportError::MissingOperation { .. }
                | ImportError::NoContentForDate { .. }
                | ImportError::Undated { .. },
            ) if !op.required => continue,
            Err(e) => return Err(e),
        };
        let item = paths.entry(op.path).or_default();
        if let Some(params) = path_params {
            item.insert("parameters".into(), params);
        }
        item.insert(op.method.into(), operation);
    }
    let paths: Map<String, Value> = paths
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::Object(v)))
        .collect();

    let mut fragment = json!({
        "openapi": doc["openapi"].clone(),
        "info": {
            "title": "atlas-apikeys fragment: MongoDB Atlas Administration API v2",
            "version": date.to_string(),
        },
        "servers": [{ "url": server }],
        "paths": paths,
        "security": security.clone(),
        "x-atlas-apikeys": { "system": "atlas", "version": date.to_string() },
    });
    let components = ctx.components(&fragment, &security_schemes)?;
    if !components.is_empty() {
        fragment["components"] = Value::Object(components);
    }
    Ok(fragment)
}

fn check_openapi_version(doc: &Value, file: &Path) -> Result<(), ImportError> {
    let not = |found: String| ImportError::NotOpenApi30 {
        file: file.to_owned(),
        found,
    };
    match (doc.get("openapi"), doc.get("swagger")) {
        (Some(Value::String(v)), _) if v.starts_with("3.0.") => Ok(()),
        (Some(Value::String(v)), _) => Err(not(format!("openapi: {v}"))),
        (Some(other), _) => Err(not(format!("openapi: {other}"))),
        (None, Some(v)) => Err(not(format!("swagger: {v}"))),
        (None, None) if doc.is_object() => Err(not("no `openapi` field".into())),
        (None, None) => Err(not("the document is not a mapping".into())),
    }
}

struct Ctx<'a> {
    doc: &'a Value,
    file: &'a Path,
}

impl Ctx<'_> {
    fn shape(&self, pointer: String, expected: &'static str) -> ImportError {
        ImportError::Shape {
            file: self.file.to_owned(),
            pointer,
            expected,
        }
    }

    /// Follows `$ref`s until a value that is not a reference.
    fn resolve<'v>(&'v self, value: &'v Value, pointer: &str) -> Result<&'v Value, ImportError> {
        jsonpath::follow(self.doc, value).map_err(|reference| ImportError::BadRef {
            file: self.file.to_owned(),
            pointer: pointer.to_owned(),
            reference,
        })
    }

    /// The path-level parameters and the operation, reduced to facts and
    /// resolved to the content version in force on `date`.
    fn select(&self, op: &Operation, date: ApiDate) -> Result<(Option<Value>, Value), ImportError> {
        let item_ptr = jsonpath::push("#/paths", op.path);
        let op_ptr = jsonpath::push(&item_ptr, op.method);
        let missing = || ImportError::MissingOperation {
            file: self.file.to_owned(),
            operation: op.label(),
            pointer: op_ptr.clone(),
        };
        let item = self
            .doc
            .get("paths")
            .and_then(|p| p.get(op.path))
            .ok_or_else(missing)?;
        let item = self.resolve(item, &item_ptr)?;
        let operation = item.get(op.method).ok_or_else(missing)?;
        if !operation.is_object() {
            return Err(self.shape(op_ptr, "an operation object"));
        }
        let operation = versions::resolve_operation(self, operation, op, &op_ptr, date)?;
        let mut operation = facts::operation(&operation);
        operation["operationId"] = Value::String(op.operation_id.into());
        let path_params = item.get("parameters").map(facts::parameters);
        Ok((path_params, operation))
    }

    /// The components the fragment references, transitively, as facts.
    fn components(
        &self,
        fragment: &Value,
        security_schemes: &[String],
    ) -> Result<Map<String, Value>, ImportError> {
        let mut out: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut pending: Vec<(String, String)> = Vec::new();
        crate::jsonpath::collect_refs(fragment, "#", &mut pending);
        for name in security_schemes {
            pending.push((
                format!("#/components/securitySchemes/{name}"),
                "#/security".into(),
            ));
        }
        while let Some((reference, at)) = pending.pop() {
            let bad = || ImportError::BadRef {
                file: self.file.to_owned(),
                pointer: at.clone(),
                reference: reference.clone(),
            };
            let tokens = jsonpath::ref_tokens(&reference).ok_or_else(bad)?;
            let [first, section, name, ..] = tokens.as_slice() else {
                return Err(bad());
            };
            if first != "components" {
                return Err(bad());
            }
            if out.get(section).is_some_and(|s| s.contains_key(name)) {
                continue;
            }
            let kind = facts::Kind::of_component_section(section).ok_or_else(bad)?;
            let source = jsonpath::get(self.doc, &tokens[..3]).ok_or_else(bad)?;
            // A deeper pointer (`.../Schema/properties/x`) must resolve too.
            jsonpath::get(self.doc, &tokens).ok_or_else(bad)?;
            let mut value = facts::of_kind(kind, source);
            if kind == facts::Kind::Response {
                value = facts::with_description(value, name);
            }
            let here = jsonpath::push(&jsonpath::push("#/components", section), name);
            crate::jsonpath::collect_refs(&value, &here, &mut pending);
            out.entry(section.clone())
                .or_default()
                .insert(name.clone(), value);
        }
        Ok(out
            .into_iter()
            .map(|(k, v)| (k, Value::Object(v)))
            .collect())
    }
}
