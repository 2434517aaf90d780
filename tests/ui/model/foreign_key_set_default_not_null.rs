use orm_core::Model;

#[derive(Model)]
#[model(foreign_key(
    columns = ["post_id", "tag_id"],
    references = "post_tag(post_id, tag_id)",
    onupdate = "SET DEFAULT"
))]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(default = 0)]
    post_id: i64,
    // NOT NULL and no `default`: SET DEFAULT would write NULL.
    tag_id: i64,
}

fn main() {}
