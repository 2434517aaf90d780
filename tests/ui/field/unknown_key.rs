use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_kye)]
    id: Option<i64>,
    #[field(on_delete = "CASCADE", nullable)]
    name: String,
}

fn main() {}
