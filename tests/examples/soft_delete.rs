//! Soft delete that cascades: teams → heroes → powers, each with a
//! `deleted_at` column. Deleting a team marks it, its heroes and their
//! powers with one stamp; queries leave them out; `restore` undoes exactly
//! that soft delete; `purge_where` deletes for real.
//!
//! Run: `cargo run --example soft_delete` (`DATABASE_URL` overrides the
//! default SQLite file `soft_delete.db`).

use chrono::{DateTime, Utc};
use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
#[model(table = "sd_team", soft_delete = "deleted_at")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    pub deleted_at: Option<DateTime<Utc>>,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "sd_hero", soft_delete = "deleted_at")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "sd_team.id", ondelete = "CASCADE")]
    pub team_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
    #[relationship(back_populates = "hero", cascade_delete)]
    pub powers: HasMany<Power>,
    // Missions have no `deleted_at`: soft-deleting a hero keeps them.
    #[relationship(back_populates = "hero", cascade_delete, on_soft_delete = "keep")]
    pub missions: HasMany<Mission>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "sd_power", soft_delete = "deleted_at")]
pub struct Power {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "sd_hero.id", ondelete = "CASCADE")]
    pub hero_id: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    #[relationship(back_populates = "powers")]
    pub hero: BelongsTo<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "sd_mission")]
pub struct Mission {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "sd_hero.id", ondelete = "CASCADE")]
    pub hero_id: i64,
    #[relationship(back_populates = "missions")]
    pub hero: BelongsTo<Hero>,
}
// ANCHOR_END: models

#[tokio::main]
async fn main() -> Result<(), Error> {
    // No SQL echo here: the stamps are the time of the run.
    let url = orm_tests::database_url("sqlite://soft_delete.db");
    if url.starts_with("postgres") {
        let options = orm_postgres::PgOptions::from_url(&url)?.schema("soft_delete");
        run(&orm_postgres::connect_with(options).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// Every hero, soft-deleted ones marked.
async fn print_heroes<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    for hero in Hero::query().with_deleted().all(db).await? {
        let powers = Power::query()
            .filter(Power::HERO_ID.eq(hero.id.unwrap_or_default()))
            .count(db)
            .await?;
        let state = if hero.deleted_at.is_some() {
            "deleted"
        } else {
            "live"
        };
        println!("  {:<16} {state:<8} {powers} live powers", hero.name);
    }
    Ok(())
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [Team::TABLE, Hero::TABLE, Power::TABLE, Mission::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    for (team, heroes) in [
        ("Preventers", ["Deadpond", "Rusty-Man"]),
        ("Z-Force", ["Black Lion", "Princess Sure-E"]),
    ] {
        let mut team = Team {
            id: None,
            name: team.into(),
            deleted_at: None,
            heroes: HasMany::NotLoaded,
        };
        db.insert(&mut team).await?;
        for name in heroes {
            let mut hero = Hero {
                id: None,
                name: name.into(),
                team_id: team.id.unwrap_or_default(),
                deleted_at: None,
                team: BelongsTo::NotLoaded,
                powers: HasMany::NotLoaded,
                missions: HasMany::NotLoaded,
            };
            db.insert(&mut hero).await?;
            let hero_id = hero.id.unwrap_or_default();
            let mut powers: Vec<Power> = ["flight", "strength"]
                .map(|p| Power {
                    id: None,
                    name: p.into(),
                    hero_id,
                    deleted_at: None,
                    hero: BelongsTo::NotLoaded,
                })
                .into();
            db.insert_many(&mut powers).await?;
            db.insert(&mut Mission {
                id: None,
                name: format!("{name}'s mission"),
                hero_id,
                hero: BelongsTo::NotLoaded,
            })
            .await?;
        }
    }

    let _section = orm_tests::section("delete");
    // ANCHOR: delete
    // Rusty-Man first, then his whole team: two soft deletes.
    let rusty = Hero::query()
        .filter(Hero::NAME.eq("Rusty-Man"))
        .one(db)
        .await?;
    println!("Soft-deleting Rusty-Man:\n{}", db.delete(rusty).await?);
    let preventers = Team::query()
        .filter(Team::NAME.eq("Preventers"))
        .one(db)
        .await?;
    println!("Planned:\n{}", db.plan_delete(&preventers).await?);
    println!(
        "Soft-deleting the Preventers:\n{}",
        db.delete(preventers).await?
    );

    let teams: Vec<String> = Team::query()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    println!("Teams: {teams:?}");
    println!(
        "Heroes: {} live, {} with the deleted ones",
        Hero::query().count(db).await?,
        Hero::query().with_deleted().count(db).await?
    );
    print_heroes(db).await?;
    // ANCHOR_END: delete
    drop(_section);

    let _section = orm_tests::section("restore");
    // ANCHOR: restore
    // Undo the team's soft delete: Rusty-Man was deleted before, by
    // another soft delete, and stays deleted.
    let preventers = Team::query()
        .with_deleted()
        .filter(Team::NAME.eq("Preventers"))
        .one(db)
        .await?;
    println!(
        "Restoring the Preventers:\n{}",
        db.restore(&preventers).await?
    );
    print_heroes(db).await?;
    // ANCHOR_END: restore
    drop(_section);

    let _section = orm_tests::section("purge");
    // ANCHOR: purge
    // Delete for real every hero soft-deleted so far.
    let purged = db.purge_where(Hero::DELETED_AT.is_not_null()).await?;
    println!("Purged:\n{purged}");
    print_heroes(db).await?;
    println!("Missions left: {}", Mission::query().count(db).await?);
    // ANCHOR_END: purge
    drop(_section);
    Ok(())
}
