use orm_core::{HasMany, Model};

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    heroes: HasMany<Hero>,
}

fn main() {}
