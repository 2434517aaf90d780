//! Code generation: one file per thing generated. Generation reads the
//! checked [`Model`](crate::ast::Model) and never re-parses attributes.

mod checks;
mod fallback;
mod handles;
mod row;
mod table;

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::ast::Model;

pub use fallback::fallback;

/// The whole expansion of `#[derive(Model)]` for a valid model.
pub fn derive(model: &Model) -> TokenStream {
    let ident = model.ident;
    let table = table::table_def(model);
    let methods = row::methods(model);
    let handles = handles::handles(model);
    let checks = checks::checks(model);
    // One key field's type without its `Option`, or the tuple of a
    // composite key's field types.
    let keys: Vec<_> = model
        .key_columns()
        .into_iter()
        .map(|i| {
            let ty = replace_self(model.columns[i].ty, ident);
            quote!(<#ty as ::orm_core::FieldType>::Base)
        })
        .collect();
    let key = match &keys[..] {
        [one] => one.clone(),
        many => quote!((#(#many,)*)),
    };
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::orm_core::Model for #ident {
                type Key = #key;
                const TABLE: &'static ::orm_core::TableDef = &#table;
                #methods
            }
            #handles
            #checks
        };
    }
}

/// An unsuffixed integer literal (`3`, not `3usize`).
fn index(i: usize) -> Literal {
    Literal::usize_unsuffixed(i)
}

/// The tokens of `tokens` with every `Self` replaced by the struct name, for
/// types used outside the struct's impls (where `Self` means nothing).
fn replace_self(tokens: impl ToTokens, ident: &Ident) -> TokenStream {
    tokens
        .into_token_stream()
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(found) if found == "Self" => {
                let mut renamed = ident.clone();
                renamed.set_span(found.span());
                TokenTree::Ident(renamed)
            }
            TokenTree::Group(group) => {
                let mut replaced =
                    Group::new(group.delimiter(), replace_self(group.stream(), ident));
                replaced.set_span(group.span());
                TokenTree::Group(replaced)
            }
            other => other,
        })
        .collect()
}

/// `code` re-spanned to cover exactly the tokens of `like`: its first token
/// takes the span of their first token, every other top-level token (a group
/// as a whole, its contents untouched) the span of their last. The
/// expression `code` then spans all of `like` (stable `proc_macro` cannot
/// join spans), so an error about it is reported under the whole field type,
/// where it merges with the other errors about that type.
fn respan(code: TokenStream, like: &dyn ToTokens) -> TokenStream {
    let mut like = like.to_token_stream().into_iter();
    let first = like.next().map_or_else(Span::call_site, |tree| tree.span());
    let last = like.last().map_or(first, |tree| tree.span());
    code.into_iter()
        .enumerate()
        .map(|(i, mut tree)| {
            tree.set_span(if i == 0 { first } else { last });
            tree
        })
        .collect()
}
