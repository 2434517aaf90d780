use orm_core::Model;

#[derive(Model)]
#[model(foreign_key(
    columns = ["post_id", "tag_id"],
    references = "post_tag(post_id, tag_id)",
    ondelete = "SET NULL"
))]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    // SET NULL sets both columns to NULL: both must be `Option`s.
    post_id: Option<i64>,
    tag_id: i64,
}

fn main() {}
