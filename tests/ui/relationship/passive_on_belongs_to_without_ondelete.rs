use orm_core::{BelongsTo, Model};

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id")]
    team_id: Option<i64>,
    #[relationship(passive_deletes)]
    team: BelongsTo<Team>,
}

fn main() {}
