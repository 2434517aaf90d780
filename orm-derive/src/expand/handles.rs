//! The typed field handles: `Hero::NAME: Column<Hero, String>`,
//! `Team::HEROES: Rel<Team, HasMany<Hero>>`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{index, respan};
use crate::ast::{Model, upper_snake_case};

/// The inherent `impl` holding one associated constant per field.
pub fn handles(model: &Model) -> TokenStream {
    let ident = model.ident;
    let vis = model.vis;
    let columns = model.columns.iter().enumerate().map(|(i, column)| {
        let ty = column.ty;
        let name = handle_name(column.member, &column.field);
        let doc = format!("Column `{}.{}`.", model.table, column.name);
        let i = index(i);
        // The `KIND` use comes first so that, when the type is not a column
        // type, its plain error hides the one `Column::new`'s bound would add.
        let new = respan(quote!(::orm_core::Column::new(#i)), ty);
        let value = quote! {{
            let _ = <#ty as ::orm_core::FieldType>::KIND;
            #new
        }};
        quote! {
            #[doc = #doc]
            #vis const #name: ::orm_core::Column<#ident, #ty> = #value;
        }
    });
    let relations = model.relations.iter().enumerate().map(|(i, relation)| {
        let (ty, member) = (relation.ty, relation.member);
        let name = handle_name(member, &relation.field);
        let doc = format!("Relationship `{}::{}`.", model.name, relation.field);
        let i = index(i);
        // rustc blames the closure argument for `Rel::new`'s bound, so the
        // closure, too, must span exactly the type.
        let field = respan(quote!(|__model| &mut __model.#member), ty);
        let new = respan(quote!(::orm_core::Rel::new(#i, #field)), ty);
        let value = quote! {{
            let _ = <#ty as ::orm_core::Relationship>::KIND;
            #new
        }};
        quote! {
            #[doc = #doc]
            #vis const #name: ::orm_core::Rel<#ident, #ty> = #value;
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(dead_code)]
        impl #ident {
            #(#columns)*
            #(#relations)*
        }
    }
}

fn handle_name(member: &Ident, field: &str) -> Ident {
    Ident::new(&upper_snake_case(field), member.span())
}
