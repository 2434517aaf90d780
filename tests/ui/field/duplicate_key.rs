use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key, primary_key)]
    id: Option<i64>,
    #[field(column = "title")]
    #[field(index, column = "label")]
    name: String,
}

fn main() {}
