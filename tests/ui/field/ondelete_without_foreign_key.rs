use orm_core::Model;

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(ondelete = "CASCADE")]
    team_id: Option<i64>,
}

fn main() {}
