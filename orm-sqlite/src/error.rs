//! SQLite errors to typed [`orm_core::Error`]s.

use orm_core::{Error, TimeoutKind};

/// `"UNIQUE constraint failed: hero.name, hero.x"` → (`hero`, [`name`, `x`]).
fn parse_columns(message: &str) -> (Option<String>, Vec<String>) {
    let Some((_, list)) = message.split_once(": ") else {
        return (None, Vec::new());
    };
    let mut table = None;
    let mut columns = Vec::new();
    for item in list.split(", ") {
        match item.trim().split_once('.') {
            Some((t, c)) => {
                table.get_or_insert_with(|| t.to_owned());
                columns.push(c.to_owned());
            }
            None => columns.push(item.trim().to_owned()),
        }
    }
    (table, columns)
}

/// Classifies a driver error by SQLite's extended result code.
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
    let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0);
    let message = db.message().to_owned();
    match code {
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
        2067 | 1555 => {
            let (table, columns) = parse_columns(&message);
            Error::UniqueViolation {
                table,
                columns,
                constraint: None,
                message,
            }
        }
        // SQLITE_CONSTRAINT_NOTNULL
        1299 => {
            let (table, columns) = parse_columns(&message);
            Error::NotNullViolation {
                table,
                columns,
                message,
            }
        }
        // SQLITE_CONSTRAINT_FOREIGNKEY; SQLITE_CONSTRAINT_TRIGGER is what
        // SQLite reports when ON DELETE RESTRICT fires.
        787 | 1811 if message.contains("FOREIGN KEY") => Error::ForeignKeyViolation {
            table: None,
            constraint: None,
            message,
        },
        // SQLITE_CONSTRAINT_CHECK
        275 => Error::CheckViolation {
            table: None,
            constraint: parse_columns(&message).1.into_iter().next(),
            message,
        },
        // SQLITE_BUSY_SNAPSHOT: in WAL mode, a read transaction tried to
        // write after another connection wrote: its snapshot is stale.
        517 => Error::SerializationFailure { message },
        // SQLITE_BUSY (after the busy timeout), SQLITE_BUSY_RECOVERY,
        // SQLITE_LOCKED: another connection holds the lock.
        5 | 261 | 6 => Error::LockTimeout { message },
        // SQLITE_INTERRUPT: the progress handler of the statement timeout
        // stopped the statement (see `backend::arm_deadline`).
        9 => Error::Timeout {
            what: TimeoutKind::Statement,
            after: orm_core::current_statement_timeout(),
        },
        _ => Error::Database(error),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_columns;

    #[test]
    fn parses_sqlite_constraint_messages() {
        assert_eq!(
            parse_columns("UNIQUE constraint failed: hero.name, hero.secret_name"),
            (
                Some("hero".to_owned()),
                vec!["name".to_owned(), "secret_name".to_owned()]
            )
        );
        assert_eq!(
            parse_columns("FOREIGN KEY constraint failed"),
            (None, vec![])
        );
    }
}
