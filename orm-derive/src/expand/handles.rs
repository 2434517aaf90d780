//! The typed field handles: `Hero::NAME: Column<Hero, String>`,
//! `Team::HEROES: Rel<Team, HasMany<Hero>>`.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::index;
use crate::ast::{Model, upper_snake_case};

/// The inherent `impl` holding one associated constant per field.
pub fn handles(model: &Model) -> TokenStream {
    let ident = model.ident;
    let vis = model.vis;
    let columns = model.columns.iter().enumerate().map(|(i, column)| {
        let ty = column.ty;
        let name = handle_name(column.member, &column.field);
        let doc = format!("Column `{}.{}`.", model.table, column.name);
        let span = ty.span();
        let mut i = index(i);
        i.set_span(span);
        let handle = quote_spanned!(span=> ::orm_core::Column<#ident, #ty>);
        let value = quote_spanned! {span=>
            {
                let _ = <#ty as ::orm_core::ColumnValue>::KIND;
                ::orm_core::Column::new(#i)
            }
        };
        quote! {
            #[doc = #doc]
            #vis const #name: #handle = #value;
        }
    });
    let relations = model.relations.iter().enumerate().map(|(i, relation)| {
        let (ty, member) = (relation.ty, relation.member);
        let name = handle_name(member, &relation.field);
        let doc = format!("Relationship `{}::{}`.", model.name, relation.field);
        let span = ty.span();
        let mut i = index(i);
        i.set_span(span);
        let mut member = member.clone();
        member.set_span(span);
        let handle = quote_spanned!(span=> ::orm_core::Rel<#ident, #ty>);
        let value = quote_spanned! {span=>
            {
                let _ = <#ty as ::orm_core::Relationship>::KIND;
                ::orm_core::Rel::new(#i, |__model| &mut __model.#member)
            }
        };
        quote! {
            #[doc = #doc]
            #vis const #name: #handle = #value;
        }
    });
    quote! {
        #[automatically_derived]
        impl #ident {
            #(#columns)*
            #(#relations)*
        }
    }
}

fn handle_name(member: &Ident, field: &str) -> Ident {
    Ident::new(&upper_snake_case(field), member.span())
}
