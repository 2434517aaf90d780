use orm_core::Model;

#[derive(Model)]
#[model(foreign_key(columns = ["post_id"], references = "post(id)"))]
#[model(foreign_key(columns = [], references = "post_tag(post_id, tag_id)"))]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    post_id: i64,
    tag_id: i64,
}

fn main() {}
