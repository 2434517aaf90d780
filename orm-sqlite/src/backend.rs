use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, AssertSqlSafe, Row};

use orm_core::{
    Backend, ColumnKind, Connection, Decoder, Dialect, Error, Result, RowSource, Value,
};

/// The SQLite backend (a unit type, like `sqlx::Sqlite`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

/// SQLite's answers to the dialect questions: `?` placeholders, `"quoted"`
/// identifiers, `INTEGER` keys (aliases of the rowid, so generated), and a
/// limit of 32,766 parameters per statement.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn type_name(&self, kind: ColumnKind) -> &'static str {
        match kind {
            ColumnKind::Bool => "BOOLEAN",
            ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => "INTEGER",
            ColumnKind::Float | ColumnKind::Double => "REAL",
            ColumnKind::Text => "TEXT",
            ColumnKind::Blob => "BLOB",
        }
    }

    fn max_bind_parameters(&self) -> usize {
        // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32.
        32_766
    }
}

fn bind_all(params: Vec<Value>) -> Result<SqliteArguments> {
    let mut args = SqliteArguments::default();
    for value in params {
        let added = match value {
            Value::Null(_) => args.add(Option::<i64>::None),
            Value::Bool(v) => args.add(v),
            Value::I16(v) => args.add(v),
            Value::I32(v) => args.add(v),
            Value::I64(v) => args.add(v),
            Value::F32(v) => args.add(v),
            Value::F64(v) => args.add(v),
            Value::Text(v) => args.add(v),
            Value::Bytes(v) => args.add(v),
        };
        added.map_err(|e| Error::Database(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

/// Reads the columns of a row in order.
struct Columns<'r> {
    row: &'r SqliteRow,
    next: usize,
}

impl RowSource for Columns<'_> {
    fn next_value(&mut self, kind: ColumnKind) -> Result<Value> {
        let i = self.next;
        self.next += 1;
        let row = self.row;
        let value = match kind {
            ColumnKind::Bool => row
                .try_get_unchecked::<Option<bool>, _>(i)?
                .map(Value::Bool),
            ColumnKind::SmallInt | ColumnKind::Int | ColumnKind::BigInt => {
                row.try_get_unchecked::<Option<i64>, _>(i)?.map(Value::I64)
            }
            ColumnKind::Float | ColumnKind::Double => {
                row.try_get_unchecked::<Option<f64>, _>(i)?.map(Value::F64)
            }
            ColumnKind::Text => row
                .try_get_unchecked::<Option<String>, _>(i)?
                .map(Value::Text),
            ColumnKind::Blob => row
                .try_get_unchecked::<Option<Vec<u8>>, _>(i)?
                .map(Value::Bytes),
        };
        Ok(value.unwrap_or(Value::Null(kind)))
    }
}

impl Backend for Sqlite {
    type Database = sqlx::Sqlite;

    const DIALECT: &'static dyn Dialect = &SqliteDialect;

    async fn execute<'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
    ) -> Result<u64> {
        let args = bind_all(params)?;
        let done = sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut *conn)
            .await
            .map_err(crate::error::map_error)?;
        Ok(done.rows_affected())
    }

    async fn fetch_all<'c, T: Send + 'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
        decode: &'c Decoder<T>,
    ) -> Result<Vec<T>> {
        let args = bind_all(params)?;
        let mut rows = sqlx::query_with(AssertSqlSafe(sql), args).fetch(&mut *conn);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await.map_err(crate::error::map_error)? {
            out.push(decode(&mut Columns { row: &row, next: 0 })?);
        }
        Ok(out)
    }

    async fn foreign_keys_enforced(conn: &mut Connection<Self>) -> Result<bool> {
        tracing::debug!(target: "orm::sql", "PRAGMA foreign_keys");
        let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .map_err(crate::error::map_error)?;
        Ok(on != 0)
    }

    fn map_error(error: sqlx::Error) -> Error {
        crate::error::map_error(error)
    }
}
