use orm_core::{ManyToMany, Model};

#[derive(Model)]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(through = "PostTag", cascade_delete)]
    tags: ManyToMany<Tag>,
}

#[derive(Model)]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
struct PostTag {
    #[field(primary_key, foreign_key = "post.id", ondelete = "CASCADE")]
    post_id: i64,
    #[field(primary_key, foreign_key = "tag.id", ondelete = "CASCADE")]
    tag_id: i64,
}

fn main() {}
