//! A self-referential tree: categories with sub-categories. Deleting a
//! category deletes its whole subtree, at any depth, with one recursive CTE
//! — and a cycle in the data (possible where foreign keys are off) still
//! terminates.
//!
//! Run: `cargo run --example category_tree` (`DATABASE_URL` overrides the
//! default SQLite file `category_tree.db`).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Category {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "category.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Category>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Category>,
}
// ANCHOR_END: models

async fn add<B: Backend>(
    db: &Db<B>,
    name: &str,
    parent: Option<&Category>,
) -> Result<Category, Error> {
    let mut category = Category {
        id: None,
        name: name.into(),
        parent_id: parent.and_then(|p| p.id),
        parent: BelongsTo::NotLoaded,
        children: HasMany::NotLoaded,
    };
    db.insert(&mut category).await?;
    Ok(category)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite://category_tree.db");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(&orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    db.drop_all(&[Category::TABLE]).await?;
    db.create_all(&[Category::TABLE]).await?;

    let books = add(db, "Books", None).await?;
    let fiction = add(db, "Fiction", Some(&books)).await?;
    let fantasy = add(db, "Fantasy", Some(&fiction)).await?;
    add(db, "Epic fantasy", Some(&fantasy)).await?;
    add(db, "Non-fiction", Some(&books)).await?;
    add(db, "Music", None).await?;

    let _section = orm_tests::section("delete"); // marks this part of the output for the book
    // ANCHOR: delete
    let report = db.delete(books).await?;
    println!("{report}");
    let left: Vec<String> = Category::query()
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    println!("Left: {left:?}");
    assert_eq!(left, ["Music"]);
    // ANCHOR_END: delete
    Ok(())
}
