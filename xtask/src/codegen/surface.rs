//! The public surface of generated code, for snapshot review: public items
//! with their signatures, fields, variants, constants and serde attributes;
//! function bodies, private items and doc comments left out.

use syn::visit_mut::VisitMut;

/// Renders the public surface of a Rust source file.
pub fn of_source(source: &str) -> Result<String, syn::Error> {
    let mut file: syn::File = syn::parse_file(source)?;
    Surface.visit_file_mut(&mut file);
    Ok(prettyplease::unparse(&file))
}

struct Surface;

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn public(item: &syn::Item) -> bool {
    match item {
        syn::Item::Const(i) => is_pub(&i.vis),
        syn::Item::Enum(i) => is_pub(&i.vis),
        syn::Item::Fn(i) => is_pub(&i.vis),
        syn::Item::Mod(i) => is_pub(&i.vis),
        syn::Item::Static(i) => is_pub(&i.vis),
        syn::Item::Struct(i) => is_pub(&i.vis),
        syn::Item::Trait(i) => is_pub(&i.vis),
        syn::Item::Type(i) => is_pub(&i.vis),
        syn::Item::Use(i) => is_pub(&i.vis),
        syn::Item::Impl(_) | syn::Item::Macro(_) => true,
        _ => false,
    }
}

impl VisitMut for Surface {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        file.attrs.clear();
        file.items.retain(public);
        syn::visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut m.content {
            items.retain(public);
        }
        syn::visit_mut::visit_item_mod_mut(self, m);
    }

    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| {
            ["derive", "serde", "non_exhaustive"]
                .iter()
                .any(|n| a.path().is_ident(n))
        });
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let inherent = i.trait_.is_none();
        i.items.retain(|item| match item {
            syn::ImplItem::Fn(f) => !inherent || is_pub(&f.vis),
            syn::ImplItem::Const(c) => !inherent || is_pub(&c.vis),
            syn::ImplItem::Type(_) => true,
            _ => false,
        });
        syn::visit_mut::visit_item_impl_mut(self, i);
    }

    fn visit_fields_named_mut(&mut self, fields: &mut syn::FieldsNamed) {
        fields.named = std::mem::take(&mut fields.named)
            .into_pairs()
            .filter(|p| is_pub(&p.value().vis))
            .collect();
        syn::visit_mut::visit_fields_named_mut(self, fields);
    }

    fn visit_item_fn_mut(&mut self, f: &mut syn::ItemFn) {
        *f.block = syn::parse_quote!({});
        syn::visit_mut::visit_item_fn_mut(self, f);
    }

    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        f.block = syn::parse_quote!({});
        syn::visit_mut::visit_impl_item_fn_mut(self, f);
    }
}
