//! The small generated files: open enums, the media tables, the role
//! catalogue, one thin module per version, and the `mod.rs` listing them.

use std::collections::BTreeMap;

use heck::ToPascalCase;
use quote::{format_ident, quote};

use super::render;
use crate::catalogue::SystemRoles;
use crate::codegen::prepare::{EnumSet, OperationMedia};
use crate::codegen::{CodegenError, Fragment};

/// Variant identifiers for wire values: PascalCase, made unique.
fn variants(values: &[String]) -> Vec<(syn::Ident, String)> {
    let mut used = BTreeMap::new();
    values
        .iter()
        .map(|v| {
            let mut name = v.to_pascal_case();
            if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                name = format!("V{name}");
            }
            if name == "Unknown" {
                name.push_str("Value");
            }
            let n = used.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                name = format!("{name}{n}");
            }
            (format_ident!("{}", name), v.clone())
        })
        .collect()
}

fn enum_doc(name: &str) -> &'static str {
    match name {
        "OrgRole" => " An organization role.",
        "ProjectRole" => " A project role (Atlas calls projects groups).",
        "RoleName" => " A role name as responses carry it: an organization or a project role.",
        _ => " A string enumeration of the API.",
    }
}

/// The open enums: every value any version of any system knows.
pub fn enums(sets: &[EnumSet], sources: &[String]) -> Result<String, CodegenError> {
    let items = sets.iter().map(|set| {
        let name = format_ident!("{}", set.name);
        let doc = enum_doc(&set.name);
        let vs = variants(&set.values);
        let defs = vs.iter().map(|(ident, value)| {
            let vdoc = format!(" `{value}`");
            quote! { #[doc = #vdoc] #ident, }
        });
        let known = vs.iter().map(|(ident, _)| quote!(Self::#ident));
        let to_wire = vs
            .iter()
            .map(|(ident, value)| quote!(Self::#ident => #value,));
        let from_wire = vs
            .iter()
            .map(|(ident, value)| quote!(#value => Self::#ident,));
        quote! {
            #[doc = #doc]
            ///
            /// Open: a value this SDK does not know yet deserializes as
            /// `Unknown` instead of failing the response.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #(#defs)*
                /// A value this SDK does not know, kept verbatim.
                Unknown(::std::string::String),
            }

            impl #name {
                /// Every value this SDK knows, from any version.
                pub const KNOWN: &'static [Self] = &[#(#known),*];

                /// The wire value.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_wire)*
                        Self::Unknown(value) => value,
                    }
                }

                /// Reads a wire value; one this SDK does not know becomes `Unknown`.
                pub fn from_wire(value: &str) -> Self {
                    match value {
                        #(#from_wire)*
                        other => Self::Unknown(other.to_owned()),
                    }
                }

                /// Whether this SDK knows the value.
                pub fn is_known(&self) -> bool {
                    !matches!(self, Self::Unknown(_))
                }
            }

            crate::open_enum::impl_open_enum!(#name);
        }
    });
    render(
        quote! { #(#items)* },
        "enums",
        sources,
        "//! Open enums shared by every version module of every system. Which\n//! values a version documents is in its module (`ORG_ROLES`, ...).",
    )
}

/// The distinct media-type tables, named by family and the resource
/// versions they send; versions with equal tables share one.
pub fn media(
    tables: &[(String, Vec<OperationMedia>)],
    sources: &[String],
) -> Result<String, CodegenError> {
    let items = tables.iter().map(|(name, media)| {
        let name = format_ident!("{}", name);
        let ops = media.iter().map(|op| {
            let (id, api, method, path, accept) = (
                &op.operation_id,
                &op.api_name,
                &op.method,
                &op.path,
                &op.accept,
            );
            let ct = op
                .content_type
                .as_ref()
                .map_or(quote!(None), |c| quote!(Some(#c)));
            quote! {
                crate::OperationMedia {
                    operation_id: #id,
                    api_name: #api,
                    method: #method,
                    path: #path,
                    accept: #accept,
                    content_type: #ct,
                },
            }
        });
        quote! {
            /// Media types per operation.
            pub static #name: &[crate::OperationMedia] = &[#(#ops)*];
        }
    });
    let ops = ops_enum();
    render(
        quote! {
            #ops
            #(#items)*
        },
        "media tables",
        sources,
        "//! The covered operations ([`Op`]), and their media types per version:\n//! one table per distinct set; each version module's `API_VERSION` points\n//! at its table, which lists only the operations that version offers.",
    )
}

/// `Op`: the covered operations (`xtask/src/operations.rs`), by which the
/// SDK calls any version.
fn ops_enum() -> proc_macro2::TokenStream {
    let ops = &crate::operations::OPERATIONS;
    let variants: Vec<_> = ops.iter().map(|op| format_ident!("{}", op.op)).collect();
    let docs = ops
        .iter()
        .map(|op| format!(" {} (`{}`)", op.doc, op.operation_id));
    let names = ops.iter().map(|op| op.operation_id);
    let stand_ins = ops
        .iter()
        .map(|op| op.stand_in.map_or(quote!(None), |s| quote!(Some(#s))));
    let v = &variants;
    quote! {
        /// A covered operation, whatever the system and version. Whether a
        /// version offers it is in its media table ([`crate::ApiVersion::offers`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Op {
            #(#[doc = #docs] #variants,)*
        }
        impl Op {
            /// Every covered operation.
            pub const ALL: &'static [Op] = &[#(Op::#v),*];
            /// The operationId that serves it (upstream's newest name).
            pub fn api_name(self) -> &'static str {
                match self { #(Op::#v => #names,)* }
            }
            /// Where a version lacks it, the operationId that serves it instead.
            pub fn stand_in(self) -> Option<&'static str> {
                match self { #(Op::#v => #stand_ins,)* }
            }
        }
    }
}

/// The role catalogue: a module per system with its role lists, and
/// `CATALOGUE`, every system's entry.
pub fn catalogue(
    systems: &[&SystemRoles],
    all_enums: &[EnumSet],
    sources: &[String],
) -> Result<String, CodegenError> {
    let list = |name: &str, values: &[String]| {
        let ty = format_ident!("{}", name);
        let all = all_enums
            .iter()
            .find(|e| e.name == name)
            .map(|e| variants(&e.values))
            .unwrap_or_default();
        let items = values.iter().filter_map(|v| {
            all.iter()
                .find(|(_, value)| value == v)
                .map(|(ident, _)| quote!(#ty::#ident))
        });
        quote!(&[#(#items),*])
    };
    let mods = systems.iter().map(|r| {
        let module = format_ident!("{}", r.system.replace('-', "_"));
        let mut both = r.org.clone();
        both.extend(r.project.iter().cloned());
        let (org, project, names) = (
            list("OrgRole", &r.org),
            list("ProjectRole", &r.project),
            list("RoleName", &both),
        );
        let (file, system) = (&r.file, &r.system);
        let variant = system_variant(system);
        let source_org = r.source.get("org").cloned().unwrap_or_default();
        let source_project = r.source.get("project").cloned().unwrap_or_default();
        let reviewed = r.source.get("reviewed").cloned().unwrap_or_default();
        let title = format!(" {}: roles from `{file}`.", system_title(system));
        let provenance = [
            format!(" Organization roles: {source_org}."),
            format!(" Project roles: {source_project}."),
            format!(" Reviewed {reviewed}."),
        ];
        quote! {
            #[doc = #title]
            #[doc = ""]
            #(#[doc = #provenance])*
            pub mod #module {
                use crate::generated::enums::{OrgRole, ProjectRole, RoleName};
                /// Organization roles.
                pub const ORG_ROLES: &[OrgRole] = #org;
                /// Project roles.
                pub const PROJECT_ROLES: &[ProjectRole] = #project;
                /// Roles of either scope, as responses carry them.
                pub const ROLE_NAMES: &[RoleName] = #names;
                /// This system's catalogue entry.
                pub static ENTRY: crate::SystemRoles = crate::SystemRoles {
                    system: crate::System::#variant,
                    org: ORG_ROLES,
                    project: PROJECT_ROLES,
                };
            }
        }
    });
    let entries = systems.iter().map(|r| {
        let module = format_ident!("{}", r.system.replace('-', "_"));
        quote!(&#module::ENTRY)
    });
    render(
        quote! {
            #(#mods)*
            /// Every system's catalogue entry.
            pub static CATALOGUE: &[&crate::SystemRoles] = &[#(#entries),*];
        },
        "catalogue",
        sources,
        "//! The role catalogue (`openapi/roles/`): the roles of each system, whatever\n//! API version is pinned.",
    )
}

/// The version module of fragment `f`: re-exports of its shape module, its
/// media-type table (`media_table` in `media.rs`), and the enum values it
/// documents.
pub fn version(
    f: &Fragment,
    shape_module: &str,
    media_table: &str,
) -> Result<String, CodegenError> {
    let shape = format_ident!("{}", shape_module);
    let enum_use = quote!(
        pub use super::enums::{OrgRole, ProjectRole, RoleName};
    );
    let version = &f.version;
    let system = &f.system;
    let variant = system_variant(system);
    let base = f
        .default_base_url
        .as_ref()
        .map_or(quote!(None), |url| quote!(Some(#url)));
    let table = format_ident!("{}", media_table);
    let catalogue = format_ident!("{}", system.replace('-', "_"));
    let lists = quote! {
        pub use super::catalogue::#catalogue::{ORG_ROLES, PROJECT_ROLES, ROLE_NAMES};
    };
    let doc_version = format!(" The version this module pins: `{version}`.");
    let doc_table = format!(" Media types per operation in version {version}.");
    render(
        quote! {
            pub use super::#shape::{types, ByteStream, Client, ClientInfo, Error, ResponseValue};
            #enum_use

            #[doc = #doc_version]
            pub const VERSION: &str = #version;

            #[doc = #doc_table]
            pub static API_VERSION: crate::ApiVersion = crate::ApiVersion {
                system: crate::System::#variant,
                version: #version,
                default_base_url: #base,
                operations: super::media::#table,
                org_roles: ORG_ROLES,
                project_roles: PROJECT_ROLES,
                connect: connect_operations,
            };

            #lists

            /// A client for this version: base URL, credentials, retries and
            /// timeouts from `config`.
            pub fn connect(config: crate::ClientConfig) -> Result<Client, crate::BuildError> {
                let (base_url, http, context) = config.build(&API_VERSION)?;
                Ok(Client::new_with_client(&base_url, http, context))
            }

            /// [`connect`] behind the version-neutral operations.
            fn connect_operations(
                config: crate::ClientConfig,
            ) -> Result<::std::boxed::Box<dyn crate::KeyOperations>, crate::BuildError> {
                Ok(::std::boxed::Box::new(connect(config)?))
            }

            /// A client for this version on `base_url`, without credentials.
            pub fn client(base_url: &str) -> Result<Client, crate::BuildError> {
                connect(crate::ClientConfig::new().base_url(base_url))
            }
        },
        &format!("{system} {version}"),
        std::slice::from_ref(&f.source),
        &format!(
            "//! {}, version `{version}`.\n//!\n//! Pin this version by using this module; see [`API_VERSION`] for the\n//! media types it sends.",
            system_title(system)
        ),
    )
}

/// The client's `System` variant for a system's spelling: `cloud-manager`
/// is `CloudManager`.
fn system_variant(system: &str) -> proc_macro2::Ident {
    format_ident!("{}", system.to_pascal_case())
}

/// A system's name for titles: `Atlas`, `Cloud Manager`, `Ops Manager`.
pub fn system_title(system: &str) -> &'static str {
    match system {
        "atlas" => "MongoDB Atlas Administration API v2",
        "cloud-manager" => "MongoDB Cloud Manager public API v1.0",
        "ops-manager" => "MongoDB Ops Manager public API v1.0",
        _ => "MongoDB API",
    }
}
