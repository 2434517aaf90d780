use orm_core::{ManyToMany, Model};

#[derive(Model)]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(through = "PostTag")]
    tags: ManyToMany<Tag>,
}

#[derive(Model)]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
}

/// No foreign key to `tag`.
#[derive(Model)]
struct PostTag {
    #[field(primary_key, foreign_key = "post.id", ondelete = "CASCADE")]
    post_id: i64,
    #[field(primary_key)]
    tag_id: i64,
}

fn main() {}
