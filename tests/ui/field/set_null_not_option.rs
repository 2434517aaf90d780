use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", ondelete = "SET NULL")]
    team_id: i64,
}

fn main() {}
