use crate::backend::Dialect;
use crate::query::{CompareOp, Expr};
use crate::schema::TableDef;
use crate::value::Value;

use super::{SqlBuilder, Statement};

/// Appends `expr` as a condition on `table`'s columns.
pub fn push_condition(b: &mut SqlBuilder<'_>, table: &TableDef, expr: &Expr) {
    let column = |i: usize| table.columns[i].name;
    match expr {
        Expr::Compare {
            column: c,
            op,
            value,
        } => {
            b.ident(column(*c));
            match (op, value.is_null()) {
                (CompareOp::Eq, true) => {
                    b.push(" IS NULL");
                }
                (CompareOp::Ne, true) => {
                    b.push(" IS NOT NULL");
                }
                (op, _) => {
                    b.push(match op {
                        CompareOp::Eq => " = ",
                        CompareOp::Ne => " <> ",
                        CompareOp::Lt => " < ",
                        CompareOp::Le => " <= ",
                        CompareOp::Gt => " > ",
                        CompareOp::Ge => " >= ",
                        CompareOp::Like => " LIKE ",
                    })
                    .bind(value.clone());
                }
            }
        }
        Expr::In {
            column: c,
            values,
            negated,
        } => {
            if values.is_empty() {
                b.push(if *negated { "1 = 1" } else { "1 = 0" });
            } else {
                b.ident(column(*c))
                    .push(if *negated { " NOT IN (" } else { " IN (" })
                    .list(values, |b, v| {
                        b.bind(v.clone());
                    })
                    .push(")");
            }
        }
        Expr::IsNull { column: c, negated } => {
            b.ident(column(*c))
                .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
        }
        Expr::And(items) | Expr::Or(items) => {
            let is_and = matches!(expr, Expr::And(_));
            match items.len() {
                0 => {
                    b.push(if is_and { "1 = 1" } else { "1 = 0" });
                }
                1 => push_condition(b, table, &items[0]),
                _ => {
                    b.push("(");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            b.push(if is_and { " AND " } else { " OR " });
                        }
                        push_condition(b, table, item);
                    }
                    b.push(")");
                }
            }
        }
        Expr::Not(inner) => {
            b.push("NOT (");
            push_condition(b, table, inner);
            b.push(")");
        }
    }
}

/// Appends `"a", "b", ...` for every column of `table`.
pub fn select_columns(b: &mut SqlBuilder<'_>, table: &TableDef) {
    b.list(table.columns, |b, c| {
        b.ident(c.name);
    });
}

/// `SELECT <every column> FROM table [WHERE ...] ORDER BY ... [LIMIT] [OFFSET]`.
/// Without an explicit order, rows come in primary-key order.
pub fn select(
    dialect: &dyn Dialect,
    table: &TableDef,
    filter: Option<&Expr>,
    order: &[(usize, bool)],
    limit: Option<u64>,
    offset: Option<u64>,
) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    b.push("SELECT ");
    select_columns(&mut b, table);
    b.push(" FROM ").ident(table.name);
    if let Some(expr) = filter {
        b.push(" WHERE ");
        push_condition(&mut b, table, expr);
    }
    b.push(" ORDER BY ");
    if order.is_empty() {
        b.ident(table.primary_key_column().name);
    } else {
        b.list(order, |b, &(c, desc)| {
            b.ident(table.columns[c].name)
                .push(if desc { " DESC" } else { " ASC" });
        });
    }
    if limit.is_some() || offset.is_some() {
        // SQLite needs a LIMIT before OFFSET; i64::MAX means "no limit" in
        // every dialect (PostgreSQL rejects SQLite's -1).
        let n = limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
        b.push(" LIMIT ").bind(Value::I64(n));
    }
    if let Some(n) = offset {
        b.push(" OFFSET ")
            .bind(Value::I64(i64::try_from(n).unwrap_or(i64::MAX)));
    }
    b.finish()
}

/// `SELECT COUNT(*) FROM table [WHERE ...]`.
pub fn count(dialect: &dyn Dialect, table: &TableDef, filter: Option<&Expr>) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    b.push("SELECT COUNT(*) FROM ").ident(table.name);
    if let Some(expr) = filter {
        b.push(" WHERE ");
        push_condition(&mut b, table, expr);
    }
    b.finish()
}

/// `INSERT INTO table (columns) VALUES (...), (...) [RETURNING pk]`.
///
/// `values` holds `columns.len()` values per row, row after row.
pub fn insert(
    dialect: &dyn Dialect,
    table: &TableDef,
    columns: &[usize],
    values: Vec<Value>,
    returning_key: bool,
) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    b.push("INSERT INTO ").ident(table.name).push(" (");
    b.list(columns, |b, &c| {
        b.ident(table.columns[c].name);
    });
    b.push(") VALUES ");
    let width = columns.len().max(1);
    let rows = values.len() / width;
    let mut values = values.into_iter();
    for row in 0..rows {
        if row > 0 {
            b.push(", ");
        }
        b.push("(");
        for i in 0..width {
            if i > 0 {
                b.push(", ");
            }
            if let Some(v) = values.next() {
                b.bind(v);
            }
        }
        b.push(")");
    }
    if returning_key {
        b.push(" RETURNING ").ident(table.primary_key_column().name);
    }
    b.finish()
}

/// `UPDATE table SET every non-key column = ? WHERE pk = ?`.
///
/// `values` holds every column's value in column order.
pub fn update(dialect: &dyn Dialect, table: &TableDef, values: Vec<Value>) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    b.push("UPDATE ").ident(table.name).push(" SET ");
    let mut key = None;
    let mut first = true;
    for (i, value) in values.into_iter().enumerate() {
        if i == table.primary_key {
            key = Some(value);
            continue;
        }
        if !first {
            b.push(", ");
        }
        first = false;
        b.ident(table.columns[i].name).push(" = ").bind(value);
    }
    b.push(" WHERE ")
        .ident(table.primary_key_column().name)
        .push(" = ");
    if let Some(key) = key {
        b.bind(key);
    }
    b.finish()
}

/// `DELETE FROM table WHERE pk = ?`.
pub fn delete_by_key(dialect: &dyn Dialect, table: &TableDef, key: Value) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    b.push("DELETE FROM ")
        .ident(table.name)
        .push(" WHERE ")
        .ident(table.primary_key_column().name)
        .push(" = ")
        .bind(key);
    b.finish()
}
