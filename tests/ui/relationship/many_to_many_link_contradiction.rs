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

/// Deleting a post deletes its links, but this foreign key says RESTRICT.
#[derive(Model)]
struct PostTag {
    #[field(primary_key, foreign_key = "post.id", ondelete = "RESTRICT")]
    post_id: i64,
    #[field(primary_key, foreign_key = "tag.id", ondelete = "CASCADE")]
    tag_id: i64,
}

fn main() {}
