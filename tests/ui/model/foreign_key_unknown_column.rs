use orm_core::Model;

#[derive(Model)]
#[model(foreign_key(columns = ["post_id", "tagid"], references = "post_tag(post_id, tag_id)"))]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    post_id: i64,
    tag_id: i64,
}

// `columns` lists column names, not field names.
#[derive(Model)]
#[model(foreign_key(columns = ["post_id", "tag_id"], references = "post_tag(post_id, tag_id)"))]
#[model(foreign_key(columns = ["post_id", "author"], references = "post_author(post_id, author_id)"))]
struct TagLink {
    #[field(primary_key)]
    id: Option<i64>,
    post_id: i64,
    #[field(column = "tag_ref")]
    tag_id: i64,
}

fn main() {}
