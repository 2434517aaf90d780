//! What the ORM refuses to do quietly: index names that cannot collide,
//! `create_all` checking what it finds under the names it declares, `IN`
//! lists longer than any statement can bind, NaN, and transient errors to
//! retry. The book's "Integrity and limits" chapter includes this file.
//!
//! Run: `cargo run --example reliability` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
/// Table `a_b`, unique column `c` ...
#[derive(Model, Debug, Clone)]
#[model(table = "a_b")]
pub struct AB {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub c: String,
}

/// ... and table `a`, unique column `b_c`: both read `a_b_c`.
#[derive(Model, Debug, Clone)]
#[model(table = "a")]
pub struct A {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub b_c: String,
}
// ANCHOR_END: models

/// A measurement with a unique serial number; `value` must be a number.
#[derive(Model, Debug, Clone)]
#[model(table = "reading")]
pub struct Reading {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub serial: String,
    pub value: f64,
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = orm_tests::database_url("sqlite::memory:");
    let db = orm_sqlite::connect(&url).await?;
    db.drop_all(&[AB::TABLE, A::TABLE, Reading::TABLE]).await?;
    db.execute_sql("DROP TABLE IF EXISTS \"legacy\"", vec![])
        .await?;

    let section = orm_tests::section("names");
    // ANCHOR: names
    for table in [AB::TABLE, A::TABLE] {
        for (name, column, unique) in orm_core::sql::declared_indexes(table) {
            println!(
                "{}.{}: {name} (unique: {unique})",
                table.name,
                column.join(", ")
            );
        }
    }
    db.create_all(&[AB::TABLE, A::TABLE]).await?;
    db.insert(&mut A {
        id: None,
        b_c: "same".into(),
    })
    .await?;
    let again = db
        .insert(&mut A {
            id: None,
            b_c: "same".into(),
        })
        .await;
    println!("second `a` with b_c = 'same': {}", again.unwrap_err());
    // ANCHOR_END: names
    drop(section);

    let section = orm_tests::section("mismatch");
    // ANCHOR: mismatch
    // An index of someone else's, on another table, holds the name the ORM
    // declares for `reading.serial`'s unique index ...
    let name = orm_core::sql::index_name("reading", "serial", true);
    db.execute_sql("CREATE TABLE \"legacy\" (\"serial\" TEXT)", vec![])
        .await?;
    db.execute_sql(
        &format!("CREATE INDEX \"{name}\" ON \"legacy\" (\"serial\")"),
        vec![],
    )
    .await?;
    // ... which `CREATE UNIQUE INDEX IF NOT EXISTS` would skip without a
    // word, leaving `reading.serial` without its unique constraint.
    match db.create_all(&[Reading::TABLE]).await {
        Err(error @ Error::SchemaMismatch { .. }) => println!("create_all refused: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    db.execute_sql(&format!("DROP INDEX \"{name}\""), vec![])
        .await?;
    db.create_all(&[Reading::TABLE]).await?;
    println!("after dropping it: created");
    // ANCHOR_END: mismatch
    drop(section);

    let section = orm_tests::section("long_in");
    // ANCHOR: long_in
    let mut rows: Vec<AB> = (0..70_010)
        .map(|n| AB {
            id: None,
            c: format!("c{n}"),
        })
        .collect();
    db.insert_many(&mut rows).await?;
    // 70,000 values: more than SQLite binds in one statement (32,766).
    let wanted: Vec<String> = (0..70_000).map(|n| format!("c{n}")).collect();
    let found = AB::query()
        .filter(AB::C.is_in(wanted.clone()))
        .count(&db)
        .await?;
    println!("is_in with {} values matched {found} rows", wanted.len());
    let report = db.delete_where(AB::C.is_in(wanted)).await?;
    println!(
        "delete_where deleted {}; {} left",
        report.deleted("a_b"),
        AB::query().count(&db).await?
    );
    // ANCHOR_END: long_in
    drop(section);

    let section = orm_tests::section("nan");
    // ANCHOR: nan
    let mut reading = Reading {
        id: None,
        serial: "r-1".into(),
        value: f64::NAN,
    };
    match db.insert(&mut reading).await {
        Err(error @ Error::InvalidValue(_)) => println!("refused: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    println!("readings stored: {}", Reading::query().count(&db).await?);
    // ANCHOR_END: nan
    drop(section);

    let section = orm_tests::section("retry");
    // ANCHOR: retry
    let report = with_retries(|| db.delete_where(AB::C.eq("c70000"))).await?;
    println!(
        "deleted {} (retries are for deadlocks and lock timeouts)",
        report.deleted("a_b")
    );
    // ANCHOR_END: retry
    drop(section);
    Ok(())
}

// ANCHOR: with_retries
/// Runs `op` again while it fails with a transient error (deadlock,
/// serialization failure, lock timeout, no free connection): each of those
/// rolled back everything it did, so running it again is safe.
async fn with_retries<T, F, Fut>(mut op: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(error) if error.is_retryable() && attempt < 5 => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
            }
            result => return result,
        }
    }
}
// ANCHOR_END: with_retries
