//! Values bound to statements and read back from rows.

use std::fmt;

use crate::schema::ColumnKind;

/// A value sent to or read from the database.
///
/// Every parameter the ORM binds is a `Value`, which is what makes statements
/// loggable with their parameters and lets one query builder serve every
/// backend.
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
}

impl Value {
    /// `true` for [`Value::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null(_))
    }

    /// The kind of column this value fits.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Value::Null(kind) => *kind,
            Value::Bool(_) => ColumnKind::Bool,
            Value::I16(_) => ColumnKind::SmallInt,
            Value::I32(_) => ColumnKind::Int,
            Value::I64(_) => ColumnKind::BigInt,
            Value::F32(_) => ColumnKind::Float,
            Value::F64(_) => ColumnKind::Double,
            Value::Text(_) => ColumnKind::Text,
            Value::Bytes(_) => ColumnKind::Blob,
        }
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
}

/// Shows the value the way SQL would spell it: `NULL`, `3`, `'Wakaland'`.
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
            Value::Text(v) if v.len() > 200 => {
                let cut = (0..=200)
                    .rev()
                    .find(|i| v.is_char_boundary(*i))
                    .unwrap_or(0);
                write!(f, "'{}…' ({} bytes)", v[..cut].replace('\'', "''"), v.len())
            }
            Value::Text(v) => write!(f, "'{}'", v.replace('\'', "''")),
            Value::Bytes(v) => write!(f, "<{} bytes>", v.len()),
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
        const SHOWN: usize = 20;
        f.write_str("(")?;
        for (i, v) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{v}")?;
        }
        if self.0.len() > SHOWN {
            write!(f, ", … {} more", self.0.len() - SHOWN)?;
        }
        f.write_str(")")
    }
}

/// Why a database value could not become the Rust type of its field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    /// The column holds `NULL` but the field is not an `Option`.
    #[error("unexpected NULL (declare the field as `Option<_>`)")]
    UnexpectedNull,
    /// The value has another type than the field.
    #[error("expected {expected:?}, found {found}")]
    TypeMismatch {
        /// The kind the field expects.
        expected: ColumnKind,
        /// What the database returned.
        found: String,
    },
    /// The value does not fit the field's type.
    #[error("value {0} is out of range for the field's type")]
    OutOfRange(String),
}

/// A Rust type that can be stored in one column.
///
/// Implemented for `bool`, the integer types up to `i64`/`u32`, `f32`, `f64`,
/// `String`, `Vec<u8>` and `Option<T>` of any of them. Implement it for your
/// own types (a newtype id, an enum stored as text) to use them as fields:
///
/// ```
/// use orm_core::{ColumnKind, ColumnValue, DecodeError, Value};
///
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// pub struct Cents(i64);
///
/// impl ColumnValue for Cents {
///     const KIND: ColumnKind = ColumnKind::BigInt;
///     fn to_value(&self) -> Value {
///         Value::I64(self.0)
///     }
///     fn from_value(value: Value) -> Result<Self, DecodeError> {
///         i64::from_value(value).map(Cents)
///     }
/// }
///
/// assert_eq!(Cents::from_value(Cents(250).to_value()), Ok(Cents(250)));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "not a column type",
    note = "column fields must implement `orm_core::ColumnValue` (integers, floats, bool, String, Vec<u8>, Option<T>); relationship fields need `#[relationship(...)]`"
)]
pub trait ColumnValue: Sized + Send + Sync + 'static {
    /// The storage class of the column.
    const KIND: ColumnKind;
    /// `true` when the column accepts `NULL` (only `Option<T>`).
    const NULLABLE: bool = false;
    /// Converts the field to a bindable value.
    fn to_value(&self) -> Value;
    /// Converts a value read from the database back.
    fn from_value(value: Value) -> Result<Self, DecodeError>;
}

fn mismatch(expected: ColumnKind, found: &Value) -> DecodeError {
    match found {
        Value::Null(_) => DecodeError::UnexpectedNull,
        other => DecodeError::TypeMismatch {
            expected,
            found: format!("{:?} {other}", other.kind()),
        },
    }
}

macro_rules! integer_column {
    ($($ty:ty => $kind:ident, $variant:ident;)*) => {$(
        impl ColumnValue for $ty {
            const KIND: ColumnKind = ColumnKind::$kind;
            fn to_value(&self) -> Value {
                Value::$variant((*self).into())
            }
            fn from_value(value: Value) -> Result<Self, DecodeError> {
                match value.as_i64() {
                    Some(v) => <$ty>::try_from(v).map_err(|_| DecodeError::OutOfRange(v.to_string())),
                    None => Err(mismatch(Self::KIND, &value)),
                }
            }
        }
    )*};
}

integer_column! {
    i8 => SmallInt, I16;
    u8 => SmallInt, I16;
    i16 => SmallInt, I16;
    u16 => Int, I32;
    i32 => Int, I32;
    u32 => BigInt, I64;
    i64 => BigInt, I64;
}

impl ColumnValue for bool {
    const KIND: ColumnKind = ColumnKind::Bool;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(v) => Ok(v),
            ref v => match v.as_i64() {
                Some(i) => Ok(i != 0),
                None => Err(mismatch(Self::KIND, v)),
            },
        }
    }
}

impl ColumnValue for f64 {
    const KIND: ColumnKind = ColumnKind::Double;
    fn to_value(&self) -> Value {
        Value::F64(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::F64(v) => Ok(v),
            Value::F32(v) => Ok(v.into()),
            ref v => match v.as_i64() {
                Some(i) => Ok(i as f64),
                None => Err(mismatch(Self::KIND, v)),
            },
        }
    }
}

impl ColumnValue for f32 {
    const KIND: ColumnKind = ColumnKind::Float;
    fn to_value(&self) -> Value {
        Value::F32(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::F32(v) => Ok(v),
            Value::F64(v) => Ok(v as f32),
            ref v => match v.as_i64() {
                Some(i) => Ok(i as f32),
                None => Err(mismatch(Self::KIND, v)),
            },
        }
    }
}

impl ColumnValue for String {
    const KIND: ColumnKind = ColumnKind::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Text(v) => Ok(v),
            v => Err(mismatch(Self::KIND, &v)),
        }
    }
}

impl ColumnValue for Vec<u8> {
    const KIND: ColumnKind = ColumnKind::Blob;
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bytes(v) => Ok(v),
            v => Err(mismatch(Self::KIND, &v)),
        }
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const KIND: ColumnKind = T::KIND;
    const NULLABLE: bool = true;
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::KIND),
        }
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null(_) => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

macro_rules! value_from {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                v.to_value()
            }
        }
    )*};
}

value_from!(
    bool,
    i8,
    u8,
    i16,
    u16,
    i32,
    u32,
    i64,
    f32,
    f64,
    String,
    Vec<u8>
);

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl<T: ColumnValue> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.to_value()
    }
}
