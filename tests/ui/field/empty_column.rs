use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(column = "")]
    name: String,
}

fn main() {}
