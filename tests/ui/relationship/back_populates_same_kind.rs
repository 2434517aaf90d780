use orm_core::{BelongsTo, HasMany, Model};

#[derive(Model)]
struct Category {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(foreign_key = "category.id")]
    parent_id: Option<i64>,
    #[relationship(back_populates = "children")]
    parent: BelongsTo<Category>,
    #[relationship(back_populates = "parent")]
    children: HasMany<Category>,
    #[relationship(back_populates = "children")]
    descendants: HasMany<Category>,
}

fn main() {}
