//! Edits to progenitor's output, on its syntax tree: no panicking
//! constructor, no `api-version` header, optional query parameters skipped
//! when absent, path segments borrowed when nothing needs escaping.

use quote::quote;

/// Drops progenitor's `Client::new`, which builds its own `reqwest::Client`
/// with `build().unwrap()`: a public constructor that can panic. Clients are
/// built by each version module's `connect` (errors are values) or by
/// `Client::new_with_client`.
pub(super) fn without_panicking_constructor(file: &mut syn::File) {
    for item in &mut file.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            imp.items
                .retain(|it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        }
    }
}

/// Drops progenitor's `api-version` request header from every method: Atlas
/// versions through the media type, and the hooks would only remove the
/// header again, after its header map was allocated and merged on every
/// call. A header map left with nothing in it goes too.
pub(super) fn without_api_version_header(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Strip;
    impl VisitMut for Strip {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let text = |s: &syn::Stmt| quote!(#s).to_string();
            block.stmts.retain(|s| !text(s).contains("\"api-version\""));
            let uses = block
                .stmts
                .iter()
                .filter(|s| text(s).contains("header_map"))
                .count();
            // Only its `let` and the `.headers(header_map)` in the chain left.
            if uses == 2 {
                block.stmts.retain(|s| {
                    !(matches!(s, syn::Stmt::Local(l) if quote!(#l).to_string().contains("let mut header_map")))
                });
                for s in &mut block.stmts {
                    DropHeaders.visit_stmt_mut(s);
                }
            }
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    struct DropHeaders;
    impl VisitMut for DropHeaders {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "headers"
                && call.args.len() == 1
                && matches!(&call.args[0], syn::Expr::Path(p) if p.path.is_ident("header_map"))
            {
                *expr = (*call.receiver).clone();
                self.visit_expr_mut(expr);
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    for item in &mut file.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
        {
            Strip.visit_item_impl_mut(imp);
        }
    }
}

/// progenitor adds every optional query parameter with `.query(...)`, even
/// when it is `None`; reqwest then re-serializes the URL for nothing (twice
/// or more per call). Optional ones go through `crate::hooks::QueryOpt`,
/// which skips `None`: the same URL, less work.
pub(super) fn skipping_absent_query_parameters(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Rewrite {
        optional: Vec<String>,
    }
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            // `.query(&progenitor_client::QueryParam::new("name", &var))`
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "query"
                && call.args.len() == 1
                && let syn::Expr::Reference(r) = &call.args[0]
                && let syn::Expr::Call(new) = &*r.expr
                && let (Some(name), Some(syn::Expr::Reference(value))) =
                    (new.args.first(), new.args.get(1))
                && let syn::Expr::Path(var) = &*value.expr
                && let Some(ident) = var.path.get_ident()
                && quote!(#new).to_string().contains("QueryParam :: new")
                && self.optional.contains(&ident.to_string())
            {
                let receiver = &call.receiver;
                *expr = syn::parse_quote! {
                    crate::hooks::QueryOpt::query_opt(#receiver, #name, &#ident)
                };
            }
        }
    }
    for f in client_methods(file) {
        let optional = parameters(
            &f.sig,
            |ty| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option")),
        );
        Rewrite { optional }.visit_block_mut(&mut f.block);
    }
}

/// Every method of the generated client's inherent impls.
fn client_methods(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .flat_map(|imp| imp.items.iter_mut())
        .filter_map(|it| match it {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// The names of `sig`'s parameters whose type `keep` accepts.
fn parameters(sig: &syn::Signature, keep: impl Fn(&syn::Type) -> bool) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i) if keep(&t.ty) => Some(i.ident.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// progenitor encodes each path parameter with
/// `encode_path(&value.to_string())`: a copy and a new string per segment,
/// also when nothing needs escaping (every Atlas id). Parameters that are
/// `&str` go to `crate::hooks::encode_path(value)` instead, which escapes the
/// same set and borrows when nothing needs it; the others keep their
/// `to_string`, and every call goes there too.
pub(super) fn encoding_path_segments_in_place(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    for item in &mut file.items {
        if let syn::Item::Use(u) = item
            && let syn::UseTree::Path(p) = &mut u.tree
            && p.ident == "progenitor_client"
            && let syn::UseTree::Group(g) = &mut *p.tree
        {
            let names = std::mem::take(&mut g.items);
            g.items = names
                .into_iter()
                .filter(|t| !matches!(t, syn::UseTree::Name(n) if n.ident == "encode_path"))
                .collect();
        }
    }
    file.items
        .insert(0, syn::parse_quote! { use crate::hooks::encode_path; });
    struct Rewrite {
        strs: Vec<String>,
    }
    impl VisitMut for Rewrite {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            syn::visit_mut::visit_expr_mut(self, expr);
            // `encode_path(&name.to_string())`
            if let syn::Expr::Call(call) = expr
                && let syn::Expr::Path(func) = &*call.func
                && func.path.is_ident("encode_path")
                && call.args.len() == 1
                && let syn::Expr::Reference(r) = &call.args[0]
                && let syn::Expr::MethodCall(m) = &*r.expr
                && let syn::Expr::Path(var) = &*m.receiver
                && let Some(ident) = var.path.get_ident()
                && m.method == "to_string"
                && m.args.is_empty()
                && self.strs.contains(&ident.to_string())
            {
                *expr = syn::parse_quote! { encode_path(#ident) };
            }
        }

        // The URL is built in `format!`, whose arguments syn keeps as tokens.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            use syn::parse::Parser;
            if !mac.path.is_ident("format") {
                return;
            }
            let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let Ok(mut args) = parser.parse2(mac.tokens.clone()) else {
                return;
            };
            for arg in args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            mac.tokens = quote!(#args);
        }
    }
    for f in client_methods(file) {
        let strs = parameters(
            &f.sig,
            |ty| matches!(ty, syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str"))),
        );
        Rewrite { strs }.visit_block_mut(&mut f.block);
    }
}

/// Splits each method in two and gives it this crate's send path:
/// `<method>_request` builds the request (the glue sends it through the
/// typed transport), and the method itself, whose signature and results stay
/// progenitor's, sends it through `crate::hooks::respond` instead of the
/// `pre`/`exec`/`post` hooks, whose `reqwest::Result` could not say why a
/// call failed.
pub(super) fn with_request_builders(file: &mut syn::File) -> Result<(), String> {
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        let mut out = Vec::new();
        for it in std::mem::take(&mut imp.items) {
            let syn::ImplItem::Fn(mut method) = it else {
                out.push(it);
                continue;
            };
            if method.sig.asyncness.is_none() {
                out.push(syn::ImplItem::Fn(method));
                continue;
            }
            let name = method.sig.ident.clone();
            let text = |s: &syn::Stmt| quote!(#s).to_string();
            let Some(info) = method
                .block
                .stmts
                .iter()
                .position(|s| text(s).starts_with("let info = OperationInfo"))
            else {
                return Err(format!("{name}: no `OperationInfo` in progenitor's method"));
            };
            let build = method.block.stmts[..info].to_vec();
            let mut rest: Vec<syn::Stmt> = method.block.stmts[info..].to_vec();
            // `pre`, `exec`, `post` and `let response = result?;` become one send.
            let hooks = [
                "self . pre (",
                "let result = self . exec (",
                "self . post (",
                "let response = result ?",
            ];
            let before = rest.len();
            rest.retain(|s| !hooks.iter().any(|h| text(s).starts_with(h)));
            if before - rest.len() != hooks.len() {
                return Err(format!("{name}: progenitor's hook calls changed shape"));
            }
            rest.insert(
                1,
                syn::parse_quote! {
                    let response = crate::hooks::respond(
                        &self.client, &self.inner, request, info.operation_id,
                    ).await?;
                },
            );
            let builder = quote::format_ident!("{}_request", name);
            let mut sig = method.sig.clone();
            sig.ident = builder.clone();
            sig.asyncness = None;
            sig.output = syn::parse_quote!(-> Result<reqwest::Request, reqwest::Error>);
            let args = parameters(&sig, |_| true)
                .into_iter()
                .map(|a| quote::format_ident!("{a}"));
            let doc = format!(" Builds the request [`Self::{name}`] sends.");
            let request_fn: syn::ImplItemFn = syn::parse_quote! {
                #[doc = #doc]
                #[doc(hidden)]
                pub #sig {
                    #(#build)*
                    Ok(request)
                }
            };
            let call: syn::Stmt = syn::parse_quote! {
                let request = self.#builder(#(#args),*)?;
            };
            method.block.stmts = std::iter::once(call).chain(rest).collect();
            out.push(syn::ImplItem::Fn(request_fn));
            out.push(syn::ImplItem::Fn(method));
        }
        imp.items = out;
    }
    Ok(())
}
