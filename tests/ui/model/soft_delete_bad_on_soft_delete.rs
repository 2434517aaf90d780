use orm_core::{HasMany, Model};

#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<i64>,
    #[relationship(cascade_delete, on_soft_delete = "maybe")]
    heroes: HasMany<Hero>,
    #[relationship(cascade_delete, on_soft_delete = "Keep")]
    sidekicks: HasMany<Sidekick>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
}

#[derive(Model)]
struct Sidekick {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
}

fn main() {}
