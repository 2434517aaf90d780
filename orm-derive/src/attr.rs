//! `#[model(...)]`, `#[field(...)]` and `#[relationship(...)]`: keys parsed
//! once into typed slots.
//!
//! Every key keeps the tokens it came from, so later errors (and the
//! compile-time relationship checks) land on the key the user wrote. A bad key
//! is reported and skipped; parsing carries on with the next one so that all
//! mistakes of one attribute show up together.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, Lit, LitStr, Meta, Token};

use crate::ctxt::Ctxt;
use crate::suggest::{nearest, unknown_key_message};

mod foreign_key;

pub use foreign_key::CompositeForeignKey;

/// One of the three attributes the derive reads, or a list of keys nested
/// in one (`foreign_key(...)` in `#[model(...)]`).
pub struct Scope {
    /// The attribute name (or the nested list's key).
    pub name: &'static str,
    /// How messages show where a key goes: `#[model(...)]`.
    pub written: &'static str,
    /// Every key it accepts.
    pub keys: &'static [&'static str],
    /// A short example of its use, for messages.
    pub example: &'static str,
}

/// `#[model(...)]` on the struct.
pub const MODEL: Scope = Scope {
    name: "model",
    written: "#[model(...)]",
    keys: &["table", "foreign_key", "soft_delete"],
    example: "#[model(table = \"team\")]",
};

/// `#[field(...)]` on a column field.
pub const FIELD: Scope = Scope {
    name: "field",
    written: "#[field(...)]",
    keys: &[
        "primary_key",
        "foreign_key",
        "ondelete",
        "onupdate",
        "index",
        "unique",
        "column",
        "default",
        "sql_type",
    ],
    example: "#[field(primary_key)]",
};

/// `#[relationship(...)]` on a `HasMany<T>` / `HasOne<T>` / `BelongsTo<T>` field.
pub const RELATIONSHIP: Scope = Scope {
    name: "relationship",
    written: "#[relationship(...)]",
    keys: &[
        "back_populates",
        "cascade_delete",
        "passive_deletes",
        "foreign_key",
        "through",
        "on_soft_delete",
    ],
    example: "#[relationship(back_populates = \"team\")]",
};

/// `foreign_key(...)` in `#[model(...)]`: a composite foreign key.
pub const FOREIGN_KEY: Scope = Scope {
    name: "foreign_key",
    written: "#[model(foreign_key(...))]",
    keys: &["columns", "references", "ondelete", "onupdate"],
    example: "#[model(foreign_key(columns = [\"post_id\", \"tag_id\"], references = \"post_tag(post_id, tag_id)\"))]",
};

/// All three, for messages about a key put in the wrong attribute.
pub const SCOPES: [&Scope; 3] = [&MODEL, &FIELD, &RELATIONSHIP];

/// A referential action, spelled exactly as in SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(
    clippy::enum_variant_names,
    reason = "mirrors `orm_core::Action` and SQL's `NO ACTION`"
)]
pub enum Action {
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `RESTRICT`.
    Restrict,
    /// `NO ACTION`.
    NoAction,
    /// `SET DEFAULT`.
    SetDefault,
}

impl Action {
    const ALL: [(&'static str, Action); 5] = [
        ("CASCADE", Action::Cascade),
        ("SET NULL", Action::SetNull),
        ("RESTRICT", Action::Restrict),
        ("NO ACTION", Action::NoAction),
        ("SET DEFAULT", Action::SetDefault),
    ];

    fn from_sql(text: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .find(|(sql, _)| *sql == text)
            .map(|(_, action)| *action)
    }

    fn listed() -> String {
        let names: Vec<String> = Action::ALL
            .iter()
            .map(|(sql, _)| format!("\"{sql}\""))
            .collect();
        names.join(", ")
    }
}

impl ToTokens for Action {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let variant = match self {
            Action::Cascade => quote!(Cascade),
            Action::SetNull => quote!(SetNull),
            Action::Restrict => quote!(Restrict),
            Action::NoAction => quote!(NoAction),
            Action::SetDefault => quote!(SetDefault),
        };
        tokens.extend(quote!(::orm_core::Action::#variant));
    }
}

/// `ondelete = "..."` / `onupdate = "..."`.
pub struct ActionSetting {
    /// The key (`ondelete`).
    pub key: Ident,
    /// The parsed action.
    pub action: Action,
    /// The literal, where errors about the action go.
    pub lit: LitStr,
}

/// `#[field(foreign_key = "table.column")]`.
pub struct ForeignKey {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// The literal as written.
    pub lit: LitStr,
}

/// `#[field(default = ...)]`, rendered as SQL text.
pub struct SqlDefault {
    /// The SQL expression, verbatim for a string, rendered for other literals.
    pub sql: String,
}

/// The keys of `#[model(...)]`.
#[derive(Default)]
pub struct Container {
    /// `table = "..."`.
    pub table: Option<LitStr>,
    /// Every valid `foreign_key(...)`, in the order written.
    pub foreign_keys: Vec<CompositeForeignKey>,
    /// `soft_delete = "deleted_at"`: the column a delete sets.
    pub soft_delete: Option<LitStr>,
}

/// The keys of every `#[field(...)]` on one field.
#[derive(Default)]
pub struct Field {
    /// `primary_key`.
    pub primary_key: Option<Ident>,
    /// `foreign_key = "table.column"`.
    pub foreign_key: Option<ForeignKey>,
    /// `ondelete = "..."`.
    pub ondelete: Option<ActionSetting>,
    /// `onupdate = "..."`.
    pub onupdate: Option<ActionSetting>,
    /// `index`.
    pub index: Option<Ident>,
    /// `unique`.
    pub unique: Option<Ident>,
    /// `column = "..."`.
    pub column: Option<LitStr>,
    /// `default = ...`.
    pub default: Option<SqlDefault>,
    /// `sql_type = "..."`.
    pub sql_type: Option<LitStr>,
    /// Keys that were written but rejected (misspelled, or with a bad
    /// value): the rules that depend on them stay quiet instead of reporting
    /// a follow-on error.
    pub rejected: Vec<&'static str>,
}

/// The keys of every `#[relationship(...)]` on one field.
#[derive(Default)]
pub struct Relationship {
    /// `back_populates = "field"`.
    pub back_populates: Option<LitStr>,
    /// `cascade_delete`.
    pub cascade_delete: Option<Ident>,
    /// `passive_deletes`.
    pub passive_deletes: Option<Ident>,
    /// `foreign_key = "column"`.
    pub foreign_key: Option<LitStr>,
    /// `through = "LinkModel"`: the literal and the link model's type.
    pub through: Option<(LitStr, syn::Type)>,
    /// `on_soft_delete = "keep" | "delete"`.
    pub on_soft_delete: Option<SoftDeleteSetting>,
}

/// `on_soft_delete = "keep" | "delete"`.
pub struct SoftDeleteSetting {
    /// The key (`on_soft_delete`).
    pub key: Ident,
    /// The parsed value.
    pub choice: SoftDeleteChoice,
    /// The literal.
    pub lit: LitStr,
}

impl ToTokens for SoftDeleteSetting {
    /// `on_soft_delete = "keep"`, for errors spanning the whole setting.
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.key.to_tokens(tokens);
        self.lit.to_tokens(tokens);
    }
}

/// The value of `on_soft_delete = "..."`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoftDeleteChoice {
    /// `"keep"`.
    Keep,
    /// `"delete"`.
    Delete,
}

/// A slot for one key: set once, a second occurrence is reported on itself.
struct Slot<'c, T> {
    cx: &'c Ctxt,
    scope: &'static str,
    value: Option<T>,
}

impl<'c, T> Slot<'c, T> {
    fn new(cx: &'c Ctxt, scope: &Scope) -> Self {
        Slot {
            cx,
            scope: scope.written,
            value: None,
        }
    }

    fn set(&mut self, key: &Ident, value: T) {
        if self.value.is_some() {
            self.cx.error_spanned_by(
                key,
                format!(
                    "duplicate key `{key}` in `{}`: it is already set above; keep one",
                    self.scope
                ),
            );
        } else {
            self.value = Some(value);
        }
    }

    fn get(self) -> Option<T> {
        self.value
    }
}

impl Container {
    /// Reads every `#[model(...)]` of the struct.
    pub fn from_attrs(cx: &Ctxt, attrs: &[&Attribute]) -> Container {
        let mut table = Slot::new(cx, &MODEL);
        let mut soft_delete = Slot::new(cx, &MODEL);
        let mut foreign_keys = Vec::new();
        for attr in attrs {
            parse_keys(cx, attr, &MODEL, |key, meta| {
                match key.to_string().as_str() {
                    "table" => {
                        let lit = non_empty(string(key, meta, "\"team\"")?, "table name")?;
                        table.set(key, lit);
                    }
                    "foreign_key" => {
                        foreign_keys.extend(foreign_key::composite(cx, key, meta)?);
                    }
                    "soft_delete" => {
                        let lit = non_empty(string(key, meta, "\"deleted_at\"")?, "column name")?;
                        soft_delete.set(key, lit);
                    }
                    _ => {}
                }
                Ok(())
            });
        }
        Container {
            table: table.get(),
            foreign_keys,
            soft_delete: soft_delete.get(),
        }
    }
}

impl Field {
    /// Reads every `#[field(...)]` of one field.
    pub fn from_attrs(cx: &Ctxt, attrs: &[&Attribute]) -> Field {
        let mut primary_key = Slot::new(cx, &FIELD);
        let mut foreign_key = Slot::new(cx, &FIELD);
        let mut ondelete = Slot::new(cx, &FIELD);
        let mut onupdate = Slot::new(cx, &FIELD);
        let mut index = Slot::new(cx, &FIELD);
        let mut unique = Slot::new(cx, &FIELD);
        let mut column = Slot::new(cx, &FIELD);
        let mut default = Slot::new(cx, &FIELD);
        let mut sql_type = Slot::new(cx, &FIELD);
        let mut rejected = Vec::new();
        for attr in attrs {
            let failed = parse_keys(cx, attr, &FIELD, |key, meta| {
                match key.to_string().as_str() {
                    "primary_key" => primary_key.set(key, flag(key, meta)?),
                    "index" => index.set(key, flag(key, meta)?),
                    "unique" => unique.set(key, flag(key, meta)?),
                    "foreign_key" => foreign_key.set(key, table_column(key, meta)?),
                    "ondelete" => ondelete.set(key, action(key, meta)?),
                    "onupdate" => onupdate.set(key, action(key, meta)?),
                    "column" => {
                        let lit = non_empty(string(key, meta, "\"name\"")?, "column name")?;
                        column.set(key, lit);
                    }
                    "sql_type" => {
                        let lit = non_empty(string(key, meta, "\"VARCHAR(40)\"")?, "SQL type")?;
                        sql_type.set(key, lit);
                    }
                    "default" => default.set(key, sql_default(key, meta)?),
                    _ => {}
                }
                Ok(())
            });
            rejected.extend(failed);
        }
        Field {
            primary_key: primary_key.get(),
            foreign_key: foreign_key.get(),
            ondelete: ondelete.get(),
            onupdate: onupdate.get(),
            index: index.get(),
            unique: unique.get(),
            column: column.get(),
            default: default.get(),
            sql_type: sql_type.get(),
            rejected,
        }
    }
}

impl Field {
    /// `true` when `key` was written but rejected.
    pub fn rejected(&self, key: &str) -> bool {
        self.rejected.contains(&key)
    }
}

impl Relationship {
    /// Reads every `#[relationship(...)]` of one field.
    pub fn from_attrs(cx: &Ctxt, attrs: &[&Attribute]) -> Relationship {
        let mut back_populates = Slot::new(cx, &RELATIONSHIP);
        let mut cascade_delete = Slot::new(cx, &RELATIONSHIP);
        let mut passive_deletes = Slot::new(cx, &RELATIONSHIP);
        let mut foreign_key = Slot::new(cx, &RELATIONSHIP);
        let mut through = Slot::new(cx, &RELATIONSHIP);
        let mut on_soft_delete = Slot::new(cx, &RELATIONSHIP);
        for attr in attrs {
            parse_keys(cx, attr, &RELATIONSHIP, |key, meta| {
                match key.to_string().as_str() {
                    "cascade_delete" => cascade_delete.set(key, flag(key, meta)?),
                    "passive_deletes" => passive_deletes.set(key, flag(key, meta)?),
                    "back_populates" => {
                        let lit = non_empty(string(key, meta, "\"team\"")?, "field name")?;
                        back_populates.set(key, lit);
                    }
                    "foreign_key" => foreign_key.set(key, column_name(key, meta)?),
                    "through" => through.set(key, link_model(key, meta)?),
                    "on_soft_delete" => {
                        let lit = string(key, meta, "\"keep\"")?;
                        let value = lit.value();
                        let choice = match value.as_str() {
                            "keep" => SoftDeleteChoice::Keep,
                            "delete" => SoftDeleteChoice::Delete,
                            _ => {
                                let lower = value.trim().to_lowercase();
                                let hint = if matches!(lower.as_str(), "keep" | "delete") {
                                    format!(" (in lower case: \"{lower}\")")
                                } else {
                                    String::new()
                                };
                                return Err(syn::Error::new(
                                    lit.span(),
                                    format!(
                                        "unknown value \"{value}\" for `on_soft_delete`: expected \"keep\" (leave the related rows as they are) or \"delete\" (delete them for real){hint}"
                                    ),
                                ));
                            }
                        };
                        on_soft_delete.set(
                            key,
                            SoftDeleteSetting {
                                key: key.clone(),
                                choice,
                                lit,
                            },
                        );
                    }
                    _ => {}
                }
                Ok(())
            });
        }
        Relationship {
            back_populates: back_populates.get(),
            cascade_delete: cascade_delete.get(),
            passive_deletes: passive_deletes.get(),
            foreign_key: foreign_key.get(),
            through: through.get(),
            on_soft_delete: on_soft_delete.get(),
        }
    }
}

/// Walks the `key`, `key = value` list of one attribute, reporting unknown
/// keys (with a suggestion) and handing known ones to `on_key`. An error in
/// one key is recorded and the key skipped, so the next keys are still read.
///
/// Returns the keys the user meant but got wrong (a known key with a bad
/// value, or the suggestion for an unknown key), so that rules depending on
/// them do not report a follow-on error.
fn parse_keys(
    cx: &Ctxt,
    attr: &Attribute,
    scope: &Scope,
    mut on_key: impl FnMut(&Ident, &ParseNestedMeta) -> syn::Result<()>,
) -> Vec<&'static str> {
    let mut failed = Vec::new();
    match &attr.meta {
        Meta::Path(_) => return failed,
        Meta::NameValue(meta) => {
            cx.error_spanned_by(
                meta,
                format!(
                    "expected `#[{}(...)]` with a list of keys, e.g. `{}`",
                    scope.name, scope.example
                ),
            );
            // Unreadable: any key may have been meant.
            return scope.keys.to_vec();
        }
        Meta::List(_) => {}
    }
    let parsed =
        attr.parse_nested_meta(|meta| read_key(cx, scope, &meta, &mut failed, &mut on_key));
    if let Err(error) = parsed {
        cx.syn_error(error);
        // The rest of the attribute is unreadable: any key may have been meant.
        failed.extend(scope.keys);
    }
    failed
}

/// One key of a list: an unknown key is reported (with a suggestion), a
/// known one handed to `on_key`; either error is recorded in `cx`, the key
/// added to `failed` and its value skipped, so the next key is still read.
fn read_key(
    cx: &Ctxt,
    scope: &Scope,
    meta: &ParseNestedMeta,
    failed: &mut Vec<&'static str>,
    on_key: &mut impl FnMut(&Ident, &ParseNestedMeta) -> syn::Result<()>,
) -> syn::Result<()> {
    let name = meta.path.to_token_stream().to_string();
    let known = scope.keys.iter().copied().find(|key| *key == name);
    let outcome = if let (Some(known), Some(key)) = (known, meta.path.get_ident()) {
        on_key(&key.clone(), meta).inspect_err(|_| failed.push(known))
    } else {
        failed.extend(nearest(&name, scope.keys));
        Err(syn::Error::new_spanned(
            &meta.path,
            unknown_key_message(scope, &name),
        ))
    };
    if let Err(error) = outcome {
        cx.syn_error(error);
        skip_value(meta.input)?;
    }
    Ok(())
}

/// Skips the rest of one key's value, up to the next `,` of the list.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// A flag key such as `primary_key`: it takes no value.
fn flag(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<Ident> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Ok(key.clone());
    }
    skip_value(meta.input)?;
    Err(meta.error(format!(
        "`{key}` is a flag and takes no value: write `{key}` alone"
    )))
}

/// `key = "..."`.
fn string(key: &Ident, meta: &ParseNestedMeta, example: &str) -> syn::Result<LitStr> {
    if !meta.input.peek(Token![=]) {
        return Err(syn::Error::new_spanned(
            key,
            format!("`{key}` needs a value: `{key} = {example}`"),
        ));
    }
    let input = meta.value()?;
    if input.peek(LitStr) {
        return input.parse();
    }
    let found: TokenTree = input.parse().map_err(|_| {
        syn::Error::new_spanned(
            key,
            format!("`{key}` needs a value after `=`: `{key} = {example}`"),
        )
    })?;
    Err(syn::Error::new_spanned(
        found,
        format!("expected a string literal: `{key} = {example}`"),
    ))
}

fn non_empty(lit: LitStr, what: &str) -> syn::Result<LitStr> {
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new_spanned(
            &lit,
            format!("the {what} cannot be empty"),
        ));
    }
    Ok(lit)
}

/// `foreign_key = "table.column"` on a column.
fn table_column(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<ForeignKey> {
    let lit = string(key, meta, "\"team.id\"")?;
    let value = lit.value();
    match value.split('.').collect::<Vec<_>>()[..] {
        [table, column] if is_name(table) && is_name(column) => Ok(ForeignKey {
            table: table.to_owned(),
            column: column.to_owned(),
            lit,
        }),
        _ => Err(syn::Error::new_spanned(
            &lit,
            format!(
                "malformed `foreign_key = \"{value}\"`: expected \"table.column\" naming the referenced table and column, e.g. `foreign_key = \"team.id\"`"
            ),
        )),
    }
}

/// `through = "PostTag"`: the link model of a many-to-many relationship,
/// a type path in a string (as serde's `with = "module"`).
fn link_model(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<(LitStr, syn::Type)> {
    let lit = non_empty(string(key, meta, "\"PostTag\"")?, "link model")?;
    let ty = lit.parse::<syn::Type>().map_err(|_| {
        syn::Error::new_spanned(
            &lit,
            format!(
                "`through = {:?}` names the link model's type (e.g. `through = \"PostTag\"`), not a table",
                lit.value()
            ),
        )
    })?;
    Ok((lit, ty))
}

/// `foreign_key = "column"` on a relationship: a column of the child, no table.
fn column_name(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let lit = non_empty(string(key, meta, "\"team_id\"")?, "column name")?;
    let value = lit.value();
    if let Some((_, column)) = value.split_once('.') {
        return Err(syn::Error::new_spanned(
            &lit,
            format!(
                "in `#[relationship(...)]`, `foreign_key` names the foreign-key column alone (e.g. `foreign_key = \"{column}\"`), not \"table.column\""
            ),
        ));
    }
    Ok(lit)
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.trim() == text
}

/// `ondelete = "CASCADE"`: exactly one of the five SQL spellings.
fn action(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<ActionSetting> {
    let lit = string(key, meta, "\"CASCADE\"")?;
    let value = lit.value();
    if let Some(action) = Action::from_sql(&value) {
        return Ok(ActionSetting {
            key: key.clone(),
            action,
            lit,
        });
    }
    let upper = value.trim().to_uppercase().replace('_', " ");
    let hint = match Action::ALL.iter().find(|(sql, _)| *sql == upper) {
        Some((sql, _)) => format!(" (write it as in SQL: \"{sql}\")"),
        None => String::new(),
    };
    Err(syn::Error::new_spanned(
        &lit,
        format!(
            "unknown action \"{value}\" for `{key}`: expected one of {}{hint}",
            Action::listed()
        ),
    ))
}

/// `default = "SQL"`, or a number or bool rendered as SQL.
fn sql_default(key: &Ident, meta: &ParseNestedMeta) -> syn::Result<SqlDefault> {
    const EXAMPLE: &str = "\"'unknown'\"` (SQL text), `default = 0` or `default = true";
    if !meta.input.peek(Token![=]) {
        return Err(syn::Error::new_spanned(
            key,
            format!("`{key}` needs a value: `{key} = {EXAMPLE}`"),
        ));
    }
    let input = meta.value()?;
    let lit: Lit = input.parse().map_err(|error| {
        syn::Error::new(
            error.span(),
            format!("expected a literal: `{key} = {EXAMPLE}`"),
        )
    })?;
    let sql = match &lit {
        Lit::Str(s) => {
            if s.value().trim().is_empty() {
                return Err(syn::Error::new_spanned(
                    s,
                    "`default` is SQL text and cannot be empty; for an empty string write `default = \"''\"`",
                ));
            }
            s.value()
        }
        Lit::Int(i) => i.base10_digits().to_owned(),
        Lit::Float(f) => f.base10_digits().to_owned(),
        Lit::Bool(b) => if b.value() { "TRUE" } else { "FALSE" }.to_owned(),
        other => {
            return Err(syn::Error::new_spanned(
                other,
                format!(
                    "unsupported literal for `default`: use a string of SQL text, a number or a bool, e.g. `{key} = {EXAMPLE}`"
                ),
            ));
        }
    };
    Ok(SqlDefault { sql })
}
