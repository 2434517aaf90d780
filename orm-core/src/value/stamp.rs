//! The stamps a soft delete writes into `#[model(soft_delete = "...")]`
//! columns: one instant per soft delete, in microseconds since the Unix
//! epoch, written as each column's type holds it (an `i64` of
//! microseconds, or a timestamp). Two soft deletes of one process never
//! get the same stamp, so a restore clears the marks of exactly one.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Value, ValueType};

/// The last stamp handed out in this process.
static LAST: AtomicI64 = AtomicI64::new(0);

/// Now, in microseconds since the Unix epoch; later than every stamp this
/// process handed out before.
pub(crate) fn next() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let stamp = now.max(last.saturating_add(1));
        match LAST.compare_exchange_weak(last, stamp, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return stamp,
            Err(seen) => last = seen,
        }
    }
}

/// The stamp `micros` as a value of `ty`; `None` for a type that holds no
/// instant.
pub(crate) fn to_value(micros: i64, ty: ValueType) -> Option<Value> {
    match ty {
        ValueType::I64 => Some(Value::I64(micros)),
        #[cfg(feature = "chrono")]
        ValueType::ChronoDateTimeUtc => {
            chrono::DateTime::from_timestamp_micros(micros).map(Value::ChronoDateTimeUtc)
        }
        #[cfg(feature = "chrono")]
        ValueType::ChronoDateTime => chrono::DateTime::from_timestamp_micros(micros)
            .map(|t| Value::ChronoDateTime(t.naive_utc())),
        #[cfg(feature = "time")]
        ValueType::TimeOffsetDateTime => {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
                .ok()
                .map(Value::TimeOffsetDateTime)
        }
        #[cfg(feature = "time")]
        ValueType::TimePrimitiveDateTime => {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
                .ok()
                .map(|t| {
                    Value::TimePrimitiveDateTime(time::PrimitiveDateTime::new(t.date(), t.time()))
                })
        }
        _ => None,
    }
}

/// The stamp a value of a `soft_delete` column holds, in microseconds
/// since the Unix epoch; `None` for `NULL` (a live row).
pub(crate) fn from_value(value: &Value) -> Option<i64> {
    match value {
        Value::I64(micros) => Some(*micros),
        #[cfg(feature = "chrono")]
        Value::ChronoDateTimeUtc(t) => Some(t.timestamp_micros()),
        #[cfg(feature = "chrono")]
        Value::ChronoDateTime(t) => Some(t.and_utc().timestamp_micros()),
        #[cfg(feature = "time")]
        Value::TimeOffsetDateTime(t) => i64::try_from(t.unix_timestamp_nanos() / 1_000).ok(),
        #[cfg(feature = "time")]
        Value::TimePrimitiveDateTime(t) => {
            i64::try_from(t.assume_utc().unix_timestamp_nanos() / 1_000).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_only_grow() {
        let first = next();
        let second = next();
        assert!(second > first, "{first} then {second}");
    }

    #[test]
    fn a_stamp_survives_every_type() {
        let micros = 1_765_000_000_123_456;
        #[cfg_attr(not(any(feature = "chrono", feature = "time")), allow(unused_mut))]
        let mut types = vec![ValueType::I64];
        #[cfg(feature = "chrono")]
        types.extend([ValueType::ChronoDateTimeUtc, ValueType::ChronoDateTime]);
        #[cfg(feature = "time")]
        types.extend([
            ValueType::TimeOffsetDateTime,
            ValueType::TimePrimitiveDateTime,
        ]);
        for ty in types {
            let value = match to_value(micros, ty) {
                Some(value) => value,
                None => panic!("{ty:?} holds no stamp"),
            };
            assert_eq!(from_value(&value), Some(micros), "{ty:?}");
        }
        assert_eq!(to_value(micros, ValueType::Text), None);
    }
}
