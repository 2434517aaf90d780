//! [`ColumnValue`] for the types behind cargo features: uuid, chrono, time,
//! JSON and decimals. Each maps onto its own [`Value`] variant, which the
//! backends bind and read with sqlx's implementation for the same type.

#[allow(unused_imports)]
use super::{ColumnValue, DecodeError, Value, ValueType};

/// `impl ColumnValue` for a type stored as the variant of the same name,
/// plus `From<T> for Value`.
#[allow(unused_macros)]
macro_rules! variant_column {
    ($($ty:ty => $variant:ident;)*) => {$(
        impl ColumnValue for $ty {
            const TYPE: ValueType = ValueType::$variant;
            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
            fn from_value(value: Value) -> Result<Self, DecodeError> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(DecodeError::mismatch(Self::TYPE, &other)),
                }
            }
        }

        impl From<$ty> for Value {
            fn from(v: $ty) -> Value {
                Value::$variant(v)
            }
        }
    )*};
}

#[cfg(feature = "uuid")]
impl ColumnValue for uuid::Uuid {
    const TYPE: ValueType = ValueType::Uuid;
    fn to_value(&self) -> Value {
        Value::Uuid(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Uuid(v) => Ok(v),
            // As a raw query may return it: 16 bytes, or hyphenated text.
            Value::Bytes(bytes) => uuid::Uuid::from_slice(&bytes)
                .map_err(|e| DecodeError::Invalid(format!("not a UUID: {e}"))),
            Value::Text(text) => uuid::Uuid::parse_str(&text)
                .map_err(|e| DecodeError::Invalid(format!("not a UUID: {e}"))),
            other => Err(DecodeError::mismatch(Self::TYPE, &other)),
        }
    }
}

#[cfg(feature = "uuid")]
impl From<uuid::Uuid> for Value {
    fn from(v: uuid::Uuid) -> Value {
        Value::Uuid(v)
    }
}

#[cfg(feature = "chrono")]
variant_column! {
    chrono::NaiveDate => ChronoDate;
    chrono::NaiveTime => ChronoTime;
    chrono::NaiveDateTime => ChronoDateTime;
    chrono::DateTime<chrono::Utc> => ChronoDateTimeUtc;
}

#[cfg(feature = "time")]
variant_column! {
    time::Date => TimeDate;
    time::Time => TimeTime;
    time::PrimitiveDateTime => TimePrimitiveDateTime;
    time::OffsetDateTime => TimeOffsetDateTime;
}

#[cfg(feature = "rust_decimal")]
impl ColumnValue for rust_decimal::Decimal {
    const TYPE: ValueType = ValueType::Decimal;
    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        use std::str::FromStr;
        match value {
            Value::Decimal(v) => Ok(v),
            // SQLite stores decimals as text (exactly); a raw query may
            // also return an integer.
            Value::Text(text) => rust_decimal::Decimal::from_str(&text)
                .map_err(|e| DecodeError::Invalid(format!("not a decimal: {e}"))),
            ref v => match v.as_i64() {
                Some(i) => Ok(i.into()),
                None => Err(DecodeError::mismatch(Self::TYPE, v)),
            },
        }
    }
}

#[cfg(feature = "rust_decimal")]
impl From<rust_decimal::Decimal> for Value {
    fn from(v: rust_decimal::Decimal) -> Value {
        Value::Decimal(v)
    }
}

#[cfg(feature = "json")]
impl ColumnValue for serde_json::Value {
    const TYPE: ValueType = ValueType::Json;
    fn to_value(&self) -> Value {
        Value::Json(Box::new(self.clone()))
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Json(v) => Ok(*v),
            Value::Text(text) => serde_json::from_str(&text)
                .map_err(|e| DecodeError::Invalid(format!("not JSON: {e}"))),
            other => Err(DecodeError::mismatch(Self::TYPE, &other)),
        }
    }
}

#[cfg(feature = "json")]
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        Value::Json(Box::new(v))
    }
}

/// A JSON column holding any serde type: `pub settings: Json<Settings>`.
/// A value whose `Serialize` fails is refused with
/// [`Error::InvalidValue`](crate::Error::InvalidValue) when bound; a stored
/// document that does not deserialize is a [`DecodeError::Invalid`].
#[cfg(feature = "json")]
impl<T> ColumnValue for sqlx::types::Json<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
{
    const TYPE: ValueType = ValueType::Json;
    fn to_value(&self) -> Value {
        match serde_json::to_value(&self.0) {
            Ok(v) => Value::Json(Box::new(v)),
            Err(e) => Value::invalid(
                crate::ColumnKind::Json,
                format_args!(
                    "cannot serialize {} as JSON: {e}",
                    std::any::type_name::<T>()
                ),
            ),
        }
    }
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        let json = serde_json::Value::from_value(value)?;
        serde_json::from_value(json)
            .map(sqlx::types::Json)
            .map_err(|e| {
                DecodeError::Invalid(format!(
                    "the JSON does not match {}: {e}",
                    std::any::type_name::<T>()
                ))
            })
    }
}
