use orm_core::Model;

#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    title: String,
    deleted_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
