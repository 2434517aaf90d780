use orm_core::Model;

#[derive(Model)]
#[model(table = "team")]
#[model(table = "teams")]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
