//! A composite foreign key: rows that reference a row of a table with a
//! composite primary key. Articles and labels are linked by
//! `article_label (article_id, label_id)`; an editor's note explains one
//! labelling and references it by both columns. Deleting an article, or
//! unlinking a label, takes the notes on its links with it, through the
//! schema registry, whether or not the database enforces foreign keys.
//! The book's "Many-to-many and composite keys" chapter includes this file.
//!
//! Run: `cargo run --example composite_foreign_key` (`DATABASE_URL`
//! overrides the default in-memory SQLite database).

use orm_core::Schema;
use orm_core::prelude::*;

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
    pub name: String,
    #[relationship(through = "ArticleLabel", back_populates = "labels")]
    pub articles: ManyToMany<Article>,
}

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct ArticleLabel {
    #[field(primary_key, foreign_key = "article.id", ondelete = "CASCADE")]
    pub article_id: i64,
    #[field(primary_key, foreign_key = "label.id", ondelete = "CASCADE")]
    pub label_id: i64,
    /// Follows the composite foreign key of `LabelNote`.
    #[relationship(back_populates = "labelling", cascade_delete)]
    pub notes: HasMany<LabelNote>,
}

/// Why an article carries a label: one note per labelling, referencing the
/// link row by its whole key.
#[derive(Model, Debug, Clone)]
#[model(foreign_key(
    columns = ["article_id", "label_id"],
    references = "article_label(article_id, label_id)",
    ondelete = "CASCADE"
))]
pub struct LabelNote {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub article_id: i64,
    pub label_id: i64,
    pub text: String,
    #[relationship(back_populates = "notes")]
    pub labelling: BelongsTo<ArticleLabel>,
}
// ANCHOR_END: models

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(orm_mysql::connect(&url).await?).await
    } else {
        run(orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: Db<B>) -> Result<(), Error> {
    let tables = [
        Article::TABLE,
        Label::TABLE,
        ArticleLabel::TABLE,
        LabelNote::TABLE,
    ];
    db.drop_all(&tables).await?;
    let section = orm_tests::section("create");
    // ANCHOR: create
    // The registry checks the composite key references the whole primary
    // key of `article_label`; deletes through it apply the foreign key.
    let schema = Schema::new(&tables)?;
    let db = db.with_schema(schema.clone());
    db.create_all(&tables).await?;
    // ANCHOR_END: create
    drop(section);

    let mut articles = vec![
        Article {
            id: None,
            title: "Ownership".into(),
            labels: ManyToMany::NotLoaded,
        },
        Article {
            id: None,
            title: "Macros".into(),
            labels: ManyToMany::NotLoaded,
        },
    ];
    db.insert_many(&mut articles).await?;
    let mut labels = vec![
        Label {
            id: None,
            name: "rust".into(),
            articles: ManyToMany::NotLoaded,
        },
        Label {
            id: None,
            name: "beginner".into(),
            articles: ManyToMany::NotLoaded,
        },
    ];
    db.insert_many(&mut labels).await?;
    for (article, label, text) in [
        (0, 0, "the borrow checker, in depth"),
        (0, 1, "no prior Rust needed"),
        (1, 0, "declarative and procedural"),
    ] {
        db.link(&articles[article], Article::LABELS, &labels[label])
            .await?;
        let mut note = LabelNote {
            id: None,
            article_id: articles[article].id.unwrap_or_default(),
            label_id: labels[label].id.unwrap_or_default(),
            text: text.into(),
            labelling: BelongsTo::NotLoaded,
        };
        db.insert(&mut note).await?;
    }

    let section = orm_tests::section("load");
    // ANCHOR: load
    // One query for the notes of every link, matched by the pair.
    let mut links = ArticleLabel::query().all(&db).await?;
    db.load_many(&mut links, ArticleLabel::NOTES).await?;
    for link in &links {
        let notes: Vec<&str> = link
            .notes
            .get()
            .unwrap_or_default()
            .iter()
            .map(|n| n.text.as_str())
            .collect();
        println!("({}, {}): {notes:?}", link.article_id, link.label_id);
    }
    // ANCHOR_END: load
    drop(section);

    let section = orm_tests::section("unlink");
    // ANCHOR: unlink
    // The note on the link goes with it.
    db.unlink(&articles[0], Article::LABELS, &labels[1]).await?;
    // ANCHOR_END: unlink
    drop(section);

    let section = orm_tests::section("delete");
    // ANCHOR: delete
    // Deleting an article deletes its links and the notes on them.
    let report = db.delete(articles[0].clone()).await?;
    println!("{report}");
    let notes: Vec<String> = LabelNote::query()
        .all(&db)
        .await?
        .into_iter()
        .map(|n| n.text)
        .collect();
    println!("notes left: {notes:?}");
    // ANCHOR_END: delete
    drop(section);

    // The live schema is what the models declare, composite key included.
    let verified = db.verify(&schema).await?;
    assert!(verified.is_clean(), "{verified}");

    assert_eq!(ArticleLabel::query().count(&db).await?, 1);
    assert_eq!(LabelNote::query().count(&db).await?, 1);
    Ok(())
}
