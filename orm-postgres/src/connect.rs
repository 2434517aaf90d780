//! Connecting: URL parsing, schema selection, pool settings.

use std::str::FromStr;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use orm_core::{Dialect, Error, Result};

use crate::{Db, PostgresDialect};

/// How to connect to a PostgreSQL server.
///
/// Defaults: a pool of 10 connections, the server's default schema, foreign
/// keys enforced (PostgreSQL cannot turn them off, except through
/// [`PgOptions::foreign_keys`]), and sqlx's own statement logging off (the
/// ORM logs every statement with its parameters on the `orm::sql` target).
#[derive(Debug, Clone)]
pub struct PgOptions {
    options: PgConnectOptions,
    schema: Option<String>,
    max_connections: u32,
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
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .connect_with(options.options)
        .await
        .map_err(crate::error::map_error)?;
    if let Some(schema) = &options.schema {
        let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", quote(schema));
        tracing::debug!(target: "orm::sql", "{sql}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .map_err(crate::error::map_error)?;
    }
    Ok(Db::from_pool(pool))
}
