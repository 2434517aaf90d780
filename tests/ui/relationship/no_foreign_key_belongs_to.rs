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
    team_id: Option<i64>,
    #[relationship]
    team: BelongsTo<Team>,
}

fn main() {}
