//! Connecting to SQLite: the defaults (foreign keys enforced, WAL,
//! `synchronous = NORMAL`, a busy timeout, one connection for
//! `sqlite::memory:`), changing them with `SqliteOptions`, and what the ORM
//! does when foreign keys are not enforced: the deletes it carries out itself
//! still happen; `passive_deletes` refuses instead of orphaning rows.
//! The book's "Backends and connection settings" chapter includes this file.
//!
//! Run: `cargo run --example sqlite_options` (writes a database file in the
//! system's temporary directory).

use std::time::Duration;

use orm_core::prelude::*;
use orm_sqlite::SqliteOptions;
use sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};

// ANCHOR: models
/// The ORM deletes heroes with their team (it carries out the cascade).
#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}

/// The same tables, but the database carries out the cascade.
#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct PassiveTeam {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team", passive_deletes)]
    pub heroes: HasMany<PassiveHero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct PassiveHero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<PassiveTeam>,
}
// ANCHOR_END: models

/// Prints pragmas, read with plain sqlx (`PRAGMA busy_timeout` names its
/// column `timeout`).
async fn show(db: &orm_sqlite::Db, names: &[&str]) -> Result<(), Error> {
    for name in names {
        let column = if *name == "busy_timeout" {
            "timeout"
        } else {
            name
        };
        let sql = format!("SELECT CAST({column} AS TEXT) FROM pragma_{name}");
        let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(db.pool())
            .await?;
        println!("{name:>13} = {value}");
    }
    Ok(())
}

async fn seed(db: &orm_sqlite::Db) -> Result<Team, Error> {
    let tables = [Team::TABLE, Hero::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut team = Team {
        id: None,
        name: "Wakaland".into(),
        heroes: HasMany::NotLoaded,
    };
    db.insert(&mut team).await?;
    let mut heroes: Vec<Hero> = ["Black Lion", "Princess Sure-E"]
        .into_iter()
        .map(|name| Hero {
            id: None,
            name: name.into(),
            team_id: team.id,
            team: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut heroes).await?;
    Ok(team)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let path = std::env::temp_dir().join(format!("orm-sqlite-options-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());

    let section = orm_tests::section("defaults"); // marks each part of the output for the book
    // ANCHOR: defaults
    // A file: foreign keys ON, WAL journal, synchronous = NORMAL (1),
    // busy timeout 5 s, a pool of 4 connections.
    let db = orm_sqlite::connect(&url).await?;
    show(
        &db,
        &[
            "foreign_keys",
            "journal_mode",
            "synchronous",
            "busy_timeout",
        ],
    )
    .await?;
    db.close().await;

    // In memory: one connection, kept open (each connection to
    // `sqlite::memory:` would otherwise be its own empty database).
    let memory = orm_sqlite::connect("sqlite::memory:").await?;
    show(&memory, &["foreign_keys"]).await?;
    memory.close().await;
    // ANCHOR_END: defaults
    drop(section);

    let section = orm_tests::section("options");
    // ANCHOR: options
    let options = SqliteOptions::from_url(&url)?
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30))
        .max_connections(8);
    let db = orm_sqlite::connect_with(options).await?;
    show(&db, &["journal_mode", "synchronous", "busy_timeout"]).await?;
    db.close().await;
    // ANCHOR_END: options
    drop(section);

    let section = orm_tests::section("foreign_keys_off");
    // ANCHOR: foreign_keys_off
    let options = SqliteOptions::from_url("sqlite::memory:")?.foreign_keys(false);
    let db = orm_sqlite::connect_with(options).await?;
    show(&db, &["foreign_keys"]).await?;

    // The ORM carries out `cascade_delete` itself: enforcement is not needed.
    let team = seed(&db).await?;
    let report = db.delete(team).await?;
    println!("ORM cascade, foreign keys off:\n{report}");
    assert_eq!(Hero::query().count(&db).await?, 0);

    // With `passive_deletes` the database would have to do it: the ORM
    // checks that it will, and refuses rather than orphan the heroes.
    seed(&db).await?;
    let team: PassiveTeam = db.get(1i64).await?;
    match db.delete(team).await {
        Err(error @ Error::ForeignKeysNotEnforced { .. }) => println!("refused: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    assert_eq!(Hero::query().count(&db).await?, 2);
    // ANCHOR_END: foreign_keys_off
    drop(section);

    db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}
