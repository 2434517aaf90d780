use orm_core::Model;

#[derive(Model)]
#[model(foriegn_key(columns = ["post_id", "tag_id"], references = "post_tag(post_id, tag_id)"))]
#[model(foreign_key(colums = ["post_id", "tag_id"], references = "post_tag(post_id, tag_id)", on_delete = "CASCADE"))]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    post_id: i64,
    tag_id: i64,
}

fn main() {}
