//! Checks that span two models, evaluated by the compiler as constants.
//!
//! For every relationship field the derive emits
//! `const _: () = match ::orm_core::check::relation(...) { ... };`. Each
//! failure arm panics with a message written here and spanned on the
//! attribute tokens it is about, so `rustc` reports
//! `error[E0080]: evaluation panicked: <message>` right under them.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::{GenericArgument, LitStr, PathArguments, Type};

use super::{index, replace_self};
use crate::ast::{Column, Model, Relation};
use crate::attr::{Action, ActionSetting, CompositeForeignKey};

/// Every cross-model check of the model.
pub fn checks(model: &Model) -> TokenStream {
    let relations = model
        .relations
        .iter()
        .enumerate()
        .flat_map(|(i, relation)| {
            std::iter::once(relation_check(model, i, relation))
                .chain(through_check(model, i, relation))
        });
    let actions = model.columns.iter().flat_map(|column| {
        let attrs = &column.attrs;
        [&attrs.ondelete, &attrs.onupdate]
            .into_iter()
            .flatten()
            .filter_map(|setting| match setting.action {
                Action::SetNull => Some(set_null_check(model, column, setting)),
                Action::SetDefault if column.attrs.default.is_none() => {
                    Some(set_default_check(model, column, setting))
                }
                _ => None,
            })
    });
    let composite_actions = model
        .foreign_keys
        .iter()
        .flat_map(|foreign_key| composite_action_checks(model, foreign_key));
    let sql_types = model.columns.iter().filter_map(|column| {
        let lit = column.attrs.sql_type.as_ref()?;
        let ty = replace_self(column.ty, model.ident);
        let span = lit.span();
        let panic = quote_spanned!(span=> ::core::panic!("{}", __problem));
        Some(quote! {
            const _: () = if let ::core::option::Option::Some(__problem) =
                ::orm_core::check::sql_type_problem(<#ty as ::orm_core::FieldType>::KIND, #lit)
            {
                #panic
            };
        })
    });
    let soft_delete = soft_delete_checks(model);
    let key_columns = model.key_columns();
    let key: Vec<TokenStream> = if key_columns.len() > 1 {
        key_columns
            .iter()
            .map(|&i| composite_key_check(model, &model.columns[i]))
            .collect()
    } else {
        key_columns
            .iter()
            .map(|&i| &model.columns[i])
            .filter(|column| column.attrs.default.is_none())
            .map(|column| generated_key_check(model, column))
            .collect()
    };
    quote! {
        #(#relations)*
        #(#actions)*
        #(#composite_actions)*
        #(#sql_types)*
        #(#soft_delete)*
        #(#key)*
    }
}

/// `#[model(soft_delete = "...")]`: the column is an `Option` (NULL marks a
/// live row) of a type the ORM can set to the time of the delete. That it
/// names a column other than a key is checked before expansion
/// (`check::check_soft_delete`).
fn soft_delete_checks(model: &Model) -> Vec<TokenStream> {
    let Some(lit) = &model.soft_delete else {
        return Vec::new();
    };
    let name = lit.value();
    let Some(column) = model.columns.iter().find(|c| c.name == name) else {
        return Vec::new();
    };
    let field = format!("`{}::{}`", model.name, column.field);
    let nullable = format!(
        "`soft_delete = \"{name}\"`: {field} is not an `Option`, but a live row holds NULL there (a soft delete sets it to the time of the delete); declare the field as `Option<_>`"
    );
    let kind = format!(
        "`soft_delete = \"{name}\"`: a soft delete sets {field} to the time of the delete, so its type must hold one: `Option<DateTime<Utc>>`, `Option<NaiveDateTime>` (chrono), `Option<OffsetDateTime>`, `Option<PrimitiveDateTime>` (time), or `Option<i64>` (microseconds since the Unix epoch)"
    );
    let ty = replace_self(column.ty, model.ident);
    let panic = panic_at(lit, &kind);
    vec![
        nullable_check(model, column, lit, &nullable),
        quote! {
            const _: () = if !::orm_core::check::soft_delete_kind_ok(
                <#ty as ::orm_core::FieldType>::KIND,
            ) {
                #panic
            };
        },
    ]
}

/// The fields of a composite key are plain values: the database generates
/// none of them, and a key column cannot be NULL.
fn composite_key_check(model: &Model, column: &Column) -> TokenStream {
    let ty = replace_self(column.ty, model.ident);
    let message = format!(
        "`{}::{}` is part of a composite primary key and cannot be an `Option`: the database generates no part of a composite key, and no key column is NULL; store the plain type",
        model.name, column.field
    );
    let tokens = column.attrs.primary_key.as_ref().map_or_else(
        || column.member.to_token_stream(),
        ToTokens::to_token_stream,
    );
    let panic = panic_at(&tokens, &message);
    quote! {
        const _: () = if <#ty as ::orm_core::FieldType>::NULLABLE {
            #panic
        };
    }
}

/// `ondelete = "SET DEFAULT"` without a `default` sets the column to NULL,
/// which a NOT NULL column refuses.
fn set_default_check(model: &Model, column: &Column, setting: &ActionSetting) -> TokenStream {
    let message = format!(
        "`{} = \"SET DEFAULT\"` on `{}::{}`: the column declares no `default`, so its default is NULL, and it is not an `Option`; declare the key to point to with `default = ...` (e.g. `default = 0` for a fallback row) or make the field `Option<_>`",
        setting.key, model.name, column.field
    );
    nullable_check(model, column, &setting.lit, &message)
}

/// `message` on `lit` unless `column`'s field is an `Option`.
fn nullable_check(model: &Model, column: &Column, lit: &LitStr, message: &str) -> TokenStream {
    let ty = replace_self(column.ty, model.ident);
    let panic = panic_at(lit, message);
    quote! {
        const _: () = if !<#ty as ::orm_core::FieldType>::NULLABLE {
            #panic
        };
    }
}

/// `ondelete` / `onupdate` of a composite foreign key: `SET NULL` sets every
/// one of its columns to NULL, and `SET DEFAULT` every one without a
/// `default`, so each such column must be an `Option` (as for a foreign key
/// on one field).
fn composite_action_checks(model: &Model, foreign_key: &CompositeForeignKey) -> Vec<TokenStream> {
    let names: Vec<String> = foreign_key.columns.iter().map(LitStr::value).collect();
    let columns: Vec<&Column> = names
        .iter()
        .filter_map(|name| model.columns.iter().find(|c| &c.name == name))
        .collect();
    let key = format!("({})", names.join(", "));
    let mut checks = Vec::new();
    for setting in [&foreign_key.ondelete, &foreign_key.onupdate]
        .into_iter()
        .flatten()
    {
        for column in &columns {
            let field = format!("`{}::{}`", model.name, column.field);
            let message = match setting.action {
                Action::SetNull => format!(
                    "`{} = \"SET NULL\"` on the composite foreign key {key} of `{}` sets each of its columns to NULL, but {field} is not an `Option`: declare the field as `Option<_>`",
                    setting.key, model.name
                ),
                Action::SetDefault if column.attrs.default.is_none() => format!(
                    "`{} = \"SET DEFAULT\"` on the composite foreign key {key} of `{}`: column `{}` declares no `default`, so its default is NULL, and {field} is not an `Option`; declare the value to fall back to with `default = ...` on that field (e.g. `default = 0` for a fallback row) or make it `Option<_>`",
                    setting.key, model.name, column.name
                ),
                _ => continue,
            };
            checks.push(nullable_check(model, column, &setting.lit, &message));
        }
    }
    checks
}

/// A `None` key is left for the database to generate, which it only does
/// for integer keys (or with a `default`).
fn generated_key_check(model: &Model, column: &Column) -> TokenStream {
    let ty = replace_self(column.ty, model.ident);
    let message = format!(
        "`{}::{}` is an `Option` primary key of a type the database does not generate (only integer keys are generated): store the plain type and set it before inserting (e.g. `{}: Uuid` with `Uuid::new_v4()`), or declare how the database generates it with `default = \"...\"` (e.g. `gen_random_uuid()` on PostgreSQL)",
        model.name, column.field, column.field
    );
    let tokens = column.attrs.primary_key.as_ref().map_or_else(
        || column.member.to_token_stream(),
        ToTokens::to_token_stream,
    );
    let panic = panic_at(&tokens, &message);
    quote! {
        const _: () = if <#ty as ::orm_core::FieldType>::NULLABLE
            && !<#ty as ::orm_core::FieldType>::KIND.is_integer()
        {
            #panic
        };
    }
}

/// `ondelete = "SET NULL"` needs a nullable column.
fn set_null_check(model: &Model, column: &Column, setting: &ActionSetting) -> TokenStream {
    let message = format!(
        "`{} = \"SET NULL\"` on `{}::{}` needs a nullable column: declare the field as `Option<_>`",
        setting.key, model.name, column.field
    );
    nullable_check(model, column, &setting.lit, &message)
}

/// For a `ManyToMany` field: the link model has a foreign key to each
/// side, and the owner's agrees with deleting the link rows.
fn through_check(model: &Model, i: usize, relation: &Relation) -> Option<TokenStream> {
    let (lit, link) = relation.attrs.through.as_ref()?;
    let ident = model.ident;
    let ty = replace_self(relation.ty, ident);
    let link = replace_self(link, ident);
    let field = format!("`{}::{}`", model.name, relation.field);
    let owner = &model.name;
    let target =
        target_name(relation.ty, &model.name).unwrap_or_else(|| "the other model".to_owned());
    let link_name = lit.value();
    let owner_table = &model.table;
    let at_passive = relation
        .attrs
        .passive_deletes
        .as_ref()
        .map_or_else(|| lit.to_token_stream(), ToTokens::to_token_stream);
    let no_owner = panic_at(
        lit,
        &format!(
            "`through = \"{link_name}\"` on {field}: `{link_name}` needs exactly one foreign key to `{owner}` (`#[field(foreign_key = \"{owner_table}.<column>\")]`); with several, name the one to follow with `foreign_key = \"column\"`"
        ),
    );
    let no_target = panic_at(
        lit,
        &format!(
            "`through = \"{link_name}\"` on {field}: `{link_name}` needs exactly one foreign key to `{target}` besides the one to `{owner}`"
        ),
    );
    let contradiction = panic_at(
        lit,
        &format!(
            "`through = \"{link_name}\"` on {field}: deleting a `{owner}` deletes its `{link_name}` rows, but the foreign key of `{link_name}` to `{owner}` declares an `ondelete` other than CASCADE; declare `ondelete = \"CASCADE\"` (or none)"
        ),
    );
    let passive = panic_at(
        &at_passive,
        &format!(
            "`passive_deletes` on {field} leaves deleting the `{link_name}` rows to the database, but the foreign key of `{link_name}` to `{owner}` declares no `ondelete`: add `ondelete = \"CASCADE\"` to it or drop `passive_deletes`"
        ),
    );
    let i = index(i);
    Some(quote! {
        const _: () = match ::orm_core::check::through(
            <#ident as ::orm_core::Model>::TABLE,
            #i,
            <<#ty as ::orm_core::Relationship>::Target as ::orm_core::Model>::TABLE,
            <#link as ::orm_core::Model>::TABLE,
        ) {
            ::core::result::Result::Ok(()) => (),
            ::core::result::Result::Err(::orm_core::check::RelationProblem::ThroughNoOwnerKey) => #no_owner,
            ::core::result::Result::Err(::orm_core::check::RelationProblem::ThroughNoTargetKey) => #no_target,
            ::core::result::Result::Err(::orm_core::check::RelationProblem::ThroughContradiction) => #contradiction,
            ::core::result::Result::Err(_) => #passive,
        };
    })
}

/// What the messages call the two models of a relationship.
struct Names {
    /// `Team::heroes`.
    field: String,
    /// The model holding the field.
    owner: String,
    /// The other model, as far as the field's type says.
    target: String,
}

fn relation_check(model: &Model, i: usize, relation: &Relation) -> TokenStream {
    let ident = model.ident;
    let ty = replace_self(relation.ty, ident);
    let names = Names {
        field: format!("`{}::{}`", model.name, relation.field),
        owner: format!("`{}`", model.name),
        target: target_name(relation.ty, &model.name).map_or_else(
            || "the related model".to_owned(),
            |name| format!("`{name}`"),
        ),
    };
    let i = index(i);
    let arms = problem_arms(model, relation, &names, &ty);
    let ty_span = first_span(relation.ty);
    let target = quote_spanned!(ty_span=> <<#ty as ::orm_core::Relationship>::Target as ::orm_core::Model>::TABLE);
    quote! {
        const _: () = match ::orm_core::check::relation(
            <#ident as ::orm_core::Model>::TABLE,
            #i,
            #target,
        ) {
            ::core::result::Result::Ok(()) => (),
            #arms
        };
    }
}

/// The message of one failure arm: the same for every kind of field, or
/// one for a `HasMany`, one for a `HasOne` and one for a `BelongsTo` (chosen
/// at compile time from `<Ty as Relationship>::KIND`).
enum Message {
    Same(String),
    ByKind {
        has_many: String,
        has_one: String,
        belongs_to: String,
    },
}

/// One arm per `RelationProblem`, each panicking on the tokens it concerns.
fn problem_arms(
    model: &Model,
    relation: &Relation,
    names: &Names,
    ty: &TokenStream,
) -> TokenStream {
    arms(model, relation, names)
        .into_iter()
        .map(|(variant, tokens, message)| {
            let variant = Ident::new(variant, Span::call_site());
            let body = match message {
                Message::Same(message) => panic_at(&tokens, &message),
                Message::ByKind {
                    has_many,
                    has_one,
                    belongs_to,
                } => {
                    let has_many = panic_at(&tokens, &has_many);
                    let has_one = panic_at(&tokens, &has_one);
                    let belongs_to = panic_at(&tokens, &belongs_to);
                    quote! {
                        match <#ty as ::orm_core::Relationship>::KIND {
                            ::orm_core::RelationKind::HasMany => #has_many,
                            ::orm_core::RelationKind::HasOne => #has_one,
                            ::orm_core::RelationKind::BelongsTo => #belongs_to,
                            // `check::relation` reports none of these for a
                            // `ManyToMany`; its link is checked by `through_check`.
                            ::orm_core::RelationKind::ManyToMany => #has_many,
                        }
                    }
                }
            };
            quote! {
                ::core::result::Result::Err(::orm_core::check::RelationProblem::#variant) => #body,
            }
        })
        .collect()
}

/// For every `RelationProblem` variant: the tokens the error goes on and
/// what it says.
fn arms(
    model: &Model,
    relation: &Relation,
    names: &Names,
) -> Vec<(&'static str, TokenStream, Message)> {
    let attrs = &relation.attrs;
    let Names {
        field,
        owner,
        target,
    } = names;
    let name = &model.name;
    let target_type = target_name(relation.ty, name).unwrap_or_else(|| "_".to_owned());
    let table = &model.table;
    let pk = model
        .primary_key()
        .map_or("id", |i| model.columns[i].name.as_str());
    let on_type = relation.ty.to_token_stream();
    let on = |tokens: Option<&dyn ToTokens>| {
        tokens.map_or_else(|| on_type.clone(), ToTokens::to_token_stream)
    };
    let named_fk = attrs
        .foreign_key
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_default();
    let back = attrs
        .back_populates
        .as_ref()
        .map(LitStr::value)
        .unwrap_or_default();
    // The two parent sides share a message unless it names the kind.
    let by_kind = |parent: String, belongs_to: String| Message::ByKind {
        has_one: parent.clone(),
        has_many: parent,
        belongs_to,
    };
    let by_each_kind = |has_many: String, has_one: String, belongs_to: String| Message::ByKind {
        has_many,
        has_one,
        belongs_to,
    };
    vec![
        (
            "NoForeignKey",
            on_type.clone(),
            by_kind(
                format!(
                    "{field} has no foreign key to follow: no field of {target} declares `#[field(foreign_key = \"{table}.{pk}\")]`; add one to {target}"
                ),
                format!(
                    "{field} has no foreign key to follow: no field of {owner} declares a `foreign_key` referencing the table of {target}; add one, e.g. `#[field(foreign_key = \"<table>.<column>\")]`"
                ),
            ),
        ),
        (
            "AmbiguousForeignKey",
            on_type.clone(),
            by_kind(
                format!(
                    "{field} is ambiguous: {target} has several foreign keys to table `{table}`; pick one with `#[relationship(foreign_key = \"column\")]`"
                ),
                format!(
                    "{field} is ambiguous: {owner} has several foreign keys to the table of {target}; pick one with `#[relationship(foreign_key = \"column\")]`"
                ),
            ),
        ),
        (
            "NamedForeignKeyMissing",
            on(attrs.foreign_key.as_ref().map(|lit| lit as &dyn ToTokens)),
            by_kind(
                format!(
                    "`foreign_key = \"{named_fk}\"` on {field}: {target} has no column `{named_fk}` with a foreign key to table `{table}`; name a field of {target} declared with `#[field(foreign_key = \"{table}.<column>\")]`"
                ),
                format!(
                    "`foreign_key = \"{named_fk}\"` on {field}: {owner} has no column `{named_fk}` with a foreign key to the table of {target}; name a field declared with `#[field(foreign_key = \"<table>.<column>\")]`"
                ),
            ),
        ),
        (
            "CascadeContradiction",
            on(attrs
                .cascade_delete
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            Message::Same(format!(
                "`cascade_delete` on {field} contradicts the foreign key of {target}, whose `ondelete` is not CASCADE: declare `ondelete = \"CASCADE\"` on it or drop `cascade_delete`"
            )),
        ),
        (
            "PassiveWithoutOnDelete",
            on(attrs
                .passive_deletes
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            by_kind(
                format!(
                    "`passive_deletes` on {field} leaves the delete to the database, but the foreign key of {target} declares no `ondelete`: add one (e.g. `ondelete = \"CASCADE\"`) or drop `passive_deletes`"
                ),
                format!(
                    "`passive_deletes` on {field} leaves the delete to the database, but the foreign key it follows declares no `ondelete`: add one to the foreign-key field of {owner} (e.g. `ondelete = \"CASCADE\"`) or drop `passive_deletes`"
                ),
            ),
        ),
        (
            "SetNullNotNullable",
            on_type.clone(),
            Message::Same(format!(
                "deleting a {owner} sets the foreign key of its {target} rows to NULL (no `cascade_delete`, no `ondelete`), but that column is not an `Option`: make it `Option<_>`, add `cascade_delete`, or declare `ondelete`"
            )),
        ),
        (
            "BackPopulatesMissing",
            on(attrs
                .back_populates
                .as_ref()
                .map(|lit| lit as &dyn ToTokens)),
            by_kind(
                format!(
                    "`back_populates = \"{back}\"` on {field}: {target} has no relationship field `{back}`; name the `BelongsTo<{name}>` field of {target}"
                ),
                format!(
                    "`back_populates = \"{back}\"` on {field}: {target} has no relationship field `{back}`; name the `HasMany<{name}>` or `HasOne<{name}>` field of {target}"
                ),
            ),
        ),
        (
            "BackPopulatesSameKind",
            on(attrs
                .back_populates
                .as_ref()
                .map(|lit| lit as &dyn ToTokens)),
            by_each_kind(
                format!(
                    "`back_populates = \"{back}\"` on {field}: that field of {target} is a `HasMany` too; the other side of a `HasMany` is a `BelongsTo<{name}>` field"
                ),
                format!(
                    "`back_populates = \"{back}\"` on {field}: that field of {target} is a `HasOne` too; the other side of a `HasOne` is a `BelongsTo<{name}>` field"
                ),
                format!(
                    "`back_populates = \"{back}\"` on {field}: that field of {target} is a `BelongsTo` too; the other side of a `BelongsTo` is a `HasMany<{name}>` or `HasOne<{name}>` field"
                ),
            ),
        ),
        (
            "BackPopulatesBothParents",
            on(attrs
                .back_populates
                .as_ref()
                .map(|lit| lit as &dyn ToTokens)),
            by_each_kind(
                format!(
                    "`back_populates = \"{back}\"` on {field}: that field of {target} is a `HasOne`, the parent side of a one-to-one relationship; the other side of a `HasMany` is a `BelongsTo<{name}>` field"
                ),
                format!(
                    "`back_populates = \"{back}\"` on {field}: that field of {target} is a `HasMany`, the parent side of a one-to-many relationship; the other side of a `HasOne` is a `BelongsTo<{name}>` field"
                ),
                // Not reached (a `BelongsTo` pairs with either), but said right.
                format!(
                    "`back_populates = \"{back}\"` on {field}: a `HasMany` and a `HasOne` cannot be the two sides of one relationship; the other side of either is a `BelongsTo` field"
                ),
            ),
        ),
        (
            "DeleteFlagsOnBelongsTo",
            on(attrs
                .cascade_delete
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            Message::Same(format!(
                "`cascade_delete` on {field}: deleting the children of a parent is declared on the parent side; move it to the `HasMany<{name}>` or `HasOne<{name}>` field of {target} (on this side, `passive_deletes` leaves the foreign key's `ondelete` to the database)"
            )),
        ),
        (
            "PassiveDisagrees",
            on(attrs
                .passive_deletes
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            Message::Same(format!(
                "`passive_deletes` on {field}: the `{back}` field of {target} covers the same foreign key without it, so deletes through it would not leave the foreign key to the database; declare `passive_deletes` on `{back}` too"
            )),
        ),
        (
            "HasOneNotUnique",
            on_type.clone(),
            Message::Same(format!(
                "{field} is a `HasOne`, but the foreign key it follows on {target} is not unique, so one {owner} could have several {target} rows: add `#[field(unique)]` to that foreign-key field of {target}, or use `HasMany<{target_type}>` for a one-to-many relationship"
            )),
        ),
        (
            "ThroughMissing",
            on_type.clone(),
            Message::Same(format!(
                "{field} is a `ManyToMany`, which goes through a link model: add `through = \"LinkModel\"` naming the model whose table holds a foreign key to {owner} and one to {target}"
            )),
        ),
        (
            "ThroughNotManyToMany",
            on(attrs.through.as_ref().map(|(lit, _)| lit as &dyn ToTokens)),
            Message::Same(format!(
                "`through` on {field}: only a `ManyToMany<{target_type}>` field goes through a link model; drop `through` or make the field a `ManyToMany`"
            )),
        ),
        (
            "CascadeOnManyToMany",
            on(attrs
                .cascade_delete
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            Message::Same(format!(
                "`cascade_delete` on {field}: deleting a {owner} always deletes its link rows, and the {target} rows on the other side are not its to delete; drop `cascade_delete` (use `HasMany` for rows a {owner} owns)"
            )),
        ),
        (
            "SoftDeleteIntoHardDelete",
            on(attrs
                .cascade_delete
                .as_ref()
                .map(|key| key as &dyn ToTokens)),
            Message::Same(format!(
                "soft-deleting a {owner} cascades through {field} to {target}, which cannot be soft-deleted (it has no `#[model(soft_delete = \"...\")]`): give {target} a soft-delete column too, or say what soft-deleting a {owner} does to its {target} rows with `on_soft_delete = \"keep\"` (leave them as they are) or `on_soft_delete = \"delete\"` (delete them for real)"
            )),
        ),
        (
            "OnSoftDeleteUnused",
            on(attrs
                .on_soft_delete
                .as_ref()
                .map(|setting| setting as &dyn ToTokens)),
            on_soft_delete_unused(model, relation, names),
        ),
        (
            "BackPopulatesNotManyToMany",
            on(attrs
                .back_populates
                .as_ref()
                .map(|lit| lit as &dyn ToTokens)),
            Message::Same(format!(
                "`back_populates = \"{back}\"` on {field}: the other side of a `ManyToMany` is a `ManyToMany<{name}>` field of {target} through the same link model, and only a `ManyToMany` pairs with it"
            )),
        ),
        (
            "ThroughNoOwnerKey",
            on_type.clone(),
            Message::Same(format!(
                "{field}: the link model is checked with its `through`"
            )),
        ),
        (
            "ThroughNoTargetKey",
            on_type.clone(),
            Message::Same(format!(
                "{field}: the link model is checked with its `through`"
            )),
        ),
        (
            "ThroughContradiction",
            on_type.clone(),
            Message::Same(format!(
                "{field}: the link model is checked with its `through`"
            )),
        ),
    ]
}

/// Why `on_soft_delete` on `relation` decides nothing, as far as this model
/// tells: `check::relation` reports `OnSoftDeleteUnused` for several reasons.
fn on_soft_delete_unused(model: &Model, relation: &Relation, names: &Names) -> Message {
    let Names {
        field,
        owner,
        target,
    } = names;
    let name = &model.name;
    if relation.attrs.through.is_some() {
        return Message::Same(format!(
            "`on_soft_delete` on {field} has nothing to decide: soft-deleting either side of a `ManyToMany` keeps the link rows, so a restore finds them; remove it"
        ));
    }
    let parent = if model.soft_delete.is_none() {
        format!(
            "`on_soft_delete` on {field} has nothing to decide: {owner} has no `#[model(soft_delete = \"...\")]`, so deleting a {owner} deletes it for real, with its cascades; remove `on_soft_delete`, or make {owner} a soft-delete model"
        )
    } else if relation.attrs.cascade_delete.is_some() {
        format!(
            "`on_soft_delete` on {field} has nothing to decide: {target} has a soft-delete column too, so soft-deleting a {owner} soft-deletes its {target} rows through this cascade; remove it"
        )
    } else {
        format!(
            "`on_soft_delete` on {field} has nothing to decide: it says what soft-deleting a {owner} does to the {target} rows a cascade reaches, but this relationship does not cascade (no `cascade_delete`, no `ondelete = \"CASCADE\"`), or {target} has a soft-delete column too; remove it"
        )
    };
    Message::ByKind {
        has_one: parent.clone(),
        has_many: parent,
        belongs_to: format!(
            "`on_soft_delete` on {field}: what a soft delete does to the rows a cascade reaches is declared on the parent side, next to `cascade_delete`; move it to the `HasMany<{name}>` or `HasOne<{name}>` field of {target}"
        ),
    }
}

/// `::core::panic!("message")` spanning `tokens`: the path takes the span of
/// their first token and the parentheses the span of their last, so the
/// compiler underlines all of them.
fn panic_at(tokens: &dyn ToTokens, message: &str) -> TokenStream {
    let stream = tokens.to_token_stream();
    let first = first_span(&stream);
    let last = stream.into_iter().last().map_or(first, |tree| tree.span());
    let message = message.replace('{', "{{").replace('}', "}}");
    let mut args = Group::new(Delimiter::Parenthesis, quote!(#message));
    args.set_span(last);
    let path = quote_spanned!(first=> ::core::panic!);
    let mut out = path;
    out.extend([TokenTree::Group(args)]);
    out
}

fn first_span(tokens: impl ToTokens) -> Span {
    tokens
        .into_token_stream()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |tree| tree.span())
}

/// `Hero` in `HasMany<Hero>` or `BelongsTo<crate::Hero>`, for messages only.
fn target_name(ty: &Type, model: &str) -> Option<String> {
    let Type::Path(path) = ty else {
        return None;
    };
    let PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    let [GenericArgument::Type(Type::Path(inner))] = args.args.iter().collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let name = inner.path.segments.last()?.ident.unraw().to_string();
    Some(if name == "Self" {
        model.to_owned()
    } else {
        name
    })
}
