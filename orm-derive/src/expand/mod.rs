//! Code generation: one file per thing generated. Generation reads the
//! checked [`Model`](crate::ast::Model) and never re-parses attributes.

mod checks;
mod handles;
mod row;
mod table;

use proc_macro2::{Group, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};

use crate::ast::Model;

/// The whole expansion of `#[derive(Model)]` for a valid model.
pub fn derive(model: &Model) -> TokenStream {
    let ident = model.ident;
    let table = table::table_def(model);
    let methods = row::methods(model);
    let handles = handles::handles(model);
    let checks = checks::checks(model);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::orm_core::Model for #ident {
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
/// takes the span of their first token, every other token the span of their
/// last. An error on any part of `code` is then reported under all of `like`
/// (stable `proc_macro` cannot join spans), and errors from several pieces of
/// generated code about the same field type share one span and collapse
/// into one.
fn respan(code: TokenStream, like: &dyn ToTokens) -> TokenStream {
    let mut like = like.to_token_stream().into_iter();
    let first = like.next().map_or_else(Span::call_site, |tree| tree.span());
    let last = like.last().map_or(first, |tree| tree.span());
    let mut spans = std::iter::once(first).chain(std::iter::repeat(last));
    respan_all(code, &mut spans)
}

fn respan_all(code: TokenStream, spans: &mut impl Iterator<Item = Span>) -> TokenStream {
    code.into_iter()
        .map(|mut tree| {
            let span = spans.next().unwrap_or_else(Span::call_site);
            if let TokenTree::Group(group) = &tree {
                let mut inner = Group::new(group.delimiter(), respan_all(group.stream(), spans));
                inner.set_span(span);
                tree = TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
