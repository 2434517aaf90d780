//! The derive's model of the input: the struct, its columns and its
//! relationships, with parsed attributes and the original syntax nodes.

use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Fields, FieldsNamed, Type, Visibility};

use crate::attr;
use crate::ctxt::Ctxt;

/// A struct deriving `Model`.
pub struct Model<'a> {
    /// The struct name.
    pub ident: &'a Ident,
    /// The struct's visibility, given to the generated field handles.
    pub vis: &'a Visibility,
    /// The struct name without `r#`, for metadata and messages.
    pub name: String,
    /// The table name.
    pub table: String,
    /// Column fields, in field order.
    pub columns: Vec<Column<'a>>,
    /// Relationship fields, in field order.
    pub relations: Vec<Relation<'a>>,
    /// `#[model(foreign_key(...))]`: the composite foreign keys, in the order
    /// written.
    pub foreign_keys: Vec<attr::CompositeForeignKey>,
    /// `#[model(soft_delete = "...")]`: the column a delete sets.
    pub soft_delete: Option<syn::LitStr>,
}

/// A field stored in a column.
pub struct Column<'a> {
    /// The field as written (possibly `r#type`).
    pub member: &'a Ident,
    /// The field name without `r#`.
    pub field: String,
    /// The column name.
    pub name: String,
    /// The field type.
    pub ty: &'a Type,
    /// `#[field(...)]`.
    pub attrs: attr::Field,
}

/// A `#[relationship(...)]` field.
pub struct Relation<'a> {
    /// The field as written.
    pub member: &'a Ident,
    /// The field name without `r#`.
    pub field: String,
    /// The field type (`HasMany<T>`, `HasOne<T>` or `BelongsTo<T>`).
    pub ty: &'a Type,
    /// `#[relationship(...)]`.
    pub attrs: attr::Relationship,
}

impl<'a> Model<'a> {
    /// Reads the input, recording every problem in `cx`. `None` when the
    /// input is not a struct with named fields.
    pub fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Option<Model<'a>> {
        if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
            cx.error_spanned_by(
                &input.generics,
                "`#[derive(Model)]` does not support generics: a model maps to one table, so its fields need concrete types",
            );
        }
        for attr in &input.attrs {
            for misplaced in ["field", "relationship"] {
                if attr.path().is_ident(misplaced) {
                    cx.error_spanned_by(
                        attr,
                        format!(
                            "`#[{misplaced}(...)]` goes on a field; on the struct, use `{}`",
                            attr::MODEL.example
                        ),
                    );
                }
            }
        }
        let container = attr::Container::from_attrs(cx, &with_path(&input.attrs, "model"));

        let fields = named_fields(cx, input)?;

        let name = input.ident.unraw().to_string();
        let mut model = Model {
            ident: &input.ident,
            vis: &input.vis,
            table: match container.table {
                Some(table) => table.value(),
                None => snake_case(&name),
            },
            name,
            columns: Vec::new(),
            relations: Vec::new(),
            foreign_keys: container.foreign_keys,
            soft_delete: container.soft_delete,
        };
        for field in &fields.named {
            model.push_field(cx, field);
        }
        Some(model)
    }

    /// Adds one field, as a column or a relationship.
    fn push_field(&mut self, cx: &Ctxt, field: &'a syn::Field) {
        let Some(member) = &field.ident else {
            return;
        };
        for attr in with_path(&field.attrs, "model") {
            cx.error_spanned_by(
                attr,
                "`#[model(...)]` goes on the struct; on a field, use `#[field(...)]` or `#[relationship(...)]`",
            );
        }
        let field_attrs = with_path(&field.attrs, "field");
        let relation_attrs = with_path(&field.attrs, "relationship");
        let field_name = member.unraw().to_string();
        let position = |name| field.attrs.iter().position(|a| a.path().is_ident(name));
        if let (Some(first_field), Some(first_relation)) =
            (position("field"), position("relationship"))
        {
            cx.error_spanned_by(
                &field.attrs[first_field.max(first_relation)],
                format!(
                    "`{field_name}` has both `#[field(...)]` and `#[relationship(...)]`: a field is either a column or a relationship, not both"
                ),
            );
        }
        if relation_attrs.is_empty() {
            let attrs = attr::Field::from_attrs(cx, &field_attrs);
            self.columns.push(Column {
                member,
                name: match &attrs.column {
                    Some(column) => column.value(),
                    None => field_name.clone(),
                },
                field: field_name,
                ty: &field.ty,
                attrs,
            });
        } else {
            if !field_attrs.is_empty() {
                // Still read them, so their own mistakes are reported too.
                attr::Field::from_attrs(cx, &field_attrs);
            }
            self.relations.push(Relation {
                member,
                field: field_name,
                ty: &field.ty,
                attrs: attr::Relationship::from_attrs(cx, &relation_attrs),
            });
        }
    }

    /// The position of the primary-key column, when there is exactly one.
    pub fn primary_key(&self) -> Option<usize> {
        self.columns
            .iter()
            .position(|column| column.attrs.primary_key.is_some())
    }

    /// Every `#[field(primary_key)]` column, in field order (several: a
    /// composite key).
    pub fn key_columns(&self) -> Vec<usize> {
        (0..self.columns.len())
            .filter(|&i| self.columns[i].attrs.primary_key.is_some())
            .collect()
    }
}

/// The named fields of a struct; anything else is reported.
fn named_fields<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<&'a FieldsNamed> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => Some(fields),
            Fields::Unnamed(fields) => {
                cx.error_spanned_by(
                    fields,
                    "`#[derive(Model)]` needs named fields (`struct Team { id: Option<i64>, ... }`): each column is named after its field",
                );
                None
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &input.ident,
                    "`#[derive(Model)]` needs a struct with named fields, at least a primary key: `struct Team { #[field(primary_key)] id: Option<i64> }`",
                );
                None
            }
        },
        Data::Enum(data) => {
            cx.error_spanned_by(
                data.enum_token,
                "`#[derive(Model)]` only supports structs with named fields, not enums",
            );
            None
        }
        Data::Union(data) => {
            cx.error_spanned_by(
                data.union_token,
                "`#[derive(Model)]` only supports structs with named fields, not unions",
            );
            None
        }
    }
}

fn with_path<'a>(attrs: &'a [Attribute], name: &str) -> Vec<&'a Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident(name))
        .collect()
}

/// `HeroPower` -> `hero_power`, `HTTPRequest` -> `http_request`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let ends_acronym = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|next| next.is_lowercase());
            if (after_lower || ends_acronym) && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `team_id` -> `TEAM_ID`: the name of a field's handle constant.
pub fn upper_snake_case(field: &str) -> String {
    if field.chars().any(char::is_uppercase) {
        snake_case(field).to_uppercase()
    } else {
        field.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert_eq!(snake_case("Team"), "team");
        assert_eq!(snake_case("HeroPower"), "hero_power");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Hero2Power"), "hero2_power");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(upper_snake_case("team_id"), "TEAM_ID");
        assert_eq!(upper_snake_case("teamId"), "TEAM_ID");
    }
}
