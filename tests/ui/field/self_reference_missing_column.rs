use orm_core::Model;

#[derive(Model)]
struct Category {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "category.key")]
    parent_id: Option<i64>,
}

fn main() {}
