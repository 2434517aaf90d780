//! Column types beyond integers and text (issue 11): chrono, time, uuid,
//! JSON and decimal fields, user enums and newtypes, UUID and text primary
//! keys with cascades keyed on them, raw SQL decoded into models, and the
//! regressions found while trying a blog schema. Each test asserts what the
//! database holds, read back with plain sqlx where the ORM could hide it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use orm_core::prelude::*;
use orm_core::{ColumnValue, DecodeError, Json};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::harness::{Ctx, Test, TestBackend, count, placeholders};

/// Stored as text, variant names in snake case.
#[derive(ColumnValue, Debug, Clone, Copy, PartialEq)]
#[column(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InReview,
    #[column(rename = "live")]
    Published,
}

/// Stored as its discriminant.
#[derive(ColumnValue, Debug, Clone, Copy, PartialEq)]
#[repr(i16)]
pub enum Priority {
    Low = 1,
    Normal = 5,
    High = 10,
}

/// A typed key: a UUID that is not just any UUID.
#[derive(ColumnValue, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthorId(pub Uuid);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    pub theme: String,
    pub tags: Vec<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "author")]
pub struct Author {
    #[field(primary_key)]
    pub id: AuthorId,
    #[field(unique)]
    pub email: String,
    pub joined_on: NaiveDate,
    #[field(index)]
    pub created_at: DateTime<Utc>,
    pub last_seen: Option<NaiveDateTime>,
    pub wake_up: Option<NaiveTime>,
    pub settings: Json<Settings>,
    pub extra: Option<serde_json::Value>,
    pub balance: Decimal,
    pub status: Status,
    pub priority: Option<Priority>,
    pub avatar: Option<Vec<u8>>,
    pub tiny: i8,
    pub unsigned: u32,
    #[field(sql_type = "VARCHAR(80)")]
    pub motto: Option<String>,
    #[relationship(back_populates = "author", cascade_delete)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "post")]
pub struct Post {
    #[field(primary_key)]
    pub id: Uuid,
    #[field(foreign_key = "author.id", ondelete = "CASCADE")]
    pub author_id: AuthorId,
    pub title: String,
    pub published_at: Option<time::OffsetDateTime>,
    pub day: time::Date,
    pub at: time::PrimitiveDateTime,
    pub clock: time::Time,
    #[relationship(back_populates = "posts")]
    pub author: BelongsTo<Author>,
    #[relationship(back_populates = "post", cascade_delete)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "comment")]
pub struct Comment {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "post.id", ondelete = "CASCADE")]
    pub post_id: Uuid,
    pub body: String,
    #[relationship(back_populates = "comments")]
    pub post: BelongsTo<Post>,
}

/// A text primary key, referenced with `SET NULL`.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tag")]
pub struct Tag {
    #[field(primary_key)]
    pub slug: String,
    pub label: String,
    #[relationship(back_populates = "tag")]
    pub labels: HasMany<Label>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "label")]
pub struct Label {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "tag.slug", ondelete = "SET NULL")]
    pub tag_slug: Option<String>,
    #[relationship(back_populates = "labels")]
    pub tag: BelongsTo<Tag>,
}

/// A model whose only column is its generated key.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "owner")]
pub struct Owner {
    #[field(primary_key)]
    pub id: Option<i64>,
}

/// A value whose `Serialize` always fails.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unserializable;

impl Serialize for Unserializable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "this value refuses to be serialized",
        ))
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "document")]
pub struct Document {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub body: Json<Unserializable>,
}

const TABLES: [&orm_core::TableDef; 3] = [Author::TABLE, Post::TABLE, Comment::TABLE];

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a valid instant")
        .with_timezone(&Utc)
}

pub fn author(email: &str, created_at: &str) -> Author {
    Author {
        id: AuthorId(Uuid::new_v4()),
        email: email.into(),
        joined_on: NaiveDate::from_ymd_opt(2024, 2, 29).expect("a leap day"),
        created_at: at(created_at),
        last_seen: NaiveDate::from_ymd_opt(2024, 5, 1)
            .and_then(|d| d.and_hms_micro_opt(23, 59, 58, 123_456)),
        wake_up: NaiveTime::from_hms_micro_opt(6, 30, 0, 250_000),
        settings: Json(Settings {
            theme: "dark".into(),
            tags: vec!["rust".into(), "sql".into()],
        }),
        extra: Some(serde_json::json!({"nested": {"list": [1, 2.5, null, "x'y"]}})),
        balance: "12345678901234567890.10".parse().expect("a decimal"),
        status: Status::InReview,
        priority: Some(Priority::High),
        avatar: Some(vec![0, 1, 2, 255]),
        tiny: -128,
        unsigned: u32::MAX,
        motto: Some("ship it".into()),
        posts: HasMany::NotLoaded,
    }
}

pub fn post(author: &Author, title: &str) -> Post {
    use time::macros::{date, datetime, offset, time};
    Post {
        id: Uuid::new_v4(),
        author_id: author.id,
        title: title.into(),
        // Not UTC: both backends store the instant and read it back in UTC.
        published_at: Some(datetime!(2024-06-01 14:00:00.5).assume_offset(offset!(+2))),
        day: date!(2024 - 06 - 01),
        at: datetime!(2024-06-01 12:00:00.000_001),
        clock: time!(23:59:59.999_999),
        author: BelongsTo::NotLoaded,
        comments: HasMany::NotLoaded,
    }
}

fn comment(post: &Post, body: &str) -> Comment {
    Comment {
        id: None,
        post_id: post.id,
        body: body.into(),
        post: BelongsTo::NotLoaded,
    }
}

async fn setup<B: TestBackend>(ctx: &Ctx<B>, foreign_keys: bool) -> Db<B> {
    let db = ctx.db(foreign_keys).await;
    db.create_all(&TABLES).await.unwrap();
    db
}

/// Every field comes back exactly as it was written, and `get` takes the
/// model's key type (an `AuthorId` here).
async fn every_column_type_round_trips<B: TestBackend>(ctx: Ctx<B>) {
    let db = setup(&ctx, true).await;
    let mut written = author("ada@example.com", "2024-05-01T10:00:00.123456Z");
    db.insert(&mut written).await.unwrap();
    let read: Author = db.get(written.id).await.unwrap();
    assert_eq!(read, written);

    let mut empty = Author {
        last_seen: None,
        wake_up: None,
        extra: None,
        priority: None,
        avatar: None,
        motto: None,
        ..author("nobody@example.com", "2024-05-02T00:00:00Z")
    };
    db.insert(&mut empty).await.unwrap();
    let read: Author = db.get(empty.id).await.unwrap();
    assert_eq!(read, empty, "NULLs of every type read back as None");

    let mut p = post(&written, "hello");
    db.insert(&mut p).await.unwrap();
    let read: Post = db.get(p.id).await.unwrap();
    assert_eq!(read, p);
    assert_eq!(
        read.published_at.map(|t| t.offset()),
        Some(time::UtcOffset::UTC),
        "an instant is stored as such and read back in UTC"
    );
}

/// How each type is stored, read with plain sqlx: native types on
/// PostgreSQL; text, blobs and integers on SQLite (decimals as exact text).
async fn column_types_are_stored_as_documented<B: TestBackend>(ctx: Ctx<B>) {
    let db = setup(&ctx, true).await;
    let mut a = author("ada@example.com", "2024-05-01T10:00:00Z");
    db.insert(&mut a).await.unwrap();
    if B::NAME == "postgres" {
        let types = B::strings(
            &db,
            "SELECT column_name::text || ' ' || data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'author' ORDER BY ordinal_position",
        )
        .await;
        assert_eq!(
            types,
            [
                "id uuid",
                "email text",
                "joined_on date",
                "created_at timestamp with time zone",
                "last_seen timestamp without time zone",
                "wake_up time without time zone",
                "settings jsonb",
                "extra jsonb",
                "balance numeric",
                "status text",
                "priority smallint",
                "avatar bytea",
                "tiny smallint",
                "unsigned bigint",
                "motto character varying",
            ]
        );
        let stored = B::strings(
            &db,
            "SELECT balance::text || ' ' || status || ' ' || priority::text || ' ' || (settings->>'theme') FROM author",
        )
        .await;
        assert_eq!(stored, ["12345678901234567890.10 in_review 10 dark"]);
    } else if B::NAME == "mysql" {
        let types = B::strings(
            &db,
            "SELECT CONCAT(column_name, ' ', column_type) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'author' ORDER BY ordinal_position",
        )
        .await;
        assert_eq!(
            types,
            [
                "id binary(16)",
                "email varchar(255)",
                "joined_on date",
                "created_at datetime(6)",
                "last_seen datetime(6)",
                "wake_up time(6)",
                "settings longtext",
                "extra longtext",
                "balance decimal(65,28)",
                "status longtext",
                "priority smallint(6)",
                "avatar longblob",
                "tiny smallint(6)",
                "unsigned bigint(20)",
                "motto varchar(80)",
            ]
        );
        let stored = B::strings(
            &db,
            "SELECT CONCAT(LENGTH(id), ' ', TRIM(TRAILING '0' FROM balance), ' ', status, ' ', priority, ' ', \
             created_at, ' ', JSON_VALUE(settings, '$.theme')) FROM author",
        )
        .await;
        assert_eq!(
            stored,
            ["16 12345678901234567890.1 in_review 10 2024-05-01 10:00:00.000000 dark"]
        );
    } else {
        let stored = B::strings(
            &db,
            "SELECT typeof(id) || ' ' || length(id) || ' ' || typeof(balance) || ' ' || balance || ' ' \
             || status || ' ' || typeof(priority) || ' ' || priority || ' ' || created_at || ' ' || joined_on \
             || ' ' || json_extract(settings, '$.tags[1]') FROM author",
        )
        .await;
        assert_eq!(
            stored,
            [
                "blob 16 text 12345678901234567890.10 in_review integer 10 2024-05-01T10:00:00+00:00 2024-02-29 sql"
            ]
        );
    }
}

/// Filters and ordering on dates, instants, UUIDs, enums and JSON-free
/// columns run in the database (bound with their own types).
async fn filters_and_order_on_the_new_types<B: TestBackend>(ctx: Ctx<B>) {
    let db = setup(&ctx, true).await;
    let mut authors = vec![
        author("c@example.com", "2024-05-03T00:00:00Z"),
        author("a@example.com", "2024-05-01T00:00:00.5Z"),
        author("b@example.com", "2024-05-01T00:00:00Z"),
    ];
    authors[2].status = Status::Published;
    db.insert_many(&mut authors).await.unwrap();

    let newest_first = Author::query()
        .order_by(Author::CREATED_AT.desc())
        .all(&db)
        .await
        .unwrap();
    let emails: Vec<&str> = newest_first.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(emails, ["c@example.com", "a@example.com", "b@example.com"]);

    let after = Author::query()
        .filter(Author::CREATED_AT.gt(at("2024-05-01T00:00:00.25Z")))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(after, 2, "sub-second instants compare as instants");

    let by_key = Author::query()
        .filter(Author::ID.eq(authors[1].id))
        .one(&db)
        .await
        .unwrap();
    assert_eq!(by_key.email, "a@example.com");

    let live = Author::query()
        .filter(Author::STATUS.eq(Status::Published))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].email, "b@example.com");

    let leap = NaiveDate::from_ymd_opt(2024, 2, 29).expect("a leap day");
    let joined = Author::query()
        .filter(Author::JOINED_ON.eq(leap) & Author::PRIORITY.eq(Priority::High))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(joined, 3);

    // Lists of every kind of value: PostgreSQL binds each list as one
    // array parameter (`= ANY($1)`, `<> ALL($1)`), the others bind each
    // value; the rows are the same.
    let emails_of = |found: Vec<Author>| {
        let mut emails: Vec<String> = found.into_iter().map(|a| a.email).collect();
        emails.sort();
        emails
    };
    let by_keys = Author::query()
        .filter(Author::ID.is_in([authors[0].id, authors[2].id, AuthorId(Uuid::nil())]))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(emails_of(by_keys), ["b@example.com", "c@example.com"]);
    let by_instants = Author::query()
        .filter(
            Author::CREATED_AT.is_in([at("2024-05-01T00:00:00.5Z"), at("2024-05-03T00:00:00Z")]),
        )
        .all(&db)
        .await
        .unwrap();
    assert_eq!(emails_of(by_instants), ["a@example.com", "c@example.com"]);
    let not_published = Author::query()
        .filter(Author::STATUS.not_in([Status::Published, Status::Draft]))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(emails_of(not_published), ["a@example.com", "c@example.com"]);
    let balance: Decimal = "12345678901234567890.10".parse().expect("a decimal");
    let other: Decimal = "0.5".parse().expect("a decimal");
    let by_amount = Author::query()
        .filter(Author::BALANCE.is_in([other, balance]) & Author::JOINED_ON.is_in([leap, leap]))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(by_amount, 3);
    let by_text = Author::query()
        .filter(Author::EMAIL.not_in(["a@example.com", "b@example.com"]))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(emails_of(by_text), ["c@example.com"]);

    let missing = Author::query()
        .filter(Author::EMAIL.like("%@nowhere%"))
        .one(&db)
        .await
        .unwrap_err();
    match missing {
        orm_core::Error::NoMatch { table, filter } => {
            assert_eq!(table, "author");
            assert_eq!(filter, "email LIKE '%@nowhere%'");
        }
        other => panic!("expected NoMatch, got {other:?}"),
    }
}

/// A parent keyed by a UUID newtype, children keyed by UUIDs, grandchildren
/// referencing them: the cascade is keyed on UUIDs all the way down, with
/// foreign keys enforced or not.
async fn cascade_keyed_on_uuids<B: TestBackend>(ctx: Ctx<B>) {
    for foreign_keys in [true, false] {
        let db = setup(&ctx, foreign_keys).await;
        let mut authors = vec![
            author("gone@example.com", "2024-01-01T00:00:00Z"),
            author("kept@example.com", "2024-01-02T00:00:00Z"),
        ];
        db.insert_many(&mut authors).await.unwrap();
        let mut posts: Vec<Post> = (0..5)
            .map(|i| post(&authors[i % 2], &format!("post {i}")))
            .collect();
        db.insert_many(&mut posts).await.unwrap();
        let mut comments: Vec<Comment> = posts
            .iter()
            .flat_map(|p| (0..3).map(move |i| comment(p, &format!("{i} on {}", p.title))))
            .collect();
        db.insert_many(&mut comments).await.unwrap();

        let mut gone = authors.remove(0);
        db.load(&mut gone, Author::POSTS).await.unwrap();
        assert_eq!(gone.posts.get().map(<[Post]>::len), Some(3));
        let report = db.delete(gone).await.unwrap();
        assert_eq!(
            (
                report.deleted("comment"),
                report.deleted("post"),
                report.deleted("author")
            ),
            (9, 3, 1),
            "{report}"
        );
        assert_eq!(count(&db, "author").await, 1);
        assert_eq!(count(&db, "post").await, 2);
        assert_eq!(count(&db, "comment").await, 6);
        let kept: Vec<String> = Post::query()
            .order_by(Post::TITLE.asc())
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(kept, ["post 1", "post 3"]);
        let orphans = B::scalar(
            &db,
            "SELECT COUNT(*) FROM comment WHERE post_id NOT IN (SELECT id FROM post)",
        )
        .await;
        assert_eq!(orphans, 0, "foreign keys enforced: {foreign_keys}");
    }
}

/// A text primary key, its children set to NULL when it is deleted.
async fn text_keys_and_set_null<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(false).await;
    db.create_all(&[Tag::TABLE, Label::TABLE]).await.unwrap();
    let mut tags = vec![
        Tag {
            slug: "rust".into(),
            label: "Rust".into(),
            labels: HasMany::NotLoaded,
        },
        Tag {
            slug: "o'brien".into(),
            label: "quoted".into(),
            labels: HasMany::NotLoaded,
        },
    ];
    db.insert_many(&mut tags).await.unwrap();
    let mut labels: Vec<Label> = ["rust", "rust", "o'brien"]
        .into_iter()
        .map(|slug| Label {
            id: None,
            tag_slug: Some(slug.into()),
            tag: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut labels).await.unwrap();

    let tag: Tag = db.get("rust").await.unwrap();
    let report = db.delete(tag).await.unwrap();
    assert_eq!((report.nullified("label"), report.deleted("tag")), (2, 1));
    let slugs = B::strings(
        &db,
        "SELECT COALESCE(tag_slug, '<null>') FROM label ORDER BY id",
    )
    .await;
    assert_eq!(slugs, ["<null>", "<null>", "o'brien"]);
    assert!(db.find::<Tag>("rust").await.unwrap().is_none());
    let quoted: Tag = db.get("o'brien").await.unwrap();
    assert_eq!(quoted.label, "quoted");
}

/// Regression: a model whose only column is its generated key inserted
/// `INSERT INTO "owner" () VALUES ()`, a syntax error.
async fn a_model_of_only_a_generated_key_inserts<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&[Owner::TABLE]).await.unwrap();
    let mut one = Owner { id: None };
    db.insert(&mut one).await.unwrap();
    let mut more = vec![Owner { id: None }, Owner { id: None }, Owner { id: None }];
    db.insert_many(&mut more).await.unwrap();
    let ids: Vec<Option<i64>> = std::iter::once(&one).chain(&more).map(|o| o.id).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3), Some(4)]);
    assert_eq!(
        B::int_rows(&db, "SELECT id FROM owner ORDER BY id").await,
        [[Some(1)], [Some(2)], [Some(3)], [Some(4)]]
    );
}

/// A value whose conversion fails is refused before anything is sent:
/// never a silent NULL, and the other rows of the batch are not written.
async fn a_value_that_cannot_be_converted_is_refused<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&[Document::TABLE]).await.unwrap();
    let mut docs = vec![
        Document {
            id: None,
            body: Json(Unserializable),
        };
        3
    ];
    let err = db.insert_many(&mut docs).await.unwrap_err();
    match err {
        orm_core::Error::InvalidValue(reason) => {
            assert!(reason.contains("refuses to be serialized"), "{reason}")
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
    assert_eq!(count(&db, "document").await, 0);
    assert!(docs.iter().all(|d| d.id.is_none()));
}

/// A stored value that is no variant of the enum (or JSON that does not
/// match the struct) is a decode error naming the column, never a default.
async fn values_that_do_not_decode_name_the_column<B: TestBackend>(ctx: Ctx<B>) {
    let db = setup(&ctx, true).await;
    let mut a = author("ada@example.com", "2024-05-01T10:00:00Z");
    db.insert(&mut a).await.unwrap();
    db.execute_sql("UPDATE author SET status = 'archived'", Vec::new())
        .await
        .unwrap();
    match db.get::<Author>(a.id).await.unwrap_err() {
        orm_core::Error::Decode {
            table,
            column,
            source: DecodeError::Invalid(message),
        } => {
            assert_eq!((table, column), ("author", "status"));
            assert!(
                message.contains("\"archived\" is not a variant of `Status`"),
                "{message}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    db.execute_sql(
        "UPDATE author SET status = 'draft', settings = '{\"theme\": 3}'",
        Vec::new(),
    )
    .await
    .unwrap();
    match db.get::<Author>(a.id).await.unwrap_err() {
        orm_core::Error::Decode { column, .. } => assert_eq!(column, "settings"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// `fetch_sql` decodes rows by column name: another column order, a join,
/// parameters of the new types.
async fn raw_sql_decodes_models_by_column_name<B: TestBackend>(ctx: Ctx<B>) {
    let db = setup(&ctx, true).await;
    let mut a = author("ada@example.com", "2024-05-01T10:00:00Z");
    db.insert(&mut a).await.unwrap();
    let mut posts = vec![post(&a, "first"), post(&a, "second")];
    db.insert_many(&mut posts).await.unwrap();

    let sql = placeholders::<B>(
        "SELECT p.title, p.clock, p.at, p.day, p.published_at, p.author_id, p.id \
         FROM post p JOIN author a ON a.id = p.author_id \
         WHERE a.email = ? AND p.title <> ? ORDER BY p.title",
    );
    let found: Vec<Post> = db
        .fetch_sql(&sql, vec!["ada@example.com".into(), "second".into()])
        .await
        .unwrap();
    assert_eq!(found, [posts[0].clone()]);

    let by_id: Vec<Author> = db
        .fetch_sql(
            &placeholders::<B>("SELECT * FROM author WHERE id = ?"),
            vec![a.id.into()],
        )
        .await
        .unwrap();
    assert_eq!(by_id, [a.clone()]);

    match db
        .fetch_sql::<Post>("SELECT title FROM post", Vec::new())
        .await
        .unwrap_err()
    {
        orm_core::Error::Decode {
            column,
            source: DecodeError::MissingColumn,
            ..
        } => assert_eq!(column, "id"),
        other => panic!("expected a missing column, got {other:?}"),
    }
}

/// `Json<T>` holds any serde type, `serde_json::Value` any document.
async fn json_documents_round_trip_any_serde_type<B: TestBackend>(ctx: Ctx<B>) {
    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "config")]
    pub struct Config {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub map: Json<BTreeMap<String, Vec<Option<f64>>>>,
        pub raw: serde_json::Value,
    }
    let db = ctx.db(true).await;
    db.create_all(&[Config::TABLE]).await.unwrap();
    let mut map = BTreeMap::new();
    map.insert("a".to_owned(), vec![Some(1.5), None]);
    map.insert("ü'\"".to_owned(), vec![]);
    let mut config = Config {
        id: None,
        map: Json(map),
        raw: serde_json::json!([true, {"k": "v"}, 12345678901234567_i64]),
    };
    db.insert(&mut config).await.unwrap();
    let read: Config = db.get(config.id.expect("inserted")).await.unwrap();
    assert_eq!(read, config);
}

pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        every_column_type_round_trips,
        column_types_are_stored_as_documented,
        filters_and_order_on_the_new_types,
        cascade_keyed_on_uuids,
        text_keys_and_set_null,
        a_model_of_only_a_generated_key_inserts,
        a_value_that_cannot_be_converted_is_refused,
        values_that_do_not_decode_name_the_column,
        raw_sql_decodes_models_by_column_name,
        json_documents_round_trip_any_serde_type,
    ]
}
