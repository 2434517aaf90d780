//! Composite foreign keys (`#[model(foreign_key(columns = [...],
//! references = "table(...)"))]`): rows that reference a row of a table
//! with a composite primary key, here a tagging of the link table
//! `cf_post_tag`. Created by `create_all` (constraint and index), enforced
//! by the database, checked by `verify`, and applied by the ORM through the
//! schema registry: `CASCADE`, `SET NULL` (every column) and `RESTRICT`,
//! with the same end state as the database's own `ON DELETE`.

use crate::harness::{Ctx, Test, TestBackend, count, placeholders};
use orm_core::DifferenceKind;
use orm_core::{BelongsTo, Db, Error, Executor, HasMany, ManyToMany, Model, Schema, TableDef};

#[derive(Model, Debug, Clone)]
#[model(table = "cf_post")]
pub struct Post {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub title: String,
    #[relationship(through = "PostTag", back_populates = "posts")]
    pub tags: ManyToMany<Tag>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "cf_tag")]
pub struct Tag {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(through = "PostTag", back_populates = "tags")]
    pub posts: ManyToMany<Post>,
}

/// The link table: its key is the pair. Relationships follow the
/// composite foreign keys into it too.
#[derive(Model, Debug, Clone)]
#[model(table = "cf_post_tag")]
pub struct PostTag {
    #[field(primary_key, foreign_key = "cf_post.id", ondelete = "CASCADE")]
    pub post_id: i64,
    #[field(primary_key, foreign_key = "cf_tag.id", ondelete = "CASCADE")]
    pub tag_id: i64,
    #[relationship(back_populates = "tagging", cascade_delete)]
    pub notes: HasMany<Note>,
    #[relationship(back_populates = "tagging")]
    pub pins: HasMany<Pin>,
}

/// A note on one tagging: it goes with the tagging.
#[derive(Model, Debug, Clone)]
#[model(
    table = "cf_note",
    foreign_key(
        columns = ["post_id", "tag_id"],
        references = "cf_post_tag(post_id, tag_id)",
        ondelete = "CASCADE"
    )
)]
pub struct Note {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub post_id: i64,
    pub tag_id: i64,
    pub text: String,
    #[relationship(back_populates = "notes")]
    pub tagging: BelongsTo<PostTag>,
}

/// A pin remembering a tagging: both columns set to `NULL` when it goes.
#[derive(Model, Debug, Clone)]
#[model(
    table = "cf_pin",
    foreign_key(
        columns = ["post_id", "tag_id"],
        references = "cf_post_tag(post_id, tag_id)",
        ondelete = "SET NULL"
    )
)]
pub struct Pin {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub post_id: Option<i64>,
    pub tag_id: Option<i64>,
    #[relationship(back_populates = "pins")]
    pub tagging: BelongsTo<PostTag>,
}

/// A lock on a tagging: the tagging cannot go while it is there.
#[derive(Model, Debug, Clone)]
#[model(
    table = "cf_lock",
    foreign_key(
        columns = ["post_id", "tag_id"],
        references = "cf_post_tag(post_id, tag_id)",
        ondelete = "RESTRICT"
    )
)]
pub struct Lock {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub post_id: i64,
    pub tag_id: i64,
}

fn tables() -> [&'static TableDef; 6] {
    [
        Post::TABLE,
        Tag::TABLE,
        PostTag::TABLE,
        Note::TABLE,
        Pin::TABLE,
        Lock::TABLE,
    ]
}

/// The rows of the tables below the posts, as integers.
type State = Vec<Vec<Vec<Option<i64>>>>;

async fn state<B: TestBackend>(db: &Db<B>) -> State {
    vec![
        B::int_rows(db, "SELECT id FROM cf_post ORDER BY id").await,
        B::int_rows(db, "SELECT id FROM cf_tag ORDER BY id").await,
        B::int_rows(
            db,
            "SELECT post_id, tag_id FROM cf_post_tag ORDER BY post_id, tag_id",
        )
        .await,
        B::int_rows(db, "SELECT id, post_id, tag_id FROM cf_note ORDER BY id").await,
        B::int_rows(db, "SELECT id, post_id, tag_id FROM cf_pin ORDER BY id").await,
        B::int_rows(db, "SELECT id, post_id, tag_id FROM cf_lock ORDER BY id").await,
    ]
}

/// Posts 1 and 2, tags 1 and 2; taggings (1,1), (1,2), (2,1); notes on
/// each tagging; pins on (1,1) and (2,1); a pin with a `NULL` half (MATCH
/// SIMPLE: it references nothing); with `lock`, a lock on (1,2).
async fn seed<B: TestBackend>(db: &Db<B>, lock: bool) {
    db.create_all(&tables()).await.unwrap();
    let run = |sql: &'static str| async move {
        db.execute_sql(&placeholders::<B>(sql), Vec::new())
            .await
            .unwrap();
    };
    run(r#"INSERT INTO "cf_post" ("id", "title") VALUES (1, 'p1'), (2, 'p2')"#).await;
    run(r#"INSERT INTO "cf_tag" ("id", "name") VALUES (1, 'rust'), (2, 'sql')"#).await;
    run(r#"INSERT INTO "cf_post_tag" ("post_id", "tag_id") VALUES (1, 1), (1, 2), (2, 1)"#).await;
    run(r#"INSERT INTO "cf_note" ("id", "post_id", "tag_id", "text") VALUES (1, 1, 1, 'a'), (2, 1, 2, 'b'), (3, 2, 1, 'c')"#).await;
    run(r#"INSERT INTO "cf_pin" ("id", "post_id", "tag_id") VALUES (1, 1, 1), (2, 2, 1), (3, 1, NULL)"#).await;
    if lock {
        run(r#"INSERT INTO "cf_lock" ("id", "post_id", "tag_id") VALUES (1, 1, 2)"#).await;
    }
}

fn rows(rows: &[&[Option<i64>]]) -> Vec<Vec<Option<i64>>> {
    rows.iter().map(|r| r.to_vec()).collect()
}

/// After deleting post 1: its taggings, and the notes on them, gone; the
/// pin on (1,1) unset in both columns; the rest as it was.
fn without_post_1() -> State {
    vec![
        rows(&[&[Some(2)]]),
        rows(&[&[Some(1)], &[Some(2)]]),
        rows(&[&[Some(2), Some(1)]]),
        rows(&[&[Some(3), Some(2), Some(1)]]),
        rows(&[
            &[Some(1), None, None],
            &[Some(2), Some(2), Some(1)],
            &[Some(3), Some(1), None],
        ]),
        rows(&[]),
    ]
}

/// `create_all` declares the composite foreign key and an index on its
/// columns; the database enforces it (a note on a tagging that does not
/// exist is refused), and `verify` finds nothing to fix.
async fn create_all_declares_composite_foreign_keys<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let report = db.create_all(&tables()).await.unwrap();
    let note_ddl = report
        .statements
        .iter()
        .find(|s| s.contains("cf_note") && s.starts_with("CREATE TABLE"))
        .unwrap();
    let quoted = |name: &str| {
        if B::NAME == "mysql" {
            format!("`{name}`")
        } else {
            format!("\"{name}\"")
        }
    };
    let expected = format!(
        "FOREIGN KEY ({}, {}) REFERENCES {} ({}, {}) ON DELETE CASCADE",
        quoted("post_id"),
        quoted("tag_id"),
        quoted("cf_post_tag"),
        quoted("post_id"),
        quoted("tag_id")
    );
    assert!(note_ddl.contains(&expected), "{note_ddl}");
    let index = orm_core::sql::composite_index_name("cf_note", &["post_id", "tag_id"]);
    assert!(
        report.statements.iter().any(|s| s.contains(&index)),
        "{:#?}",
        report.statements
    );

    db.execute_sql(
        &placeholders::<B>(r#"INSERT INTO "cf_post" ("id", "title") VALUES (1, 'p1')"#),
        Vec::new(),
    )
    .await
    .unwrap();
    let refused = db
        .execute_sql(
            &placeholders::<B>(
                r#"INSERT INTO "cf_note" ("id", "post_id", "tag_id", "text") VALUES (1, 1, 1, 'x')"#,
            ),
            Vec::new(),
        )
        .await;
    assert!(
        matches!(refused, Err(Error::ForeignKeyViolation { .. })),
        "{refused:?}"
    );
    assert_eq!(count(&db, "cf_note").await, 0);

    let schema = Schema::new(&tables()).unwrap();
    let verify = db.verify(&schema).await.unwrap();
    assert!(verify.is_clean(), "{verify}");
}

/// Deleting a post through the registry deletes its taggings, the notes on
/// them (CASCADE) and unsets the pins (SET NULL, both columns): the
/// database's own end state, with the ORM doing it (foreign keys off and
/// on).
async fn deleting_a_post_applies_composite_foreign_keys<B: TestBackend>(ctx: Ctx<B>) {
    let database = ctx.db(true).await;
    seed(&database, false).await;
    let sql = placeholders::<B>(r#"DELETE FROM "cf_post" WHERE "id" = ?"#);
    database.execute_sql(&sql, vec![1i64.into()]).await.unwrap();
    assert_eq!(state(&database).await, without_post_1(), "the database");

    let schema = Schema::new(&tables()).unwrap();
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, false).await;
        let db = db.with_schema(schema.clone());
        let post = db.get::<Post>(1).await.unwrap();
        let report = db.delete(post).await.unwrap();
        assert_eq!(
            state(&db).await,
            without_post_1(),
            "foreign keys {foreign_keys}"
        );
        assert_eq!(report.deleted("cf_post"), 1);
        assert_eq!(report.deleted("cf_post_tag"), 2);
        assert_eq!(report.deleted("cf_note"), 2);
        assert_eq!(report.nullified("cf_pin"), 1);
        // The report names every column it set to NULL.
        assert!(
            report
                .to_string()
                .contains("set NULL           1  cf_pin.(post_id, tag_id)"),
            "{report}"
        );
    }
}

/// A `RESTRICT` composite foreign key refuses the delete before anything
/// is written, as the database does.
async fn a_restrict_composite_foreign_key_refuses<B: TestBackend>(ctx: Ctx<B>) {
    let database = ctx.db(true).await;
    seed(&database, true).await;
    let before = state(&database).await;
    let sql = placeholders::<B>(r#"DELETE FROM "cf_post" WHERE "id" = ?"#);
    let refused = database.execute_sql(&sql, vec![1i64.into()]).await;
    assert!(
        matches!(refused, Err(Error::ForeignKeyViolation { .. })),
        "{refused:?}"
    );
    assert_eq!(state(&database).await, before, "the database");

    let schema = Schema::new(&tables()).unwrap();
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, true).await;
        let db = db.with_schema(schema.clone());
        let post = db.get::<Post>(1).await.unwrap();
        match db.delete(post).await {
            Err(Error::Restricted { table, count, .. }) => {
                assert_eq!((table, count), ("cf_lock", 1));
            }
            other => panic!("foreign keys {foreign_keys}: {other:?}"),
        }
        assert_eq!(state(&db).await, before, "foreign keys {foreign_keys}");
    }
}

/// `unlink` deletes the link row through the planner when foreign keys
/// reference it (the registry's, or the link model's relationships): the
/// note on it goes and the pin on it is unset, even where the database
/// does not enforce foreign keys.
async fn unlink_applies_composite_foreign_keys<B: TestBackend>(ctx: Ctx<B>) {
    let schema = Schema::new(&tables()).unwrap();
    for (foreign_keys, registry) in [(false, true), (true, true), (false, false)] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, false).await;
        // Without the registry, the relationships on the link model.
        let db = if registry {
            db.with_schema(schema.clone())
        } else {
            db
        };
        let post = db.get::<Post>(1).await.unwrap();
        let tag = db.get::<Tag>(1).await.unwrap();
        assert_eq!(db.unlink(&post, Post::TAGS, &tag).await.unwrap(), 1);
        let after = state(&db).await;
        assert_eq!(
            after[2],
            rows(&[&[Some(1), Some(2)], &[Some(2), Some(1)]]),
            "foreign keys {foreign_keys}, registry {registry}"
        );
        assert_eq!(
            after[3],
            rows(&[&[Some(2), Some(1), Some(2)], &[Some(3), Some(2), Some(1)]])
        );
        assert_eq!(
            after[4],
            rows(&[
                &[Some(1), None, None],
                &[Some(2), Some(2), Some(1)],
                &[Some(3), Some(1), None],
            ])
        );
    }
}

/// `verify` reports a composite foreign key the live table lacks, with the
/// DDL that adds it and its index (SQLite: a rebuild); after the fix it
/// is clean.
async fn verify_finds_a_missing_composite_foreign_key<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let others = [
        Post::TABLE,
        Tag::TABLE,
        PostTag::TABLE,
        Pin::TABLE,
        Lock::TABLE,
    ];
    db.create_all(&others).await.unwrap();
    // The note table as a hand migration made it: no foreign key.
    let bare: &'static TableDef = Box::leak(Box::new(TableDef {
        foreign_keys: &[],
        ..*Note::TABLE
    }));
    for statement in orm_core::sql::ddl_for(B::DIALECT, &[bare]) {
        db.execute_sql(&statement, Vec::new()).await.unwrap();
    }
    let schema = Schema::new(&tables()).unwrap();
    let report = db.verify(&schema).await.unwrap();
    let kinds: Vec<&DifferenceKind> = report.differences.iter().map(|d| &d.kind).collect();
    assert!(
        kinds.iter().any(|k| matches!(
            k,
            DifferenceKind::MissingCompositeForeignKey {
                columns: ["post_id", "tag_id"],
                references_table: "cf_post_tag",
                references_columns: ["post_id", "tag_id"],
            }
        )),
        "{report}"
    );
    assert!(
        report.to_string().contains(
            "cf_note: missing foreign key (post_id, tag_id) to cf_post_tag(post_id, tag_id)"
        ),
        "{report}"
    );
    // As data (feature `serde`): each difference with its kind and fix.
    let json = serde_json::to_value(&report).unwrap();
    let missing = json["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"]["type"] == "missing_composite_foreign_key")
        .cloned()
        .unwrap();
    assert_eq!(missing["table"], "cf_note");
    assert_eq!(
        missing["kind"]["columns"],
        serde_json::json!(["post_id", "tag_id"])
    );
    assert_eq!(missing["kind"]["references_table"], "cf_post_tag");
    let fix_key = if B::NAME == "sqlite" {
        "not_fixable"
    } else {
        "ddl"
    };
    assert!(missing["fix"].get(fix_key).is_some(), "{missing}");
    // The index comes with the foreign key: the bare table lacks it too.
    let index = orm_core::sql::composite_index_name("cf_note", &["post_id", "tag_id"]);
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, DifferenceKind::MissingIndex { index: i } if *i == index)),
        "{report}"
    );
    if B::NAME == "sqlite" {
        // A rebuild adds the foreign key; the index alone has DDL.
        assert!(
            report.fixes.iter().all(|f| !f.contains("FOREIGN KEY")),
            "{report}"
        );
        return;
    }
    for fix in &report.fixes {
        db.execute_sql(fix, Vec::new()).await.unwrap();
    }
    let after = db.verify(&schema).await.unwrap();
    assert!(after.is_clean(), "{after}");
}

/// A composite foreign key must reference the whole primary key of its
/// table, the only set of columns the database knows to be unique there.
async fn a_composite_foreign_key_to_other_columns_is_refused<B: TestBackend>(_ctx: Ctx<B>) {
    let wrong: &'static TableDef = Box::leak(Box::new(TableDef {
        foreign_keys: Box::leak(Box::new([orm_core::ForeignKeyDef {
            columns: &["post_id", "tag_id"],
            references_table: "cf_post",
            references_columns: &["id", "title"],
            on_delete: None,
            on_update: None,
        }])),
        ..*Note::TABLE
    }));
    let err =
        Schema::new(&[Post::TABLE, Tag::TABLE, PostTag::TABLE, Pin::TABLE, wrong]).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidSchema { table: "cf_note", reason, .. }
            if reason.contains("whole primary key of `cf_post`")),
        "{err}"
    );
}

/// `HasMany` and `BelongsTo` follow a composite foreign key: one query per
/// relationship, each row's group by the pair (a pin with a `NULL` half
/// references nothing).
async fn relationships_load_through_composite_foreign_keys<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db, false).await;
    let mut taggings = PostTag::query().all(&db).await.unwrap();
    db.load_many(&mut taggings, PostTag::NOTES).await.unwrap();
    db.load_many(&mut taggings, PostTag::PINS).await.unwrap();
    type Loaded<'a> = (i64, i64, Vec<&'a str>, Vec<Option<i64>>);
    let loaded: Vec<Loaded<'_>> = taggings
        .iter()
        .map(|t| {
            let notes = t.notes.get().unwrap_or_default();
            let pins = t.pins.get().unwrap_or_default();
            (
                t.post_id,
                t.tag_id,
                notes.iter().map(|n| n.text.as_str()).collect(),
                pins.iter().map(|p| p.id).collect(),
            )
        })
        .collect();
    assert_eq!(
        loaded,
        [
            (1, 1, vec!["a"], vec![Some(1)]),
            (1, 2, vec!["b"], vec![]),
            (2, 1, vec!["c"], vec![Some(2)]),
        ]
    );

    let mut pins = Pin::query().all(&db).await.unwrap();
    db.load_many(&mut pins, Pin::TAGGING).await.unwrap();
    let parents: Vec<Option<(i64, i64)>> = pins
        .iter()
        .map(|p| match &p.tagging {
            BelongsTo::Loaded(Some(t)) => Some((t.post_id, t.tag_id)),
            BelongsTo::Loaded(None) => None,
            BelongsTo::NotLoaded => panic!("not loaded"),
        })
        .collect();
    assert_eq!(parents, [Some((1, 1)), Some((2, 1)), None]);
}

/// Without the registry, the relationships on the link model carry the
/// composite foreign keys: deleting a tagging deletes its notes
/// (`cascade_delete`) and unsets its pins, and so does deleting a post
/// (its taggings go through the `ManyToMany`), foreign keys off and on.
async fn relationships_cascade_through_composite_foreign_keys<B: TestBackend>(ctx: Ctx<B>) {
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, false).await;
        let post = db.get::<Post>(1).await.unwrap();
        let report = db.delete(post).await.unwrap();
        assert_eq!(
            state(&db).await,
            without_post_1(),
            "foreign keys {foreign_keys}"
        );
        assert_eq!(report.deleted("cf_note"), 2);
        assert_eq!(report.nullified("cf_pin"), 1);

        let tagging = db.get::<PostTag>((2, 1)).await.unwrap();
        db.delete(tagging).await.unwrap();
        let after = state(&db).await;
        assert_eq!(after[3], rows(&[]));
        assert_eq!(after[4][1], [Some(2), None, None]);
    }
}

/// Detaching a tagging's pins sets both columns of each to `NULL`.
async fn detach_unsets_every_column<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db, false).await;
    let mut tagging = db.get::<PostTag>((1, 1)).await.unwrap();
    assert_eq!(db.detach(&mut tagging, PostTag::PINS).await.unwrap(), 1);
    assert_eq!(
        state(&db).await[4],
        rows(&[
            &[Some(1), None, None],
            &[Some(2), Some(2), Some(1)],
            &[Some(3), Some(1), None],
        ])
    );
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        create_all_declares_composite_foreign_keys,
        deleting_a_post_applies_composite_foreign_keys,
        a_restrict_composite_foreign_key_refuses,
        unlink_applies_composite_foreign_keys,
        verify_finds_a_missing_composite_foreign_key,
        a_composite_foreign_key_to_other_columns_is_refused,
        relationships_load_through_composite_foreign_keys,
        relationships_cascade_through_composite_foreign_keys,
        detach_unsets_every_column,
    ]
}
