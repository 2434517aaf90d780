use orm_core::Model;

#[derive(Model)]
#[field(table = "team")]
struct Team {
    #[model(table = "team")]
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
