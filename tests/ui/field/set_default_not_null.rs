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
    // NOT NULL and no `default`: SET DEFAULT would write NULL.
    #[field(foreign_key = "team.id", ondelete = "SET DEFAULT")]
    team_id: i64,
}

fn main() {}
