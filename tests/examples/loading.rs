//! Filtered and nested loading: a blog's posts with their approved comments,
//! newest first (`Post::COMMENTS.filtered(query)`), and each comment's
//! author (`.then(Comment::AUTHOR)`): one query per step, whatever the
//! number of posts. The book's "Relationships and loading" chapter
//! includes this file.
//!
//! Run: `cargo run --example loading` (`DATABASE_URL` overrides the default
//! in-memory SQLite database).

use orm_core::prelude::*;

// ANCHOR: models
#[derive(Model, Debug, Clone)]
#[model(table = "users")]
pub struct User {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "author", cascade_delete)]
    pub posts: HasMany<Post>,
    #[relationship(back_populates = "author")]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "posts")]
pub struct Post {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub title: String,
    #[field(foreign_key = "users.id", ondelete = "CASCADE")]
    pub author_id: i64,
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
    pub post_id: i64,
    #[field(foreign_key = "users.id", ondelete = "SET NULL")]
    pub author_id: Option<i64>, // NULL: the author deleted their account
    pub body: String,
    pub approved: bool,
    #[relationship(back_populates = "comments")]
    pub post: BelongsTo<Post>,
    #[relationship(back_populates = "comments")]
    pub author: BelongsTo<User>,
}
// ANCHOR_END: models

async fn seed<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut users: Vec<User> = ["alice", "bob"]
        .into_iter()
        .map(|name| User {
            id: None,
            name: name.into(),
            posts: HasMany::NotLoaded,
            comments: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut users).await?;
    let mut posts: Vec<Post> = [("Hello", 1), ("Second post", 2), ("Quiet", 1)]
        .into_iter()
        .map(|(title, author_id)| Post {
            id: None,
            title: title.into(),
            author_id,
            author: BelongsTo::NotLoaded,
            comments: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut posts).await?;
    let mut comments: Vec<Comment> = [
        (1, Some(2), "Nice post", true),
        (1, Some(2), "Buy cheap watches", false),
        (1, None, "Agreed", true),
        (2, Some(1), "Welcome, bob", true),
        (1, Some(1), "Thanks!", true),
    ]
    .into_iter()
    .map(|(post_id, author_id, body, approved)| Comment {
        id: None,
        post_id,
        author_id,
        body: body.into(),
        approved,
        post: BelongsTo::NotLoaded,
        author: BelongsTo::NotLoaded,
    })
    .collect();
    db.insert_many(&mut comments).await?;
    Ok(())
}

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

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    seed(db).await?;

    let section = orm_tests::section("filtered");
    // ANCHOR: filtered
    let mut posts = Post::query().all(db).await?;
    let approved = Comment::query()
        .filter(Comment::APPROVED.eq(true))
        .order_by(Comment::ID.desc()); // newest first
    db.load_many(&mut posts, Post::COMMENTS.filtered(approved))
        .await?; // one SELECT for all posts
    for post in &posts {
        let bodies: Vec<&str> = post
            .comments
            .get()
            .unwrap_or_default()
            .iter()
            .map(|c| c.body.as_str())
            .collect();
        println!("{:<12} {bodies:?}", post.title);
    }
    // ANCHOR_END: filtered
    drop(section);

    let section = orm_tests::section("nested");
    // ANCHOR: nested
    let mut posts = Post::query().all(db).await?;
    let approved = Comment::query()
        .filter(Comment::APPROVED.eq(true))
        .order_by(Comment::ID.desc());
    // The approved comments of every post, then the authors of all those
    // comments: posts + comments + authors = 3 SELECTs for any number of posts.
    let comments_and_authors = Post::COMMENTS.filtered(approved).then(Comment::AUTHOR);
    db.load_many(&mut posts, comments_and_authors).await?;
    for post in &posts {
        println!("{}", post.title);
        for comment in post.comments.get().unwrap_or_default() {
            // Loaded(None): the comment's author_id is NULL.
            let author = comment.author.get().map_or("(deleted)", |u| &u.name);
            println!("    {author:<10} {}", comment.body);
        }
    }
    // ANCHOR_END: nested
    drop(section);

    let section = orm_tests::section("deeper");
    // ANCHOR: deeper
    // Three levels: each comment's post, that post's author, and every
    // post of that author — one SELECT per level. `.then` after `.then`
    // goes one level deeper.
    let mut comments = Comment::query().all(db).await?;
    let chain = Comment::POST.then(Post::AUTHOR).then(User::POSTS);
    db.load_many(&mut comments, chain).await?;
    for comment in &comments {
        let post = comment.post.get().expect("every comment has a post");
        let author = post.author.get().expect("every post has an author");
        let titles: Vec<&str> = author
            .posts
            .get()
            .unwrap_or_default()
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        println!(
            "{:<18} on {:<12} by {} ({titles:?})",
            comment.body, post.title, author.name
        );
    }
    // ANCHOR_END: deeper
    drop(section);

    let hello = &posts[0];
    assert_eq!(hello.comments.get().map(<[Comment]>::len), Some(3));
    assert!(posts[2].comments.get().is_some_and(<[Comment]>::is_empty));
    Ok(())
}
