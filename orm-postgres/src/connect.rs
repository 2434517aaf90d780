//! Connecting: URL parsing, schema selection, pool settings.

use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use orm_core::{Dialect, Error, Result, TimeoutKind};

use crate::{Db, PostgresDialect};

/// How to connect to a PostgreSQL server.
///
/// Defaults: a pool of 10 connections, the server's default schema, foreign
/// keys enforced (PostgreSQL cannot turn them off, except through
/// [`PgOptions::foreign_keys`]), and sqlx's own statement logging off (the
/// ORM logs every statement with its parameters on the `orm::sql` target);
/// no statement timeout, and sqlx's 30 s acquire timeout.
#[derive(Debug, Clone)]
pub struct PgOptions {
    options: PgConnectOptions,
    schema: Option<String>,
    max_connections: u32,
    statement_timeout: Option<Duration>,
    acquire_timeout: Option<Duration>,
}

impl PgOptions {
    /// Parses a libpq-style URL:
    /// `postgres://user:password@host:port/database?sslmode=...`
    /// (`postgresql://` works too).
    pub fn from_url(url: &str) -> Result<Self> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::Config(format!(
                "`{url}` is not a PostgreSQL URL (expected `postgres://user@host:port/database`)"
            )));
        }
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("invalid PostgreSQL URL: {e}")))?
            .disable_statement_logging();
        Ok(PgOptions {
            options,
            schema: None,
            max_connections: 10,
            statement_timeout: None,
            acquire_timeout: None,
        })
    }

    /// Puts every table of this pool in `schema`: each connection starts with
    /// `search_path` set to it, and [`connect_with`] creates the schema if it
    /// is missing. Tables, indexes and the planner's temporary tables then
    /// need no qualification.
    pub fn schema(mut self, schema: &str) -> Self {
        self.options = self.options.options([("search_path", quote(schema))]);
        self.schema = Some(schema.to_owned());
        self
    }

    /// With `false`, each connection starts with
    /// `session_replication_role = replica`, which makes PostgreSQL skip the
    /// triggers that enforce foreign keys (it needs a superuser, and is what
    /// replication and bulk loads use). The ORM still carries out the delete
    /// actions it executes; relationships with `passive_deletes` then refuse
    /// to delete rather than orphan rows.
    pub fn foreign_keys(mut self, on: bool) -> Self {
        if !on {
            self.options = self
                .options
                .options([("session_replication_role", "replica")]);
        }
        self
    }

    /// Bounds every round trip of the ORM's operations (each statement,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, savepoint): when the server does not
    /// answer in time, the operation fails with [`Error::Timeout`]
    /// ([`TimeoutKind::Statement`]) instead of waiting, even when the
    /// server stopped answering altogether (a paused process, a network
    /// path that went dead with the TCP connection still open). The
    /// connection is then closed instead of returned to the pool, since an
    /// answer may still arrive on it; see
    /// [`Db::with_statement_timeout`](orm_core::Db::with_statement_timeout).
    ///
    /// Each connection also starts with the server's own
    /// `statement_timeout` set to the same value, so that a statement the
    /// client gave up on does not run on in the server (the server then
    /// cancels it, and reports SQLSTATE 57014, which is mapped to the same
    /// error with `after: None`).
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// How long an operation waits for a connection from the pool, opening
    /// one included (sqlx's default: 30 s), before failing with
    /// [`Error::Timeout`] ([`TimeoutKind::Acquire`]; nothing was sent).
    /// A pooled connection is checked (a round trip) before it is handed
    /// out, within the same bound, so an operation on a server that stopped
    /// answering fails here.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = Some(timeout);
        self
    }

    /// The pool size (10 by default).
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// The sqlx options, to adjust anything not covered here (TLS, timeouts,
    /// application name, ...).
    pub fn sqlx_options(&mut self) -> &mut PgConnectOptions {
        &mut self.options
    }
}

/// `name` as a quoted identifier, the dialect's way.
fn quote(name: &str) -> String {
    let mut out = String::new();
    PostgresDialect.push_identifier(&mut out, name);
    out
}

/// Connects to the server at `url` with the default [`PgOptions`].
pub async fn connect(url: &str) -> Result<Db> {
    connect_with(PgOptions::from_url(url)?).await
}

/// Connects with explicit options (creating the schema of
/// [`PgOptions::schema`] if it is missing).
pub async fn connect_with(options: PgOptions) -> Result<Db> {
    let mut pool = PgPoolOptions::new().max_connections(options.max_connections);
    if let Some(timeout) = options.acquire_timeout {
        pool = pool.acquire_timeout(timeout);
    }
    let acquire_timeout = pool.get_acquire_timeout();
    let mut connect = options.options;
    if let Some(timeout) = options.statement_timeout {
        // In milliseconds, at least 1 (0 would mean no timeout).
        let ms = timeout.as_millis().max(1);
        connect = connect.options([("statement_timeout", format!("{ms}ms"))]);
    }
    let map_error = |e| match crate::error::map_error(e) {
        Error::Timeout {
            what: TimeoutKind::Acquire,
            ..
        } => Error::Timeout {
            what: TimeoutKind::Acquire,
            after: Some(acquire_timeout),
        },
        other => other,
    };
    let pool = pool.connect_with(connect).await.map_err(map_error)?;
    if let Some(schema) = &options.schema {
        let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", quote(schema));
        tracing::debug!(target: "orm::sql", "{sql}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .map_err(map_error)?;
    }
    let db = Db::from_pool(pool);
    Ok(match options.statement_timeout {
        Some(timeout) => db.with_statement_timeout(timeout),
        None => db,
    })
}
