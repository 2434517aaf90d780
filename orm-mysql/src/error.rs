//! MySQL / MariaDB errors, by error number, to typed [`orm_core::Error`]s.

use orm_core::{Error, TimeoutKind};
use sqlx::mysql::MySqlDatabaseError;

/// The text between the first pair of backticks after `after`.
fn quoted_after<'m>(message: &'m str, after: &str) -> Option<&'m str> {
    let rest = &message[message.find(after)? + after.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(&rest[start..end])
}

/// `(`db`.`child`, CONSTRAINT `name` FOREIGN KEY ...)` → (`child`, `name`).
fn foreign_key_names(message: &str) -> (Option<String>, Option<String>) {
    let table = message.find("fails (").and_then(|i| {
        let names = &message[i + "fails (".len()..];
        // `db`.`table`: the second quoted name.
        let after_db = &names[names.find("`.`")? + 2..];
        let start = after_db.find('`')? + 1;
        let end = start + after_db[start..].find('`')?;
        Some(after_db[start..end].to_owned())
    });
    let constraint = quoted_after(message, "CONSTRAINT").map(str::to_owned);
    (table, constraint)
}

/// The text between the first pair of single quotes after `after`.
fn single_quoted_after<'m>(message: &'m str, after: &str) -> Option<&'m str> {
    let rest = &message[message.find(after)? + after.len()..];
    let start = rest.find('\'')? + 1;
    let end = start + rest[start..].find('\'')?;
    Some(&rest[start..end])
}

/// Classifies a driver error by MySQL's error number, keeping the table,
/// column and constraint names the message gives.
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
    let Some(my) = db.try_downcast_ref::<MySqlDatabaseError>() else {
        return Error::Database(error);
    };
    let message = my.message().to_owned();
    match my.number() {
        // ER_DUP_ENTRY: "Duplicate entry 'x' for key 'ux_t_c'" (MySQL 8
        // writes 't.ux_t_c').
        1062 => {
            let key = single_quoted_after(&message, "for key");
            let (table, constraint) = match key.and_then(|k| k.split_once('.')) {
                Some((table, key)) => (Some(table.to_owned()), Some(key.to_owned())),
                None => (None, key.map(str::to_owned)),
            };
            Error::UniqueViolation {
                table,
                columns: Vec::new(),
                constraint,
                message,
            }
        }
        // ER_BAD_NULL_ERROR ("Column 'x' cannot be null"),
        // ER_NO_DEFAULT_FOR_FIELD ("Field 'x' doesn't have a default value").
        1048 | 1364 => Error::NotNullViolation {
            table: None,
            columns: message
                .split('\'')
                .nth(1)
                .map(str::to_owned)
                .into_iter()
                .collect(),
            message,
        },
        // ER_ROW_IS_REFERENCED(_2), ER_NO_REFERENCED_ROW(_2): the message
        // names the referencing table and the constraint.
        1451 | 1452 | 1216 | 1217 => {
            let (table, constraint) = foreign_key_names(&message);
            Error::ForeignKeyViolation {
                table,
                constraint,
                message,
            }
        }
        // ER_GET_ERRMSG with InnoDB's error 193: a cascade deeper than its
        // 15 levels ("Got error 193 '`db`.`t`, CONSTRAINT `c` ...' from InnoDB").
        1296 if message.contains("error 193") => {
            let constraint = quoted_after(&message, "CONSTRAINT").map(str::to_owned);
            let table = message
                .find("`.`")
                .and_then(|i| message[i + 3..].split('`').next())
                .map(str::to_owned);
            Error::ForeignKeyViolation {
                table,
                constraint,
                message: format!(
                    "InnoDB cascades at most 15 levels deep; let the ORM carry out this delete (no `passive_deletes`): {message}"
                ),
            }
        }
        // ER_CHECK_CONSTRAINT_VIOLATED (MySQL), ER_CONSTRAINT_FAILED (MariaDB).
        3819 | 4025 => Error::CheckViolation {
            table: None,
            constraint: single_quoted_after(&message, "constraint")
                .or_else(|| quoted_after(&message, "CONSTRAINT"))
                .map(str::to_owned),
            message,
        },
        // ER_LOCK_DEADLOCK
        1213 => Error::Deadlock { message },
        // ER_LOCK_WAIT_TIMEOUT
        1205 => Error::LockTimeout { message },
        // ER_STATEMENT_TIMEOUT (MariaDB's max_statement_time),
        // ER_QUERY_TIMEOUT (MySQL's max_execution_time).
        1969 | 3024 => Error::Timeout {
            what: TimeoutKind::Statement,
            after: None,
        },
        // ER_DATA_TOO_LONG, ER_WARN_DATA_OUT_OF_RANGE, ER_TRUNCATED_WRONG_VALUE:
        // strict mode refuses a value instead of cutting it.
        1406 | 1264 | 1292 | 1366 => {
            Error::InvalidValue(format!("the database refused the value: {message}"))
        }
        _ => Error::Database(error),
    }
}

#[cfg(test)]
mod tests {
    use super::{foreign_key_names, single_quoted_after};

    #[test]
    fn parses_mysql_constraint_messages() {
        assert_eq!(
            foreign_key_names(
                "Cannot delete or update a parent row: a foreign key constraint fails (`test`.`hero`, CONSTRAINT `hero_ibfk_1` FOREIGN KEY (`team_id`) REFERENCES `team` (`id`))"
            ),
            (Some("hero".to_owned()), Some("hero_ibfk_1".to_owned()))
        );
        assert_eq!(
            single_quoted_after("Duplicate entry 'x' for key 'ux_hero_name'", "for key"),
            Some("ux_hero_name")
        );
        assert_eq!(foreign_key_names("something else"), (None, None));
    }
}
