//! Cascade delete, step 1: `cascade_delete` on the relationship and
//! `ondelete = "CASCADE"` on the foreign key. Deleting the team Wakaland
//! deletes its heroes Black Lion and Princess Sure-E.
//!
//! Run: `cargo run --example tutorial001` (set `DATABASE_URL` to use another
//! database; the default is the SQLite file `tutorial.db`, created if missing).

// ANCHOR: models
use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(index)]
    pub name: String,
    pub headquarters: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(index)]
    pub name: String,
    pub secret_name: String,
    #[field(index)]
    pub age: Option<i32>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}
// ANCHOR_END: models

impl Team {
    fn new(name: &str, headquarters: &str) -> Team {
        Team {
            id: None,
            name: name.into(),
            headquarters: headquarters.into(),
            heroes: HasMany::NotLoaded,
        }
    }
}

impl Hero {
    fn new(name: &str, secret_name: &str, age: Option<i32>, team: &Team) -> Hero {
        Hero {
            id: None,
            name: name.into(),
            secret_name: secret_name.into(),
            age,
            team_id: team.id,
            team: BelongsTo::NotLoaded,
        }
    }
}

// ANCHOR: create
async fn create_db_and_tables<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    db.drop_all(&[Team::TABLE, Hero::TABLE]).await?;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await?;
    Ok(())
}

async fn create_heroes<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let mut teams = [
        Team::new("Z-Force", "Sister Margaret's Bar"),
        Team::new("Preventers", "Sharp Tower"),
        Team::new("Wakaland", "Wakaland Capital City"),
    ];
    db.insert_many(&mut teams).await?;
    let [z_force, preventers, wakaland] = &teams;
    let mut heroes = [
        Hero::new("Deadpond", "Dive Wilson", None, z_force),
        Hero::new("Rusty-Man", "Tommy Sharp", Some(48), preventers),
        Hero::new("Spider-Boy", "Pedro Parqueador", None, preventers),
        Hero::new("Black Lion", "Trevor Challa", Some(35), wakaland),
        Hero::new("Princess Sure-E", "Sure-E", None, wakaland),
    ];
    db.insert_many(&mut heroes).await?;
    Ok(())
}
// ANCHOR_END: create

// ANCHOR: delete
async fn delete_team<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let team = Team::query()
        .filter(Team::NAME.eq("Wakaland"))
        .one(db)
        .await?;
    println!("Deleting team: {team:?}");
    let report = db.delete(team).await?;
    println!("Deleted:\n{report}");
    Ok(())
}
// ANCHOR_END: delete

// ANCHOR: select
async fn select_deleted_heroes<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    for name in ["Black Lion", "Princess Sure-E"] {
        let hero = Hero::query().filter(Hero::NAME.eq(name)).first(db).await?;
        println!("{name} not found: {hero:?}");
        assert!(hero.is_none(), "{name} should have been deleted");
    }
    Ok(())
}
// ANCHOR_END: select

// ANCHOR: main
#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite://tutorial.db");
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
    // Lines marked with an `ANCHOR: hidden` comment are left out of the book (mdBook drops lines with anchor markers): they mark which part of the output the book shows where.
    let section = orm_tests::section("tables"); // ANCHOR: hidden
    create_db_and_tables(db).await?;
    drop(section); // ANCHOR: hidden
    create_heroes(db).await?;
    let section = orm_tests::section("delete"); // ANCHOR: hidden
    delete_team(db).await?;
    drop(section); // ANCHOR: hidden
    select_deleted_heroes(db).await?;
    Ok(())
}
// ANCHOR_END: main
