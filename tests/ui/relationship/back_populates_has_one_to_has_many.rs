use orm_core::{BelongsTo, HasMany, HasOne, Model};

#[derive(Model)]
struct User {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "profile.id")]
    favourite_profile_id: Option<i64>,
    #[relationship(back_populates = "fans")]
    profile: HasOne<Profile>,
}

#[derive(Model)]
struct Profile {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "user.id", unique)]
    user_id: Option<i64>,
    #[relationship(back_populates = "profile")]
    user: BelongsTo<User>,
    #[relationship]
    fans: HasMany<User>,
}

fn main() {}
