use orm_core::Model;

// A typo: the nearest column is suggested.
#[derive(Model)]
#[model(soft_delete = "deletd_at")]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    title: String,
    deleted_at: Option<i64>,
}

// `soft_delete` names a column, not a field.
#[derive(Model)]
#[model(soft_delete = "deleted_at")]
struct Comment {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(column = "removed")]
    deleted_at: Option<i64>,
}

// No such column at all.
#[derive(Model)]
#[model(soft_delete = "archived_on")]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
    name: String,
}

fn main() {}
