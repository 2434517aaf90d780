//! The two primitives every operation goes through: each renders its
//! statement for the backend's dialect, logs it with its parameters on the
//! `orm::sql` tracing target, then calls the backend.

use super::limits;
use crate::backend::{Backend, Connection, Decoder};
use crate::error::{Error, Result};
use crate::model::RowSource;
use crate::sql::{Render, Statement};
use crate::value::{Params, ValueType};

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
    statement: impl Render,
) -> Result<u64> {
    let statement = statement.render(B::DIALECT);
    log(&statement);
    limits::bounded(B::execute(conn, &statement.sql, statement.params)).await
}

/// Runs a query and decodes each row.
pub(crate) async fn fetch<B: Backend, T: Send>(
    conn: &mut Connection<B>,
    statement: impl Render,
    decode: &Decoder<T>,
) -> Result<Vec<T>> {
    let statement = statement.render(B::DIALECT);
    log(&statement);
    limits::bounded(B::fetch_all(conn, &statement.sql, statement.params, decode)).await
}

/// Runs `script`, several statements without parameters, as one message
/// ([`Backend::fetch_script`]), and decodes the rows of those that return
/// some; bounded by the statement timeout like one statement.
pub(crate) async fn fetch_script<B: Backend, T: Send>(
    conn: &mut Connection<B>,
    script: &str,
    decode: &Decoder<T>,
) -> Result<Vec<T>> {
    tracing::debug!(target: "orm::sql", "{script}");
    limits::bounded(B::fetch_script(conn, script, decode)).await
}

/// Opens a transaction (a savepoint inside one), bounded by the statement
/// timeout like any statement.
pub(crate) async fn begin<B: Backend>(
    conn: &mut Connection<B>,
) -> Result<sqlx::Transaction<'_, B::Database>> {
    limits::bounded(async { sqlx::Connection::begin(conn).await.map_err(B::map_error) }).await
}

/// Commits a transaction [`begin`] opened, bounded by the statement timeout.
pub(crate) async fn commit<B: Backend>(tx: sqlx::Transaction<'_, B::Database>) -> Result<()> {
    limits::bounded(async move { tx.commit().await.map_err(B::map_error) }).await
}

/// Rolls back a transaction [`begin`] opened, bounded by the statement timeout.
pub(crate) async fn rollback<B: Backend>(tx: sqlx::Transaction<'_, B::Database>) -> Result<()> {
    limits::bounded(async move { tx.rollback().await.map_err(B::map_error) }).await
}

/// Whether the connection enforces foreign keys, bounded by the statement
/// timeout.
pub(crate) async fn foreign_keys_enforced<B: Backend>(conn: &mut Connection<B>) -> Result<bool> {
    limits::bounded(B::foreign_keys_enforced(conn)).await
}

/// Decodes a single integer column (counts). Anything else is an error, not
/// a zero: a `RESTRICT` check must never pass because its count was unreadable.
pub(crate) fn decode_count(row: &mut dyn RowSource) -> Result<u64> {
    let value = row.next_value(ValueType::I64)?;
    match value.as_i64() {
        Some(n) => {
            u64::try_from(n).map_err(|_| Error::UnexpectedResult(format!("a negative count: {n}")))
        }
        None => Err(Error::UnexpectedResult(format!(
            "expected a count, got {value}"
        ))),
    }
}

/// The count of a `SELECT COUNT(*)`: exactly one row.
pub(crate) async fn count<B: Backend>(
    conn: &mut Connection<B>,
    statement: impl Render,
) -> Result<u64> {
    let counts = fetch::<B, u64>(conn, statement, &decode_count).await?;
    match counts[..] {
        [n] => Ok(n),
        _ => Err(Error::UnexpectedResult(format!(
            "a COUNT(*) returned {} rows",
            counts.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::decode_count;
    use crate::error::Error;
    use crate::model::RowSource;
    use crate::value::{Value, ValueType};

    /// A row of one value.
    struct One(Option<Value>);

    impl RowSource for One {
        fn next_value(&mut self, _: ValueType) -> crate::Result<Value> {
            self.0
                .take()
                .ok_or_else(|| Error::UnexpectedResult("no column".into()))
        }
        fn column_count(&self) -> usize {
            1
        }
        fn column_name(&self, _: usize) -> Option<&str> {
            Some("count")
        }
        fn seek(&mut self, _: usize) {}
    }

    /// A RESTRICT check passes only on a count it could read as zero: an
    /// unreadable count used to be taken for 0 (fail-open).
    #[test]
    fn a_count_that_does_not_decode_is_an_error_not_zero() {
        let count = |v: Value| decode_count(&mut One(Some(v)));
        assert_eq!(count(Value::I64(3)).ok(), Some(3));
        assert_eq!(count(Value::I32(0)).ok(), Some(0));
        for unreadable in [
            Value::Text("3".into()),
            Value::Null(crate::ColumnKind::BigInt),
            Value::I64(-1),
            Value::F64(0.0),
        ] {
            assert!(
                matches!(count(unreadable.clone()), Err(Error::UnexpectedResult(_))),
                "{unreadable:?}"
            );
        }
    }
}
