use orm_core::{BelongsTo, HasMany, Model};

// Soft-deleting a team cascades to its heroes, which cannot be soft-deleted.
#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    #[relationship(back_populates = "team", cascade_delete)]
    heroes: HasMany<Hero>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    team: BelongsTo<Team>,
}

fn main() {}
