//! Smoke.
use orm_core::{BelongsTo, HasMany, Model};

#[derive(Model, Debug, Clone)]
#[model(table = "team")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(index)]
    name: String,
    headquarters: String,
    #[relationship(back_populates = "team", cascade_delete)]
    heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(index)]
    name: String,
    secret_name: String,
    age: Option<i32>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    team: BelongsTo<Team>,
}

#[test]
fn smoke() {
    assert_eq!(Hero::TABLE.name, "hero");
}
