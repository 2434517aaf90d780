//! A PostgreSQL server: a fresh schema per measurement (the pool's
//! `search_path`), dropped afterwards, and the hand-written sqlx baselines in
//! PostgreSQL's dialect (`$1` placeholders).

use std::cell::Cell;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::str::FromStr;

use orm_postgres::{Db, PgOptions, Postgres};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{Arguments, AssertSqlSafe};

use crate::cases::{SqlxHero, SqlxItem};
use crate::engine::{Engine, ITEM_SELECT, Param};
use crate::fixture::BenchResult;
use crate::models::item::Item;
use crate::models::tree::Hero;

/// PostgreSQL's limit on bound parameters per statement (the ORM's chunk
/// size): the Bind message counts them in 16 bits.
pub const PG_MAX_BIND: usize = 65_535;

/// `"name"`, with embedded quotes doubled.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A PostgreSQL database; every measurement gets its own schema in it.
pub struct PgEngine {
    /// The server URL as given (the ORM's pools connect with it).
    url: String,
    /// One connection on the default schema, for creating and dropping the
    /// measurement schemas and reading the server's settings.
    admin: PgPool,
    /// `orm_bench_<pid>_`: every schema of this run starts with it.
    prefix: String,
    next: Cell<usize>,
}

impl PgEngine {
    /// Connects the administrative connection to the server at `url`.
    pub async fn connect(url: &str) -> BenchResult<PgEngine> {
        // Fail early, with the ORM's message, on a URL it would not accept.
        PgOptions::from_url(url)?;
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(PgConnectOptions::from_str(url)?)
            .await?;
        Ok(PgEngine {
            url: url.to_owned(),
            admin,
            prefix: format!("orm_bench_{}_", std::process::id()),
            next: Cell::new(0),
        })
    }

    /// Drops every schema of this run that is still there (after a failed
    /// measurement), then closes the administrative connection.
    pub async fn cleanup(&self) -> BenchResult<()> {
        let pattern = format!("{}%", self.prefix.replace('_', "\\_"));
        let left: Vec<String> =
            sqlx::query_scalar("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE $1")
                .bind(pattern)
                .fetch_all(&self.admin)
                .await?;
        for schema in left {
            self.drop_schema(&schema).await?;
        }
        self.admin.close().await;
        Ok(())
    }

    async fn drop_schema(&self, schema: &str) -> BenchResult<()> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", quote(schema));
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&self.admin)
            .await?;
        Ok(())
    }

    /// `host:port/database` of the URL (no user or password).
    fn server(&self) -> String {
        match PgConnectOptions::from_str(&self.url) {
            Ok(o) => format!(
                "{}:{}/{}",
                o.get_host(),
                o.get_port(),
                o.get_database().unwrap_or(o.get_username())
            ),
            Err(_) => "?".to_owned(),
        }
    }
}

/// Binds `param` with PostgreSQL's argument type.
fn add(args: &mut PgArguments, param: Param) -> BenchResult<()> {
    match param {
        Param::Int(v) => args.add(v)?,
        Param::Text(v) => args.add(v)?,
        Param::OptInt(v) => args.add(v)?,
        Param::Float(v) => args.add(v)?,
    }
    Ok(())
}

impl Engine for PgEngine {
    type Backend = Postgres;
    type Place = String;

    const MAX_BIND: usize = PG_MAX_BIND;

    async fn print_header(&self, plan: &str) -> BenchResult<()> {
        let version: String = sqlx::query_scalar("SELECT version()")
            .fetch_one(&self.admin)
            .await?;
        let mut settings = Vec::new();
        for name in [
            "shared_buffers",
            "work_mem",
            "synchronous_commit",
            "fsync",
            "wal_level",
            "jit",
            "max_parallel_workers_per_gather",
        ] {
            let value: String = sqlx::query_scalar("SELECT current_setting($1)")
                .bind(name)
                .fetch_one(&self.admin)
                .await?;
            settings.push(format!("{name}={value}"));
        }
        let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!("orm-bench ({plan} run)");
        println!("backend: PostgreSQL at {}: {version}", self.server());
        println!("server settings: {}", settings.join(" "));
        println!(
            "{cpus} CPUs (client and server share them when the server is local); tokio current-thread \
             runtime; pool of the ORM's PgOptions with one connection for every variant"
        );
        println!(
            "schemas: {}NNNN_* (a fresh schema per measurement; data loaded, autovacuum off for its \
             tables, VACUUM (ANALYZE), pool closed and reopened before timing; dropped afterwards)",
            self.prefix
        );
        println!(
            "variants interleaved per repetition (rotating order); times are medians of the timed region only"
        );
        Ok(())
    }

    async fn fresh(&self, label: &str) -> BenchResult<String> {
        let n = self.next.get();
        self.next.set(n + 1);
        let schema = format!("{}{n:04}_{}", self.prefix, label.replace('-', "_"));
        self.drop_schema(&schema).await?;
        Ok(schema)
    }

    async fn open_with_foreign_keys(&self, schema: &String, on: bool) -> BenchResult<Db> {
        let options = PgOptions::from_url(&self.url)?
            .schema(schema)
            .foreign_keys(on)
            // One connection: the untimed warm-up readies the one the timed
            // region uses (see `Engine::open`).
            .max_connections(1);
        Ok(orm_postgres::connect_with(options).await?)
    }

    /// Turns autovacuum off for the measurement's tables (so no background
    /// vacuum or analyze runs into a timed region) and runs `VACUUM
    /// (ANALYZE)` on them: planner statistics, hint bits and the visibility
    /// map are then the same for every variant.
    async fn settle(&self, db: &Db, tables: &[&str]) -> BenchResult<()> {
        for table in tables {
            for sql in [
                format!(
                    "ALTER TABLE {} SET (autovacuum_enabled = false)",
                    quote(table)
                ),
                format!("VACUUM (ANALYZE) {}", quote(table)),
            ] {
                sqlx::raw_sql(AssertSqlSafe(sql)).execute(db.pool()).await?;
            }
        }
        Ok(())
    }

    async fn remove(&self, schema: String) -> BenchResult<()> {
        self.drop_schema(&schema).await
    }

    fn quote(name: &str) -> String {
        quote(name)
    }

    fn push_placeholder(sql: &mut String, index: usize) {
        let _ = write!(sql, "${index}");
    }

    async fn execute_params(
        conn: &mut PgConnection,
        sql: String,
        params: Vec<Param>,
    ) -> BenchResult<()> {
        let mut args = PgArguments::default();
        for param in params {
            add(&mut args, param)?;
        }
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn execute_int(db: &Db, sql: String, value: i64) -> BenchResult<u64> {
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(value)
            .execute(db.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn scalar(db: &Db, sql: String) -> BenchResult<i64> {
        Ok(sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(db.pool())
            .await?)
    }

    async fn sqlx_insert(db: &Db, items: &mut [Item]) -> BenchResult<()> {
        crate::cases::sqlx_insert_postgres(db, items).await
    }

    async fn sqlx_fetch(db: &Db) -> BenchResult<Vec<Item>> {
        Ok(sqlx::query_as::<_, SqlxItem>(ITEM_SELECT)
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|row| row.0)
            .collect())
    }

    async fn sqlx_heroes(db: &Db, sql: String, team_ids: &[i64]) -> BenchResult<Vec<Hero>> {
        let mut query = sqlx::query_as::<_, SqlxHero>(AssertSqlSafe(sql));
        for id in team_ids {
            query = query.bind(*id);
        }
        Ok(query
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|row| row.0)
            .collect())
    }

    #[cfg(feature = "seaorm")]
    const SEAORM: bool = true;

    #[cfg(feature = "seaorm")]
    fn seaorm(db: &Db) -> Option<sea_orm::DatabaseConnection> {
        Some(crate::seaorm::on_postgres(db.pool()))
    }

    fn child_args(&self) -> Vec<OsString> {
        vec!["--postgres".into(), self.url.clone().into()]
    }

    fn place_arg(schema: &String) -> OsString {
        schema.into()
    }

    fn place_from_arg(arg: String) -> String {
        arg
    }

    fn memory_note(&self) -> &'static str {
        "(the client process only: where PostgreSQL carries out the cascade, the server's memory \
         is not in these numbers)"
    }
}
