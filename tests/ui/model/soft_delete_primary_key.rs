use orm_core::Model;

#[derive(Model)]
#[model(soft_delete = "id")]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    title: String,
}

fn main() {}
