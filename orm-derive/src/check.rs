//! Rules that involve more than one attribute or field, one `check_*` fn each.
//!
//! Rules that need another model (the foreign key behind a relationship, the
//! `back_populates` field) cannot be decided here; they become `const` checks
//! in the generated code (see `expand::checks`).

use crate::ast::Model;
use crate::ctxt::Ctxt;
use crate::suggest::closest;

/// Runs every single-struct rule.
pub fn check(cx: &Ctxt, model: &Model) {
    check_primary_key(cx, model);
    check_actions_need_foreign_key(cx, model);
    check_unique_column_names(cx, model);
    check_self_reference(cx, model);
    check_composite_foreign_key_columns(cx, model);
    check_composite_self_reference(cx, model);
    check_soft_delete(cx, model);
    check_handle_names(cx, model);
    check_identifiers(cx, model);
}

/// PostgreSQL keeps the first 63 bytes of a name (MySQL refuses more than
/// 64 characters): two long names would silently become one.
const MAX_IDENTIFIER_BYTES: usize = 63;

/// The prefix of the delete planner's temporary tables and CTEs.
const RESERVED_PREFIX: &str = "_orm_";

fn identifier_problem(name: &str, table: bool) -> Option<String> {
    if name.len() > MAX_IDENTIFIER_BYTES {
        return Some(format!(
            "`{name}` is {} bytes long: PostgreSQL keeps only the first {MAX_IDENTIFIER_BYTES}, so two such names can become one; choose a shorter name",
            name.len()
        ));
    }
    let reserved = table
        && name
            .get(..RESERVED_PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_PREFIX));
    if reserved {
        return Some(format!(
            "`{name}`: names starting with `{RESERVED_PREFIX}` are reserved for the delete planner's temporary tables; choose another name"
        ));
    }
    None
}

/// Table and column names the databases keep whole, and table names apart
/// from the planner's own.
fn check_identifiers(cx: &Ctxt, model: &Model) {
    if let Some(problem) = identifier_problem(&model.table, true) {
        cx.error_spanned_by(model.ident, format!("table {problem}"));
    }
    for column in &model.columns {
        if let Some(problem) = identifier_problem(&column.name, false) {
            let message = format!("column {problem}");
            match &column.attrs.column {
                Some(lit) => cx.error_spanned_by(lit, message),
                None => cx.error_spanned_by(column.member, message),
            }
        }
    }
}

/// A field's handle constant is its name in upper case: a field named
/// `table` would make `Hero::TABLE` the column handle instead of the
/// model's metadata (`Model::TABLE`), silently.
fn check_handle_names(cx: &Ctxt, model: &Model) {
    let members = model
        .columns
        .iter()
        .map(|c| (c.member, &c.field, c.attrs.column.is_none()))
        .chain(model.relations.iter().map(|r| (r.member, &r.field, false)));
    for (member, field, column_named_after_field) in members {
        if crate::ast::upper_snake_case(field) != "TABLE" {
            continue;
        }
        let keep = if column_named_after_field {
            format!(" and keep the column name with `#[field(column = \"{field}\")]`")
        } else {
            String::new()
        };
        cx.error_spanned_by(
            member,
            format!(
                "a field named `{field}` would generate the handle `{}::TABLE`, which is the model's metadata (`Model::TABLE`): rename the field (e.g. `{field}_name`){keep}",
                model.name
            ),
        );
    }
}

/// At least one `#[field(primary_key)]`; several make a composite key.
fn check_primary_key(cx: &Ctxt, model: &Model) {
    let has_key = model
        .columns
        .iter()
        .any(|column| column.attrs.primary_key.is_some());
    if has_key
        || model
            .columns
            .iter()
            .any(|c| c.attrs.rejected("primary_key"))
    {
        return; // a misspelled or misused `primary_key` is reported already
    }
    cx.error_spanned_by(
        model.ident,
        format!(
            "`{}` has no primary key: mark one field `#[field(primary_key)]`, e.g. `#[field(primary_key)] pub id: Option<i64>` (several fields make a composite key)",
            model.name
        ),
    );
}

/// `ondelete` / `onupdate` describe a foreign key, so they need one.
fn check_actions_need_foreign_key(cx: &Ctxt, model: &Model) {
    for column in &model.columns {
        let attrs = &column.attrs;
        if attrs.foreign_key.is_some() || attrs.rejected("foreign_key") {
            continue;
        }
        for setting in [&attrs.ondelete, &attrs.onupdate].into_iter().flatten() {
            cx.error_spanned_by(
                &setting.key,
                format!(
                    "`{}` applies to a foreign key, but `{}::{}` has none: add `foreign_key = \"table.column\"` to this `#[field(...)]` or remove `{}`",
                    setting.key, model.name, column.field, setting.key
                ),
            );
        }
    }
}

/// Two fields may not map to the same column, nor to two names SQLite and
/// MySQL take for one (equal but for letter case).
fn check_unique_column_names(cx: &Ctxt, model: &Model) {
    for (i, column) in model.columns.iter().enumerate() {
        let Some(earlier) = model.columns[..i]
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&column.name))
        else {
            continue;
        };
        let message = if earlier.name == column.name {
            format!(
                "column `{}` is already used by field `{}`: give one of them another name with `#[field(column = \"...\")]`",
                column.name, earlier.field
            )
        } else {
            format!(
                "column `{}` differs from column `{}` of field `{}` only in letter case, and SQLite and MySQL take them for one column: give one of them another name with `#[field(column = \"...\")]`",
                column.name, earlier.name, earlier.field
            )
        };
        match &column.attrs.column {
            Some(lit) => cx.error_spanned_by(lit, message),
            None => cx.error_spanned_by(column.member, message),
        }
    }
}

/// A foreign key to the model's own table must name one of its columns.
fn check_self_reference(cx: &Ctxt, model: &Model) {
    for column in &model.columns {
        let Some(foreign_key) = &column.attrs.foreign_key else {
            continue;
        };
        if foreign_key.table == model.table
            && !model.columns.iter().any(|c| c.name == foreign_key.column)
        {
            cx.error_spanned_by(
                &foreign_key.lit,
                format!(
                    "`foreign_key = \"{}.{}\"` refers to this model's own table, which has no column `{}`",
                    foreign_key.table, foreign_key.column, foreign_key.column
                ),
            );
        }
    }
}

/// The `columns` of a composite foreign key are column names of this model
/// (a column may also have a foreign key of its own: overlapping foreign
/// keys are legal SQL).
fn check_composite_foreign_key_columns(cx: &Ctxt, model: &Model) {
    if model.columns.iter().any(|c| c.attrs.rejected("column")) {
        return; // a rejected `column = "..."` may have been the name listed
    }
    let names: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
    for foreign_key in &model.foreign_keys {
        for lit in &foreign_key.columns {
            let name = lit.value();
            if names.contains(&name.as_str()) {
                continue;
            }
            let hint = if let Some(column) = model.columns.iter().find(|c| c.field == name) {
                format!(
                    ": the field `{name}` is stored in column `{}`, and `columns` lists column names; write \"{}\"",
                    column.name, column.name
                )
            } else if let Some(near) = closest(&name, &names) {
                format!(": did you mean `{near}`?")
            } else if model.relations.iter().any(|r| r.field == name) {
                format!(
                    ": `{name}` is a relationship field; list the columns that hold the foreign key"
                )
            } else {
                let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                format!("; its columns are {}", listed.join(", "))
            };
            cx.error_spanned_by(
                lit,
                format!(
                    "`columns` names `{name}`, which is not a column of `{}`{hint}",
                    model.name
                ),
            );
        }
    }
}

/// A composite foreign key to the model's own table must name its columns.
fn check_composite_self_reference(cx: &Ctxt, model: &Model) {
    for foreign_key in &model.foreign_keys {
        let references = &foreign_key.references;
        if references.table != model.table {
            continue;
        }
        let names: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
        for column in &references.columns {
            if names.contains(&column.as_str()) {
                continue;
            }
            let hint = closest(column, &names)
                .map(|near| format!(": did you mean `{near}`?"))
                .unwrap_or_default();
            cx.error_spanned_by(
                &references.lit,
                format!(
                    "`references = \"{}\"` refers to this model's own table, which has no column `{column}`{hint}",
                    references.lit.value()
                ),
            );
        }
    }
}

/// What a soft-delete column looks like, for messages.
const SOFT_DELETE_EXAMPLE: &str = "deleted_at: Option<DateTime<Utc>>";

/// `#[model(soft_delete = "...")]` names a column of the model that a
/// delete may overwrite: neither the primary key nor a foreign-key column.
/// (Its type, an `Option` of a type the ORM can stamp with the time, is a
/// `const` check: see `expand::checks`.)
fn check_soft_delete(cx: &Ctxt, model: &Model) {
    let Some(lit) = &model.soft_delete else {
        return;
    };
    let name = lit.value();
    let Some(column) = model.columns.iter().find(|c| c.name == name) else {
        if model.columns.iter().any(|c| c.attrs.rejected("column")) {
            return; // a rejected `column = "..."` may have been the name
        }
        let names: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
        let hint = if let Some(column) = model.columns.iter().find(|c| c.field == name) {
            format!(
                ": the field `{name}` is stored in column `{}`, and `soft_delete` names a column; write \"{}\"",
                column.name, column.name
            )
        } else if let Some(near) = closest(&name, &names) {
            format!(": did you mean `{near}`?")
        } else if model.relations.iter().any(|r| r.field == name) {
            format!(
                ": `{name}` is a relationship field; add a column for the time of the delete, e.g. `{SOFT_DELETE_EXAMPLE}`"
            )
        } else {
            let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!(
                " (its columns are {}); add it as a field, e.g. `{name}: Option<DateTime<Utc>>`",
                listed.join(", ")
            )
        };
        cx.error_spanned_by(
            lit,
            format!(
                "`soft_delete` names `{name}`, which is not a column of `{}`{hint}",
                model.name
            ),
        );
        return;
    };
    let field = format!("`{}::{}`", model.name, column.field);
    let holds = "the soft-delete column holds the time of the delete (NULL while the row is live)";
    let problem = if column.attrs.primary_key.is_some() {
        Some(format!(
            "the primary key {field}, but {holds}, and a key never changes"
        ))
    } else if let Some(foreign_key) = &column.attrs.foreign_key {
        Some(format!(
            "{field}, the foreign key to `{}.{}`, but {holds}, not a reference",
            foreign_key.table, foreign_key.column
        ))
    } else {
        model
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.iter().any(|c| c.value() == name))
            .map(|fk| {
                format!(
                    "{field}, a column of the foreign key to `{}`, but {holds}, not a reference",
                    fk.references.lit.value()
                )
            })
    };
    if let Some(problem) = problem {
        cx.error_spanned_by(
            lit,
            format!(
                "`soft_delete` names {problem}; give the model a column of its own for it, e.g. `{SOFT_DELETE_EXAMPLE}`"
            ),
        );
    }
}
