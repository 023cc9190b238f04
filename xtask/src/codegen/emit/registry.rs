//! The generated `mod.rs`: the module list, the `VERSIONS` registry, and a
//! `for_each_<system>_version!` macro and `newest_<system>` alias per system.

use quote::{format_ident, quote};

use super::render;
use crate::codegen::CodegenError;

/// The module list: shapes (hidden), enums, versions, a registry of version
/// tables, and a `for_each_<system>_version!` macro per system.
pub fn module_list(
    shapes: &[String],
    systems: &[String],
    versions: &[(String, String)],
    sources: &[String],
) -> Result<String, CodegenError> {
    let shapes = shapes.iter().map(|s| format_ident!("{s}"));
    let catalogue = quote!(
        pub mod catalogue;
        pub mod media;
    );
    let version_mods: Vec<_> = versions.iter().map(|(_, v)| format_ident!("{v}")).collect();
    let macros = systems.iter().map(|system| {
        let name = format_ident!("for_each_{}_version", system.replace('-', "_"));
        let mods = versions
            .iter()
            .filter(|(s, _)| s == system)
            .map(|(_, v)| format_ident!("{v}"));
        let mods: Vec<_> = mods.collect();
        let doc =
            format!(" Invokes `$m!(module)` for every {system} version module, oldest first.");
        let alias = format_ident!("newest_{}", system.replace('-', "_"));
        let alias_doc = format!(
            " The newest {system} version module. It moves when codegen adds a version: code that must keep speaking one version pins a dated module instead."
        );
        let newest = mods.last();
        quote! {
            #[doc = #doc]
            #[macro_export]
            macro_rules! #name {
                ($m:ident) => { #($m!(#mods);)* };
            }
            #[doc = #alias_doc]
            pub use #newest as #alias;
        }
    });
    render(
        quote! {
            #(#[doc(hidden)] pub mod #shapes;)*
            #catalogue
            pub mod enums;
            #(pub mod #version_mods;)*

            /// Every generated version module's table, oldest first per system.
            pub static VERSIONS: &[&crate::ApiVersion] = &[#(&#version_mods::API_VERSION),*];

            #(#macros)*
        },
        "module list",
        sources,
        "//! Generated modules. The hand-written crate root re-exports them.",
    )
}
