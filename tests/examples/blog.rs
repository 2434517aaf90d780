//! Column types: a blog whose users have UUID keys (a typed `UserId`),
//! timestamps, JSON settings and a decimal balance; posts with a status
//! enum stored as text. Deleting a user deletes their posts and comments,
//! keyed on UUIDs all the way down.
//!
//! Run: `cargo run --example blog` (set `DATABASE_URL` for another
//! database; the default is the SQLite file `blog.db`).

// ANCHOR: models
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use orm_core::prelude::*;
use orm_core::{ColumnValue, Json};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user's key: a UUID that cannot be confused with a post's.
#[derive(ColumnValue, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);

/// Stored as text: `'draft'`, `'published'`.
#[derive(ColumnValue, Debug, Clone, Copy, PartialEq, Eq)]
#[column(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Published,
}

/// Any serde type can be a JSON column.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Settings {
    pub theme: String,
    pub newsletter: bool,
}

#[derive(Model, Debug, Clone)]
#[model(table = "users")]
pub struct User {
    #[field(primary_key)]
    pub id: UserId,
    #[field(unique)]
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub birthday: Option<NaiveDate>,
    pub settings: Json<Settings>,
    pub balance: Decimal,
    #[relationship(back_populates = "author", cascade_delete)]
    pub posts: HasMany<Post>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "posts")]
pub struct Post {
    #[field(primary_key)]
    pub id: Uuid,
    #[field(foreign_key = "users.id", ondelete = "CASCADE")]
    pub author_id: UserId,
    pub title: String,
    pub status: Status,
    #[field(index)]
    pub created_at: DateTime<Utc>,
    #[relationship(back_populates = "posts")]
    pub author: BelongsTo<User>,
    #[relationship(back_populates = "post", cascade_delete)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "comments")]
pub struct Comment {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "posts.id", ondelete = "CASCADE")]
    pub post_id: Uuid,
    pub body: String,
    #[relationship(back_populates = "comments")]
    pub post: BelongsTo<Post>,
}
// ANCHOR_END: models

const TABLES: [&orm_core::TableDef; 3] = [User::TABLE, Post::TABLE, Comment::TABLE];

/// A fixed instant, so that every run prints the same.
fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, day, hour, 0, 0)
        .single()
        .expect("a valid date")
}

// ANCHOR: insert
async fn create<B: Backend>(db: &Db<B>) -> Result<(UserId, UserId), Error> {
    db.drop_all(&TABLES).await?;
    db.create_all(&TABLES).await?;
    // UUID keys are set by the program (`Uuid::new_v4()` in a real one;
    // fixed here so that the output is the same every run).
    let ada = UserId(Uuid::from_u128(0xada));
    let bob = UserId(Uuid::from_u128(0xb0b));
    let mut users = [
        User {
            id: ada,
            email: "ada@example.com".into(),
            created_at: at(1, 9),
            birthday: NaiveDate::from_ymd_opt(1815, 12, 10),
            settings: Json(Settings {
                theme: "dark".into(),
                newsletter: true,
            }),
            balance: "1234.50".parse().expect("a decimal"),
            posts: HasMany::NotLoaded,
        },
        User {
            id: bob,
            email: "bob@example.com".into(),
            created_at: at(2, 9),
            birthday: None,
            settings: Json(Settings {
                theme: "light".into(),
                newsletter: false,
            }),
            balance: Decimal::ZERO,
            posts: HasMany::NotLoaded,
        },
    ];
    db.insert_many(&mut users).await?;
    let mut posts = Vec::new();
    for (n, (author, title, status)) in [
        (ada, "Notes on the Analytical Engine", Status::Published),
        (ada, "Bernoulli numbers", Status::Draft),
        (bob, "Hello", Status::Published),
    ]
    .into_iter()
    .enumerate()
    {
        posts.push(Post {
            id: Uuid::from_u128(n as u128 + 1),
            author_id: author,
            title: title.into(),
            status,
            created_at: at(3 + n as u32, 12),
            author: BelongsTo::NotLoaded,
            comments: HasMany::NotLoaded,
        });
    }
    db.insert_many(&mut posts).await?;
    let mut comments: Vec<Comment> = posts
        .iter()
        .flat_map(|post| {
            ["First!", "Thanks"].map(|body| Comment {
                id: None,
                post_id: post.id,
                body: body.into(),
                post: BelongsTo::NotLoaded,
            })
        })
        .collect();
    db.insert_many(&mut comments).await?;
    Ok((ada, bob))
}
// ANCHOR_END: insert

// ANCHOR: query
async fn query<B: Backend>(db: &Db<B>, ada: UserId) -> Result<(), Error> {
    // `get` takes the model's key type: a `UserId`, not any UUID or integer.
    let user: User = db.get(ada).await?;
    println!(
        "{} joined {}, theme {:?}, balance {}",
        user.email, user.created_at, user.settings.theme, user.balance
    );
    let recent = Post::query()
        .filter(Post::CREATED_AT.ge(at(4, 0)) & Post::STATUS.eq(Status::Published))
        .order_by(Post::CREATED_AT.desc())
        .all(db)
        .await?;
    for post in &recent {
        println!(
            "published since May 4: {} ({})",
            post.title, post.created_at
        );
    }
    Ok(())
}
// ANCHOR_END: query

// ANCHOR: delete
async fn delete_user<B: Backend>(db: &Db<B>, ada: UserId) -> Result<(), Error> {
    let user: User = db.get(ada).await?;
    let report = db.delete(user).await?;
    println!("Deleted:\n{report}");
    let left = Post::query().all(db).await?;
    let titles: Vec<&str> = left.iter().map(|p| p.title.as_str()).collect();
    println!(
        "posts left: {titles:?}, comments left: {}",
        Comment::query().count(db).await?
    );
    assert_eq!(titles, ["Hello"]);
    Ok(())
}
// ANCHOR_END: delete

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("sqlite://blog.db");
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
    let (ada, _bob) = create(db).await?;
    query(db, ada).await?;
    delete_user(db, ada).await?;
    Ok(())
}
