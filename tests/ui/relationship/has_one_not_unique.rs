use orm_core::{BelongsTo, HasOne, Model};

#[derive(Model)]
struct User {
    #[field(primary_key)]
    id: Option<i64>,
    #[relationship(back_populates = "user", cascade_delete)]
    profile: HasOne<Profile>,
}

#[derive(Model)]
struct Profile {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "user.id", ondelete = "CASCADE")]
    user_id: i64,
    #[relationship(back_populates = "profile")]
    user: BelongsTo<User>,
}

fn main() {}
