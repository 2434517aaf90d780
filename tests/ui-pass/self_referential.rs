//! A category tree: both sides of the relationship on one model, written with
//! `Self`, a handle visibility taken from the struct, and `missing_docs` denied.
#![deny(missing_docs, warnings)]

use orm_core::{BelongsTo, HasMany, Model, RelationKind};

/// A node of the tree.
#[derive(Model, Debug, Clone)]
pub(crate) struct Category {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "category.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Self>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Category>,
}

fn main() {
    let table = Category::TABLE;
    assert_eq!(table.name, "category");
    assert_eq!(table.foreign_keys[0].references_table, "category");
    assert_eq!(Category::PARENT.def().kind, RelationKind::BelongsTo);
    assert_eq!(Category::CHILDREN.def().kind, RelationKind::HasMany);
    assert_eq!((Category::CHILDREN.def().target)().name, "category");
    assert_eq!(Category::PARENT_ID.def().name, "parent_id");
    let mut root = Category {
        id: Some(1),
        name: "root".into(),
        parent_id: None,
        parent: BelongsTo::NotLoaded,
        children: HasMany::NotLoaded,
    };
    assert!(!Category::CHILDREN.field_mut(&mut root).is_loaded());
}
