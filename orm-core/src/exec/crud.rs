//! Insert, select, update and DDL.

use crate::backend::{Backend, Connection, Dialect};
use crate::delete::resolve_relation;
use crate::error::{Error, Result};
use crate::model::{Model, Reordered, RowSource, column_positions};
use crate::query::{CompareOp, Query};
use crate::schema::{Action, RelationKind, TableDef};
use crate::sql::{self, Assign, ColumnRef, Condition, Insert, Select, Statement, Update};
use crate::value::Value;

use super::run;

pub(crate) fn not_found(table: &'static TableDef, key: &Value) -> Error {
    Error::NotFound {
        table: table.name,
        column: table.primary_key_column().name,
        key: key.to_string(),
    }
}

fn decode_model<M: Model>(row: &mut dyn RowSource) -> Result<M> {
    M::decode(row)
}

/// `pk = key`.
pub(crate) fn key_condition(table: &'static TableDef, key: Value) -> Condition {
    Condition::Compare {
        column: ColumnRef::new(table.primary_key_column().name),
        op: CompareOp::Eq,
        value: key,
    }
}

/// Completes a constraint error of a write to `table` with what the
/// database left out, the same on every backend: the table written (SQLite
/// and MariaDB do not always name it), and the columns of a unique index the
/// ORM created (`ux_<table>_<column>`) or of the primary key, when the
/// database names only the index (MySQL).
fn name_model(error: Error, table: &'static TableDef) -> Error {
    match error {
        Error::UniqueViolation {
            table: named,
            columns,
            constraint,
            message,
        } => {
            let columns = if columns.is_empty() {
                constraint
                    .as_deref()
                    .and_then(|index| {
                        let column = if index == "PRIMARY" {
                            Some(table.primary_key_column())
                        } else {
                            table.columns.iter().find(|c| {
                                c.unique && index == format!("ux_{}_{}", table.name, c.name)
                            })
                        };
                        column.map(|c| vec![c.name.to_owned()])
                    })
                    .unwrap_or_default()
            } else {
                columns
            };
            Error::UniqueViolation {
                table: named.or_else(|| Some(table.name.to_owned())),
                columns,
                constraint,
                message,
            }
        }
        Error::NotNullViolation {
            table: named,
            columns,
            message,
        } => Error::NotNullViolation {
            table: named.or_else(|| Some(table.name.to_owned())),
            columns,
            message,
        },
        Error::ForeignKeyViolation {
            table: named,
            constraint,
            message,
        } => Error::ForeignKeyViolation {
            table: named.or_else(|| Some(table.name.to_owned())),
            constraint,
            message,
        },
        other => other,
    }
}

/// Inserts `models` with one multi-row `INSERT` per chunk. A row without a
/// key, whose key the database generates (an integer key, or one with a
/// `default`), leaves it out and reads it back with `RETURNING`. Within one
/// statement the database assigns increasing integer keys in `VALUES`
/// order, so those are sorted before they are handed back, whatever order
/// `RETURNING` produced them in; keys generated otherwise (a `default` such
/// as `gen_random_uuid()`) and rows of defaults only go one per statement.
pub(crate) async fn insert_many<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    models: &mut [M],
) -> Result<()> {
    let table = M::TABLE;
    let pk = table.primary_key;
    let key_column = table.primary_key_column();
    let can_generate = key_column.auto_increment || key_column.default.is_some();
    let width = table.columns.len();
    let max_params = B::DIALECT.max_bind_parameters();
    let mut row = Vec::with_capacity(width);
    let mut start = 0;
    while start < models.len() {
        let generated = can_generate && models[start].primary_key().is_null();
        let columns: Vec<usize> = (0..width).filter(|&i| !(generated && i == pk)).collect();
        let per_statement = if columns.is_empty() || (generated && !key_column.auto_increment) {
            1
        } else {
            (max_params / columns.len()).max(1)
        };
        let mut end = start + 1;
        while end < models.len()
            && end - start < per_statement
            && (can_generate && models[end].primary_key().is_null()) == generated
        {
            end += 1;
        }
        let mut values = Vec::with_capacity((end - start) * columns.len());
        for model in &models[start..end] {
            row.clear();
            model.push_values(&mut row);
            for &c in &columns {
                values.push(std::mem::replace(
                    &mut row[c],
                    Value::Null(table.columns[c].kind()),
                ));
            }
        }
        let insert = Insert {
            table: table.name.into(),
            columns: columns
                .iter()
                .map(|&c| table.columns[c].name.into())
                .collect(),
            values,
            returning: generated.then_some(key_column.name.into()),
        };
        if generated {
            let ty = key_column.ty;
            let decode = move |row: &mut dyn RowSource| row.next_value(ty);
            let mut keys = run::fetch::<B, Value>(conn, insert, &decode)
                .await
                .map_err(|e| name_model(e, table))?;
            if keys.len() != end - start {
                return Err(Error::UnexpectedResult(format!(
                    "INSERT INTO {} returned {} keys for {} rows",
                    table.name,
                    keys.len(),
                    end - start
                )));
            }
            if key_column.auto_increment {
                keys.sort_by_key(Value::as_i64);
            }
            for (model, key) in models[start..end].iter_mut().zip(keys) {
                model.set_column_value(pk, key)?;
            }
        } else {
            run::execute::<B>(conn, insert)
                .await
                .map_err(|e| name_model(e, table))?;
        }
        start = end;
    }
    Ok(())
}

pub(crate) async fn find<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    key: Value,
) -> Result<Option<M>> {
    let select = Select::model(M::TABLE).filter(key_condition(M::TABLE, key));
    let rows = run::fetch::<B, M>(conn, select, &decode_model::<M>).await?;
    Ok(rows.into_iter().next())
}

pub(crate) async fn update<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    model: &M,
) -> Result<()> {
    let table = M::TABLE;
    let mut values = Vec::with_capacity(table.columns.len());
    model.push_values(&mut values);
    let key = std::mem::replace(
        &mut values[table.primary_key],
        Value::Null(table.primary_key_column().kind()),
    );
    if key.is_null() {
        return Err(Error::MissingPrimaryKey { model: table.model });
    }
    let set = table
        .columns
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(i, _)| *i != table.primary_key)
        .map(|(_, (column, value))| (column.name.into(), Assign::Value(value)))
        .collect();
    let update = Update {
        table: table.name.into(),
        set,
        filter: Some(key_condition(table, key.clone())),
    };
    match run::execute::<B>(conn, update)
        .await
        .map_err(|e| name_model(e, table))?
    {
        0 => Err(not_found(table, &key)),
        _ => Ok(()),
    }
}

/// The `SELECT` of a query: every column, the filter, the order (primary
/// key by default), limit and offset.
fn select_query<M: Model, W>(query: &Query<M, W>) -> Select {
    let table = M::TABLE;
    let mut select = Select::model(table);
    select.filter = query
        .filter
        .as_ref()
        .map(|expr| Condition::from_expr(table, expr));
    select.order_by = if query.order.is_empty() {
        vec![(ColumnRef::new(table.primary_key_column().name), false)]
    } else {
        query
            .order
            .iter()
            .map(|&(c, descending)| (ColumnRef::new(table.columns[c].name), descending))
            .collect()
    };
    select.limit = query.limit;
    select.offset = query.offset;
    select
}

pub(crate) async fn fetch_all<B: Backend, M: Model, W>(
    conn: &mut Connection<B>,
    query: &Query<M, W>,
) -> Result<Vec<M>> {
    run::fetch::<B, M>(conn, select_query(query), &decode_model::<M>).await
}

pub(crate) async fn count<B: Backend, M: Model, W>(
    conn: &mut Connection<B>,
    query: &Query<M, W>,
) -> Result<u64> {
    let mut select = Select::count(M::TABLE.name);
    select.filter = query
        .filter
        .as_ref()
        .map(|expr| Condition::from_expr(M::TABLE, expr));
    run::count::<B>(conn, select).await
}

/// Rows of a raw query, decoded into `M` by column name (the positions are
/// found once, in the first row).
pub(crate) async fn fetch_sql<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    statement: Statement,
) -> Result<Vec<M>> {
    let positions = std::sync::OnceLock::new();
    let decode = move |row: &mut dyn RowSource| {
        let positions = positions
            .get_or_init(|| column_positions(M::TABLE, row))
            .as_deref()
            .map_err(|&column| Error::Decode {
                table: M::TABLE.name,
                column,
                source: crate::DecodeError::MissingColumn,
            })?;
        M::decode(&mut Reordered {
            row,
            positions,
            next: 0,
        })
    };
    run::fetch::<B, M>(conn, statement, &decode).await
}

/// Every column of `tables` the dialect cannot store as declared.
pub(crate) fn check_columns(dialect: &dyn Dialect, tables: &[&'static TableDef]) -> Result<()> {
    for table in tables {
        for column in table.columns {
            if let Some(reason) = dialect.column_problem(column) {
                return Err(Error::InvalidSchema {
                    table: table.name,
                    column: column.name,
                    reason,
                });
            }
        }
    }
    Ok(())
}

/// A foreign key the ORM does not act on when a parent is deleted, because
/// no relationship on the parent side covers it: its `ON DELETE` is left to
/// the database (and does nothing where foreign keys are not enforced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmanagedForeignKey {
    /// The referencing table.
    pub table: &'static str,
    /// The referencing column.
    pub column: &'static str,
    /// The referenced table.
    pub references_table: &'static str,
    /// The declared `ON DELETE` action, if any.
    pub on_delete: Option<Action>,
}

/// What [`create_all`](super::Executor::create_all) did and found.
#[derive(Debug, Clone, Default)]
pub struct SchemaReport {
    /// Every DDL statement run, in order.
    pub statements: Vec<String>,
    /// Foreign keys with no parent-side relationship (see [`UnmanagedForeignKey`]).
    pub unmanaged_foreign_keys: Vec<UnmanagedForeignKey>,
}

/// Foreign keys of `tables` that no `HasMany` relationship of the tables they
/// reference covers.
pub fn unmanaged_foreign_keys(tables: &[&'static TableDef]) -> Vec<UnmanagedForeignKey> {
    let mut managed: Vec<(&str, &str)> = Vec::new();
    for parent in tables {
        for rel in parent.relations {
            if rel.kind != RelationKind::HasMany {
                continue;
            }
            if let Ok(resolved) = resolve_relation(parent, rel) {
                managed.push((resolved.child.name, resolved.fk.column));
            }
        }
    }
    let mut out = Vec::new();
    for table in tables {
        for fk in table.foreign_keys {
            if !managed.contains(&(table.name, fk.column)) {
                out.push(UnmanagedForeignKey {
                    table: table.name,
                    column: fk.column,
                    references_table: fk.references_table,
                    on_delete: fk.on_delete,
                });
            }
        }
    }
    out
}

pub(crate) async fn create_all<B: Backend>(
    conn: &mut Connection<B>,
    tables: &[&'static TableDef],
) -> Result<SchemaReport> {
    check_columns(B::DIALECT, tables)?;
    let statements = sql::ddl_for(B::DIALECT, tables);
    for text in &statements {
        run::execute::<B>(conn, Statement::text(text.clone())).await?;
    }
    let unmanaged = unmanaged_foreign_keys(tables);
    for fk in &unmanaged {
        tracing::warn!(
            target: "orm::schema",
            "{}.{} references {} but no relationship on `{}` covers it: deleting through the ORM leaves it to the database's ON DELETE {}",
            fk.table,
            fk.column,
            fk.references_table,
            fk.references_table,
            fk.on_delete.map_or("(none)", |a| a.as_sql()),
        );
    }
    Ok(SchemaReport {
        statements,
        unmanaged_foreign_keys: unmanaged,
    })
}
