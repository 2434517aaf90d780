use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field = "primary_key"]
    id: Option<i64>,
}

fn main() {}
