use orm_core::Model;

#[derive(Model)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    age: Option<i32>,
}

fn main() {
    // LIKE is for text columns.
    let _ = Hero::AGE.like("3%");
}
