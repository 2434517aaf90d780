//! The `Model` methods that move field values in and out of `Value`s.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::index;
use crate::ast::Model;

/// `push_values`, `column_value`, `set_column_value` and `decode`.
pub fn methods(model: &Model) -> TokenStream {
    let count = model.columns.len();
    let members: Vec<_> = model.columns.iter().map(|c| c.member).collect();
    let indexes: Vec<_> = (0..count).map(index).collect();
    let to_value: Vec<_> = model
        .columns
        .iter()
        .map(|c| {
            let (ty, member) = (c.ty, c.member);
            quote_spanned!(ty.span()=> <#ty as ::orm_core::FieldType>::encode(&self.#member))
        })
        .collect();
    let write: Vec<_> = model
        .columns
        .iter()
        .zip(&indexes)
        .map(|(c, i)| {
            let (ty, member) = (c.ty, c.member);
            quote! {
                ::orm_core::__private::write_column::<#ty>(
                    &mut self.#member,
                    __value,
                    <Self as ::orm_core::Model>::TABLE,
                    #i,
                )
            }
        })
        .collect();
    let read: Vec<_> = model
        .columns
        .iter()
        .zip(&indexes)
        .map(|(c, i)| {
            let ty = c.ty;
            quote! {
                ::orm_core::__private::read_column::<#ty>(
                    __row,
                    <Self as ::orm_core::Model>::TABLE,
                    #i,
                )?
            }
        })
        .collect();
    // When a field type is not a column type, this plain use reports it once;
    // the helpers' bounds below, on the same span, are then not reported again.
    let kinds: Vec<_> = model
        .columns
        .iter()
        .map(|c| {
            let ty = c.ty;
            quote!(<#ty as ::orm_core::FieldType>::KIND)
        })
        .collect();
    let relations = model.relations.iter().map(|r| {
        let (ty, member) = (r.ty, r.member);
        quote_spanned!(ty.span()=> #member: <#ty as ::core::default::Default>::default())
    });
    // Relationship fields are read through `Rel` handles the program may
    // never name; touching them here keeps `dead_code` from flagging them.
    let touched = model.relations.iter().map(|r| {
        let member = r.member;
        quote!(let _ = &self.#member;)
    });
    quote! {
        fn push_values(&self, __out: &mut ::std::vec::Vec<::orm_core::Value>) {
            #(#touched)*
            __out.reserve(#count);
            #(__out.push(#to_value);)*
        }

        fn column_value(&self, __index: usize) -> ::core::option::Option<::orm_core::Value> {
            match __index {
                #(#indexes => ::core::option::Option::Some(#to_value),)*
                _ => ::core::option::Option::None,
            }
        }

        fn set_column_value(
            &mut self,
            __index: usize,
            __value: ::orm_core::Value,
        ) -> ::orm_core::Result<()> {
            let _: [::orm_core::ColumnKind; #count] = [#(#kinds),*];
            match __index {
                #(#indexes => #write,)*
                _ => ::core::result::Result::Err(::orm_core::__private::no_such_column(
                    <Self as ::orm_core::Model>::TABLE,
                    __index,
                )),
            }
        }

        fn decode(__row: &mut dyn ::orm_core::RowSource) -> ::orm_core::Result<Self> {
            let _: [::orm_core::ColumnKind; #count] = [#(#kinds),*];
            ::core::result::Result::Ok(Self {
                #(#members: #read,)*
                #(#relations,)*
            })
        }
    }
}
