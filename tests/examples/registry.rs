//! The schema registry: `Schema::new` checks every model together, and
//! `Db::with_schema` makes every delete apply every foreign key into the
//! tables it deletes from — also foreign keys no relationship declares, and
//! a foreign key back from the deleted writer to one of their own stories
//! (a cycle of foreign keys). The book's "The schema registry" chapter
//! includes this file.
//!
//! Run: `cargo run --example registry` (`DATABASE_URL` overrides the
//! default in-memory SQLite database).

use orm_core::Schema;
use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
pub struct Writer {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    /// A foreign key with no relationship, back to a story: SET NULL.
    #[field(foreign_key = "story.id", ondelete = "SET NULL")]
    pub featured_story_id: Option<i64>,
    #[relationship(back_populates = "writer", cascade_delete)]
    pub stories: HasMany<Story>,
}

#[derive(Model, Debug, Clone)]
pub struct Story {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "writer.id", ondelete = "CASCADE")]
    pub writer_id: i64,
    pub title: String,
    #[relationship(back_populates = "stories")]
    pub writer: BelongsTo<Writer>,
}

/// Notes on stories: a foreign key and nothing else, no relationship on
/// either side.
#[derive(Model, Debug, Clone)]
pub struct Note {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "story.id", ondelete = "CASCADE")]
    pub story_id: i64,
    pub body: String,
}

/// An audit entry per writer: no `ondelete`, so NO ACTION.
#[derive(Model, Debug, Clone)]
pub struct AuditEntry {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "writer.id")]
    pub writer_id: i64,
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
    let section = orm_tests::section("schema");
    // ANCHOR: schema
    // Once, at start-up: every model of the application.
    let schema = Schema::new(&[Writer::TABLE, Story::TABLE, Note::TABLE, AuditEntry::TABLE])?;
    db.drop_all(schema.tables()).await?;
    db.create_all(schema.tables()).await?;
    let db = db.with_schema(schema);
    // ANCHOR_END: schema
    drop(section);

    let mut ann = Writer {
        id: None,
        name: "Ann".into(),
        featured_story_id: None,
        stories: HasMany::NotLoaded,
    };
    let mut bob = Writer {
        name: "Bob".into(),
        ..ann.clone()
    };
    db.insert(&mut ann).await?;
    db.insert(&mut bob).await?;
    let mut stories: Vec<Story> = [(&ann, "Dawn"), (&ann, "Dusk"), (&bob, "Noon")]
        .into_iter()
        .map(|(writer, title)| Story {
            id: None,
            writer_id: writer.id.unwrap_or_default(),
            title: title.into(),
            writer: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut stories).await?;
    ann.featured_story_id = stories[0].id; // Ann features her own story
    db.update(&ann).await?;
    let mut notes: Vec<Note> = stories
        .iter()
        .map(|story| Note {
            id: None,
            story_id: story.id.unwrap_or_default(),
            body: format!("on {}", story.title),
        })
        .collect();
    db.insert_many(&mut notes).await?;
    db.insert(&mut AuditEntry {
        id: None,
        writer_id: bob.id.unwrap_or_default(),
    })
    .await?;

    let section = orm_tests::section("delete");
    // ANCHOR: delete
    // Ann: her stories (relationship), their notes (a foreign key alone),
    // and her own featured story pointing back at her (a cycle).
    let report = db.delete(ann).await?;
    println!("{report}");
    // ANCHOR_END: delete
    drop(section);

    let section = orm_tests::section("refused");
    // ANCHOR: refused
    // Bob has an audit entry: NO ACTION refuses, before anything is written.
    match db.delete(bob).await {
        Err(error @ Error::Restricted { .. }) => println!("refused: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    // ANCHOR_END: refused
    drop(section);

    assert_eq!(Writer::query().count(&db).await?, 1);
    assert_eq!(Story::query().count(&db).await?, 1);
    assert_eq!(Note::query().count(&db).await?, 1);
    assert_eq!(AuditEntry::query().count(&db).await?, 1);
    Ok(())
}
