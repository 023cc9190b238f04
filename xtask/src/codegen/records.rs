//! The version-neutral records: what every version's responses are moved
//! into. This table is their only definition: codegen emits both the structs
//! (`generated/records.rs`) and, per generated client, the conversions into
//! them, so a field is added in one place.

use std::sync::LazyLock;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::CodegenError;
use super::emit::{header, render};

/// One record: its name, its doc line, and its fields as
/// `(wire name, Rust type, what the doc adds)`. The Rust field is the
/// snake_case of the wire name; a field whose type holds another record is
/// filled from the nested generated type.
pub(super) struct Record {
    pub name: String,
    doc: String,
    pub fields: Vec<(String, String, String)>,
}

/// Where the file is generated from, as its header names it.
const SOURCE: &str = "xtask/src/codegen/records.json";

/// The table: data, so it lives in a data file beside this one.
static RECORDS: LazyLock<Result<Vec<Record>, String>> =
    LazyLock::new(|| parse(include_str!("records.json")));

fn parse(text: &str) -> Result<Vec<Record>, String> {
    let text_of = |v: &Value, what: &str| {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{SOURCE}: {what} is not a string"))
    };
    let table: Value = serde_json::from_str(text).map_err(|e| format!("{SOURCE}: {e}"))?;
    let rows = table.as_array().ok_or(format!("{SOURCE}: not a list"))?;
    rows.iter()
        .map(|row| {
            let name = text_of(&row["name"], "a record's name")?;
            let fields = row["fields"]
                .as_array()
                .ok_or(format!("{SOURCE}: {name}.fields is not a list"))?
                .iter()
                .map(|f| match f.as_array().map(Vec::as_slice) {
                    Some([wire, ty, more]) => Ok((
                        text_of(wire, "a wire name")?,
                        text_of(ty, "a type")?,
                        text_of(more, "a doc addition")?,
                    )),
                    _ => Err(format!(
                        "{SOURCE}: {name}: a field is not [wire, type, doc]"
                    )),
                })
                .collect::<Result<_, _>>()?;
            Ok(Record {
                doc: text_of(&row["doc"], "a record's doc")?,
                name,
                fields,
            })
        })
        .collect()
}

fn records() -> Result<&'static [Record], String> {
    RECORDS.as_deref().map_err(Clone::clone)
}

impl Record {
    /// The record called `name`.
    pub fn named(name: &str) -> Result<&'static Record, String> {
        records()?
            .iter()
            .find(|r| r.name == name)
            .ok_or_else(|| format!("no record is called {name}"))
    }

    /// The record a field's type holds (`Vec<LinkRecord>` → `LinkRecord`).
    pub fn nested(ty: &str) -> Option<&'static Record> {
        records()
            .ok()?
            .iter()
            .find(|r| ty.contains(&format!("<{}>", r.name)))
    }

    /// The Rust name of a wire field.
    pub fn field_name(wire: &str) -> String {
        wire.to_snake_case()
    }
}

fn definition(record: &Record) -> Result<TokenStream, CodegenError> {
    let name = format_ident!("{}", record.name);
    let doc = format!(" {}", record.doc);
    let mut fields = Vec::new();
    for (wire, ty, more) in &record.fields {
        let field = format_ident!("{}", Record::field_name(wire));
        let ty: syn::Type = syn::parse_str(ty).map_err(|e| CodegenError::Generate {
            what: "records".into(),
            message: format!("{}.{wire}: `{ty}` is not a type: {e}", record.name),
        })?;
        let doc = format!(" `{wire}`{more}.");
        fields.push(quote!(#[doc = #doc] pub #field: #ty));
    }
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct #name { #(#fields),* }
    })
}

/// `generated/records.rs`.
pub fn emit() -> Result<String, CodegenError> {
    let defs = records()
        .map_err(|message| CodegenError::Generate {
            what: "records".into(),
            message,
        })?
        .iter()
        .map(definition)
        .collect::<Result<Vec<_>, _>>()?;
    let body = render(quote!(#(#defs)*), "records")?;
    Ok(format!(
        "{}//! The version-neutral records every version's responses are moved into.\n\n{body}",
        header(&[SOURCE.to_owned()])
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_a_malformed_row_is_named() {
        assert!(records().unwrap().iter().any(|r| r.name == "KeyRecord"));
        let bad = parse(r#"[{"name":"X","doc":"d","fields":[["id","String"]]}]"#);
        let message = bad.err().unwrap();
        assert!(
            message.contains("X: a field is not [wire, type, doc]"),
            "{message}"
        );
        assert!(parse("{}").err().unwrap().contains("not a list"));
    }
}
