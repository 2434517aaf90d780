//! What only SQLite has: the foreign-key pragma and database files.

use orm_core::{Error, Executor, Model};
use orm_sqlite::Sqlite;

use crate::crud::{Hero, Team};
use crate::harness::{Ctx, Test};

pub async fn foreign_keys_are_enforced_by_default_with_an_opt_out(ctx: Ctx<Sqlite>) {
    let on = orm_sqlite::connect("sqlite::memory:").await.unwrap();
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(on.pool())
        .await
        .unwrap();
    assert_eq!(enforced, 1);
    let off = ctx.db(false).await;
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(off.pool())
        .await
        .unwrap();
    assert_eq!(enforced, 0);
}

pub async fn file_urls_create_the_file_when_missing(ctx: Ctx<Sqlite>) {
    let db = ctx.shared_db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    db.insert(&mut crate::crud::team("A")).await.unwrap();
    db.close().await;
    let path = &ctx.resources()[0];
    assert!(std::path::Path::new(path).exists());
    let again = orm_sqlite::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    assert_eq!(Team::query().count(&again).await.unwrap(), 1);
    let err = orm_sqlite::connect("postgres://nope").await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

/// SQLite's NUMERIC affinity stores decimals as floats (`1.10` becomes 1.1,
/// digits past 15 are lost): a decimal column declared `NUMERIC` is
/// refused before anything is created; the default (TEXT) stores it exactly.
pub async fn a_decimal_in_a_numeric_column_is_refused(ctx: Ctx<Sqlite>) {
    #[derive(Model, Debug, Clone)]
    #[model(table = "price")]
    struct Price {
        #[field(primary_key)]
        id: Option<i64>,
        #[field(sql_type = "NUMERIC(20, 2)")]
        amount: rust_decimal::Decimal,
    }
    let db = ctx.db(true).await;
    match db.create_all(&[Price::TABLE]).await.unwrap_err() {
        Error::InvalidSchema {
            table,
            column,
            reason,
        } => {
            assert_eq!((table, column), ("price", "amount"));
            assert!(reason.contains("NUMERIC"), "{reason}");
        }
        other => panic!("expected InvalidSchema, got {other:?}"),
    }
    assert!(db.ddl(&[Price::TABLE]).is_err());
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(tables, 0, "nothing was created");
}

/// The tests of this module.
/// A write lock held by another connection past the busy timeout is a
/// typed, retryable `LockTimeout` (SQLITE_BUSY), and the delete it refused
/// wrote nothing; once the lock is released, the same call succeeds.
pub async fn a_busy_database_is_a_retryable_lock_timeout(ctx: Ctx<Sqlite>) {
    let db = ctx.shared_db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut team = crate::crud::team("A");
    db.insert(&mut team).await.unwrap();
    db.close().await;
    let path = &ctx.resources()[0];
    let url = format!("sqlite://{path}");
    let holder = orm_sqlite::connect(&url).await.unwrap();
    let waiter = orm_sqlite::connect_with(
        orm_sqlite::SqliteOptions::from_url(&url)
            .unwrap()
            .busy_timeout(std::time::Duration::from_millis(50)),
    )
    .await
    .unwrap();
    let mut tx = holder.begin().await.unwrap();
    tx.insert(&mut crate::crud::team("B")).await.unwrap();
    let err = waiter.delete(team.clone()).await.unwrap_err();
    assert!(
        matches!(err, Error::LockTimeout { .. }) && err.is_retryable(),
        "{err:?}"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        Team::query().count(&waiter).await.unwrap(),
        2,
        "nothing deleted"
    );
    waiter.delete(team).await.unwrap();
    assert_eq!(Team::query().count(&waiter).await.unwrap(), 1);
}

pub fn tests() -> Vec<Test<Sqlite>> {
    crate::tests![
        a_decimal_in_a_numeric_column_is_refused,
        foreign_keys_are_enforced_by_default_with_an_opt_out,
        file_urls_create_the_file_when_missing,
        a_busy_database_is_a_retryable_lock_timeout,
    ]
}
