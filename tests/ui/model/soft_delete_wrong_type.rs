use orm_core::Model;

// A flag cannot hold the time of the delete.
#[derive(Model)]
#[model(soft_delete = "deleted")]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    deleted: Option<bool>,
}

// Nor can a date, or a 32-bit integer.
#[derive(Model)]
#[model(soft_delete = "deleted_on")]
struct Comment {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_on: Option<chrono::NaiveDate>,
}

#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
    deleted_at: Option<i32>,
}

fn main() {}
