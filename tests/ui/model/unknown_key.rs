use orm_core::Model;

#[derive(Model)]
#[model(tabel = "teams")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
