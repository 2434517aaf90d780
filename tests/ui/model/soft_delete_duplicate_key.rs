use orm_core::Model;

#[derive(Model)]
#[model(soft_delete = "deleted_at")]
#[model(soft_delete = "removed_at")]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<i64>,
    removed_at: Option<i64>,
}

fn main() {}
