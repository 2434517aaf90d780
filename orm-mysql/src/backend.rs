use futures_util::TryStreamExt;
use sqlx::mysql::{MySqlArguments, MySqlRow};
use sqlx::{Arguments, AssertSqlSafe, Column, Row, TypeInfo};

use orm_core::{
    Action, Backend, ColumnKind, Connection, Decoder, Dialect, Error, Result, RowSource, Value,
    ValueType,
};

// orm-core binds and reads no value type this backend's sqlx cannot: its
// value-type features must be on here too.
orm_core::check_backend_features!("orm-mysql");

/// The MySQL / MariaDB backend (a unit type, like `sqlx::MySql`).
#[derive(Debug, Clone, Copy, Default)]
pub struct MySql;

/// MySQL's and MariaDB's answers to the dialect questions:
///
/// * identifiers quoted with backticks (no `ANSI_QUOTES` needed, so the
///   session's `sql_mode` and your own SQL are left as they are), `?`
///   placeholders, at most 65,535 parameters per statement;
/// * InnoDB tables with a binary `utf8mb4` collation, so text compares,
///   sorts and is unique case-sensitively, as on SQLite and PostgreSQL;
/// * indexed text and bytes as `VARCHAR(255)` / `VARBINARY(255)` (InnoDB
///   cannot index `LONGTEXT` without a prefix), indexes declared inside
///   `CREATE TABLE` (MySQL has no `CREATE INDEX IF NOT EXISTS`);
/// * `ON DELETE SET DEFAULT` left out of the DDL (InnoDB parses it and
///   enforces `RESTRICT` instead; the ORM carries it out), `NO ACTION`
///   checked immediately (InnoDB's rule), `DROP TEMPORARY TABLE` (a plain
///   `DROP TABLE` would commit), derived tables around subqueries reading
///   the table an `UPDATE` / `DELETE` writes (MySQL's error 1093);
/// * `FOR UPDATE` row locks.
#[derive(Debug, Clone, Copy, Default)]
pub struct MySqlDialect;

impl Dialect for MySqlDialect {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn push_identifier(&self, out: &mut String, ident: &str) {
        out.push('`');
        for ch in ident.chars() {
            if ch == '`' {
                out.push('`');
            }
            out.push(ch);
        }
        out.push('`');
    }

    fn type_name(&self, kind: ColumnKind) -> &'static str {
        match kind {
            ColumnKind::Bool => "BOOLEAN",
            ColumnKind::SmallInt => "SMALLINT",
            ColumnKind::Int => "INT",
            ColumnKind::BigInt => "BIGINT",
            ColumnKind::Float => "FLOAT",
            ColumnKind::Double => "DOUBLE",
            ColumnKind::Text => "LONGTEXT",
            ColumnKind::Blob => "LONGBLOB",
            ColumnKind::Uuid => "BINARY(16)",
            ColumnKind::Date => "DATE",
            ColumnKind::Time => "TIME(6)",
            // Microseconds, as on PostgreSQL; instants are stored in UTC
            // (every connection's `time_zone` is `+00:00`). DATETIME, not
            // TIMESTAMP: no 2038 limit and no conversion by the server.
            ColumnKind::Timestamp | ColumnKind::TimestampTz => "DATETIME(6)",
            ColumnKind::Json => "JSON",
            // Every `rust_decimal::Decimal` fits (28 fractional digits).
            ColumnKind::Decimal => "DECIMAL(65, 28)",
        }
    }

    fn key_type_name(&self, kind: ColumnKind) -> &'static str {
        match kind {
            ColumnKind::Text => "VARCHAR(255)",
            ColumnKind::Blob => "VARBINARY(255)",
            other => self.type_name(other),
        }
    }

    fn auto_increment_type(&self, kind: ColumnKind) -> Option<&'static str> {
        match kind {
            ColumnKind::SmallInt => Some("SMALLINT AUTO_INCREMENT"),
            ColumnKind::Int => Some("INT AUTO_INCREMENT"),
            ColumnKind::BigInt => Some("BIGINT AUTO_INCREMENT"),
            _ => None,
        }
    }

    fn table_options(&self) -> &'static str {
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    }

    fn inline_indexes(&self) -> bool {
        true
    }

    fn enforces(&self, action: Action) -> bool {
        action != Action::SetDefault
    }

    fn no_action_is_immediate(&self) -> bool {
        true
    }

    fn row_referencing_itself_restricts(&self) -> bool {
        true
    }

    fn same_table_subquery_needs_derived_table(&self) -> bool {
        true
    }

    fn drop_temporary_table(&self) -> &'static str {
        "DROP TEMPORARY TABLE "
    }

    fn insert_skipping_duplicates(&self) -> (&'static str, &'static str) {
        ("INSERT IGNORE INTO ", "")
    }

    fn drop_foreign_key_if_exists(&self) -> &'static str {
        " DROP FOREIGN KEY IF EXISTS "
    }

    fn default_values_clause(&self) -> &'static str {
        " () VALUES ()"
    }

    fn row_lock_clause(&self) -> Option<&'static str> {
        Some(" FOR UPDATE")
    }

    fn catalog(&self) -> Option<orm_core::sql::catalog::Catalog> {
        Some(orm_core::sql::catalog::Catalog::MySql)
    }

    fn max_bind_parameters(&self) -> usize {
        // The prepared-statement parameter count is a 16-bit integer.
        65_535
    }
}

/// A value type this build cannot bind or read: the backend feature is off.
fn unsupported(ty: impl std::fmt::Debug, feature: Option<&str>) -> Error {
    Error::InvalidValue(format!(
        "{ty:?} values need the `{}` feature of orm-mysql",
        feature.unwrap_or("?")
    ))
}

/// Binds every value with sqlx's `Encode` for its Rust type. MySQL's
/// `NULL` needs no type.
fn bind_all(params: Vec<Value>) -> Result<MySqlArguments> {
    let mut args = MySqlArguments::default();
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
            Value::TimeOffsetDateTime(v) => args.add(v),
            #[cfg(feature = "json")]
            Value::Json(v) => args.add(sqlx::types::Json(*v)),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => args.add(v),
            Value::Invalid(invalid) => return Err(Error::InvalidValue(invalid.reason)),
            Value::Array(_) => {
                return Err(Error::InvalidValue(
                    "MySQL has no array parameters: bind each value of the list".into(),
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

/// Reads the columns of a row in order: integers and floats by the type the
/// server sent (so `COUNT(*)`, `INT` and `BIGINT` columns all decode), text
/// and bytes as the field asks (a binary collation makes the server flag
/// text as binary), everything else as the type the field reads.
struct Columns<'r> {
    row: &'r MySqlRow,
    next: usize,
}

impl Columns<'_> {
    /// Column `i` as `T`, without sqlx's type check (the caller matched the
    /// server's type, or `T` reads any of the types the ORM creates).
    fn get<T>(&self, i: usize) -> Result<Option<T>>
    where
        T: for<'a> sqlx::Decode<'a, sqlx::MySql> + sqlx::Type<sqlx::MySql>,
    {
        Ok(self.row.try_get_unchecked::<Option<T>, _>(i)?)
    }

    /// Column `i` as `T`, sqlx checking that the server's type decodes as `T`.
    fn checked<T>(&self, i: usize) -> Result<Option<T>>
    where
        T: for<'a> sqlx::Decode<'a, sqlx::MySql> + sqlx::Type<sqlx::MySql>,
    {
        Ok(self.row.try_get::<Option<T>, _>(i)?)
    }

    /// Column `i` as the value type `ty` asks for.
    fn by_type(&self, i: usize, ty: ValueType) -> Result<Option<Value>> {
        Ok(match ty {
            ValueType::Bool => self.checked(i)?.map(Value::Bool),
            ValueType::I16 | ValueType::I32 | ValueType::I64 => self.checked(i)?.map(Value::I64),
            ValueType::F32 | ValueType::F64 => self.checked(i)?.map(Value::F64),
            ValueType::Text => self.get(i)?.map(Value::Text),
            ValueType::Bytes => self.get(i)?.map(Value::Bytes),
            #[cfg(feature = "uuid")]
            ValueType::Uuid => self.get(i)?.map(Value::Uuid),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDate => self.checked(i)?.map(Value::ChronoDate),
            #[cfg(feature = "chrono")]
            ValueType::ChronoTime => self.checked(i)?.map(Value::ChronoTime),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDateTime => self.checked(i)?.map(Value::ChronoDateTime),
            #[cfg(feature = "chrono")]
            ValueType::ChronoDateTimeUtc => self.checked(i)?.map(Value::ChronoDateTimeUtc),
            #[cfg(feature = "time")]
            ValueType::TimeDate => self.checked(i)?.map(Value::TimeDate),
            #[cfg(feature = "time")]
            ValueType::TimeTime => self.checked(i)?.map(Value::TimeTime),
            #[cfg(feature = "time")]
            ValueType::TimePrimitiveDateTime => self.checked(i)?.map(Value::TimePrimitiveDateTime),
            #[cfg(feature = "time")]
            ValueType::TimeOffsetDateTime => self.checked(i)?.map(Value::TimeOffsetDateTime),
            // MariaDB's JSON is LONGTEXT with a check: read the text, and
            // `serde_json::Value::from_value` parses it.
            #[cfg(feature = "json")]
            ValueType::Json => self.get::<String>(i)?.map(Value::Text),
            #[cfg(feature = "rust_decimal")]
            ValueType::Decimal => self.checked(i)?.map(Value::Decimal),
            #[allow(unreachable_patterns, reason = "a type whose backend feature is off")]
            other => return Err(unsupported(other, other.feature())),
        })
    }
}

impl RowSource for Columns<'_> {
    fn next_value(&mut self, ty: ValueType) -> Result<Value> {
        let i = self.next;
        self.next += 1;
        let type_name = self
            .row
            .columns()
            .get(i)
            .map(|c| c.type_info().name())
            .unwrap_or_default();
        let value = match type_name {
            "BOOLEAN" => self.get::<bool>(i)?.map(Value::Bool),
            "TINYINT" | "SMALLINT" => self.get::<i16>(i)?.map(Value::I16),
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT" | "MEDIUMINT UNSIGNED"
            | "INT" => self.get::<i32>(i)?.map(Value::I32),
            "INT UNSIGNED" | "BIGINT" => self.get::<i64>(i)?.map(Value::I64),
            "BIGINT UNSIGNED" => match self.get::<u64>(i)? {
                Some(n) => Some(Value::I64(i64::try_from(n).map_err(|_| {
                    Error::UnexpectedResult(format!(
                        "the BIGINT UNSIGNED value {n} does not fit in an i64"
                    ))
                })?)),
                None => None,
            },
            "FLOAT" => self.get::<f32>(i)?.map(Value::F32),
            "DOUBLE" => self.get::<f64>(i)?.map(Value::F64),
            _ => self.by_type(i, ty)?,
        };
        Ok(value.unwrap_or(Value::Null(ty.kind())))
    }

    fn column_count(&self) -> usize {
        self.row.len()
    }

    fn column_name(&self, index: usize) -> Option<&str> {
        self.row.columns().get(index).map(Column::name)
    }

    fn seek(&mut self, index: usize) {
        self.next = index;
    }
}

impl Backend for MySql {
    type Database = sqlx::MySql;

    const DIALECT: &'static dyn Dialect = &MySqlDialect;

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

    /// Foreign keys are enforced unless the session set
    /// `foreign_key_checks = 0`.
    async fn foreign_keys_enforced(conn: &mut Connection<Self>) -> Result<bool> {
        const SQL: &str = "SELECT @@foreign_key_checks";
        tracing::debug!(target: "orm::sql", "{SQL}");
        let on: i64 = sqlx::query_scalar(SQL)
            .fetch_one(&mut *conn)
            .await
            .map_err(crate::error::map_error)?;
        Ok(on != 0)
    }

    fn map_error(error: sqlx::Error) -> Error {
        crate::error::map_error(error)
    }
}
