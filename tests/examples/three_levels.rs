//! Three levels: team → hero → power. Deleting a team deletes its heroes and
//! their powers, leaves first, with one statement per table — and a plan
//! (dry run) shows the same report and SQL beforehand, writing nothing.
//!
//! Run: `cargo run --example three_levels` (`DATABASE_URL` overrides the
//! default SQLite file `three_levels.db`).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: i64,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
    #[relationship(back_populates = "hero", cascade_delete)]
    pub powers: HasMany<Power>,
}

#[derive(Model, Debug, Clone)]
pub struct Power {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
    pub hero_id: i64,
    #[relationship(back_populates = "powers")]
    pub hero: BelongsTo<Hero>,
}
// ANCHOR_END: models

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite://three_levels.db");
    // The same models and code on every backend. On PostgreSQL, a schema
    // of its own (as on SQLite a file of its own): `power` references
    // `hero`, which the tutorial steps drop and recreate.
    if url.starts_with("postgres") {
        let options = orm_postgres::PgOptions::from_url(&url)?.schema("three_levels");
        run(&orm_postgres::connect_with(options).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [Team::TABLE, Hero::TABLE, Power::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;

    let mut teams = [
        Team {
            id: None,
            name: "Preventers".into(),
            heroes: HasMany::NotLoaded,
        },
        Team {
            id: None,
            name: "Wakaland".into(),
            heroes: HasMany::NotLoaded,
        },
    ];
    db.insert_many(&mut teams).await?;
    for team in &teams {
        let mut heroes: Vec<Hero> = (1..=3)
            .map(|i| Hero {
                id: None,
                name: format!("{} hero {i}", team.name),
                team_id: team.id.unwrap_or_default(),
                team: BelongsTo::NotLoaded,
                powers: HasMany::NotLoaded,
            })
            .collect();
        db.insert_many(&mut heroes).await?;
        let mut powers: Vec<Power> = heroes
            .iter()
            .flat_map(|h| {
                ["flight", "strength"].map(|p| Power {
                    id: None,
                    name: p.into(),
                    hero_id: h.id.unwrap_or_default(),
                    hero: BelongsTo::NotLoaded,
                })
            })
            .collect();
        db.insert_many(&mut powers).await?;
    }

    // Marks the output from here on for the book.
    let _section = orm_tests::section("plan");
    // ANCHOR: plan
    let [_, wakaland] = teams;
    let plan = db.plan_delete(&wakaland).await?;
    println!("The plan:\n{plan}");
    for statement in &plan.statements {
        println!("  {statement}");
    }
    let report = db.delete(wakaland).await?;
    println!("The delete:\n{report}");
    assert_eq!(plan.effects, report.effects);
    // ANCHOR_END: plan

    let left = (
        Team::query().count(db).await?,
        Hero::query().count(db).await?,
        Power::query().count(db).await?,
    );
    println!(
        "Left: {} team, {} heroes, {} powers",
        left.0, left.1, left.2
    );
    assert_eq!(left, (1, 3, 6));
    drop(_section);

    let _section = orm_tests::section("json");
    // ANCHOR: json
    // Feature `serde`: the plan as data, for an "are you sure?" screen.
    let json = serde_json::to_string_pretty(&plan.effects).expect("a report serialises");
    println!("{json}");
    // ANCHOR_END: json
    drop(_section);
    Ok(())
}
