//! Values bound to statements and read back from rows.
//!
//! Every parameter the ORM binds is a [`Value`]: one enum, shared by every
//! backend, that keeps statements loggable with their parameters and lets
//! the planner move keys from one statement to the next. Each variant is
//! bound and read by the backend through sqlx's own `Encode` / `Decode` /
//! `Type` implementation for that Rust type. Rust types map onto the
//! variants through [`ColumnValue`] (the built-in ones, the feature-gated
//! chrono / time / uuid / json / decimal ones, and user newtypes and enums).

mod column;
pub(crate) mod stamp;
mod types;

use std::fmt;

use crate::schema::ColumnKind;

pub use column::{ColumnValue, FieldType, KeyValue, TextValue};

/// A value sent to or read from the database.
///
/// The variants behind cargo features exist when that feature of `orm-core`
/// is on; enable the feature on the backend crate (`orm-sqlite`,
/// `orm-postgres`), which turns on the same feature here and in sqlx.
#[derive(Clone, PartialEq)]
pub enum Value {
    /// SQL `NULL` of a column of this kind.
    Null(ColumnKind),
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer.
    I16(i16),
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A UUID.
    #[cfg(feature = "uuid")]
    Uuid(uuid::Uuid),
    /// A `chrono` date.
    #[cfg(feature = "chrono")]
    ChronoDate(chrono::NaiveDate),
    /// A `chrono` time of day.
    #[cfg(feature = "chrono")]
    ChronoTime(chrono::NaiveTime),
    /// A `chrono` date and time without time zone.
    #[cfg(feature = "chrono")]
    ChronoDateTime(chrono::NaiveDateTime),
    /// A `chrono` instant in UTC.
    #[cfg(feature = "chrono")]
    ChronoDateTimeUtc(chrono::DateTime<chrono::Utc>),
    /// A `time` date.
    #[cfg(feature = "time")]
    TimeDate(time::Date),
    /// A `time` time of day.
    #[cfg(feature = "time")]
    TimeTime(time::Time),
    /// A `time` date and time without offset.
    #[cfg(feature = "time")]
    TimePrimitiveDateTime(time::PrimitiveDateTime),
    /// A `time` instant with an offset.
    #[cfg(feature = "time")]
    TimeOffsetDateTime(time::OffsetDateTime),
    /// A JSON document.
    #[cfg(feature = "json")]
    Json(Box<serde_json::Value>),
    /// An exact decimal number.
    #[cfg(feature = "rust_decimal")]
    Decimal(rust_decimal::Decimal),
    /// A value that could not be converted (for instance a `Json<T>` whose
    /// `Serialize` failed). Binding it fails the statement with
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) before anything is
    /// sent, so a conversion error never turns into a silent `NULL`.
    Invalid(Box<InvalidValue>),
    /// Several values of one type bound as one array parameter. The
    /// statement renderer produces it for `column = ANY($1)` on a dialect
    /// that binds arrays (PostgreSQL; see
    /// [`Dialect::binds_array_of`](crate::backend::Dialect::binds_array_of)),
    /// so a statement over a thousand keys has one parameter and the same
    /// text whatever their number. Never read from a row; other backends
    /// refuse to bind it.
    Array(Vec<Value>),
}

/// Why a Rust value could not become a [`Value`]; see [`Value::Invalid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidValue {
    /// The kind of column the value was meant for.
    pub kind: ColumnKind,
    /// What went wrong.
    pub reason: String,
}

/// Which [`Value`] variant a field reads: the Rust representation, where
/// [`ColumnKind`] is the SQL one (a `Timestamp` column is read as a
/// `chrono::NaiveDateTime` or a `time::PrimitiveDateTime`, as the field
/// says). Backends decode each one with sqlx's `Decode` for that type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// [`Value::Bool`].
    Bool,
    /// [`Value::I16`].
    I16,
    /// [`Value::I32`].
    I32,
    /// [`Value::I64`].
    I64,
    /// [`Value::F32`].
    F32,
    /// [`Value::F64`].
    F64,
    /// [`Value::Text`].
    Text,
    /// [`Value::Bytes`].
    Bytes,
    /// `Value::Uuid` (feature `uuid`).
    Uuid,
    /// `Value::ChronoDate` (feature `chrono`).
    ChronoDate,
    /// `Value::ChronoTime` (feature `chrono`).
    ChronoTime,
    /// `Value::ChronoDateTime` (feature `chrono`).
    ChronoDateTime,
    /// `Value::ChronoDateTimeUtc` (feature `chrono`).
    ChronoDateTimeUtc,
    /// `Value::TimeDate` (feature `time`).
    TimeDate,
    /// `Value::TimeTime` (feature `time`).
    TimeTime,
    /// `Value::TimePrimitiveDateTime` (feature `time`).
    TimePrimitiveDateTime,
    /// `Value::TimeOffsetDateTime` (feature `time`).
    TimeOffsetDateTime,
    /// `Value::Json` (feature `json`).
    Json,
    /// `Value::Decimal` (feature `rust_decimal`).
    Decimal,
}

impl ValueType {
    /// The SQL kind of a column holding values of this type.
    pub const fn kind(self) -> ColumnKind {
        match self {
            ValueType::Bool => ColumnKind::Bool,
            ValueType::I16 => ColumnKind::SmallInt,
            ValueType::I32 => ColumnKind::Int,
            ValueType::I64 => ColumnKind::BigInt,
            ValueType::F32 => ColumnKind::Float,
            ValueType::F64 => ColumnKind::Double,
            ValueType::Text => ColumnKind::Text,
            ValueType::Bytes => ColumnKind::Blob,
            ValueType::Uuid => ColumnKind::Uuid,
            ValueType::ChronoDate | ValueType::TimeDate => ColumnKind::Date,
            ValueType::ChronoTime | ValueType::TimeTime => ColumnKind::Time,
            ValueType::ChronoDateTime | ValueType::TimePrimitiveDateTime => ColumnKind::Timestamp,
            ValueType::ChronoDateTimeUtc | ValueType::TimeOffsetDateTime => ColumnKind::TimestampTz,
            ValueType::Json => ColumnKind::Json,
            ValueType::Decimal => ColumnKind::Decimal,
        }
    }

    /// The cargo feature of `orm-core` (and of the backends) this type needs,
    /// if any.
    pub const fn feature(self) -> Option<&'static str> {
        match self {
            ValueType::Uuid => Some("uuid"),
            ValueType::ChronoDate
            | ValueType::ChronoTime
            | ValueType::ChronoDateTime
            | ValueType::ChronoDateTimeUtc => Some("chrono"),
            ValueType::TimeDate
            | ValueType::TimeTime
            | ValueType::TimePrimitiveDateTime
            | ValueType::TimeOffsetDateTime => Some("time"),
            ValueType::Json => Some("json"),
            ValueType::Decimal => Some("rust_decimal"),
            _ => None,
        }
    }
}

impl Value {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// A value that fails the statement it is bound to with
    /// [`Error::InvalidValue`](crate::Error::InvalidValue); for
    /// [`ColumnValue::to_value`] implementations whose conversion can fail.
    pub fn invalid(kind: ColumnKind, reason: impl fmt::Display) -> Value {
        Value::Invalid(Box::new(InvalidValue {
            kind,
            reason: reason.to_string(),
        }))
    }

    /// The kind of column this value fits.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Value::Null(kind) => *kind,
            Value::Invalid(invalid) => invalid.kind,
            Value::Array(items) => items.first().map_or(ColumnKind::Text, Value::kind),
            other => other.value_type().map_or(ColumnKind::Text, ValueType::kind),
        }
    }

    /// The variant as a [`ValueType`]; `None` for `Null`, `Invalid` and
    /// `Array`.
    pub fn value_type(&self) -> Option<ValueType> {
        Some(match self {
            Value::Null(_) | Value::Invalid(_) | Value::Array(_) => return None,
            Value::Bool(_) => ValueType::Bool,
            Value::I16(_) => ValueType::I16,
            Value::I32(_) => ValueType::I32,
            Value::I64(_) => ValueType::I64,
            Value::F32(_) => ValueType::F32,
            Value::F64(_) => ValueType::F64,
            Value::Text(_) => ValueType::Text,
            Value::Bytes(_) => ValueType::Bytes,
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => ValueType::Uuid,
            #[cfg(feature = "chrono")]
            Value::ChronoDate(_) => ValueType::ChronoDate,
            #[cfg(feature = "chrono")]
            Value::ChronoTime(_) => ValueType::ChronoTime,
            #[cfg(feature = "chrono")]
            Value::ChronoDateTime(_) => ValueType::ChronoDateTime,
            #[cfg(feature = "chrono")]
            Value::ChronoDateTimeUtc(_) => ValueType::ChronoDateTimeUtc,
            #[cfg(feature = "time")]
            Value::TimeDate(_) => ValueType::TimeDate,
            #[cfg(feature = "time")]
            Value::TimeTime(_) => ValueType::TimeTime,
            #[cfg(feature = "time")]
            Value::TimePrimitiveDateTime(_) => ValueType::TimePrimitiveDateTime,
            #[cfg(feature = "time")]
            Value::TimeOffsetDateTime(_) => ValueType::TimeOffsetDateTime,
            #[cfg(feature = "json")]
            Value::Json(_) => ValueType::Json,
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(_) => ValueType::Decimal,
        })
    }

    /// The value as an `i64`, for any integer variant.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::I16(v) => Some(v.into()),
            Value::I32(v) => Some(v.into()),
            Value::I64(v) => Some(v),
            _ => None,
        }
    }

    /// A hashable form for grouping rows by key (relationship loading):
    /// integers of every width compare equal, `NULL` has none.
    pub(crate) fn group_key(&self) -> Option<GroupKey> {
        Some(match self {
            Value::Null(_) | Value::Invalid(_) | Value::Array(_) => return None,
            Value::Bool(v) => GroupKey::Bool(*v),
            Value::I16(_) | Value::I32(_) | Value::I64(_) => GroupKey::Int(self.as_i64()?),
            Value::F32(v) => GroupKey::Float(f64::from(*v).to_bits()),
            Value::F64(v) => GroupKey::Float(v.to_bits()),
            Value::Text(v) => GroupKey::Text(v.clone()),
            Value::Bytes(v) => GroupKey::Bytes(v.clone()),
            #[cfg(feature = "uuid")]
            Value::Uuid(v) => GroupKey::Bytes(v.as_bytes().to_vec()),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => GroupKey::Text(v.normalize().to_string()),
            // Dates, times and JSON: their canonical text.
            #[allow(unreachable_patterns, reason = "reachable with the date/json features")]
            other => GroupKey::Text(other.to_string()),
        })
    }
}

/// See [`Value::group_key`].
#[derive(Debug, Hash, PartialEq, Eq)]
pub(crate) enum GroupKey {
    Int(i64),
    Bool(bool),
    Text(String),
    Bytes(Vec<u8>),
    Float(u64),
}

/// Writes `text` as a SQL string literal, cut after 200 bytes.
fn quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    if text.len() > 200 {
        let cut = (0..=200)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        write!(
            f,
            "'{}…' ({} bytes)",
            text[..cut].replace('\'', "''"),
            text.len()
        )
    } else {
        write!(f, "'{}'", text.replace('\'', "''"))
    }
}

/// Shows the value the way SQL would spell it: `NULL`, `3`, `'Wakaland'`,
/// `'2024-05-01'`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null(_) => f.write_str("NULL"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::I16(v) => write!(f, "{v}"),
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::Text(v) => quoted(f, v),
            Value::Bytes(v) => write!(f, "<{} bytes>", v.len()),
            #[cfg(feature = "uuid")]
            Value::Uuid(v) => write!(f, "'{v}'"),
            #[cfg(feature = "chrono")]
            Value::ChronoDate(v) => write!(f, "'{v}'"),
            #[cfg(feature = "chrono")]
            Value::ChronoTime(v) => write!(f, "'{v}'"),
            #[cfg(feature = "chrono")]
            Value::ChronoDateTime(v) => write!(f, "'{v}'"),
            #[cfg(feature = "chrono")]
            Value::ChronoDateTimeUtc(v) => write!(f, "'{}'", v.to_rfc3339()),
            #[cfg(feature = "time")]
            Value::TimeDate(v) => write!(f, "'{v}'"),
            #[cfg(feature = "time")]
            Value::TimeTime(v) => write!(f, "'{v}'"),
            #[cfg(feature = "time")]
            Value::TimePrimitiveDateTime(v) => write!(f, "'{v}'"),
            #[cfg(feature = "time")]
            Value::TimeOffsetDateTime(v) => write!(f, "'{v}'"),
            #[cfg(feature = "json")]
            Value::Json(v) => quoted(f, &v.to_string()),
            #[cfg(feature = "rust_decimal")]
            Value::Decimal(v) => write!(f, "{v}"),
            Value::Invalid(invalid) => write!(f, "<invalid: {}>", invalid.reason),
            Value::Array(items) => {
                f.write_str("ARRAY")?;
                shown(f, items, "[", "]")
            }
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A list of parameters, displayed as `(3, 'Wakaland')`.
pub struct Params<'a>(pub &'a [Value]);

impl fmt::Display for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        shown(f, self.0, "(", ")")
    }
}

/// Writes the first 20 values between `open` and `close`, then how many
/// more there are.
fn shown(f: &mut fmt::Formatter<'_>, values: &[Value], open: &str, close: &str) -> fmt::Result {
    const SHOWN: usize = 20;
    f.write_str(open)?;
    for (i, v) in values.iter().take(SHOWN).enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{v}")?;
    }
    if values.len() > SHOWN {
        write!(f, ", … {} more", values.len() - SHOWN)?;
    }
    f.write_str(close)
}

/// Why a database value could not become the Rust type of its field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The column holds `NULL` but the field is not an `Option`.
    #[error("unexpected NULL (declare the field as `Option<_>`)")]
    UnexpectedNull,
    /// The value has another type than the field.
    #[error("expected {expected:?}, found {found}")]
    TypeMismatch {
        /// The type the field reads.
        expected: ValueType,
        /// What the database returned.
        found: String,
    },
    /// The value does not fit the field's type.
    #[error("value {0} is out of range for the field's type")]
    OutOfRange(String),
    /// The value has the right type but is not one the field accepts (an
    /// unknown enum variant, JSON that does not match the struct, ...).
    #[error("{0}")]
    Invalid(String),
    /// A raw query's rows have no column of this name
    /// ([`fetch_sql`](crate::Executor::fetch_sql) reads columns by name).
    #[error("the query returned no column of this name")]
    MissingColumn,
}

impl DecodeError {
    /// A [`DecodeError::TypeMismatch`] (or [`DecodeError::UnexpectedNull`])
    /// for a field reading `expected` that got `found`.
    pub fn mismatch(expected: ValueType, found: &Value) -> DecodeError {
        match found {
            Value::Null(_) => DecodeError::UnexpectedNull,
            other => DecodeError::TypeMismatch {
                expected,
                found: format!("{:?} {other}", other.kind()),
            },
        }
    }
}

/// A bound value serialises as the JSON a reader expects: `null`, a
/// boolean, a number, a string; bytes as an array of numbers; a JSON
/// column as the document itself; a decimal, a UUID and the date and time
/// types as their text (exact, and what the database would show).
#[cfg(feature = "serde")]
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null(_) => serializer.serialize_none(),
            Value::Bool(v) => serializer.serialize_bool(*v),
            Value::I16(v) => serializer.serialize_i16(*v),
            Value::I32(v) => serializer.serialize_i32(*v),
            Value::I64(v) => serializer.serialize_i64(*v),
            Value::F32(v) => serializer.serialize_f32(*v),
            Value::F64(v) => serializer.serialize_f64(*v),
            Value::Text(v) => serializer.serialize_str(v),
            Value::Bytes(v) => serializer.serialize_bytes(v),
            #[cfg(feature = "json")]
            Value::Json(v) => v.serialize(serializer),
            Value::Array(items) => serializer.collect_seq(items),
            other => {
                // SQL's spelling without its quotes: `'2024-05-01'` → `2024-05-01`.
                let text = other.to_string();
                let text = text
                    .strip_prefix('\'')
                    .and_then(|t| t.strip_suffix('\''))
                    .unwrap_or(&text);
                serializer.serialize_str(text)
            }
        }
    }
}
