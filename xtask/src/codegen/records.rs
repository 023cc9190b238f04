//! The version-neutral records: what every version's responses are moved
//! into. This table is their only definition: codegen emits both the structs
//! (`generated/records.rs`) and, per generated client, the conversions into
//! them, so a field is added in one place.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::CodegenError;
use super::emit::{header, render};

/// One record: its name, its doc line, and its fields as
/// `(wire name, Rust type, what the doc adds)`. The Rust field is the
/// snake_case of the wire name; a field whose type holds another record is
/// filled from the nested generated type.
pub(super) struct Record {
    pub name: &'static str,
    doc: &'static str,
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

/// Where the file is generated from, as its header names it.
const SOURCE: &str = "xtask/src/codegen/records.rs";

static RECORDS: [Record; 6] = [
    Record {
        name: "KeyRecord",
        doc: "An API key as any version returns it. Fields a version does not document stay empty.",
        fields: &[
            ("id", "Option<String>", ""),
            ("desc", "Option<String>", ""),
            ("publicKey", "Option<String>", ""),
            (
                "privateKey",
                "Option<crate::Secret>",
                ", present only when a key is created",
            ),
            ("links", "Vec<LinkRecord>", ""),
            ("roles", "Vec<RoleRecord>", ""),
        ],
    },
    Record {
        name: "LinkRecord",
        doc: "A link of a [`KeyRecord`].",
        fields: &[
            ("href", "Option<String>", ""),
            ("rel", "Option<String>", ""),
        ],
    },
    Record {
        name: "RoleRecord",
        doc: "A role assignment of a [`KeyRecord`].",
        fields: &[
            ("orgId", "Option<String>", ", for an organization role"),
            ("groupId", "Option<String>", ", for a project role"),
            ("roleName", "Option<crate::RoleName>", ""),
        ],
    },
    Record {
        name: "ApiErrorRecord",
        doc: "A documented error body (`ApiError`) as any version returns it.",
        fields: &[
            ("errorCode", "Option<String>", ""),
            ("reason", "Option<String>", ""),
            ("detail", "Option<String>", ""),
            ("parameters", "Vec<serde_json::Value>", ""),
            ("badRequestDetail", "Option<BadRequestRecord>", ""),
        ],
    },
    Record {
        name: "BadRequestRecord",
        doc: "`badRequestDetail` of an [`ApiErrorRecord`].",
        fields: &[("fields", "Vec<FieldRecord>", "")],
    },
    Record {
        name: "FieldRecord",
        doc: "One field violation of a [`BadRequestRecord`].",
        fields: &[
            ("field", "Option<String>", ""),
            ("description", "Option<String>", ""),
        ],
    },
];

impl Record {
    /// The record called `name`.
    pub fn named(name: &str) -> Result<&'static Record, String> {
        RECORDS
            .iter()
            .find(|r| r.name == name)
            .ok_or_else(|| format!("no record is called {name}"))
    }

    /// The record a field's type holds (`Vec<LinkRecord>` → `LinkRecord`).
    pub fn nested(ty: &str) -> Option<&'static Record> {
        RECORDS
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
    for (wire, ty, more) in record.fields {
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
    let defs = RECORDS
        .iter()
        .map(definition)
        .collect::<Result<Vec<_>, _>>()?;
    let body = render(quote!(#(#defs)*), "records")?;
    Ok(format!(
        "{}//! The version-neutral records every version's responses are moved into.\n\n{body}",
        header(&[SOURCE.to_owned()])
    ))
}
