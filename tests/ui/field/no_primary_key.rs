use orm_core::Model;

#[derive(Model)]
struct Team {
    id: Option<i64>,
    name: String,
}

fn main() {}
