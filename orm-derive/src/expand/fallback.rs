//! What the derive emits next to its errors: a stub `impl Model` and the
//! field handles, so that code using the model (`Hero::TABLE`,
//! `Hero::NAME.eq(..)`, `db.get::<Hero>(..)`) does not add a cascade of
//! follow-on errors to the one that matters (thiserror's `fallback.rs`).
//! The stub is never run: the build fails on the reported errors.

use proc_macro2::TokenStream;
use quote::quote;

use super::{index, replace_self};
use crate::ast::{Model, upper_snake_case};

/// The stub `impl Model` and the handles of a model that has errors.
pub fn fallback(model: &Model) -> TokenStream {
    let ident = model.ident;
    let vis = model.vis;
    let table = &model.table;
    let name = &model.name;
    let key = match model.primary_key() {
        Some(i) => {
            let ty = replace_self(model.columns[i].ty, ident);
            quote!(<#ty as ::orm_core::FieldType>::Base)
        }
        None => quote!(::orm_core::__private::NoKey),
    };
    let columns = model.columns.iter().enumerate().map(|(i, column)| {
        let ty = column.ty;
        let handle =
            proc_macro2::Ident::new(&upper_snake_case(&column.field), column.member.span());
        let i = index(i);
        quote! {
            #vis const #handle: ::orm_core::Column<#ident, #ty> =
                ::orm_core::Column::__unchecked(#i);
        }
    });
    let relations = model.relations.iter().enumerate().map(|(i, relation)| {
        let (ty, member) = (relation.ty, relation.member);
        let handle = proc_macro2::Ident::new(&upper_snake_case(&relation.field), member.span());
        let i = index(i);
        quote! {
            #vis const #handle: ::orm_core::Rel<#ident, #ty> =
                ::orm_core::Rel::__unchecked(#i, |__model| &mut __model.#member);
        }
    });
    quote! {
        const _: () = {
            #[automatically_derived]
            impl ::orm_core::Model for #ident {
                type Key = #key;
                const TABLE: &'static ::orm_core::TableDef = &::orm_core::TableDef {
                    name: #table,
                    model: #name,
                    columns: &[],
                    primary_key: 0,
                    foreign_keys: &[],
                    relations: &[],
                    soft_delete: None,
                };
                fn push_values(&self, _: &mut ::std::vec::Vec<::orm_core::Value>) {
                    ::core::unreachable!()
                }
                fn column_value(&self, _: usize) -> ::core::option::Option<::orm_core::Value> {
                    ::core::unreachable!()
                }
                fn set_column_value(
                    &mut self,
                    _: usize,
                    _: ::orm_core::Value,
                ) -> ::orm_core::Result<()> {
                    ::core::unreachable!()
                }
                fn decode(_: &mut dyn ::orm_core::RowSource) -> ::orm_core::Result<Self> {
                    ::core::unreachable!()
                }
            }

            #[automatically_derived]
            #[allow(dead_code)]
            impl #ident {
                #(#columns)*
                #(#relations)*
            }
        };
    }
}
