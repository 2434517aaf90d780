//! PostgreSQL: connecting with a schema, the DDL it gets, errors with
//! constraint names, and when `RESTRICT` and (deferred) `NO ACTION` are
//! checked.
//!
//! Run: `cargo run --example postgres` (needs a server; `DATABASE_URL`
//! defaults to `postgres://postgres@127.0.0.1:5432/test`). Everything happens
//! in the schema `orm_example`, dropped and recreated first.

// ANCHOR: models
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub name: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
    #[relationship(back_populates = "team", passive_deletes)]
    pub missions: HasMany<Mission>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    pub age: Option<i32>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}

/// A mission must always belong to a team: `NO ACTION`, left to the database.
#[derive(Model, Debug, Clone)]
#[model(table = "mission")]
pub struct Mission {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub title: String,
    #[field(foreign_key = "team.id", ondelete = "NO ACTION")]
    pub team_id: i64,
    #[relationship(back_populates = "missions")]
    pub team: BelongsTo<Team>,
}
// ANCHOR_END: models

const TABLES: [&orm_core::TableDef; 3] = [Team::TABLE, Hero::TABLE, Mission::TABLE];

fn team(name: &str) -> Team {
    Team {
        id: None,
        name: name.into(),
        heroes: HasMany::NotLoaded,
        missions: HasMany::NotLoaded,
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = orm_tests::database_url("postgres://postgres@127.0.0.1:5432/test");
    // ANCHOR: connect
    let options = orm_postgres::PgOptions::from_url(&url)?
        .schema("orm_example") // search_path; created if missing
        .max_connections(5);
    let db = orm_postgres::connect_with(options).await?;
    // ANCHOR_END: connect
    db.execute_sql("DROP SCHEMA orm_example CASCADE", vec![])
        .await?;
    db.execute_sql("CREATE SCHEMA orm_example", vec![]).await?;

    let section = orm_tests::section("ddl"); // marks each part of the output for the book
    // ANCHOR: ddl
    for statement in db.ddl(&TABLES)? {
        println!("{statement};");
    }
    db.create_all(&TABLES).await?;
    // ANCHOR_END: ddl
    drop(section);

    orm_core::echo_sql();
    let section = orm_tests::section("errors");
    // ANCHOR: errors
    let mut avengers = team("Avengers");
    db.insert(&mut avengers).await?;
    match db.insert(&mut team("Avengers")).await {
        Err(Error::UniqueViolation {
            table,
            columns,
            constraint,
            ..
        }) => println!("unique: table={table:?} columns={columns:?} constraint={constraint:?}"),
        other => panic!("expected a unique violation, got {other:?}"),
    }
    let mut stray = Mission {
        id: None,
        title: "nowhere".into(),
        team_id: 99,
        team: BelongsTo::NotLoaded,
    };
    match db.insert(&mut stray).await {
        Err(Error::ForeignKeyViolation {
            table, constraint, ..
        }) => println!("foreign key: table={table:?} constraint={constraint:?}"),
        other => panic!("expected a foreign-key violation, got {other:?}"),
    }
    // ANCHOR_END: errors
    drop(section);

    let section = orm_tests::section("deferred");
    // ANCHOR: deferred
    let mut mission = Mission {
        id: None,
        title: "Save the day".into(),
        team_id: avengers.id.unwrap_or_default(),
        team: BelongsTo::NotLoaded,
    };
    db.insert(&mut mission).await?;

    // NO ACTION, immediate: the DELETE itself is refused.
    let err = db.delete(avengers.clone()).await.unwrap_err();
    println!("immediate NO ACTION: {err}");

    // Deferred: checked at COMMIT, so the mission can move to another team
    // in the same transaction.
    db.execute_sql(
        "ALTER TABLE mission ALTER CONSTRAINT mission_team_id_fkey DEFERRABLE INITIALLY DEFERRED",
        vec![],
    )
    .await?;
    let mut defenders = team("Defenders");
    db.insert(&mut defenders).await?;
    let mut tx = db.begin().await?;
    tx.delete(avengers).await?;
    mission.team_id = defenders.id.unwrap_or_default();
    tx.update(&mission).await?;
    tx.commit().await?;
    println!(
        "deferred NO ACTION: committed; teams left: {}",
        Team::query().count(&db).await?
    );
    // ANCHOR_END: deferred
    drop(section);

    let section = orm_tests::section("lock");
    // ANCHOR: lock
    let mut hero = Hero {
        id: None,
        name: "Luke Cage".into(),
        age: Some(35),
        team_id: defenders.id,
        team: BelongsTo::NotLoaded,
    };
    db.insert(&mut hero).await?;
    db.execute_sql("DELETE FROM mission", vec![]).await?;
    // The team's row is locked (by its DELETE here, where the database
    // carries the heroes' cascade; by a `SELECT ... FOR UPDATE` first in a
    // plan that writes more): a hero inserted meanwhile for this team waits
    // for the commit, then fails its foreign-key check.
    let report = db.delete(defenders).await?;
    println!("{report}");
    // ANCHOR_END: lock
    drop(section);

    db.execute_sql("DROP SCHEMA orm_example CASCADE", vec![])
        .await?;
    db.close().await;
    Ok(())
}
