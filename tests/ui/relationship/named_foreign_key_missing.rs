use orm_core::{HasMany, Model};

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(foreign_key = "team", cascade_delete)]
    heroes: HasMany<Hero>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id")]
    team_id: Option<i64>,
}

fn main() {}
