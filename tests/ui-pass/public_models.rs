//! Public models in a crate that denies missing docs and warnings: the
//! generated handles carry their own docs. Also checks the SET NULL and
//! passive-deletes combinations that must compile.
#![deny(missing_docs, warnings)]

use orm_core::{Action, BelongsTo, HasMany, Model};

/// A team.
#[derive(Model, Debug, Clone)]
pub struct Team {
    /// Key.
    #[field(primary_key)]
    pub id: Option<i64>,
    /// Name.
    #[field(index)]
    pub name: String,
    /// Heroes, deleted by the database.
    #[relationship(back_populates = "team", passive_deletes)]
    pub heroes: HasMany<Hero>,
    /// Sidekicks, orphaned by the ORM (default SET NULL).
    #[relationship(back_populates = "team")]
    pub sidekicks: HasMany<Sidekick>,
}

/// A hero.
#[derive(Model, Debug, Clone)]
pub struct Hero {
    /// Key.
    #[field(primary_key)]
    pub id: Option<i64>,
    /// Team.
    #[field(foreign_key = "team.id", ondelete = "SET NULL", onupdate = "SET NULL")]
    pub team_id: Option<i64>,
    /// The team, once loaded.
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}

/// A sidekick.
#[derive(Model, Debug, Clone)]
pub struct Sidekick {
    /// Key.
    #[field(primary_key)]
    pub id: Option<i64>,
    /// Team.
    #[field(foreign_key = "team.id")]
    pub team_id: Option<i64>,
    /// The team, once loaded.
    #[relationship(back_populates = "sidekicks")]
    pub team: BelongsTo<Team>,
}

fn main() {
    assert_eq!(Hero::TEAM_ID.def().name, "team_id");
    assert_eq!(Hero::TABLE.foreign_keys[0].on_update, Some(Action::SetNull));
    assert!(Team::HEROES.def().passive_deletes);
    assert_eq!(Team::SIDEKICKS.def().field, "sidekicks");
}
