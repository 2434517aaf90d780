//! Connecting: URL parsing, session settings, pool settings.

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{ConnectOptions, Executor as _};

use orm_core::{Error, Result, TimeoutKind};

use crate::Db;

/// How to connect to a MySQL or MariaDB server.
///
/// Defaults: a pool of 10 connections, foreign keys enforced, and on every
/// connection (besides sqlx's own `time_zone = '+00:00'`, `utf8mb4`,
/// `PIPES_AS_CONCAT` and `NO_ENGINE_SUBSTITUTION`) no limit on recursive CTE
/// iterations (`max_recursive_iterations` on MariaDB,
/// `cte_max_recursion_depth` on MySQL; both stop at 1,000 by default, which
/// would stop the planner's walk of a self-referential tree 1,000 levels
/// down). sqlx's own statement logging is off: the ORM logs every statement
/// with its parameters on the `orm::sql` target. No statement timeout, and
/// sqlx's 30 s acquire timeout.
#[derive(Debug, Clone)]
pub struct MySqlOptions {
    options: MySqlConnectOptions,
    foreign_keys: bool,
    max_connections: u32,
    statement_timeout: Option<Duration>,
    acquire_timeout: Option<Duration>,
}

impl MySqlOptions {
    /// Parses a URL: `mysql://user:password@host:port/database` (or
    /// `mariadb://`). Anything else is [`Error::Config`].
    pub fn from_url(url: &str) -> Result<Self> {
        let url = match url.strip_prefix("mariadb://") {
            Some(rest) => format!("mysql://{rest}"),
            None if url.starts_with("mysql://") => url.to_owned(),
            None => {
                return Err(Error::Config(format!(
                    "`{url}` is not a MySQL URL (expected `mysql://user@host:port/database`)"
                )));
            }
        };
        let options = MySqlConnectOptions::from_str(&url)
            .map_err(|e| Error::Config(format!("invalid MySQL URL: {e}")))?
            .disable_statement_logging();
        Ok(MySqlOptions {
            options,
            foreign_keys: true,
            max_connections: 10,
            statement_timeout: None,
            acquire_timeout: None,
        })
    }

    /// With `false`, each connection starts with `foreign_key_checks = 0`:
    /// InnoDB then neither checks nor cascades foreign keys. The ORM still
    /// carries out the delete actions it executes; relationships with
    /// `passive_deletes` then refuse to delete rather than orphan rows.
    pub fn foreign_keys(mut self, on: bool) -> Self {
        self.foreign_keys = on;
        self
    }

    /// Bounds every round trip of the ORM's operations (each statement,
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, savepoint): when the server does not
    /// answer in time, the operation fails with [`Error::Timeout`]
    /// ([`TimeoutKind::Statement`]) instead of waiting, even when the
    /// server stopped answering altogether. The connection is then closed
    /// instead of returned to the pool, since an answer may still arrive on
    /// it; see [`Db::with_statement_timeout`](orm_core::Db::with_statement_timeout).
    ///
    /// Each connection also sets the server's own limit to the same value,
    /// so that a statement the client gave up on does not run on in the
    /// server: `max_statement_time` on MariaDB (every statement), and
    /// `max_execution_time` on MySQL (which limits `SELECT`s only). The
    /// server's error (MariaDB 1969, MySQL 3024) is mapped to the same
    /// error with `after: None`.
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
    /// charset, ...).
    pub fn sqlx_options(&mut self) -> &mut MySqlConnectOptions {
        &mut self.options
    }
}

/// Connects to the server at `url` with the default [`MySqlOptions`].
pub async fn connect(url: &str) -> Result<Db> {
    connect_with(MySqlOptions::from_url(url)?).await
}

/// Connects with explicit options.
pub async fn connect_with(options: MySqlOptions) -> Result<Db> {
    let foreign_keys = options.foreign_keys;
    let statement_timeout = options.statement_timeout;
    let mut pool = MySqlPoolOptions::new().max_connections(options.max_connections);
    if let Some(timeout) = options.acquire_timeout {
        pool = pool.acquire_timeout(timeout);
    }
    let acquire_timeout = pool.get_acquire_timeout();
    let pool = pool
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&mut *conn)
                    .await?;
                let mariadb = version.contains("MariaDB");
                let recursion = if mariadb {
                    "max_recursive_iterations = 4294967295"
                } else {
                    "cte_max_recursion_depth = 4294967295"
                };
                let checks = if foreign_keys { 1 } else { 0 };
                let mut sql = format!("SET SESSION {recursion}, foreign_key_checks = {checks}");
                if let Some(timeout) = statement_timeout {
                    // At least 1 ms: 0 would mean no limit.
                    let ms = timeout.as_millis().clamp(1, u128::from(u32::MAX));
                    if mariadb {
                        // Seconds, with microseconds.
                        sql.push_str(&format!(", max_statement_time = {}", ms as f64 / 1000.0));
                    } else {
                        sql.push_str(&format!(", max_execution_time = {ms}"));
                    }
                }
                // Session setup, like sqlx's own `SET NAMES`: not one of the
                // statements of an operation, so not on `orm::sql`.
                tracing::debug!(target: "orm::connect", "{sql}");
                conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                Ok(())
            })
        })
        .connect_with(options.options)
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
    Ok(match statement_timeout {
        Some(timeout) => db.with_statement_timeout(timeout),
        None => db,
    })
}
