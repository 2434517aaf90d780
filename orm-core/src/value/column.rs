//! The traits mapping Rust types to column values, and their built-in
//! implementations.

use super::{DecodeError, Value, ValueType};
use crate::schema::ColumnKind;

/// A Rust type stored in one column: the non-null value of a field.
///
/// Implemented for `bool`, the integer types up to `i64`/`u32`, `f32`,
/// `f64`, `String`, `Vec<u8>` and, behind cargo features, `uuid::Uuid`,
/// the chrono and time date/time types, `serde_json::Value`,
/// `sqlx::types::Json<T>` and `rust_decimal::Decimal`. A field of type
/// `Option<T>` is a nullable column of `T`.
///
/// For your own types, `#[derive(ColumnValue)]` covers the two common cases
/// — a newtype (`struct UserId(Uuid)`) stored like its field, and an enum
/// stored as text or as its integer discriminant — and a hand-written
/// implementation is three items: the [`ValueType`] it is stored as and the
/// two conversions.
///
/// ```
/// use orm_core::{ColumnValue, DecodeError, Value, ValueType};
///
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// pub struct Cents(i64);
///
/// impl ColumnValue for Cents {
///     const TYPE: ValueType = ValueType::I64;
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
    note = "column fields must implement `orm_core::ColumnValue`: integers, floats, bool, String, Vec<u8>, the uuid / chrono / time / json / rust_decimal types behind the backend's cargo features, `Option<T>` of any of them, or your own type with `#[derive(ColumnValue)]`; relationship fields need `#[relationship(...)]`"
)]
pub trait ColumnValue: Sized + Send + Sync + 'static {
    /// The value type this is bound and read as. The column's SQL kind is
    /// `TYPE.kind()`.
    const TYPE: ValueType;
    /// Converts the value to a bindable [`Value`] (never `Null`: `None` is
    /// the business of `Option<T>`). A conversion that can fail returns
    /// [`Value::invalid`], which fails the statement before it is sent.
    fn to_value(&self) -> Value;
    /// Converts a value read from the database back.
    fn from_value(value: Value) -> Result<Self, DecodeError>;
}

/// A [`ColumnValue`] that `LIKE` applies to (text). `Column::like` is only
/// available on columns of such a type (or `Option` of one).
pub trait TextValue: ColumnValue {}

impl TextValue for String {}

/// The type of a column field: a [`ColumnValue`] `T` (`NOT NULL`), or
/// `Option<T>` (nullable). Implemented for exactly those (implement
/// [`ColumnValue`] for your own types, not this); `#[derive(Model)]` reads a
/// field's metadata from it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column",
    label = "not a column type",
    note = "column fields must implement `orm_core::ColumnValue` (integers, floats, bool, String, Vec<u8>, the uuid / chrono / time / json / rust_decimal types behind the backend's cargo features, your own types with `#[derive(ColumnValue)]`), or be `Option<T>` of one; relationship fields need `#[relationship(...)]`"
)]
pub trait FieldType: Sized + Send + Sync + 'static {
    /// The non-null type: `T` for both `T` and `Option<T>`.
    type Base: ColumnValue;
    /// `true` for `Option<T>`.
    const NULLABLE: bool;
    /// The value type of the column.
    const VALUE_TYPE: ValueType = <Self::Base as ColumnValue>::TYPE;
    /// The SQL kind of the column.
    const KIND: ColumnKind = Self::VALUE_TYPE.kind();
    /// Converts the field to a bindable value (`None` is a typed `NULL`).
    fn encode(&self) -> Value;
    /// Converts a value read from the database back.
    fn decode(value: Value) -> Result<Self, DecodeError>;
}

impl<T: ColumnValue> FieldType for T {
    type Base = T;
    const NULLABLE: bool = false;
    fn encode(&self) -> Value {
        self.to_value()
    }
    fn decode(value: Value) -> Result<Self, DecodeError> {
        T::from_value(value)
    }
}

impl<T: ColumnValue> FieldType for Option<T> {
    type Base = T;
    const NULLABLE: bool = true;
    fn encode(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null(T::TYPE.kind()),
        }
    }
    fn decode(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null(_) => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

macro_rules! integer_column {
    ($($ty:ty => $type:ident, $variant:ident;)*) => {$(
        impl ColumnValue for $ty {
            const TYPE: ValueType = ValueType::$type;
            fn to_value(&self) -> Value {
                Value::$variant((*self).into())
            }
            fn from_value(value: Value) -> Result<Self, DecodeError> {
                match value.as_i64() {
                    Some(v) => <$ty>::try_from(v).map_err(|_| DecodeError::OutOfRange(v.to_string())),
                    None => Err(DecodeError::mismatch(Self::TYPE, &value)),
                }
            }
        }
    )*};
}

integer_column! {
    i8 => I16, I16;
    u8 => I16, I16;
    i16 => I16, I16;
    u16 => I32, I32;
    i32 => I32, I32;
    u32 => I64, I64;
    i64 => I64, I64;
}

impl ColumnValue for bool {
    const TYPE: ValueType = ValueType::Bool;
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(v) => Ok(v),
            ref v => match v.as_i64() {
                Some(i) => Ok(i != 0),
                None => Err(DecodeError::mismatch(Self::TYPE, v)),
            },
        }
    }
}

/// NaN and the infinities cannot be stored the same way everywhere: SQLite
/// binds NaN as `NULL` (a `NOT NULL` column then reports a confusing
/// violation, an `Option<f64>` comes back `None`) and MySQL stores neither.
/// They are refused before anything is sent, on every backend.
fn finite(kind: ColumnKind, value: f64, make: impl FnOnce() -> Value) -> Value {
    if value.is_finite() {
        make()
    } else {
        Value::invalid(
            kind,
            format!(
                "{value} is not a finite number, and not every supported database can store it (SQLite turns NaN into NULL, MySQL refuses both NaN and infinity)"
            ),
        )
    }
}

impl ColumnValue for f64 {
    const TYPE: ValueType = ValueType::F64;
    fn to_value(&self) -> Value {
        finite(ColumnKind::Double, *self, || Value::F64(*self))
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::F64(v) => Ok(v),
            Value::F32(v) => Ok(v.into()),
            ref v => match v.as_i64() {
                Some(i) => Ok(i as f64),
                None => Err(DecodeError::mismatch(Self::TYPE, v)),
            },
        }
    }
}

impl ColumnValue for f32 {
    const TYPE: ValueType = ValueType::F32;
    fn to_value(&self) -> Value {
        finite(ColumnKind::Float, f64::from(*self), || Value::F32(*self))
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::F32(v) => Ok(v),
            Value::F64(v) => Ok(v as f32),
            ref v => match v.as_i64() {
                Some(i) => Ok(i as f32),
                None => Err(DecodeError::mismatch(Self::TYPE, v)),
            },
        }
    }
}

impl ColumnValue for String {
    const TYPE: ValueType = ValueType::Text;
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Text(v) => Ok(v),
            v => Err(DecodeError::mismatch(Self::TYPE, &v)),
        }
    }
}

impl ColumnValue for Vec<u8> {
    const TYPE: ValueType = ValueType::Bytes;
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bytes(v) => Ok(v),
            v => Err(DecodeError::mismatch(Self::TYPE, &v)),
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

value_from!(bool, i8, u8, i16, u16, i32, u32, i64, f32, f64, Vec<u8>);

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}

impl<T: ColumnValue> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.encode()
    }
}

/// A primary-key value: one [`ColumnValue`], or a tuple of them for a
/// composite key (`(i64, i64)` for `#[field(primary_key)]` on two `i64`
/// fields), in field order. [`Model::Key`](crate::Model::Key) is one, so
/// `db.get::<PostTag>((post, tag))` takes the whole key and nothing else.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a primary-key value",
    note = "a key is one column value (`i64`, `Uuid`, a `#[derive(ColumnValue)]` newtype) or, for a composite key, a tuple of them in field order"
)]
pub trait KeyValue: Send + Sync + 'static {
    /// The key's column values, in key-column order.
    fn key_values(&self) -> Vec<Value>;
}

impl<T: ColumnValue> KeyValue for T {
    fn key_values(&self) -> Vec<Value> {
        vec![self.to_value()]
    }
}

macro_rules! tuple_keys {
    ($(($($name:ident),+)),+ $(,)?) => {$(
        #[allow(non_snake_case)]
        impl<$($name: ColumnValue),+> KeyValue for ($($name,)+) {
            fn key_values(&self) -> Vec<Value> {
                let ($($name,)+) = self;
                vec![$($name.to_value()),+]
            }
        }
    )+};
}

tuple_keys!((A, B), (A, B, C), (A, B, C, D));
