//! Cascade delete, step 3: `passive_deletes` on the relationship and
//! `ondelete = "SET NULL"` on the foreign key. The ORM sends only the team's
//! `DELETE`; the database itself sets the heroes' `team_id` to NULL. That
//! needs foreign keys enforced — on by default in `orm_sqlite`; the ORM
//! checks it and refuses rather than orphan rows.
//!
//! Run: `cargo run --example tutorial003` (`DATABASE_URL` overrides the
//! default SQLite file `tutorial.db`, created if missing).

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
    #[relationship(back_populates = "team", passive_deletes)]
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
    #[field(foreign_key = "team.id", ondelete = "SET NULL")]
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
    let team: Team = db.get(3i64).await?;
    println!("Team Wakaland: {team:?}");
    // A dry run first: it writes nothing, and counts what the database's
    // own ON DELETE SET NULL will do.
    let plan = db.plan_delete(&team).await?;
    println!("Planned:\n{plan}");
    let report = db.delete(team).await?;
    println!("Deleted:\n{report}");
    Ok(())
}
// ANCHOR_END: delete

// ANCHOR: select
async fn select_heroes_without_team<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    for name in ["Black Lion", "Princess Sure-E"] {
        let hero = Hero::query().filter(Hero::NAME.eq(name)).one(db).await?;
        println!("{name} has no team: {hero:?}");
        assert_eq!(hero.team_id, None, "{name} should have no team");
    }
    Ok(())
}
// ANCHOR_END: select

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
    {
        let _section = orm_tests::section("tables"); // marks this part of the output for the book
        create_db_and_tables(db).await?;
    }
    create_heroes(db).await?;
    let _section = orm_tests::section("delete");
    delete_team(db).await?;
    select_heroes_without_team(db).await?;
    Ok(())
}
