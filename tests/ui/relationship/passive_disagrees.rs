use orm_core::{BelongsTo, HasMany, Model};

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "team", cascade_delete)]
    heroes: HasMany<Hero>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
    #[relationship(back_populates = "heroes", passive_deletes)]
    team: BelongsTo<Team>,
}

fn main() {}
