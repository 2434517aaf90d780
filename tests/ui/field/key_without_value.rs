use orm_core::Model;

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key)]
    team_id: Option<i64>,
    #[field(sql_type = 40)]
    name: String,
}

fn main() {}
