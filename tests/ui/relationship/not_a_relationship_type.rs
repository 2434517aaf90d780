use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "team")]
    heroes: Vec<i64>,
}

fn main() {}
