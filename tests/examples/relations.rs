//! Relationships and loading: `HasMany` / `BelongsTo` fields start out
//! `NotLoaded`; `load` fills one model's relationship with one query,
//! `load_many` fills it for many models with one query (no N+1). Then a bulk
//! delete by filter, which cascades exactly like deleting each row.
//! The book's "Relationships and loading" chapter includes this file.
//!
//! Run: `cargo run --example relations` (`DATABASE_URL` overrides the default
//! in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
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
// ANCHOR_END: models

async fn seed<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [Team::TABLE, Hero::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut teams: Vec<Team> = ["Z-Force", "Preventers", "Wakaland", "Empty"]
        .into_iter()
        .map(|name| Team {
            id: None,
            name: name.into(),
            heroes: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut teams).await?;
    let mut heroes: Vec<Hero> = [
        ("Deadpond", Some(1)),
        ("Rusty-Man", Some(2)),
        ("Spider-Boy", Some(2)),
        ("Black Lion", Some(3)),
        ("Princess Sure-E", Some(3)),
        ("Loner", None),
    ]
    .into_iter()
    .map(|(name, team_id)| Hero {
        id: None,
        name: name.into(),
        team_id,
        team: BelongsTo::NotLoaded,
    })
    .collect();
    db.insert_many(&mut heroes).await?;
    Ok(())
}

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
    seed(db).await?;

    let section = orm_tests::section("load"); // marks each part of the output for the book
    // ANCHOR: load
    let mut team: Team = db.get(2i64).await?;
    assert!(!team.heroes.is_loaded()); // NotLoaded: never a silent empty list
    db.load(&mut team, Team::HEROES).await?; // one SELECT on hero
    let heroes: Vec<&str> = team
        .heroes
        .get()
        .unwrap_or_default()
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    println!("{} has {heroes:?}", team.name);

    let mut hero: Hero = db.get(4i64).await?;
    db.load(&mut hero, Hero::TEAM).await?; // the parent, through the foreign key
    println!("{} is in {:?}", hero.name, hero.team.get().map(|t| &t.name));
    // ANCHOR_END: load
    drop(section);

    let section = orm_tests::section("load_many");
    // ANCHOR: load_many
    let mut teams = Team::query().all(db).await?;
    db.load_many(&mut teams, Team::HEROES).await?; // one SELECT for all teams
    for team in &teams {
        let count = team.heroes.get().map_or(0, <[Hero]>::len);
        println!("{:<10} {count} hero(es)", team.name);
    }

    let mut heroes = Hero::query().all(db).await?;
    db.load_many(&mut heroes, Hero::TEAM).await?; // one SELECT for all parents
    for hero in &heroes {
        // Loaded(None): the foreign key is NULL.
        println!("{:<16} {:?}", hero.name, hero.team.get().map(|t| &t.name));
    }
    // ANCHOR_END: load_many
    drop(section);

    let section = orm_tests::section("bulk_delete");
    // ANCHOR: bulk_delete
    // What would deleting every team whose name ends in "land" do?
    let plan = db.plan_delete_where(Team::NAME.like("%land")).await?;
    println!("{plan}");
    // Do it: the same statements, in one transaction.
    let report = db.delete_where(Team::NAME.like("%land")).await?;
    println!("{report}");
    assert_eq!((report.deleted("team"), report.deleted("hero")), (1, 2));

    // The same through a query.
    let report = Hero::query()
        .filter(Hero::TEAM_ID.is_null())
        .delete(db)
        .await?;
    println!("heroes without a team deleted: {}", report.deleted("hero"));
    // ANCHOR_END: bulk_delete
    drop(section);

    assert_eq!(Team::query().count(db).await?, 3);
    assert_eq!(Hero::query().count(db).await?, 3);
    Ok(())
}
