//! The glue between one generated client and the version-neutral
//! `KeyOperations` trait, emitted from progenitor's own output: an arm per
//! covered operation, whose parameters are matched by name and body filled
//! field by field from the neutral `Request`, and whose answer is read into
//! the client crate's public type. Drift that adds an optional parameter or
//! field changes this glue, never the code that uses the trait.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{FnArg, GenericArgument, ImplItem, Item, Pat, PathArguments, ReturnType, Type};

use crate::operations::{OPERATIONS, PARAMETERS};

/// One generated struct: field ident → wire name, and field types.
struct Struct {
    fields: Vec<(syn::Ident, String, Type)>,
}

/// What the glue needs of progenitor's output.
struct Generated {
    methods: BTreeMap<String, syn::Signature>,
    structs: BTreeMap<String, Struct>,
}

fn read(file: &syn::File) -> Generated {
    let mut methods = BTreeMap::new();
    let mut structs = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && matches!(&*imp.self_ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Client")) =>
            {
                for it in &imp.items {
                    if let ImplItem::Fn(f) = it {
                        methods.insert(f.sig.ident.to_string(), f.sig.clone());
                    }
                }
            }
            Item::Mod(m) if m.ident == "types" => {
                for it in m.content.iter().flat_map(|(_, items)| items) {
                    if let Item::Struct(s) = it
                        && let syn::Fields::Named(named) = &s.fields
                    {
                        let fields = named
                            .named
                            .iter()
                            .filter_map(|f| {
                                let ident = f.ident.clone()?;
                                let wire =
                                    serde_rename(&f.attrs).unwrap_or_else(|| ident.to_string());
                                Some((ident, wire, f.ty.clone()))
                            })
                            .collect();
                        structs.insert(s.ident.to_string(), Struct { fields });
                    }
                }
            }
            _ => {}
        }
    }
    Generated { methods, structs }
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                out = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    out
}

/// The type arguments of the last path segment (`Option<T>` → `[T]`).
fn type_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(p) = ty else { return Vec::new() };
    let Some(seg) = p.path.segments.last() else {
        return Vec::new();
    };
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The generated type a field holds under `Option`/`Vec` wrappers.
fn inner_type_name(ty: &Type) -> Option<String> {
    let name = last_ident(ty)?;
    if name == "Option" || name == "Vec" {
        return type_args(ty).first().and_then(|t| inner_type_name(t));
    }
    Some(name)
}

/// `Result<ResponseValue<T>, Error<E>>` → T's name, or `None` for `()`.
fn outcome(sig: &syn::Signature) -> Result<Option<String>, String> {
    let ReturnType::Type(_, ty) = &sig.output else {
        return Err(format!("{} returns nothing", sig.ident));
    };
    let [ok, _] = type_args(ty)[..] else {
        return Err(format!("{} does not return a Result", sig.ident));
    };
    Ok(type_args(ok).first().and_then(|t| match t {
        Type::Tuple(t) if t.elems.is_empty() => None,
        other => last_ident(other),
    }))
}

/// Emits `impl KeyOperations for Client`, one arm per covered operation the
/// client has, and the record conversions.
pub fn emit(file: &syn::File) -> Result<TokenStream, String> {
    let g = read(file);
    // Generated method names are the snake_case of operationIds.
    let available: Vec<&str> = OPERATIONS
        .iter()
        .flat_map(|op| [Some(op.operation_id), op.stand_in])
        .flatten()
        .filter(|id| g.methods.contains_key(&id.to_snake_case()))
        .collect();

    let mut arms = Vec::new();
    let mut replaces = false;
    for op in &OPERATIONS {
        let Some((api, stands_in)) = op.served_by(&available) else {
            if op.required {
                return Err(format!("no generated method serves {}", op.op));
            }
            continue;
        };
        replaces |= stands_in;
        let name = api.to_snake_case();
        let sig = &g.methods[&name];
        let success = outcome(sig)?;
        let mut args = Vec::new();
        let mut body = quote!();
        for input in sig.inputs.iter().skip(1) {
            let FnArg::Typed(arg) = input else { continue };
            let Pat::Ident(ident) = &*arg.pat else {
                continue;
            };
            let arg_name = ident.ident.to_string();
            let optional = last_ident(&arg.ty).as_deref() == Some("Option");
            let known = PARAMETERS
                .iter()
                .find(|(wire, _)| wire.to_snake_case() == arg_name);
            args.push(match (arg_name.as_str(), known) {
                (_, Some((wire, field))) => {
                    let field: syn::Expr = syn::parse_str(&format!("req.{field}"))
                        .map_err(|e| format!("PARAMETERS names `{field}`: {e}"))?;
                    let ty = &arg.ty;
                    let text = quote!(#ty).to_string().replace(' ', "");
                    if optional && text.ends_with("str>") {
                        // A typed id in the request, a string on the wire.
                        quote!(#field.map(|v| ::std::convert::AsRef::<str>::as_ref(v)))
                    } else if optional {
                        quote!(#field)
                    } else {
                        quote!(crate::operations::need(#field, #wire)?)
                    }
                }
                ("body", None) => {
                    body = body_value(&g, &arg.ty)?;
                    quote!(&body)
                }
                _ if optional => quote!(None),
                (other, None) => {
                    return Err(format!("{name} takes `{other}`, which no request supplies"));
                }
            });
        }
        let decode = match (op.returns, &success) {
            (Some(answer), Some(_)) if !stands_in => {
                let variant = format_ident!("{}", answer);
                quote!(|body: &[u8]| {
                    crate::operations::decode(body).map(crate::operations::Answer::#variant)
                })
            }
            (Some(_), None) if !stands_in => {
                return Err(format!(
                    "{name} answers with no body, but {} needs one",
                    op.op
                ));
            }
            _ => quote!(|_: &[u8]| Ok(crate::operations::Answer::Nothing)),
        };
        let variant = format_ident!("{}", op.op);
        let builder = format_ident!("{}_request", name);
        arms.push(quote! {
            crate::Op::#variant => {
                let request = (|| {
                    #body
                    self.#builder(#(#args),*).map_err(crate::operations::construction)
                })();
                crate::hooks::exchange(&self.client, &self.inner, request, #name, #decode).await
            }
        });
    }
    Ok(quote! {
        impl crate::operations::KeyOperations for Client {
            fn assign_replaces(&self) -> bool { #replaces }
            fn call<'a>(&'a self, op: crate::Op, req: crate::operations::Request<'a>) -> crate::operations::Call<'a> {
                ::std::boxed::Box::pin(async move {
                    #[allow(unreachable_patterns)]
                    match op {
                        #(#arms)*
                        _ => crate::operations::not_generated(op).await,
                    }
                })
            }
            fn pace(&self) -> &crate::Pace { &self.inner.shared.pace }
            fn revoke_token(&self) -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = ::std::result::Result<(), crate::AuthError>> + Send + '_>> {
                ::std::boxed::Box::pin(self.inner.revoke_token(&self.client))
            }
        }
    })
}

/// `let body = ...;` for a request: each field filled from the request by
/// wire name (roles by the catalogue type they hold) or left at its default
/// (the wire check made sure it may be).
fn body_value(g: &Generated, ty: &Type) -> Result<TokenStream, String> {
    let Type::Reference(r) = ty else {
        return Err("a body that is not passed by reference".into());
    };
    let (list, name) = match last_ident(&r.elem).as_deref() {
        Some("Vec") => (true, type_args(&r.elem).first().and_then(|t| last_ident(t))),
        other => (false, other.map(str::to_owned)),
    };
    let name = name.ok_or("a body of no named type")?;
    let s = g
        .structs
        .get(&name)
        .ok_or_else(|| format!("body type {name} is not a generated struct"))?;
    let ty = format_ident!("{}", name);
    // A list of access-list entries: one item per entry of the request.
    if list
        && s.fields
            .iter()
            .any(|(_, wire, _)| wire == "ipAddress" || wire == "cidrBlock")
    {
        let fields = s.fields.iter().map(|(ident, wire, _)| match wire.as_str() {
            "ipAddress" => quote!(#ident: e.ip_address()),
            "cidrBlock" => quote!(#ident: e.cidr_block()),
            _ => quote!(#ident: ::std::default::Default::default()),
        });
        return Ok(quote! {
            let body: ::std::vec::Vec<types::#ty> = req
                .access_entries
                .unwrap_or_default()
                .iter()
                .map(|e| types::#ty { #(#fields),* })
                .collect();
        });
    }
    let fields = s.fields.iter().map(|(ident, wire, ty)| {
        match (wire.as_str(), inner_type_name(ty).as_deref()) {
            // A required description is a construction error when absent.
            ("desc", _) if last_ident(ty).as_deref() != Some("Option") => {
                quote!(#ident: crate::operations::need(req.desc, "desc")?.to_owned())
            }
            ("desc", _) => quote!(#ident: crate::operations::Input::input(req.desc)),
            ("roles", Some("OrgRole")) => {
                quote!(#ident: crate::operations::Input::input(req.org_roles))
            }
            ("roles", Some("ProjectRole")) => {
                quote!(#ident: crate::operations::Input::input(req.project_roles))
            }
            _ => quote!(#ident: ::std::default::Default::default()),
        }
    });
    let one = quote!(types::#ty { #(#fields),* });
    Ok(if list {
        quote!(let body = ::std::vec![#one];)
    } else {
        quote!(let body = #one;)
    })
}
