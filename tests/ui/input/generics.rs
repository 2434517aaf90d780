use orm_core::Model;

#[derive(Model)]
struct Team<T> {
    #[field(primary_key)]
    id: Option<i64>,
    name: T,
}

fn main() {}
