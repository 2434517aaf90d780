//! Connecting: URL parsing, session settings, pool settings.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{ConnectOptions, Executor as _};

use orm_core::{Error, Result};

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
/// with its parameters on the `orm::sql` target.
#[derive(Debug, Clone)]
pub struct MySqlOptions {
    options: MySqlConnectOptions,
    foreign_keys: bool,
    max_connections: u32,
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
    let pool = MySqlPoolOptions::new()
        .max_connections(options.max_connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .fetch_one(&mut *conn)
                    .await?;
                let recursion = if version.contains("MariaDB") {
                    "max_recursive_iterations = 4294967295"
                } else {
                    "cte_max_recursion_depth = 4294967295"
                };
                let checks = if foreign_keys { 1 } else { 0 };
                let sql = format!("SET SESSION {recursion}, foreign_key_checks = {checks}");
                // Session setup, like sqlx's own `SET NAMES`: not one of the
                // statements of an operation, so not on `orm::sql`.
                tracing::debug!(target: "orm::connect", "{sql}");
                conn.execute(sqlx::AssertSqlSafe(sql)).await?;
                Ok(())
            })
        })
        .connect_with(options.options)
        .await
        .map_err(crate::error::map_error)?;
    Ok(Db::from_pool(pool))
}
