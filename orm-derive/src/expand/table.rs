//! `Model::TABLE`: the `TableDef` constant.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::LitStr;
use syn::spanned::Spanned;

use super::index;
use crate::ast::{Column, Model, Relation};
use crate::attr::{ActionSetting, CompositeForeignKey};

/// `::orm_core::TableDef { ... }` for the model.
pub fn table_def(model: &Model) -> TokenStream {
    let name = &model.table;
    let model_name = &model.name;
    let primary_key = index(model.primary_key().unwrap_or(0));
    let composite = model.key_columns().len() > 1;
    let columns = model.columns.iter().map(|c| column_def(c, composite));
    // Those of the fields, in field order, then the composite ones.
    let foreign_keys = model
        .columns
        .iter()
        .filter_map(foreign_key_def)
        .chain(model.foreign_keys.iter().map(composite_foreign_key_def));
    let relations = model.relations.iter().map(relation_def);
    let soft_delete = option(model.soft_delete.as_ref().map(|lit| quote!(#lit)));
    quote! {
        ::orm_core::TableDef {
            name: #name,
            model: #model_name,
            columns: &[#(#columns),*],
            primary_key: #primary_key,
            foreign_keys: &[#(#foreign_keys),*],
            relations: &[#(#relations),*],
            soft_delete: #soft_delete,
        }
    }
}

/// One column; `composite`: the model's key has several columns, which the
/// database never generates.
fn column_def(column: &Column, composite: bool) -> TokenStream {
    let ty = column.ty;
    let value = quote_spanned!(ty.span()=> <#ty as ::orm_core::FieldType>);
    let name = &column.name;
    let field = &column.field;
    let attrs = &column.attrs;
    let is_pk = attrs.primary_key.is_some();
    let nullable = if is_pk {
        quote!(false)
    } else {
        quote!(#value::NULLABLE)
    };
    let auto_increment = if is_pk && !composite {
        quote!(#value::KIND.is_integer())
    } else {
        quote!(false)
    };
    let sql_type = option(attrs.sql_type.as_ref().map(|lit| quote!(#lit)));
    let default = option(attrs.default.as_ref().map(|default| {
        let sql = &default.sql;
        quote!(#sql)
    }));
    let unique = attrs.unique.is_some();
    let index = attrs.index.is_some();
    quote! {
        ::orm_core::ColumnDef {
            name: #name,
            field: #field,
            ty: #value::VALUE_TYPE,
            sql_type: #sql_type,
            nullable: #nullable,
            primary_key: #is_pk,
            auto_increment: #auto_increment,
            unique: #unique,
            index: #index,
            default: #default,
        }
    }
}

fn foreign_key_def(column: &Column) -> Option<TokenStream> {
    let attrs = &column.attrs;
    let foreign_key = attrs.foreign_key.as_ref()?;
    let name = &column.name;
    let table = &foreign_key.table;
    let referenced = &foreign_key.column;
    let on_delete = action(attrs.ondelete.as_ref());
    let on_update = action(attrs.onupdate.as_ref());
    Some(quote! {
        ::orm_core::ForeignKeyDef {
            columns: &[#name],
            references_table: #table,
            references_columns: &[#referenced],
            on_delete: #on_delete,
            on_update: #on_update,
        }
    })
}

/// `#[model(foreign_key(...))]`: one foreign key over several columns.
fn composite_foreign_key_def(foreign_key: &CompositeForeignKey) -> TokenStream {
    let columns = foreign_key.columns.iter().map(LitStr::value);
    let table = &foreign_key.references.table;
    let referenced = &foreign_key.references.columns;
    let on_delete = action(foreign_key.ondelete.as_ref());
    let on_update = action(foreign_key.onupdate.as_ref());
    quote! {
        ::orm_core::ForeignKeyDef {
            columns: &[#(#columns),*],
            references_table: #table,
            references_columns: &[#(#referenced),*],
            on_delete: #on_delete,
            on_update: #on_update,
        }
    }
}

/// `Some(::orm_core::Action::...)` or `None`.
fn action(setting: Option<&ActionSetting>) -> TokenStream {
    option(setting.map(|setting| {
        let action = setting.action;
        quote!(#action)
    }))
}

fn relation_def(relation: &Relation) -> TokenStream {
    let ty = relation.ty;
    let rel = quote_spanned!(ty.span()=> <#ty as ::orm_core::Relationship>);
    let field = &relation.field;
    let attrs = &relation.attrs;
    let foreign_key = option(attrs.foreign_key.as_ref().map(|lit| quote!(#lit)));
    let back_populates = option(attrs.back_populates.as_ref().map(|lit| quote!(#lit)));
    let cascade_delete = attrs.cascade_delete.is_some();
    let passive_deletes = attrs.passive_deletes.is_some();
    let on_soft_delete = option(attrs.on_soft_delete.as_ref().map(|setting| {
        let span = setting.lit.span();
        let variant = match setting.choice {
            crate::attr::SoftDeleteChoice::Keep => quote_spanned!(span=> Keep),
            crate::attr::SoftDeleteChoice::Delete => quote_spanned!(span=> Delete),
        };
        quote!(::orm_core::OnSoftDelete::#variant)
    }));
    let through = option(
        attrs
            .through
            .as_ref()
            .map(|(_, link)| quote_spanned!(link.span()=> || <#link as ::orm_core::Model>::TABLE)),
    );
    quote! {
        ::orm_core::RelationDef {
            field: #field,
            kind: #rel::KIND,
            target: || <#rel::Target as ::orm_core::Model>::TABLE,
            foreign_key: #foreign_key,
            back_populates: #back_populates,
            cascade_delete: #cascade_delete,
            passive_deletes: #passive_deletes,
            through: #through,
            on_soft_delete: #on_soft_delete,
        }
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
