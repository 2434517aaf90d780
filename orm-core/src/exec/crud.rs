//! Insert, select, update and DDL.

use crate::backend::{Backend, Connection, Dialect};
use crate::delete::resolve_relation;
use crate::error::{Error, Result};
use crate::model::{Model, Reordered, RowSource, column_positions};
use crate::query::{CompareOp, Query};
use crate::registry::Schema;
use crate::relation::{ManyToMany, Rel};
use crate::schema::{Action, ForeignKeyDef, TableDef};
use crate::sql::{self, Assign, ColumnRef, Condition, Insert, Select, Statement, Update};
use crate::value::Value;

use super::run;

/// `NotFound` for the key `key` (a composite key's values in key order:
/// its first column is named, and the whole key printed as a tuple).
pub(crate) fn not_found(table: &'static TableDef, key: &[Value]) -> Error {
    let key = match key {
        [one] => one.to_string(),
        many => format!(
            "({})",
            many.iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Error::NotFound {
        table: table.name,
        column: table.primary_key_column().name,
        key,
    }
}

fn decode_model<M: Model>(row: &mut dyn RowSource) -> Result<M> {
    M::decode(row)
}

/// `pk = key`, or `a = ? AND b = ?` for a composite key (`key` holds the
/// key columns' values in key order).
pub(crate) fn key_condition(table: &'static TableDef, key: Vec<Value>) -> Condition {
    let mut parts: Vec<Condition> = table
        .key_columns()
        .into_iter()
        .zip(key)
        .map(|(column, value)| Condition::Compare {
            column: ColumnRef::new(column.name),
            op: CompareOp::Eq,
            value,
        })
        .collect();
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        Condition::And(parts)
    }
}

/// Completes a constraint error of a write to `table` with what the
/// database left out, the same on every backend: the table written (SQLite
/// and MariaDB do not always name it), and the columns of a unique index the
/// ORM created (see [`sql::index_name`]) or of the primary key, when the
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
                        if index == "PRIMARY" {
                            let key = table.key_columns().into_iter().map(|c| c.name.to_owned());
                            return Some(key.collect());
                        }
                        let column = table.columns.iter().find(|c| {
                            c.unique && index == sql::index_name(table.name, c.name, true)
                        });
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
    // A composite key is never generated: its fields are plain values.
    let can_generate =
        !table.has_composite_key() && (key_column.auto_increment || key_column.default.is_some());
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
    key: Vec<Value>,
) -> Result<Option<M>> {
    let mut select = Select::model(M::TABLE).filter(key_condition(M::TABLE, key));
    // A soft-deleted row is not found.
    if let Some(live) = Condition::live(M::TABLE) {
        select = select.filter(live);
    }
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
    let key_indexes = table.key_indexes();
    let key: Vec<Value> = key_indexes
        .iter()
        .map(|&i| std::mem::replace(&mut values[i], Value::Null(table.columns[i].kind())))
        .collect();
    if key.iter().any(Value::is_null) {
        return Err(Error::MissingPrimaryKey { model: table.model });
    }
    let set: Vec<_> = table
        .columns
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(i, _)| !key_indexes.contains(i))
        .map(|(_, (column, value))| (column.name.into(), Assign::Value(value)))
        .collect();
    if set.is_empty() {
        // Nothing but the key (a link table): there is nothing to write,
        // only to check that the row is there.
        let select = Select::count(table.name).filter(key_condition(table, key.clone()));
        return match run::count::<B>(conn, select).await? {
            0 => Err(not_found(table, &key)),
            _ => Ok(()),
        };
    }
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

/// `ORDER BY` the primary key (every key column, in key order).
pub(crate) fn key_order(table: &'static TableDef) -> Vec<(ColumnRef, bool)> {
    table
        .key_columns()
        .into_iter()
        .map(|c| (ColumnRef::new(c.name), false))
        .collect()
}

/// A query's filter, and for a soft-delete model (unless
/// [`Query::with_deleted`]) the live rows only.
fn query_filter<M, W>(table: &'static TableDef, query: &Query<M, W>) -> Option<Condition> {
    let filter = query
        .filter
        .as_ref()
        .map(|expr| Condition::from_expr(table, expr));
    match (
        filter,
        Condition::live(table).filter(|_| !query.with_deleted),
    ) {
        (Some(filter), Some(live)) => Some(filter.and(live)),
        (filter, live) => filter.or(live),
    }
}

/// The `SELECT` of a query: every column, the filter, the order (primary
/// key by default), limit and offset.
fn select_query<M: Model, W>(query: &Query<M, W>) -> Select {
    let table = M::TABLE;
    let mut select = Select::model(table);
    select.filter = query_filter(table, query);
    select.order_by = if query.order.is_empty() {
        key_order(table)
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
    let mut select = select_query(query);
    let spilled = super::spill::spill::<B>(conn, select.filter.as_mut(), 0).await?;
    let rows = run::fetch::<B, M>(conn, select, &decode_model::<M>).await;
    spilled.drop::<B>(conn).await;
    rows
}

pub(crate) async fn count<B: Backend, M: Model, W>(
    conn: &mut Connection<B>,
    query: &Query<M, W>,
) -> Result<u64> {
    let mut select = Select::count(M::TABLE.name);
    select.filter = query_filter(M::TABLE, query);
    let spilled = super::spill::spill::<B>(conn, select.filter.as_mut(), 0).await?;
    let count = run::count::<B>(conn, select).await;
    spilled.drop::<B>(conn).await;
    count
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

/// The prefix of the planner's own tables and CTEs.
pub(crate) const RESERVED_PREFIX: &str = "_orm_";

/// Names no two models may share, and names the database would not keep
/// apart: equal but for letter case (SQLite compares all identifiers that
/// way, MySQL column names), reserved (tables named `_orm_...`), or longer than
/// [`sql::MAX_IDENTIFIER_BYTES`] (PostgreSQL truncates, so two long names
/// can become one). The derive refuses what it can see in one model; this
/// catches the rest, before anything is created.
pub(crate) fn check_names(tables: &[&'static TableDef]) -> Result<()> {
    let collision = |kind, first: &str, second: &str, reason: &str| Error::NameCollision {
        kind,
        first: first.to_owned(),
        second: second.to_owned(),
        reason: reason.to_owned(),
    };
    let check_one = |kind, name: &str, reservable: bool| {
        if name.len() > sql::MAX_IDENTIFIER_BYTES {
            let cut = (0..=sql::MAX_IDENTIFIER_BYTES)
                .rev()
                .find(|&i| name.is_char_boundary(i))
                .unwrap_or(0);
            return Err(collision(
                kind,
                name,
                &name[..cut],
                "PostgreSQL keeps only the first 63 bytes of a name; choose a shorter one",
            ));
        }
        if reservable
            && name.len() >= RESERVED_PREFIX.len()
            && name.is_char_boundary(RESERVED_PREFIX.len())
            && name[..RESERVED_PREFIX.len()].eq_ignore_ascii_case(RESERVED_PREFIX)
        {
            return Err(collision(
                kind,
                name,
                RESERVED_PREFIX,
                "names starting with `_orm_` are reserved for the delete planner's temporary tables",
            ));
        }
        Ok(())
    };
    for (i, table) in tables.iter().enumerate() {
        check_one("table", table.name, true)?;
        for (j, column) in table.columns.iter().enumerate() {
            check_one("column", column.name, false)?;
            if let Some(other) = table.columns[..j]
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(column.name))
            {
                return Err(collision(
                    "column",
                    &format!("{}.{}", table.name, column.name),
                    &format!("{}.{}", table.name, other.name),
                    "SQLite and MySQL compare column names ignoring letter case",
                ));
            }
        }
        for other in &tables[..i] {
            if std::ptr::eq(*other, *table) {
                continue;
            }
            if other.name.eq_ignore_ascii_case(table.name) {
                return Err(collision(
                    "table",
                    &format!("{} ({})", table.name, table.model),
                    &format!("{} ({})", other.name, other.model),
                    "two models would share one table (SQLite compares table names ignoring letter case); give one of them another `#[model(table = \"...\")]`",
                ));
            }
        }
    }
    Ok(())
}

/// The next column of a catalog row, as text.
fn text_at(row: &mut dyn RowSource) -> Result<String> {
    match row.next_value(crate::ValueType::Text)? {
        Value::Text(text) => Ok(text),
        other => Err(Error::UnexpectedResult(format!(
            "expected a name from the catalog, got {other}"
        ))),
    }
}

/// Reads back what `CREATE ... IF NOT EXISTS` left under each name of
/// `table`: the table itself (where the database folds letter case), every
/// column, and every index the ORM declares (same table, same column, same
/// uniqueness). A mismatch is [`Error::SchemaMismatch`] or
/// [`Error::NameCollision`].
async fn check_table<B: Backend>(
    conn: &mut Connection<B>,
    catalog: sql::catalog::Catalog,
    table: &'static TableDef,
) -> Result<()> {
    use sql::catalog;
    let dialect = B::DIALECT;
    if dialect.folds_identifier_case() {
        let names = run::fetch::<B, String>(
            conn,
            catalog::tables_named(dialect, catalog, table.name),
            &text_at,
        )
        .await?;
        if let Some(other) = names.iter().find(|n| n.as_str() != table.name)
            && !names.iter().any(|n| n == table.name)
        {
            return Err(Error::NameCollision {
                kind: "table",
                first: format!("{} ({})", table.name, table.model),
                second: other.clone(),
                reason: "this database compares table names ignoring letter case, and the table exists already under the other spelling; give the model another `#[model(table = \"...\")]`".to_owned(),
            });
        }
    }
    let live = run::fetch::<B, String>(
        conn,
        catalog::table_columns(dialect, catalog, table.name),
        &text_at,
    )
    .await?;
    for column in table.columns {
        if !live.iter().any(|c| c == column.name) {
            return Err(Error::SchemaMismatch {
                table: table.name,
                object: format!("column `{}`", column.name),
                declared: "a column of the model".to_owned(),
                found: format!("a table without it (columns: {})", live.join(", ")),
            });
        }
    }
    Ok(())
}

/// Every index the ORM declares on `table` is under its name: same table,
/// same column, same uniqueness.
async fn check_indexes<B: Backend>(
    conn: &mut Connection<B>,
    catalog: sql::catalog::Catalog,
    table: &'static TableDef,
) -> Result<()> {
    use sql::catalog;
    let dialect = B::DIALECT;
    let declared = sql::declared_indexes(table);
    if declared.is_empty() {
        return Ok(());
    }
    let decode = |row: &mut dyn RowSource| -> Result<(String, String, String, bool)> {
        let index = text_at(row)?;
        let table = text_at(row)?;
        let column = text_at(row)?;
        let unique = row.next_value(crate::ValueType::I64)?;
        Ok((index, table, column, unique.as_i64().unwrap_or(0) != 0))
    };
    let names: Vec<String> = declared.iter().map(|(name, _, _)| name.clone()).collect();
    let live = run::fetch::<B, (String, String, String, bool)>(
        conn,
        catalog::index_columns(dialect, catalog, table.name, &names),
        &decode,
    )
    .await?;
    for (name, columns, unique) in declared {
        // One row per column, in key order.
        let found: Vec<&(String, String, String, bool)> =
            live.iter().filter(|(index, ..)| *index == name).collect();
        let matches = found.len() == columns.len()
            && found
                .iter()
                .zip(&columns)
                .all(|((_, t, c, u), column)| t == table.name && c == column && *u == unique);
        if !matches {
            let describe = |unique: bool| if unique { "a unique" } else { "a plain" };
            let found = if found.is_empty() {
                "no such index (another kind of object has the name)".to_owned()
            } else {
                let columns: Vec<String> = found
                    .iter()
                    .map(|(_, t, c, _)| format!("{t}.{c}"))
                    .collect();
                format!("{} index on {}", describe(found[0].3), columns.join(", "))
            };
            let declared: Vec<String> = columns
                .iter()
                .map(|c| format!("{}.{c}", table.name))
                .collect();
            return Err(Error::SchemaMismatch {
                table: table.name,
                object: format!("index `{name}`"),
                declared: format!("{} index on {}", describe(unique), declared.join(", ")),
                found,
            });
        }
    }
    Ok(())
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
    /// The referencing columns: one, or several for a composite foreign key.
    pub columns: &'static [&'static str],
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
    /// Foreign keys with no parent-side relationship (see [`UnmanagedForeignKey`]);
    /// empty when the executor has a [`Schema`](crate::Schema) holding every table.
    pub unmanaged_foreign_keys: Vec<UnmanagedForeignKey>,
}

/// Foreign keys of `tables` that no parent-side relationship (`HasMany` or
/// `HasOne`) of the tables they reference covers.
pub fn unmanaged_foreign_keys(tables: &[&'static TableDef]) -> Vec<UnmanagedForeignKey> {
    let mut managed: Vec<(&str, &[&str])> = Vec::new();
    for parent in tables {
        for rel in parent.relations {
            if !rel.kind.is_parent_side() {
                continue;
            }
            if let Ok(resolved) = resolve_relation(parent, rel) {
                managed.push((resolved.child.name, resolved.fk.columns));
            }
        }
    }
    let mut out = Vec::new();
    for table in tables {
        for fk in table.foreign_keys {
            if !managed.contains(&(table.name, fk.columns)) {
                out.push(UnmanagedForeignKey {
                    table: table.name,
                    columns: fk.columns,
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
    schema: Option<&Schema>,
    tables: &[&'static TableDef],
) -> Result<SchemaReport> {
    check_columns(B::DIALECT, tables)?;
    check_names(tables)?;
    // Each table, then what `IF NOT EXISTS` left under its name, then its
    // indexes and what is under theirs.
    let catalog = B::DIALECT.catalog();
    let mut statements = Vec::new();
    let ordered = sql::dependency_order(tables);
    // Foreign keys of a cycle: added once every table exists.
    let deferred = sql::deferred_foreign_keys(B::DIALECT, &ordered);
    for &table in &ordered {
        let own: Vec<&ForeignKeyDef> = deferred
            .iter()
            .filter(|(t, _)| t.name == table.name)
            .map(|(_, fk)| *fk)
            .collect();
        let create = sql::create_table_deferring(B::DIALECT, table, &own);
        run::execute::<B>(conn, Statement::text(create.clone())).await?;
        statements.push(create);
        if let Some(catalog) = catalog {
            check_table::<B>(conn, catalog, table).await?;
        }
        for index in sql::create_index_statements(B::DIALECT, table) {
            run::execute::<B>(conn, Statement::text(index.clone())).await?;
            statements.push(index);
        }
        if let Some(catalog) = catalog {
            check_indexes::<B>(conn, catalog, table).await?;
        }
    }
    for (table, fk) in deferred {
        let name = sql::foreign_key_name(table.name, fk);
        let exists = match catalog
            .and_then(|c| sql::catalog::foreign_key_count(B::DIALECT, c, table.name, &name))
        {
            Some(query) => run::count::<B>(conn, query).await? > 0,
            None => false,
        };
        if !exists {
            let add = sql::add_foreign_key(B::DIALECT, table, fk);
            run::execute::<B>(conn, Statement::text(add.clone())).await?;
            statements.push(add);
        }
    }
    // With a registry holding every table, deletes apply every foreign key.
    let unmanaged = match schema {
        Some(schema) if tables.iter().all(|t| schema.contains(t)) => Vec::new(),
        _ => unmanaged_foreign_keys(tables),
    };
    for fk in &unmanaged {
        tracing::warn!(
            target: "orm::schema",
            "{}.{} references {} but no relationship on `{}` covers it: deleting through the ORM leaves it to the database's ON DELETE {} (attach a `Schema` with `Db::with_schema` to have the ORM apply it)",
            fk.table,
            fk.columns.join(", "),
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

/// The link row of `owner` and `target` in the `ManyToMany` relationship
/// `rel`: the link table, its two foreign-key columns and their values.
fn link_row<P: Model, T: Model>(
    owner: &P,
    rel: Rel<P, ManyToMany<T>>,
    target: &T,
) -> Result<(crate::delete::Through, Value, Value)> {
    let through = crate::delete::resolve_through(P::TABLE, rel.def())?;
    let value = |table: &'static TableDef, column: &str, model: &dyn Fn(usize) -> Option<Value>| {
        let index = table.column_index(column).unwrap_or(table.primary_key);
        match model(index) {
            Some(v) if !v.is_null() => Ok(v),
            _ => Err(Error::MissingPrimaryKey { model: table.model }),
        }
    };
    let owner_key = value(P::TABLE, through.owner_fk.references_column(), &|i| {
        owner.column_value(i)
    })?;
    let target_key = value(T::TABLE, through.target_fk.references_column(), &|i| {
        target.column_value(i)
    })?;
    Ok((through, owner_key, target_key))
}

/// Inserts the link row of `owner` and `target`.
pub(crate) async fn link<B: Backend, P: Model, T: Model>(
    conn: &mut Connection<B>,
    owner: &P,
    rel: Rel<P, ManyToMany<T>>,
    target: &T,
) -> Result<()> {
    let (through, owner_key, target_key) = link_row(owner, rel, target)?;
    let insert = Insert {
        table: through.link.name.into(),
        columns: vec![
            through.owner_fk.column().into(),
            through.target_fk.column().into(),
        ],
        values: vec![owner_key, target_key],
        returning: None,
    };
    run::execute::<B>(conn, insert)
        .await
        .map_err(|e| name_model(e, through.link))?;
    Ok(())
}

/// Deletes the link row(s) of `owner` and `target`; returns how many. When
/// foreign keys reference the link table (in the registry, or through a
/// relationship on the link model: a composite foreign key to a link row,
/// say), through the delete planner, so that each applies; else with one
/// `DELETE`.
pub(crate) async fn unlink<B: Backend, P: Model, T: Model>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    owner: &P,
    rel: Rel<P, ManyToMany<T>>,
    target: &T,
) -> Result<u64> {
    let (through, owner_key, target_key) = link_row(owner, rel, target)?;
    let equal = |column: &'static str, value: Value| Condition::Compare {
        column: ColumnRef::new(column),
        op: CompareOp::Eq,
        value,
    };
    let filter = equal(through.owner_fk.column(), owner_key)
        .and(equal(through.target_fk.column(), target_key));
    let referenced = match schema {
        Some(schema) => !schema.edges_into(through.link.name).is_empty(),
        None => through
            .link
            .relations
            .iter()
            .any(|r| r.kind.is_parent_side()),
    };
    if referenced {
        return super::delete::delete_rows_where::<B>(conn, schema, through.link, filter).await;
    }
    let delete = sql::Delete {
        table: through.link.name.into(),
        filter: Some(filter),
    };
    run::execute::<B>(conn, delete).await
}
