//! Connecting: URL parsing, foreign keys on, pool settings that suit SQLite.

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use orm_core::{Error, Result};

use crate::Db;

/// How to open a SQLite database.
///
/// Defaults: **foreign keys enforced**, the file created if missing, WAL
/// journal with `synchronous = NORMAL` and a 5 s busy timeout for files; one
/// connection kept open forever for `sqlite::memory:` (each in-memory
/// connection would otherwise be its own empty database).
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    options: SqliteConnectOptions,
    in_memory: bool,
    max_connections: u32,
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
    if options.in_memory {
        pool = pool
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None);
    }
    let pool = pool
        .connect_with(options.options)
        .await
        .map_err(crate::error::map_error)?;
    Ok(Db::from_pool(pool))
}
