use orm_core::Model;

#[derive(Model)]
#[model(tabel = "heroes")]
struct Hero {
    #[field(index)]
    id: Option<i64>,
    #[field(unique, unique)]
    name: String,
    #[field(foreign_key = "team", ondelete = "DELETE")]
    team_id: Option<i64>,
    #[field(onupdate = "CASCADE")]
    mentor_id: Option<i64>,
}

fn main() {}
