//! A MySQL / MariaDB server: a fresh database per measurement (`CREATE
//! DATABASE`, the ORM's pool opened on it), dropped afterwards, and the
//! hand-written sqlx baselines in MySQL's dialect (backtick identifiers, `?`
//! placeholders). The ORM creates InnoDB tables; every variant's tables,
//! baselines included, are created by the ORM's `create_all`, so they have
//! the same shape.

use std::cell::Cell;
use std::ffi::OsString;

use orm_mysql::{Db, MySql, MySqlOptions};
use sqlx::mysql::{
    MySqlArguments, MySqlConnectOptions, MySqlConnection, MySqlDatabaseError, MySqlPool,
    MySqlPoolOptions,
};
use sqlx::{Arguments, AssertSqlSafe};

use crate::cases::{SqlxHero, SqlxItem};
use crate::engine::{Engine, Param};
use crate::fixture::BenchResult;
use crate::models::item::Item;
use crate::models::tree::Hero;

/// MySQL's limit on bound parameters per statement (the ORM's chunk size):
/// the prepared statement's parameter count is a 16-bit integer.
pub const MYSQL_MAX_BIND: usize = 65_535;

/// The hand-written fetch's statement, in MySQL's dialect.
pub const MYSQL_ITEM_SELECT: &str =
    "SELECT `id`, `name`, `secret_name`, `age`, `rating` FROM `item` ORDER BY `id`";

/// The server's error number for `SELECT @@name` of a variable it lacks.
const ER_UNKNOWN_SYSTEM_VARIABLE: u16 = 1193;

/// `` `name` ``, with embedded backticks doubled.
fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A MySQL or MariaDB server; every measurement gets its own database on it.
pub struct MySqlEngine {
    /// The server URL as given (the ORM's pools connect with it, on the
    /// measurement's database).
    url: String,
    /// The URL's connect options (host, port, user, the URL's database).
    options: MySqlConnectOptions,
    /// One connection on the URL's database, for creating and dropping the
    /// measurement databases and reading the server's settings.
    admin: MySqlPool,
    /// `orm_bench_<pid>_`: every database of this run starts with it.
    prefix: String,
    next: Cell<usize>,
}

impl MySqlEngine {
    /// Connects the administrative connection to the server at `url`.
    pub async fn connect(url: &str) -> BenchResult<MySqlEngine> {
        // Fail early, with the ORM's message, on a URL it would not accept;
        // its options also read `mariadb://` URLs.
        let mut parsed = MySqlOptions::from_url(url)?;
        let options = parsed.sqlx_options().clone();
        let admin = MySqlPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        Ok(MySqlEngine {
            url: url.to_owned(),
            options,
            admin,
            prefix: format!("orm_bench_{}_", std::process::id()),
            next: Cell::new(0),
        })
    }

    /// Drops every database of this run that is still there (after a failed
    /// measurement), then closes the administrative connection.
    pub async fn cleanup(&self) -> BenchResult<()> {
        let all: Vec<String> =
            sqlx::query_scalar("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
                .fetch_all(&self.admin)
                .await?;
        for database in all.iter().filter(|d| d.starts_with(&self.prefix)) {
            self.drop_database(database).await?;
        }
        self.admin.close().await;
        Ok(())
    }

    async fn drop_database(&self, database: &str) -> BenchResult<()> {
        let sql = format!("DROP DATABASE IF EXISTS {}", quote(database));
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&self.admin)
            .await?;
        Ok(())
    }

    /// `host:port/database` of the URL (no user or password).
    fn server(&self) -> String {
        let o = &self.options;
        format!(
            "{}:{}/{}",
            o.get_host(),
            o.get_port(),
            o.get_database().unwrap_or("")
        )
    }

    /// A server variable as text (`SELECT @@name`), or `None` when the
    /// server has no such variable.
    async fn variable(&self, name: &str) -> BenchResult<Option<String>> {
        let sql = format!("SELECT CAST(@@{name} AS CHAR)");
        match sqlx::query_scalar::<_, Option<String>>(AssertSqlSafe(sql))
            .fetch_one(&self.admin)
            .await
        {
            Ok(value) => Ok(Some(value.unwrap_or_else(|| "NULL".to_owned()))),
            Err(sqlx::Error::Database(e))
                if e.try_downcast_ref::<MySqlDatabaseError>()
                    .is_some_and(|e| e.number() == ER_UNKNOWN_SYSTEM_VARIABLE) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Binds `param` with MySQL's argument type.
fn add(args: &mut MySqlArguments, param: Param) -> BenchResult<()> {
    match param {
        Param::Int(v) => args.add(v)?,
        Param::Text(v) => args.add(v)?,
        Param::OptInt(v) => args.add(v)?,
        Param::Float(v) => args.add(v)?,
    }
    Ok(())
}

impl Engine for MySqlEngine {
    type Backend = MySql;
    type Place = String;

    const MAX_BIND: usize = MYSQL_MAX_BIND;

    async fn print_header(&self, plan: &str) -> BenchResult<()> {
        let version: String = sqlx::query_scalar("SELECT VERSION()")
            .fetch_one(&self.admin)
            .await?;
        let mut settings = Vec::new();
        for names in [
            &["innodb_flush_log_at_trx_commit"][..],
            &["innodb_buffer_pool_size"],
            // `tx_isolation` before MySQL 8.0 / MariaDB 11.1.
            &["transaction_isolation", "tx_isolation"],
            &["innodb_autoinc_lock_mode"],
        ] {
            let mut shown = None;
            for name in names {
                if let Some(value) = self.variable(name).await? {
                    shown = Some(format!("{name}={value}"));
                    break;
                }
            }
            settings.push(shown.unwrap_or_else(|| format!("{}=?", names[0])));
        }
        let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!("orm-bench ({plan} run)");
        let system = if version.contains("MariaDB") {
            "MariaDB"
        } else {
            "MySQL"
        };
        println!("backend: {system} at {}: {version}", self.server());
        println!("server settings: {}", settings.join(" "));
        println!(
            "{cpus} CPUs (client and server share them when the server is local); tokio current-thread \
             runtime; pool of the ORM's MySqlOptions with one connection for every variant"
        );
        println!(
            "databases: {}NNNN_* (a fresh database per measurement; InnoDB tables created by the ORM, \
             data loaded, ANALYZE TABLE, pool closed and reopened before timing; dropped afterwards)",
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
        let database = format!("{}{n:04}_{}", self.prefix, label.replace('-', "_"));
        self.drop_database(&database).await?;
        let sql = format!("CREATE DATABASE {}", quote(&database));
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&self.admin)
            .await?;
        Ok(database)
    }

    async fn open_with_foreign_keys(&self, database: &String, on: bool) -> BenchResult<Db> {
        // One connection: the untimed warm-up readies the one the timed
        // region uses (see `Engine::open`).
        let mut options = MySqlOptions::from_url(&self.url)?
            .foreign_keys(on)
            .max_connections(1);
        let sqlx_options = options.sqlx_options();
        *sqlx_options = sqlx_options.clone().database(database);
        Ok(orm_mysql::connect_with(options).await?)
    }

    /// `ANALYZE TABLE` on the measurement's tables: InnoDB's index
    /// statistics are then fresh and the same for every variant.
    async fn settle(&self, db: &Db, tables: &[&str]) -> BenchResult<()> {
        let list: Vec<String> = tables.iter().map(|t| quote(t)).collect();
        let sql = format!("ANALYZE TABLE {}", list.join(", "));
        sqlx::raw_sql(AssertSqlSafe(sql)).execute(db.pool()).await?;
        Ok(())
    }

    async fn remove(&self, database: String) -> BenchResult<()> {
        self.drop_database(&database).await
    }

    fn quote(name: &str) -> String {
        quote(name)
    }

    fn push_placeholder(sql: &mut String, _index: usize) {
        sql.push('?');
    }

    async fn execute_params(
        conn: &mut MySqlConnection,
        sql: String,
        params: Vec<Param>,
    ) -> BenchResult<()> {
        let mut args = MySqlArguments::default();
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
        crate::cases::sqlx_insert_mysql(db, items).await
    }

    async fn sqlx_fetch(db: &Db) -> BenchResult<Vec<Item>> {
        Ok(sqlx::query_as::<_, SqlxItem>(MYSQL_ITEM_SELECT)
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

    fn child_args(&self) -> Vec<OsString> {
        vec!["--mysql".into(), self.url.clone().into()]
    }

    fn place_arg(database: &String) -> OsString {
        database.into()
    }

    fn place_from_arg(arg: String) -> String {
        arg
    }

    fn memory_note(&self) -> &'static str {
        "(the client process only: where InnoDB carries out the cascade, the server's memory is \
         not in these numbers)"
    }
}
