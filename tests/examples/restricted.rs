//! `ondelete = "RESTRICT"` carried out by the ORM (no `passive_deletes`):
//! the ORM counts the referencing rows **before writing anything** and
//! refuses with `Error::Restricted`, naming the table, the column and the
//! count — even where the database does not enforce foreign keys. A plan
//! (dry run) refuses the same way. Detaching the children first lets the
//! delete through. The book's "Delete plans and reports" chapter includes
//! this file.
//!
//! Run: `cargo run --example restricted` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team")] // no flags: the ORM applies `ondelete`
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "RESTRICT")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}
// ANCHOR_END: models

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(&orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
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

    let section = orm_tests::section("restricted"); // marks this part of the output for the book
    // ANCHOR: restricted
    match db.delete(team.clone()).await {
        Err(Error::Restricted {
            parent_table,
            table,
            column,
            count,
            action,
        }) => {
            println!(
                "refused: {count} row(s) of {table}.{column} still reference {parent_table} (ON DELETE {action})"
            );
        }
        other => println!("unexpected: {other:?}"),
    }
    assert_eq!(Team::query().count(db).await?, 1, "nothing was written");

    // The message says what to do.
    if let Err(error) = db.plan_delete(&team).await {
        println!("{error}");
    }

    // Detach the heroes (one UPDATE), then the delete goes through.
    let detached = db.detach(&mut team, Team::HEROES).await?;
    let report = db.delete(team).await?;
    println!("detached {detached}, then:\n{report}");
    // ANCHOR_END: restricted
    drop(section);

    assert_eq!(
        Hero::query()
            .filter(Hero::TEAM_ID.is_null())
            .count(db)
            .await?,
        2
    );
    Ok(())
}
