//! The error type.

use std::time::Duration;

use crate::value::DecodeError;

/// Everything that can go wrong, typed so callers can match on it.
///
/// Database errors are classified by the backend: constraint violations carry
/// the table, column or constraint the database named.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A `UNIQUE` or primary-key constraint failed.
    #[error("unique constraint violated{}", describe(table, columns, constraint))]
    UniqueViolation {
        /// Table, when the database names it.
        table: Option<String>,
        /// Columns, when the database names them.
        columns: Vec<String>,
        /// Constraint name, when the database names it.
        constraint: Option<String>,
        /// The database's own message.
        message: String,
    },
    /// A `NOT NULL` constraint failed.
    #[error("NOT NULL constraint violated{}", describe(table, columns, &None))]
    NotNullViolation {
        /// Table, when the database names it.
        table: Option<String>,
        /// Column, when the database names it.
        columns: Vec<String>,
        /// The database's own message.
        message: String,
    },
    /// A foreign-key constraint failed.
    #[error("foreign key constraint violated{}", describe(table, &[], constraint))]
    ForeignKeyViolation {
        /// Table, when the database names it.
        table: Option<String>,
        /// Constraint name, when the database names it.
        constraint: Option<String>,
        /// The database's own message.
        message: String,
    },
    /// A `CHECK` constraint failed.
    #[error("check constraint violated{}", describe(table, &[], constraint))]
    CheckViolation {
        /// Table, when the database names it.
        table: Option<String>,
        /// Constraint name, when the database names it.
        constraint: Option<String>,
        /// The database's own message.
        message: String,
    },
    /// The database chose this transaction as the victim of a deadlock and
    /// rolled it back (PostgreSQL 40P01, MySQL 1213). Retryable: run the
    /// whole transaction again.
    #[error("deadlock detected; the transaction was rolled back and can be retried: {message}")]
    Deadlock {
        /// The database's own message.
        message: String,
    },
    /// Waiting for a row or table lock took longer than the configured
    /// timeout (PostgreSQL 55P03 `lock_timeout`, MySQL 1205
    /// `innodb_lock_wait_timeout`). Retryable.
    #[error("lock wait timed out; retry the operation: {message}")]
    LockTimeout {
        /// The database's own message.
        message: String,
    },
    /// A serializable (or repeatable-read) transaction could not be ordered
    /// with a concurrent one (PostgreSQL 40001). Retryable: run the whole
    /// transaction again.
    #[error("could not serialize access; the transaction can be retried: {message}")]
    SerializationFailure {
        /// The database's own message.
        message: String,
    },
    /// A delete was refused because rows still reference the rows being
    /// deleted through a `RESTRICT` / `NO ACTION` foreign key. Nothing was written.
    #[error(
        "cannot delete from `{parent_table}`: {count} row(s) in `{table}` still reference it through `{table}.{column}` (ON DELETE {action}); delete or detach them first"
    )]
    Restricted {
        /// The table whose rows were to be deleted.
        parent_table: &'static str,
        /// The referencing table.
        table: &'static str,
        /// The referencing column.
        column: &'static str,
        /// How many referencing rows exist.
        count: u64,
        /// `RESTRICT` or `NO ACTION`.
        action: crate::Action,
    },
    /// No row has this primary key.
    #[error("no row in `{table}` with {column} = {key}")]
    NotFound {
        /// The table searched.
        table: &'static str,
        /// The primary-key column.
        column: &'static str,
        /// The key, as SQL would print it.
        key: String,
    },
    /// A query expected a row ([`Query::one`](crate::Query::one)) and none matched.
    #[error("no row in `{table}` matches {filter}")]
    NoMatch {
        /// The table queried.
        table: &'static str,
        /// The filter, as SQL would print it.
        filter: String,
    },
    /// The model value has no primary key yet (it was never inserted).
    #[error("`{model}` has no primary key value yet; insert it first")]
    MissingPrimaryKey {
        /// The Rust model name.
        model: &'static str,
    },
    /// A value read from the database does not fit the field.
    #[error("cannot decode `{table}.{column}`: {source}")]
    Decode {
        /// The table read.
        table: &'static str,
        /// The column read.
        column: &'static str,
        /// Why.
        #[source]
        source: DecodeError,
    },
    /// `passive_deletes` leaves `ON DELETE` to the database, but this
    /// connection does not enforce foreign keys, so the delete would orphan rows.
    #[error(
        "`{model}::{relation}` has passive_deletes, but this connection does not enforce foreign keys (SQLite: PRAGMA foreign_keys = OFF; PostgreSQL: session_replication_role = replica); nothing was deleted"
    )]
    ForeignKeysNotEnforced {
        /// The parent model.
        model: &'static str,
        /// The relationship field.
        relation: &'static str,
    },
    /// [`detach`](crate::Executor::detach) would set the children's
    /// foreign key to `NULL`, but that column is not nullable (and the
    /// relationship has no `cascade_delete`, with which detached children
    /// are deleted instead). Nothing was written.
    #[error(
        "cannot detach the children of `{model}::{relation}`: `{table}.{column}` is not nullable, so they cannot be set to NULL; make that field an `Option<_>`, or add `cascade_delete` to the relationship so that detached children are deleted"
    )]
    CannotDetach {
        /// The parent model.
        model: &'static str,
        /// The relationship field.
        relation: &'static str,
        /// The child table.
        table: &'static str,
        /// The child's foreign-key column.
        column: &'static str,
    },
    /// A relationship's metadata does not resolve (e.g. the models were not
    /// checked together). The message says which.
    #[error("invalid relationship `{model}::{relation}`: {reason}")]
    InvalidRelation {
        /// The model holding the relationship field.
        model: &'static str,
        /// The relationship field.
        relation: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A table the [`Schema`](crate::Schema) registry needs is not
    /// registered: a foreign key or a relationship of a registered model
    /// references it, or an operation on a [`Db`](crate::Db) with a schema
    /// names a model outside it. Nothing was done.
    #[error(
        "table `{table}` is not in the schema, but {needed_by} needs it; add its model to `Schema::new`"
    )]
    NotInSchema {
        /// The missing table.
        table: &'static str,
        /// What needs it: a foreign key, a relationship or an operation.
        needed_by: String,
    },
    /// A value the database cannot store as given (PostgreSQL: text with a
    /// NUL character). Nothing was sent.
    #[error("the database cannot store this value: {0}")]
    InvalidValue(String),
    /// A model declares a column this database cannot store as declared
    /// (see [`Dialect::column_problem`](crate::Dialect::column_problem)), or
    /// the schema contradicts itself. Nothing was created.
    #[error("cannot create `{table}.{column}`: {reason}")]
    InvalidSchema {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// Why, and what to do instead.
        reason: String,
    },
    /// Two names of the schema would be one object in the database: equal
    /// but for letter case (SQLite and MySQL columns compare names that
    /// way), or reserved for the ORM's own tables (`_orm_...`), or too long
    /// to be kept whole. Nothing was created.
    #[error("{kind} `{first}` and `{second}` would be one {kind} in the database: {reason}")]
    NameCollision {
        /// `"table"`, `"column"` or `"index"`.
        kind: &'static str,
        /// The name declared.
        first: String,
        /// The name it collides with.
        second: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// `create_all` found, under a name it declares, an object that is not
    /// the one declared (an index of another table or on other columns, a
    /// table without one of the model's columns): `IF NOT EXISTS` skipped
    /// it, and running on it would weaken what the model promises.
    #[error("`{table}`: {object} is declared as {declared}, but the database has {found}")]
    SchemaMismatch {
        /// The table being created.
        table: &'static str,
        /// The object (`index ux_...`, `column name`).
        object: String,
        /// What the model declares.
        declared: String,
        /// What the database has under that name.
        found: String,
    },
    /// `set_column_value` was asked for a column the model does not have
    /// (metadata and struct disagree: a bug in hand-written metadata).
    #[error("`{model}` has no column at index {index} (it has {columns})")]
    NoSuchColumn {
        /// The Rust model name.
        model: &'static str,
        /// The index asked for.
        index: usize,
        /// How many columns the model has.
        columns: usize,
    },
    /// The database answered something the ORM cannot make sense of (a
    /// count that is not an integer, fewer generated keys than rows
    /// inserted). Nothing is assumed: the operation stops here, and its
    /// transaction rolls back.
    #[error("unexpected answer from the database: {0}")]
    UnexpectedResult(String),
    /// A bound set by [`statement_timeout`] or [`acquire_timeout`] (or the
    /// database's own statement timeout) ran out. The ORM never waits
    /// forever for a server that stopped answering.
    ///
    /// What the caller can assume, by [`TimeoutKind`]:
    ///
    /// - [`Acquire`](TimeoutKind::Acquire): no connection was free (or could
    ///   be opened) in time. Nothing was sent; retrying is safe
    ///   ([`is_retryable`](Error::is_retryable) is `true`).
    /// - [`Statement`](TimeoutKind::Statement): the database did not answer
    ///   one statement in time. Inside a transaction the ORM opened itself
    ///   (deletes, `insert_many`), nothing of it is committed unless the
    ///   statement that timed out was the `COMMIT` itself; a single
    ///   statement outside a transaction (`insert`, `update`,
    ///   `execute_sql`), or a `COMMIT`, may still take effect when the
    ///   server answers again: **the outcome is unknown**, so this is not
    ///   [retryable](Error::is_retryable) blindly. When the bound is the
    ///   ORM's (`after` is `Some`), the connection is not reused: a pooled
    ///   one is closed, and a [`Transaction`](crate::Transaction) refuses
    ///   every later statement and its commit with this error again (drop it
    ///   to roll it back).
    ///
    /// [`statement_timeout`]: crate::Db::with_statement_timeout
    /// [`acquire_timeout`]: sqlx::pool::PoolOptions::acquire_timeout
    #[error("{}", describe_timeout(*what, *after))]
    Timeout {
        /// What ran out of time.
        what: TimeoutKind,
        /// The bound that ran out, when it is the ORM's or the pool's;
        /// `None` when the database reported its own timeout (PostgreSQL's
        /// `statement_timeout`, MariaDB's `max_statement_time`).
        after: Option<Duration>,
    },
    /// The connection URL or options are invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Any other error from the driver.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What an [`Error::Timeout`] ran out of time for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Waiting for a connection from the pool (the pool's acquire timeout):
    /// every connection was busy, or a new one could not be opened in time.
    Acquire,
    /// Waiting for the database to answer one statement (including
    /// `BEGIN`, `COMMIT`, `ROLLBACK` and savepoints).
    Statement,
}

fn describe_timeout(what: TimeoutKind, after: Option<Duration>) -> String {
    let bound = match after {
        Some(after) => format!(" after {after:?}"),
        None => " (the database's own timeout)".to_owned(),
    };
    match what {
        TimeoutKind::Acquire => {
            format!("timed out{bound} waiting for a connection from the pool; nothing was sent")
        }
        TimeoutKind::Statement => format!(
            "statement timed out{bound}; the database did not answer in time, and the statement's outcome is unknown unless it ran in a transaction that is rolled back"
        ),
    }
}

impl Error {
    /// `true` for the errors that say "try again": [`Error::Deadlock`],
    /// [`Error::LockTimeout`] and [`Error::SerializationFailure`] (the
    /// operation was rolled back; running it, or its whole transaction,
    /// again may succeed), and an [`Error::Timeout`] waiting for a pooled
    /// connection ([`TimeoutKind::Acquire`]: nothing was sent).
    ///
    /// A statement timeout ([`TimeoutKind::Statement`]) is **not**
    /// retryable: the statement may still take effect (see
    /// [`Error::Timeout`]); check the database before running it again.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::Deadlock { .. }
                | Error::LockTimeout { .. }
                | Error::SerializationFailure { .. }
                | Error::Timeout {
                    what: TimeoutKind::Acquire,
                    ..
                }
        )
    }

    /// `true` for an [`Error::Timeout`] of either kind.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }
}

fn describe(table: &Option<String>, columns: &[String], constraint: &Option<String>) -> String {
    let mut out = String::new();
    if let Some(t) = table {
        out.push_str(" on `");
        out.push_str(t);
        if !columns.is_empty() {
            out.push('(');
            out.push_str(&columns.join(", "));
            out.push(')');
        }
        out.push('`');
    }
    if let Some(c) = constraint {
        out.push_str(" (constraint `");
        out.push_str(c);
        out.push_str("`)");
    }
    out
}

/// `Result<T, orm_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
