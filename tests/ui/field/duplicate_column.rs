use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    name: String,
    #[field(column = "name")]
    title: String,
}

fn main() {}
