use orm_core::{ManyToMany, Model};

#[derive(Model)]
struct Post {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship()]
    tags: ManyToMany<Tag>,
}

#[derive(Model)]
struct Tag {
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
