use orm_core::Model;

#[derive(Model)]
struct User {
    // The database generates integer keys only: a `None` UUID cannot be inserted.
    #[field(primary_key)]
    id: Option<uuid::Uuid>,
    name: String,
}

#[derive(Model)]
struct Account {
    // With a default, the database generates it: fine.
    #[field(primary_key, default = "gen_random_uuid()")]
    id: Option<uuid::Uuid>,
}

fn main() {}
