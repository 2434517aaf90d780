//! Many-to-many through a link model with a composite primary key:
//! articles and labels, linked by `article_label (article_id, label_id)`.
//! Linking and unlinking, loading both sides (two queries for any number
//! of rows), reading a link by its tuple key, and deleting either side,
//! which deletes its link rows in one statement. The book's "Many-to-many
//! and composite keys" chapter includes this file.
//!
//! Run: `cargo run --example many_to_many` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Article {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub title: String,
    #[relationship(through = "ArticleLabel", back_populates = "articles")]
    pub labels: ManyToMany<Label>,
}

#[derive(Model, Debug, Clone)]
pub struct Label {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub name: String,
    #[relationship(through = "ArticleLabel", back_populates = "labels")]
    pub articles: ManyToMany<Article>,
}

/// The link model: two foreign keys, together the primary key.
#[derive(Model, Debug, Clone)]
pub struct ArticleLabel {
    #[field(primary_key, foreign_key = "article.id", ondelete = "CASCADE")]
    pub article_id: i64,
    #[field(primary_key, foreign_key = "label.id", ondelete = "CASCADE")]
    pub label_id: i64,
}
// ANCHOR_END: models

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(&orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

fn names(labels: &ManyToMany<Label>) -> Vec<&str> {
    labels
        .get()
        .unwrap_or_default()
        .iter()
        .map(|l| l.name.as_str())
        .collect()
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [Article::TABLE, Label::TABLE, ArticleLabel::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut articles: Vec<Article> = ["Ownership", "Lifetimes", "Macros"]
        .into_iter()
        .map(|title| Article {
            id: None,
            title: title.into(),
            labels: ManyToMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut articles).await?;
    let mut labels: Vec<Label> = ["rust", "beginner", "advanced"]
        .into_iter()
        .map(|name| Label {
            id: None,
            name: name.into(),
            articles: ManyToMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut labels).await?;

    let section = orm_tests::section("link");
    // ANCHOR: link
    let [rust, beginner, advanced] = [&labels[0], &labels[1], &labels[2]];
    for article in &articles {
        db.link(article, Article::LABELS, rust).await?;
    }
    db.link(&articles[0], Article::LABELS, beginner).await?;
    db.link(&articles[2], Article::LABELS, advanced).await?;
    db.link(&articles[2], Article::LABELS, beginner).await?;
    // Changed your mind: one DELETE of the link row.
    db.unlink(&articles[2], Article::LABELS, beginner).await?;
    // ANCHOR_END: link
    drop(section);

    let section = orm_tests::section("load");
    // ANCHOR: load
    // Two queries whatever the number of articles: the links, then the labels.
    db.load_many(&mut articles, Article::LABELS).await?;
    for article in &articles {
        println!("{}: {:?}", article.title, names(&article.labels));
    }
    // A link by its composite key: the tuple, in field order.
    let link: ArticleLabel = db.get((articles[0].id.unwrap_or_default(), 2i64)).await?;
    println!("{link:?}");
    // ANCHOR_END: load
    drop(section);

    let section = orm_tests::section("delete");
    // ANCHOR: delete
    // Deleting a label deletes its links, not the articles.
    let report = db.delete(labels[0].clone()).await?;
    println!("{report}");
    // ANCHOR_END: delete
    drop(section);

    assert_eq!(Article::query().count(db).await?, 3);
    assert_eq!(ArticleLabel::query().count(db).await?, 2);
    Ok(())
}
