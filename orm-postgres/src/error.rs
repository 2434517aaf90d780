//! PostgreSQL errors (SQLSTATE classes 23, 40, 55 and 57) to typed [`orm_core::Error`]s.

use orm_core::{Error, TimeoutKind};
use sqlx::postgres::PgDatabaseError;

/// `Key (name, x)=(a, b) already exists.` → [`name`, `x`].
fn key_columns(detail: &str) -> Vec<String> {
    let Some(rest) = detail.strip_prefix("Key (") else {
        return Vec::new();
    };
    let Some((list, _)) = rest.split_once(")=(") else {
        return Vec::new();
    };
    list.split(", ")
        .map(|c| c.trim().trim_matches('"').to_owned())
        .collect()
}

/// Classifies a driver error by its SQLSTATE, keeping the table, column and
/// constraint names the server reports.
pub(crate) fn map_error(error: sqlx::Error) -> Error {
    if let sqlx::Error::PoolTimedOut = error {
        return Error::Timeout {
            what: TimeoutKind::Acquire,
            after: None,
        };
    }
    let sqlx::Error::Database(db) = &error else {
        return Error::Database(error);
    };
    let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() else {
        return Error::Database(error);
    };
    let table = pg.table().map(str::to_owned);
    let constraint = pg.constraint().map(str::to_owned);
    let message = pg.message().to_owned();
    match pg.code() {
        // unique_violation
        "23505" => Error::UniqueViolation {
            table,
            columns: pg.detail().map(key_columns).unwrap_or_default(),
            constraint,
            message,
        },
        // not_null_violation
        "23502" => Error::NotNullViolation {
            table,
            columns: pg.column().map(str::to_owned).into_iter().collect(),
            message,
        },
        // foreign_key_violation; restrict_violation
        "23503" | "23001" => Error::ForeignKeyViolation {
            table,
            constraint,
            message,
        },
        // check_violation
        "23514" => Error::CheckViolation {
            table,
            constraint,
            message,
        },
        // deadlock_detected
        "40P01" => Error::Deadlock { message },
        // lock_not_available (lock_timeout, NOWAIT)
        "55P03" => Error::LockTimeout { message },
        // serialization_failure
        "40001" => Error::SerializationFailure { message },
        // query_canceled by the server's statement_timeout (not by a
        // cancel request, which says "due to user request").
        "57014" if message.contains("statement timeout") => Error::Timeout {
            what: TimeoutKind::Statement,
            after: None,
        },
        _ => Error::Database(error),
    }
}

#[cfg(test)]
mod tests {
    use super::key_columns;

    #[test]
    fn parses_key_details() {
        assert_eq!(
            key_columns("Key (name, secret_name)=(Deadpond, Dive Wilson) already exists."),
            vec!["name".to_owned(), "secret_name".to_owned()]
        );
        assert_eq!(
            key_columns("Key (\"Odd\")=(1) already exists."),
            vec!["Odd".to_owned()]
        );
        assert!(key_columns("Failing row contains (1, null).").is_empty());
    }
}
