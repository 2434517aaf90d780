use orm_core::Model;

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team", ondelete = "CASCADE")]
    team_id: Option<i64>,
    #[field(foreign_key = "team.id.x")]
    other_team_id: Option<i64>,
    #[field(foreign_key = ".id")]
    third_team_id: Option<i64>,
}

fn main() {}
