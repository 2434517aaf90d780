//! Insert, select, update and DDL.

use crate::backend::{Backend, Connection};
use crate::delete::resolve_relation;
use crate::error::{Error, Result};
use crate::model::{Model, RowSource};
use crate::query::{CompareOp, Expr, Query};
use crate::schema::{Action, RelationKind, TableDef};
use crate::sql;
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

fn decode_key<M: Model>(row: &mut dyn RowSource) -> Result<Value> {
    row.next_value(M::TABLE.primary_key_column().kind)
}

/// Inserts `models` with one multi-row `INSERT` per chunk. Rows without a key
/// get the generated one (`RETURNING`); within one statement the database
/// assigns increasing keys in `VALUES` order, so the returned keys are sorted
/// before they are handed back, whatever order `RETURNING` produced them in.
pub(crate) async fn insert_many<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    models: &mut [M],
) -> Result<()> {
    let table = M::TABLE;
    let pk = table.primary_key;
    let width = table.columns.len();
    let max_params = B::DIALECT.max_bind_parameters();
    let mut row = Vec::with_capacity(width);
    let mut start = 0;
    while start < models.len() {
        let generated = models[start].primary_key().is_null();
        let columns: Vec<usize> = (0..width).filter(|&i| !(generated && i == pk)).collect();
        let per_statement = (max_params / columns.len().max(1)).max(1);
        let mut end = start + 1;
        while end < models.len()
            && end - start < per_statement
            && models[end].primary_key().is_null() == generated
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
                    Value::Null(table.columns[c].kind),
                ));
            }
        }
        let statement = sql::insert(B::DIALECT, table, &columns, values, generated);
        if generated {
            let mut keys = run::fetch_owned::<B, Value>(conn, statement, &decode_key::<M>).await?;
            if keys.len() != end - start {
                return Err(Error::Config(format!(
                    "INSERT INTO {} returned {} keys for {} rows",
                    table.name,
                    keys.len(),
                    end - start
                )));
            }
            keys.sort_by_key(|k| k.as_i64());
            for (model, key) in models[start..end].iter_mut().zip(keys) {
                model.set_column_value(pk, key)?;
            }
        } else {
            run::execute_owned::<B>(conn, statement).await?;
        }
        start = end;
    }
    Ok(())
}

fn key_filter(table: &TableDef, key: Value) -> Expr {
    Expr::Compare {
        column: table.primary_key,
        op: CompareOp::Eq,
        value: key,
    }
}

pub(crate) async fn find<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    key: Value,
) -> Result<Option<M>> {
    let filter = key_filter(M::TABLE, key);
    let statement = sql::select(B::DIALECT, M::TABLE, Some(&filter), &[], None, None);
    let rows = run::fetch_owned::<B, M>(conn, statement, &decode_model::<M>).await?;
    Ok(rows.into_iter().next())
}

pub(crate) async fn update<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    model: &M,
) -> Result<()> {
    let key = model.primary_key();
    if key.is_null() {
        return Err(Error::MissingPrimaryKey {
            model: M::TABLE.model,
        });
    }
    let mut values = Vec::with_capacity(M::TABLE.columns.len());
    model.push_values(&mut values);
    let statement = sql::update(B::DIALECT, M::TABLE, values);
    match run::execute_owned::<B>(conn, statement).await? {
        0 => Err(not_found(M::TABLE, &key)),
        _ => Ok(()),
    }
}

pub(crate) async fn fetch_all<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    query: &Query<M>,
) -> Result<Vec<M>> {
    let statement = sql::select(
        B::DIALECT,
        M::TABLE,
        query.filter.as_ref(),
        &query.order,
        query.limit,
        query.offset,
    );
    run::fetch_owned::<B, M>(conn, statement, &decode_model::<M>).await
}

pub(crate) async fn count<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    query: &Query<M>,
) -> Result<u64> {
    let statement = sql::count(B::DIALECT, M::TABLE, query.filter.as_ref());
    let rows = run::fetch::<B, u64>(conn, &statement, &run::decode_count).await?;
    Ok(rows.into_iter().next().unwrap_or(0))
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
    let statements = sql::ddl_for(B::DIALECT, tables);
    for text in &statements {
        let statement = sql::Statement {
            sql: text.clone(),
            params: Vec::new(),
        };
        run::execute::<B>(conn, &statement).await?;
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
