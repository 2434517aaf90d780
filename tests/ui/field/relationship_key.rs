use orm_core::Model;

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id", cascade_delete)]
    team_id: Option<i64>,
}

fn main() {}
