//! Verifying the live schema: `db.verify(&schema)` compares the database
//! with the models (tables, columns, nullability, foreign keys and their
//! `ON DELETE` / `ON UPDATE`, indexes, whether foreign keys are enforced)
//! and gives the DDL that fixes what DDL can fix. The book's "Verifying
//! the live schema" chapter includes this file.
//!
//! Run: `cargo run --example verify` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::prelude::*;
use orm_core::{Schema, sql};

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Shelf {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub label: String,
    /// The database deletes the volumes (`passive_deletes`): only safe if
    /// the live foreign key really says `ON DELETE CASCADE`.
    #[relationship(back_populates = "shelf", cascade_delete, passive_deletes)]
    pub volumes: HasMany<Volume>,
}

#[derive(Model, Debug, Clone)]
pub struct Volume {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "shelf.id", ondelete = "CASCADE")]
    pub shelf_id: i64,
    #[field(unique)]
    pub isbn: String,
    pub title: String,
    #[relationship(back_populates = "volumes")]
    pub shelf: BelongsTo<Shelf>,
}

#[derive(Model, Debug, Clone)]
pub struct Loan {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "volume.id", ondelete = "CASCADE")]
    pub volume_id: i64,
    pub borrower: String,
}
// ANCHOR_END: models

// ANCHOR: startup
/// At start-up: refuse to run on a database that is not what the models
/// declare.
async fn check_schema<B: Backend>(db: &Db<B>, schema: &Schema) -> Result<(), Error> {
    let report = db.verify(schema).await?;
    if report.is_clean() {
        return Ok(());
    }
    Err(Error::Config(format!(
        "the database is not what the models declare:\n{report}"
    )))
}
// ANCHOR_END: startup

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(orm_mysql::connect(&url).await?).await
    } else {
        run(orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: Db<B>) -> Result<(), Error> {
    let schema = Schema::new(&[Shelf::TABLE, Volume::TABLE, Loan::TABLE])?;
    db.drop_all(schema.tables()).await?;

    let section = orm_tests::section("clean");
    // ANCHOR: clean
    db.create_all(schema.tables()).await?;
    let report = db.verify(&schema).await?;
    println!("{report}");
    // ANCHOR_END: clean
    drop(section);
    check_schema(&db, &schema).await?;

    // A migration written by hand: `volume` with `ON DELETE RESTRICT` and
    // without its indexes (they are inside CREATE TABLE on MySQL), and no
    // `loan` table.
    db.drop_all(schema.tables()).await?;
    db.create_all(&[Shelf::TABLE]).await?;
    let by_hand = sql::create_table(B::DIALECT, Volume::TABLE)
        .replace("ON DELETE CASCADE", "ON DELETE RESTRICT");
    db.execute_sql(&by_hand, Vec::new()).await?;

    let section = orm_tests::section("drift");
    // ANCHOR: drift
    let report = db.verify(&schema).await?;
    println!("{report}");
    // ANCHOR_END: drift
    drop(section);

    let section = orm_tests::section("fix");
    // ANCHOR: fix
    for statement in &report.fixes {
        println!("{statement}");
        db.execute_sql(statement, Vec::new()).await?;
    }
    let report = db.verify(&schema).await?;
    println!("{report}");
    // ANCHOR_END: fix
    drop(section);
    // SQLite cannot change a foreign key's action without rebuilding the
    // table; elsewhere every difference had a fix.
    let sqlite = B::DIALECT.name() == "sqlite";
    assert_eq!(check_schema(&db, &schema).await.is_ok(), !sqlite);
    db.drop_all(schema.tables()).await?;
    Ok(())
}
