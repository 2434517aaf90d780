//! Soft-delete models: every type the ORM can stamp with the time of the
//! delete, a renamed column, and the cascades `on_soft_delete` decides.
#![allow(dead_code)]

use orm_core::{BelongsTo, HasMany, HasOne, Model, OnSoftDelete};

/// Soft-deleted (an instant); deleting one keeps its heroes, deletes its
/// badge for real, and soft-deletes its missions.
#[derive(Model, Debug, Clone)]
#[model(soft_delete = "deleted_at")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    #[relationship(back_populates = "team", cascade_delete, on_soft_delete = "keep")]
    pub heroes: HasMany<Hero>,
    #[relationship(back_populates = "team", cascade_delete, on_soft_delete = "delete")]
    pub badge: HasOne<Badge>,
    #[relationship(back_populates = "team", cascade_delete)]
    pub missions: HasMany<Mission>,
}

/// Not soft-deleted.
#[derive(Model, Debug, Clone)]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}

/// Not soft-deleted; one per team.
#[derive(Model, Debug, Clone)]
pub struct Badge {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE", unique)]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "badge")]
    pub team: BelongsTo<Team>,
}

/// Soft-deleted too (microseconds since the epoch, in a renamed column):
/// a cascade from `Team` soft-deletes it, so its relationship needs no
/// `on_soft_delete`.
#[derive(Model, Debug, Clone)]
#[model(soft_delete = "removed_at")]
pub struct Mission {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[field(column = "removed_at")]
    pub removed_micros: Option<i64>,
    #[relationship(back_populates = "missions")]
    pub team: BelongsTo<Team>,
}

/// A date and time without time zone (chrono).
#[derive(Model, Debug, Clone)]
#[model(soft_delete = "deleted_at")]
pub struct Note {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub deleted_at: Option<chrono::NaiveDateTime>,
}

/// An instant (time).
#[derive(Model, Debug, Clone)]
#[model(soft_delete = "deleted_at")]
pub struct Log {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub deleted_at: Option<time::OffsetDateTime>,
}

/// A date and time without time zone (time).
#[derive(Model, Debug, Clone)]
#[model(soft_delete = "deleted_at")]
pub struct Draft {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub deleted_at: Option<time::PrimitiveDateTime>,
}

fn main() {
    assert_eq!(Team::TABLE.soft_delete, Some("deleted_at"));
    assert_eq!(Mission::TABLE.soft_delete, Some("removed_at"));
    assert_eq!(Hero::TABLE.soft_delete, None);
    assert_eq!(Team::HEROES.def().on_soft_delete, Some(OnSoftDelete::Keep));
    assert_eq!(Team::BADGE.def().on_soft_delete, Some(OnSoftDelete::Delete));
    assert_eq!(Team::MISSIONS.def().on_soft_delete, None);
    for table in [Note::TABLE, Log::TABLE, Draft::TABLE] {
        assert_eq!(table.soft_delete, Some("deleted_at"));
    }
}
