use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

#[derive(Model)]
#[model(soft_delete = "team_id")]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "team.id")]
    team_id: Option<i64>,
}

// A column of a composite foreign key.
#[derive(Model)]
#[model(foreign_key(columns = ["post_id", "tag_id"], references = "post_tag(post_id, tag_id)"))]
#[model(soft_delete = "tag_id")]
struct TagNote {
    #[field(primary_key)]
    id: Option<i64>,
    post_id: Option<i64>,
    tag_id: Option<i64>,
}

fn main() {}
