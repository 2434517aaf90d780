use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, AssertSqlSafe, Row};

use orm_core::{
    Backend, ColumnDef, ColumnKind, Connection, Decoder, Dialect, Error, Result, RowSource, Value,
    ValueType,
};

// orm-core binds and reads no value type this backend's sqlx cannot: its
// value-type features must be on here too.
orm_core::check_backend_features!("orm-sqlite");

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
            ColumnKind::Text | ColumnKind::Json => "TEXT",
            // SQLite has no exact decimal type, and NUMERIC affinity would
            // turn `1.10` into the float 1.1: decimals are stored as text.
            ColumnKind::Decimal => "TEXT",
            // sqlx's own encoding: 16 bytes.
            ColumnKind::Blob | ColumnKind::Uuid => "BLOB",
            // Text in sqlx's formats (ISO 8601), which sort chronologically.
            ColumnKind::Date => "DATE",
            ColumnKind::Time => "TIME",
            ColumnKind::Timestamp | ColumnKind::TimestampTz => "DATETIME",
        }
    }

    fn catalog(&self) -> Option<orm_core::sql::catalog::Catalog> {
        Some(orm_core::sql::catalog::Catalog::Sqlite)
    }

    fn folds_identifier_case(&self) -> bool {
        // Quoted or not, `"CaseT"` and `"caset"` name one table.
        true
    }

    fn foreign_keys_may_reference_later_tables(&self) -> bool {
        true
    }

    fn insert_skipping_duplicates(&self) -> (&'static str, &'static str) {
        // `ON CONFLICT` after a `SELECT` can parse as a join constraint.
        ("INSERT OR IGNORE INTO ", "")
    }

    fn max_bind_parameters(&self) -> usize {
        // SQLITE_MAX_VARIABLE_NUMBER since SQLite 3.32.
        32_766
    }

    fn column_problem(&self, column: &ColumnDef) -> Option<String> {
        let declared = column.sql_type?;
        (column.kind() == ColumnKind::Decimal && affinity(declared) != Affinity::Text).then(|| {
            format!(
                "SQLite gives `{declared}` {:?} affinity, which stores decimals as floating point (`1.10` becomes 1.1, digits beyond 15 are lost); leave `sql_type` out, and the decimal is stored exactly, as TEXT",
                affinity(declared)
            )
        })
    }
}

/// SQLite's type affinity of a declared column type (its documented rules,
/// section 3.1 of "Datatypes In SQLite").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

fn affinity(declared: &str) -> Affinity {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        Affinity::Integer
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t)) {
        Affinity::Text
    } else if upper.contains("BLOB") || upper.trim().is_empty() {
        Affinity::Blob
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|t| upper.contains(t)) {
        Affinity::Real
    } else {
        Affinity::Numeric
    }
}

/// A value type this build cannot bind or read: the backend feature is off.
fn unsupported(ty: impl std::fmt::Debug, feature: Option<&str>) -> Error {
    Error::InvalidValue(format!(
        "{ty:?} values need the `{}` feature of orm-sqlite",
        feature.unwrap_or("?")
    ))
}

/// `OffsetDateTime` as UTC text with nine fractional digits: fixed width,
/// so that text comparisons (`WHERE at > ?`, `ORDER BY at`) order instants
/// chronologically. (sqlx's RFC 3339 text drops trailing zeros and writes
/// `Z`, which sorts `12:00:00Z` after `12:00:00.5Z`.) sqlx reads it back.
#[cfg(feature = "time")]
fn utc_text(at: time::OffsetDateTime) -> Result<String> {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]+00:00"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .map_err(|e| Error::InvalidValue(format!("cannot format {at}: {e}")))
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
            #[cfg(feature = "uuid")]
            Value::Uuid(v) => args.add(v),
            #[cfg(feature = "chrono")]
            Value::ChronoDate(v) => args.add(v),
            #[cfg(feature = "chrono")]
            Value::ChronoTime(v) => args.add(v),
            #[cfg(feature = "chrono")]
            Value::ChronoDateTime(v) => args.add(v),
            #[cfg(feature = "chrono")]
            Value::ChronoDateTimeUtc(v) => args.add(v),
            #[cfg(feature = "time")]
            Value::TimeDate(v) => args.add(v),
            #[cfg(feature = "time")]
            Value::TimeTime(v) => args.add(v),
            #[cfg(feature = "time")]
            Value::TimePrimitiveDateTime(v) => args.add(v),
            #[cfg(feature = "time")]
            Value::TimeOffsetDateTime(v) => args.add(utc_text(v)?),
            #[cfg(feature = "json")]
            Value::Json(v) => args.add(sqlx::types::Json(*v)),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => args.add(v.to_string()),
            Value::Invalid(invalid) => return Err(Error::InvalidValue(invalid.reason)),
            Value::Array(_) => {
                return Err(Error::InvalidValue(
                    "SQLite has no array parameters: bind each value of the list".into(),
                ));
            }
            #[allow(unreachable_patterns, reason = "a type whose backend feature is off")]
            other => {
                let ty = other.value_type();
                return Err(unsupported(ty, ty.and_then(ValueType::feature)));
            }
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

impl Columns<'_> {
    fn get<T>(&self, i: usize) -> Result<Option<T>>
    where
        T: for<'a> sqlx::Decode<'a, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        // SQLite values carry their own storage class; sqlx converts them
        // (and reports what it cannot), so its declared-type check is skipped.
        Ok(self.row.try_get_unchecked::<Option<T>, _>(i)?)
    }
}

impl RowSource for Columns<'_> {
    fn next_value(&mut self, ty: ValueType) -> Result<Value> {
        let i = self.next;
        self.next += 1;
        let value = match ty {
            ValueType::Bool => self.get::<bool>(i)?.map(Value::Bool),
            ValueType::I16 | ValueType::I32 | ValueType::I64 => self.get::<i64>(i)?.map(Value::I64),
            ValueType::F32 | ValueType::F64 => self.get::<f64>(i)?.map(Value::F64),
            ValueType::Text => self.get::<String>(i)?.map(Value::Text),
            ValueType::Bytes => self.get::<Vec<u8>>(i)?.map(Value::Bytes),
            #[cfg(feature = "uuid")]
            ValueType::Uuid => self.get::<sqlx::types::Uuid>(i)?.map(Value::Uuid),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDate => self.get(i)?.map(Value::ChronoDate),
            #[cfg(feature = "chrono")]
            ValueType::ChronoTime => self.get(i)?.map(Value::ChronoTime),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDateTime => self.get(i)?.map(Value::ChronoDateTime),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDateTimeUtc => self.get(i)?.map(Value::ChronoDateTimeUtc),
            #[cfg(feature = "time")]
            ValueType::TimeDate => self.get(i)?.map(Value::TimeDate),
            #[cfg(feature = "time")]
            ValueType::TimeTime => self.get(i)?.map(Value::TimeTime),
            #[cfg(feature = "time")]
            ValueType::TimePrimitiveDateTime => self.get(i)?.map(Value::TimePrimitiveDateTime),
            #[cfg(feature = "time")]
            ValueType::TimeOffsetDateTime => self.get(i)?.map(Value::TimeOffsetDateTime),
            #[cfg(feature = "json")]
            ValueType::Json => self
                .get::<sqlx::types::Json<serde_json::Value>>(i)?
                .map(|json| Value::Json(Box::new(json.0))),
            // Stored as text (a number written by other code reads as its
            // text): `Decimal::from_value` parses it, and names the column
            // when it is no decimal.
            #[cfg(feature = "rust_decimal")]
            ValueType::Decimal => self.get::<String>(i)?.map(Value::Text),
            #[allow(unreachable_patterns, reason = "a type whose backend feature is off")]
            other => return Err(unsupported(other, other.feature())),
        };
        Ok(value.unwrap_or(Value::Null(ty.kind())))
    }

    fn column_count(&self) -> usize {
        self.row.len()
    }

    fn column_name(&self, index: usize) -> Option<&str> {
        self.row.columns().get(index).map(sqlx::Column::name)
    }

    fn seek(&mut self, index: usize) {
        self.next = index;
    }
}

/// How many virtual-machine instructions SQLite runs between two checks of
/// the statement deadline. Statements shorter than this (`BEGIN`, `COMMIT`,
/// a lookup by key) are never interrupted.
const PROGRESS_OPS: i32 = 1_000;

/// A statement deadline armed on a connection (see [`arm_deadline`]).
struct Deadline(Arc<AtomicBool>);

impl Deadline {
    /// The statement is over: the handler no longer interrupts anything.
    fn disarm(self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// With a statement timeout ([`orm_core::current_statement_timeout`]),
/// makes SQLite itself interrupt the next statement when the bound runs out
/// (a progress handler, checked every [`PROGRESS_OPS`] instructions), so
/// that a long statement stops on the worker thread instead of running on
/// after the client stopped waiting; it fails with `SQLITE_INTERRUPT`,
/// which becomes [`Error::Timeout`]. A handler left armed by a statement
/// whose future was dropped interrupts (once) the statement it was meant
/// for, or the next long one.
async fn arm_deadline(conn: &mut Connection<Sqlite>) -> Result<Option<Deadline>> {
    let Some(bound) = orm_core::current_statement_timeout() else {
        return Ok(None);
    };
    let deadline = Instant::now() + bound;
    let armed = Arc::new(AtomicBool::new(true));
    let flag = armed.clone();
    let mut handle = conn.lock_handle().await.map_err(crate::error::map_error)?;
    handle.set_progress_handler(PROGRESS_OPS, move || {
        if !flag.load(Ordering::Relaxed) || Instant::now() < deadline {
            return true;
        }
        flag.store(false, Ordering::Relaxed);
        false
    });
    Ok(Some(Deadline(armed)))
}

impl Backend for Sqlite {
    type Database = sqlx::Sqlite;

    /// A SQLite connection stays usable after a statement timeout: its
    /// statements run on a worker thread, one at a time, and the progress
    /// handler interrupts the one that timed out. Closing it would lose an
    /// in-memory database, which lives in its one connection.
    const CLOSE_AFTER_TIMEOUT: bool = false;

    const DIALECT: &'static dyn Dialect = &SqliteDialect;

    async fn execute<'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
    ) -> Result<u64> {
        let args = bind_all(params)?;
        let deadline = arm_deadline(conn).await?;
        let done = sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut *conn)
            .await
            .map_err(crate::error::map_error);
        if let Some(deadline) = deadline {
            deadline.disarm();
        }
        Ok(done?.rows_affected())
    }

    async fn fetch_all<'c, T: Send + 'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
        decode: &'c Decoder<T>,
    ) -> Result<Vec<T>> {
        let args = bind_all(params)?;
        let deadline = arm_deadline(conn).await?;
        let out = async {
            let mut rows = sqlx::query_with(AssertSqlSafe(sql), args).fetch(&mut *conn);
            let mut out = Vec::new();
            while let Some(row) = rows.try_next().await.map_err(crate::error::map_error)? {
                out.push(decode(&mut Columns { row: &row, next: 0 })?);
            }
            Ok(out)
        }
        .await;
        if let Some(deadline) = deadline {
            deadline.disarm();
        }
        out
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
