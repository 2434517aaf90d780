//! The two primitives every operation goes through: each logs its statement
//! and parameters on the `orm::sql` tracing target, then calls the backend.

use crate::backend::{Backend, Connection, Decoder};
use crate::error::Result;
use crate::model::RowSource;
use crate::sql::Statement;
use crate::value::Params;

/// The `tracing` target every statement is logged on.
pub const SQL_TARGET: &str = "orm::sql";

fn log(statement: &Statement) {
    if statement.params.is_empty() {
        tracing::debug!(target: "orm::sql", "{}", statement.sql);
    } else {
        tracing::debug!(
            target: "orm::sql",
            params = %Params(&statement.params),
            "{}",
            statement.sql
        );
    }
}

/// Runs a statement; returns the rows changed.
pub(crate) async fn execute<B: Backend>(
    conn: &mut Connection<B>,
    statement: &Statement,
) -> Result<u64> {
    log(statement);
    B::execute(conn, &statement.sql, statement.params.clone()).await
}

/// Runs a statement the caller no longer needs (its values are moved).
pub(crate) async fn execute_owned<B: Backend>(
    conn: &mut Connection<B>,
    statement: Statement,
) -> Result<u64> {
    log(&statement);
    B::execute(conn, &statement.sql, statement.params).await
}

/// Runs a query the caller no longer needs (its values are moved).
pub(crate) async fn fetch_owned<B: Backend, T: Send>(
    conn: &mut Connection<B>,
    statement: Statement,
    decode: &Decoder<T>,
) -> Result<Vec<T>> {
    log(&statement);
    B::fetch_all(conn, &statement.sql, statement.params, decode).await
}

/// Runs a query and decodes each row.
pub(crate) async fn fetch<B: Backend, T: Send>(
    conn: &mut Connection<B>,
    statement: &Statement,
    decode: &Decoder<T>,
) -> Result<Vec<T>> {
    log(statement);
    B::fetch_all(conn, &statement.sql, statement.params.clone(), decode).await
}

/// Decodes a single `BIGINT` column (counts).
pub(crate) fn decode_count(row: &mut dyn RowSource) -> Result<u64> {
    let value = row.next_value(crate::ColumnKind::BigInt)?;
    Ok(value.as_i64().map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}
