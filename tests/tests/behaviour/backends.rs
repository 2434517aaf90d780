//! The three backends of the suite.

use orm_core::Db;
use orm_mysql::{MySql, MySqlOptions};
use orm_postgres::{PgOptions, Postgres};
use orm_sqlite::{Sqlite, SqliteOptions};
use sqlx::Row;

use crate::harness::{Ctx, MYSQL_URL_VAR, POSTGRES_URL_VAR, TestBackend};

impl TestBackend for Sqlite {
    const NAME: &'static str = "sqlite";

    fn available() -> Result<(), String> {
        Ok(())
    }

    async fn open(_ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        let options = SqliteOptions::from_url("sqlite::memory:")
            .unwrap()
            .foreign_keys(foreign_keys);
        orm_sqlite::connect_with(options).await.unwrap()
    }

    async fn open_shared(ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        let dir = std::env::temp_dir().join(format!("orm-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("db{}.db", ctx.unique()));
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", path.display());
            let _ = std::fs::remove_file(&file);
            ctx.track(file);
        }
        let options = SqliteOptions::from_url(&format!("sqlite://{}", path.display()))
            .unwrap()
            .foreign_keys(foreign_keys);
        orm_sqlite::connect_with(options).await.unwrap()
    }

    async fn without_foreign_keys(_ctx: &Ctx<Self>, db: Db<Self>) -> Db<Self> {
        // An in-memory database has exactly one connection.
        sqlx::raw_sql("PRAGMA foreign_keys = OFF")
            .execute(db.pool())
            .await
            .unwrap();
        db
    }

    async fn reopen(ctx: &Ctx<Self>) -> Db<Self> {
        let resources = ctx.resources();
        // open_shared tracks the file, then its -wal and -shm companions.
        let path = &resources[resources.len() - 3];
        orm_sqlite::connect(&format!("sqlite://{path}"))
            .await
            .unwrap()
    }

    async fn cleanup(resources: Vec<String>) {
        for file in resources {
            let _ = std::fs::remove_file(file);
        }
    }

    async fn scalar(db: &Db<Self>, sql: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(db.pool())
            .await
            .unwrap()
    }

    async fn int_rows(db: &Db<Self>, sql: &str) -> Vec<Vec<Option<i64>>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| row.try_get::<Option<i64>, _>(i).unwrap())
                    .collect()
            })
            .collect()
    }

    async fn strings(db: &Db<Self>, sql: &str) -> Vec<String> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    async fn table_names(db: &Db<Self>) -> Vec<String> {
        Self::strings(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
        .await
    }

    async fn rows_i64_str_opt(db: &Db<Self>, sql: &str) -> Vec<(i64, String, Option<i64>)> {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    async fn fail_deletes_on(db: &Db<Self>, table: &str) {
        let sql = format!(
            "CREATE TRIGGER \"injected_fault_{table}\" BEFORE DELETE ON \"{table}\" \
             BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(db.pool())
            .await
            .unwrap();
    }

    async fn defer_no_action(_: &Db<Self>) -> bool {
        false
    }
}

fn postgres_url() -> Result<String, String> {
    std::env::var(POSTGRES_URL_VAR).map_err(|_| {
        format!("set {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/test to run them")
    })
}

impl TestBackend for Postgres {
    const NAME: &'static str = "postgres";

    fn available() -> Result<(), String> {
        postgres_url().map(drop)
    }

    async fn open(ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        // Unique across the processes that may run tests at once.
        let schema = format!("orm_test_{}_{}", std::process::id(), ctx.unique());
        ctx.track(schema.clone());
        connect_schema(&schema, foreign_keys, 6).await
    }

    async fn open_shared(ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        Self::open(ctx, foreign_keys).await
    }

    async fn without_foreign_keys(ctx: &Ctx<Self>, db: Db<Self>) -> Db<Self> {
        db.close().await;
        let schema = ctx.resources().pop().unwrap();
        connect_schema(&schema, false, 2).await
    }

    async fn reopen(ctx: &Ctx<Self>) -> Db<Self> {
        let schema = ctx.resources().pop().unwrap();
        connect_schema(&schema, true, 6).await
    }

    async fn cleanup(resources: Vec<String>) {
        if resources.is_empty() {
            return;
        }
        let Ok(url) = postgres_url() else { return };
        let Ok(pool) = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
        else {
            return;
        };
        for schema in resources {
            let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await {
                eprintln!("warning: could not drop schema {schema}: {e}");
            }
        }
        pool.close().await;
    }

    async fn scalar(db: &Db<Self>, sql: &str) -> i64 {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(db.pool())
            .await
            .unwrap();
        pg_int(&row, 0).unwrap()
    }

    async fn int_rows(db: &Db<Self>, sql: &str) -> Vec<Vec<Option<i64>>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|row| (0..row.len()).map(|i| pg_int(row, i)).collect())
            .collect()
    }

    async fn strings(db: &Db<Self>, sql: &str) -> Vec<String> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    async fn table_names(db: &Db<Self>) -> Vec<String> {
        Self::strings(db, "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").await
    }

    async fn rows_i64_str_opt(db: &Db<Self>, sql: &str) -> Vec<(i64, String, Option<i64>)> {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    async fn fail_deletes_on(db: &Db<Self>, table: &str) {
        let sql = format!(
            "CREATE FUNCTION \"injected_fault_{table}\"() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$; \
             CREATE TRIGGER \"injected_fault_{table}\" BEFORE DELETE ON \"{table}\" \
             FOR EACH ROW EXECUTE FUNCTION \"injected_fault_{table}\"(); \
             ALTER TABLE \"{table}\" ENABLE ALWAYS TRIGGER \"injected_fault_{table}\""
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(db.pool())
            .await
            .unwrap();
    }

    async fn defer_no_action(db: &Db<Self>) -> bool {
        // PostgreSQL checks an immediate NO ACTION key in its own trigger,
        // which can fire before the CASCADE trigger that removes the
        // referencing rows (triggers fire in name order, so in the order
        // the constraints were created); deferred, it is checked at commit.
        let sql = "DO $$ DECLARE r record; BEGIN \
             FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint \
             WHERE contype = 'f' AND confdeltype = 'a' \
             AND connamespace = current_schema()::regnamespace LOOP \
             EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I DEFERRABLE INITIALLY DEFERRED', \
             r.t, r.conname); \
             END LOOP; END $$";
        sqlx::raw_sql(sql).execute(db.pool()).await.unwrap();
        true
    }
}

/// A pool on `schema` of the test server.
async fn connect_schema(schema: &str, foreign_keys: bool, connections: u32) -> Db<Postgres> {
    let mut options = PgOptions::from_url(&postgres_url().unwrap())
        .unwrap()
        .schema(schema)
        .foreign_keys(foreign_keys)
        .max_connections(connections);
    fast_commits(&mut options);
    orm_postgres::connect_with(options).await.unwrap()
}

/// Test databases are thrown away: commits need not wait for the WAL flush
/// (`synchronous_commit = off` loses no consistency, only durability of the
/// last commits on a crash).
fn fast_commits(options: &mut PgOptions) {
    let sqlx = options.sqlx_options();
    *sqlx = sqlx.clone().options([("synchronous_commit", "off")]);
}

/// An integer column of any width.
fn pg_int(row: &sqlx::postgres::PgRow, i: usize) -> Option<i64> {
    use sqlx::{Column, TypeInfo};
    match row.columns()[i].type_info().name() {
        "INT2" => row.try_get::<Option<i16>, _>(i).unwrap().map(i64::from),
        "INT4" => row.try_get::<Option<i32>, _>(i).unwrap().map(i64::from),
        _ => row.try_get::<Option<i64>, _>(i).unwrap(),
    }
}

fn mysql_url() -> Result<String, String> {
    std::env::var(MYSQL_URL_VAR)
        .map_err(|_| format!("set {MYSQL_URL_VAR}=mysql://root@127.0.0.1:3306/test to run them"))
}

/// The server URL with another database.
fn mysql_database_url(database: &str) -> String {
    let url = mysql_url().unwrap();
    let base = match url.rfind('/') {
        Some(slash) if slash > "mysql://".len() => &url[..slash],
        _ => url.as_str(),
    };
    format!("{base}/{database}")
}

/// A pool of one connection on the server, for creating and dropping the
/// tests' databases.
async fn mysql_admin() -> sqlx::MySqlPool {
    sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        .connect(&mysql_url().unwrap())
        .await
        .unwrap()
}

impl TestBackend for MySql {
    const NAME: &'static str = "mysql";

    fn available() -> Result<(), String> {
        mysql_url().map(drop)
    }

    async fn open(ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        // Unique across the processes that may run tests at once.
        let database = format!("orm_test_{}_{}", std::process::id(), ctx.unique());
        let admin = mysql_admin().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{database}`")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        ctx.track(database.clone());
        connect_database(&database, foreign_keys, 6).await
    }

    async fn open_shared(ctx: &Ctx<Self>, foreign_keys: bool) -> Db<Self> {
        Self::open(ctx, foreign_keys).await
    }

    async fn without_foreign_keys(ctx: &Ctx<Self>, db: Db<Self>) -> Db<Self> {
        db.close().await;
        let database = ctx.resources().pop().unwrap();
        connect_database(&database, false, 2).await
    }

    async fn reopen(ctx: &Ctx<Self>) -> Db<Self> {
        let database = ctx.resources().pop().unwrap();
        connect_database(&database, true, 6).await
    }

    async fn cleanup(resources: Vec<String>) {
        if resources.is_empty() || mysql_url().is_err() {
            return;
        }
        let admin = mysql_admin().await;
        for database in resources {
            let sql = format!("DROP DATABASE IF EXISTS `{database}`");
            if let Err(e) = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&admin)
                .await
            {
                eprintln!("warning: could not drop database {database}: {e}");
            }
        }
        admin.close().await;
    }

    async fn scalar(db: &Db<Self>, sql: &str) -> i64 {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(db.pool())
            .await
            .unwrap();
        mysql_int(&row, 0).unwrap()
    }

    async fn int_rows(db: &Db<Self>, sql: &str) -> Vec<Vec<Option<i64>>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|row| (0..row.len()).map(|i| mysql_int(row, i)).collect())
            .collect()
    }

    async fn strings(db: &Db<Self>, sql: &str) -> Vec<String> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap();
        // A binary collation makes the server flag text as binary.
        rows.iter()
            .map(|row| row.try_get_unchecked::<String, _>(0).unwrap())
            .collect()
    }

    async fn table_names(db: &Db<Self>) -> Vec<String> {
        Self::strings(
            db,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name",
        )
        .await
    }

    async fn rows_i64_str_opt(db: &Db<Self>, sql: &str) -> Vec<(i64, String, Option<i64>)> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(db.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|row| {
                (
                    mysql_int(row, 0).unwrap(),
                    row.try_get_unchecked::<String, _>(1).unwrap(),
                    mysql_int(row, 2),
                )
            })
            .collect()
    }

    async fn fail_deletes_on(db: &Db<Self>, table: &str) {
        let sql = format!(
            "CREATE TRIGGER `injected_fault_{table}` BEFORE DELETE ON `{table}` \
             FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(db.pool())
            .await
            .unwrap();
    }

    async fn defer_no_action(_: &Db<Self>) -> bool {
        false
    }
}

/// A pool on `database` of the test server.
async fn connect_database(database: &str, foreign_keys: bool, connections: u32) -> Db<MySql> {
    let options = MySqlOptions::from_url(&mysql_database_url(database))
        .unwrap()
        .foreign_keys(foreign_keys)
        .max_connections(connections);
    orm_mysql::connect_with(options).await.unwrap()
}

/// An integer column of any width (or a NULL / NULL-typed column).
fn mysql_int(row: &sqlx::mysql::MySqlRow, i: usize) -> Option<i64> {
    use sqlx::{Column, TypeInfo};
    match row.columns()[i].type_info().name() {
        "TINYINT" | "BOOLEAN" => row.try_get::<Option<i8>, _>(i).unwrap().map(i64::from),
        "SMALLINT" => row.try_get::<Option<i16>, _>(i).unwrap().map(i64::from),
        "INT" | "MEDIUMINT" => row.try_get::<Option<i32>, _>(i).unwrap().map(i64::from),
        "INT UNSIGNED" => row.try_get::<Option<u32>, _>(i).unwrap().map(i64::from),
        "BIGINT UNSIGNED" => row
            .try_get::<Option<u64>, _>(i)
            .unwrap()
            .map(|n| i64::try_from(n).unwrap()),
        "NULL" => None,
        "DECIMAL" => row
            .try_get_unchecked::<Option<String>, _>(i)
            .unwrap()
            .map(|n| n.parse().unwrap()),
        _ => row.try_get::<Option<i64>, _>(i).unwrap(),
    }
}
