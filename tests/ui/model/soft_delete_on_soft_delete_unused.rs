use orm_core::{BelongsTo, HasMany, ManyToMany, Model};

// `Team` is not soft-deleted: deleting it deletes its heroes, whatever
// `on_soft_delete` says.
#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "team", cascade_delete, on_soft_delete = "keep")]
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

// `Mission` is soft-deleted too: the cascade soft-deletes its rows.
#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Squad {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<i64>,
    #[relationship(back_populates = "squad", cascade_delete, on_soft_delete = "delete")]
    missions: HasMany<Mission>,
    // No cascade: soft-deleting a squad leaves its reports alone.
    #[relationship(on_soft_delete = "keep")]
    reports: HasMany<Report>,
    // Soft-deleting a squad keeps its link rows.
    #[relationship(through = "SquadTag", on_soft_delete = "delete")]
    tags: ManyToMany<Tag>,
}

// On the child side.
#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Mission {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<i64>,
    #[field(foreign_key = "squad.id", ondelete = "CASCADE")]
    squad_id: Option<i64>,
    #[relationship(back_populates = "missions", on_soft_delete = "keep")]
    squad: BelongsTo<Squad>,
}

#[derive(Model)]
struct Report {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "squad.id")]
    squad_id: Option<i64>,
}

#[derive(Model)]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
struct SquadTag {
    #[field(primary_key, foreign_key = "squad.id", ondelete = "CASCADE")]
    squad_id: i64,
    #[field(primary_key, foreign_key = "tag.id", ondelete = "CASCADE")]
    tag_id: i64,
}

fn main() {}
