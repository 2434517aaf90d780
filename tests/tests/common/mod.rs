//! Shared helpers of the SQLite behaviour tests.
#![allow(dead_code)]

use orm_sqlite::{Db, SqliteOptions};

/// A fresh in-memory database (each test gets its own), with foreign-key
/// enforcement on or off.
pub async fn memory_db(foreign_keys: bool) -> Db {
    let options = SqliteOptions::from_url("sqlite::memory:")
        .unwrap()
        .foreign_keys(foreign_keys);
    orm_sqlite::connect_with(options).await.unwrap()
}

/// A fresh file database in the temp dir.
pub async fn file_db(name: &str, foreign_keys: bool) -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("orm-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let options = SqliteOptions::from_url(&format!("sqlite://{}", path.display()))
        .unwrap()
        .foreign_keys(foreign_keys);
    (orm_sqlite::connect_with(options).await.unwrap(), path)
}

/// `SELECT <sql>` read with plain sqlx, independent of the ORM.
pub async fn rows_i64_str_opt(db: &Db, sql: &str) -> Vec<(i64, String, Option<i64>)> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await
        .unwrap()
}

/// `SELECT COUNT(*) FROM table` with plain sqlx.
pub async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM \"{table}\""
    )))
    .fetch_one(db.pool())
    .await
    .unwrap()
}
