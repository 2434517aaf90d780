//! Connecting: URL parsing, foreign keys on, pool settings that suit SQLite.

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use orm_core::{Error, Result, TimeoutKind};

use crate::Db;

/// How to open a SQLite database.
///
/// Defaults: **foreign keys enforced**, the file created if missing, WAL
/// journal with `synchronous = NORMAL` and a 5 s busy timeout for files; one
/// connection kept open forever for `sqlite::memory:` (each in-memory
/// connection would otherwise be its own empty database); no statement
/// timeout, and sqlx's 30 s acquire timeout.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    options: SqliteConnectOptions,
    in_memory: bool,
    max_connections: u32,
    statement_timeout: Option<Duration>,
    acquire_timeout: Option<Duration>,
}

impl SqliteOptions {
    /// Parses an sqlx SQLite URL: `sqlite::memory:`, `sqlite://file.db`,
    /// `sqlite:///absolute/path.db`, with optional `?mode=...` parameters.
    pub fn from_url(url: &str) -> Result<Self> {
        if !url.starts_with("sqlite:") {
            return Err(Error::Config(format!(
                "`{url}` is not a SQLite URL (expected `sqlite::memory:` or `sqlite://path.db`)"
            )));
        }
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("invalid SQLite URL `{url}`: {e}")))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .disable_statement_logging();
        let options = if in_memory {
            options
        } else {
            options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
        };
        Ok(SqliteOptions {
            options,
            in_memory,
            max_connections: if in_memory { 1 } else { 4 },
            statement_timeout: None,
            acquire_timeout: None,
        })
    }

    /// Turns foreign-key enforcement on (the default) or off. With it off,
    /// the ORM still carries out the delete actions it executes; relationships
    /// with `passive_deletes` then refuse to delete rather than orphan rows.
    pub fn foreign_keys(mut self, on: bool) -> Self {
        self.options = self.options.foreign_keys(on);
        self
    }

    /// The journal mode (`WAL` by default for files).
    pub fn journal_mode(mut self, mode: SqliteJournalMode) -> Self {
        self.options = self.options.journal_mode(mode);
        self
    }

    /// The `synchronous` setting (`NORMAL` by default for files).
    pub fn synchronous(mut self, value: SqliteSynchronous) -> Self {
        self.options = self.options.synchronous(value);
        self
    }

    /// How long a connection waits for a lock before failing (5 s by default).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.busy_timeout(timeout);
        self
    }

    /// Bounds every statement (and `BEGIN` / `COMMIT` / `ROLLBACK`) of the
    /// ORM's operations: one that runs longer fails with
    /// [`Error::Timeout`] ([`TimeoutKind::Statement`]). SQLite interrupts
    /// the statement itself when the bound runs out (a progress handler,
    /// checked every thousand virtual-machine instructions), and the
    /// client stops waiting at the same bound
    /// ([`Db::with_statement_timeout`](orm_core::Db::with_statement_timeout)).
    /// The connection stays usable.
    ///
    /// A statement waiting for a lock is not interrupted: it waits up to
    /// [`busy_timeout`](Self::busy_timeout), then fails; the client stops
    /// waiting for it at the statement timeout, and the next statement on
    /// that connection waits for it to give up. Keep `busy_timeout` at or
    /// below the statement timeout to bound both.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// How long an operation waits for a connection from the pool (sqlx's
    /// default: 30 s) before failing with [`Error::Timeout`]
    /// ([`TimeoutKind::Acquire`]; nothing was run).
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = Some(timeout);
        self
    }

    /// The pool size (4 for files; always 1 for an in-memory database).
    pub fn max_connections(mut self, n: u32) -> Self {
        if !self.in_memory {
            self.max_connections = n.max(1);
        }
        self
    }

    /// The sqlx options, to adjust anything not covered here.
    pub fn sqlx_options(&mut self) -> &mut SqliteConnectOptions {
        &mut self.options
    }
}

/// Opens (creating if missing) the database at `url` with the default
/// [`SqliteOptions`]: foreign keys enforced.
pub async fn connect(url: &str) -> Result<Db> {
    connect_with(SqliteOptions::from_url(url)?).await
}

/// Opens a database with explicit options.
pub async fn connect_with(options: SqliteOptions) -> Result<Db> {
    let mut pool = SqlitePoolOptions::new().max_connections(options.max_connections);
    if let Some(timeout) = options.acquire_timeout {
        pool = pool.acquire_timeout(timeout);
    }
    let acquire_timeout = pool.get_acquire_timeout();
    if options.in_memory {
        pool = pool
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    let pool =
        pool.connect_with(options.options)
            .await
            .map_err(|e| match crate::error::map_error(e) {
                Error::Timeout {
                    what: TimeoutKind::Acquire,
                    ..
                } => Error::Timeout {
                    what: TimeoutKind::Acquire,
                    after: Some(acquire_timeout),
                },
                other => other,
            })?;
    let db = Db::from_pool(pool);
    Ok(match options.statement_timeout {
        Some(timeout) => db.with_statement_timeout(timeout),
        None => db,
    })
}
