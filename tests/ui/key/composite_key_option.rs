use orm_core::Model;

#[derive(Model)]
struct Membership {
    #[field(primary_key)]
    team_id: i64,
    #[field(primary_key)]
    hero_id: Option<i64>,
}

fn main() {}
