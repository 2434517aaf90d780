//! A blog schema with every kind of relationship: users with a profile
//! (one-to-one), posts, comments with self-referencing replies, tags
//! through a link table with a composite primary key (many-to-many), and a
//! cross-table cycle (a user's featured post). Deletes assert every table's
//! end state, ORM-executed (foreign keys off and on) and passive, through
//! the schema registry.

use crate::harness::{Ctx, Test, TestBackend, count, placeholders};
use orm_core::{
    BelongsTo, Db, EffectKind, Error, Executor, HasMany, HasOne, ManyToMany, Model, Schema,
    TableDef,
};

/// Models whose delete actions the ORM carries out (`passive` = false) or
/// leaves to the database (`passive` = true), otherwise the same schema.
macro_rules! blog {
    ($name:ident, $($passive:ident)?) => {
        pub mod $name {
            use super::*;

            #[derive(Model, Debug, Clone)]
            #[model(table = "users")]
            pub struct User {
                #[field(primary_key)]
                pub id: Option<i64>,
                pub name: String,
                /// The cycle: a post of any user, SET NULL when it goes.
                #[field(foreign_key = "posts.id", ondelete = "SET NULL")]
                pub featured_post_id: Option<i64>,
                #[relationship(back_populates = "user", cascade_delete $(, $passive)?)]
                pub profile: HasOne<Profile>,
                #[relationship(back_populates = "author", cascade_delete $(, $passive)?)]
                pub posts: HasMany<Post>,
            }

            #[derive(Model, Debug, Clone)]
            #[model(table = "profiles")]
            pub struct Profile {
                #[field(primary_key)]
                pub id: Option<i64>,
                #[field(foreign_key = "users.id", ondelete = "CASCADE", unique)]
                pub user_id: i64,
                pub bio: String,
                #[relationship(back_populates = "profile")]
                pub user: BelongsTo<User>,
            }

            #[derive(Model, Debug, Clone)]
            #[model(table = "posts")]
            pub struct Post {
                #[field(primary_key)]
                pub id: Option<i64>,
                #[field(foreign_key = "users.id", ondelete = "CASCADE")]
                pub author_id: i64,
                pub title: String,
                #[relationship(back_populates = "posts")]
                pub author: BelongsTo<User>,
                #[relationship(back_populates = "post", cascade_delete $(, $passive)?)]
                pub comments: HasMany<Comment>,
                #[relationship(through = "PostTag", back_populates = "posts" $(, $passive)?)]
                pub tags: ManyToMany<Tag>,
            }

            #[derive(Model, Debug, Clone)]
            #[model(table = "comments")]
            pub struct Comment {
                #[field(primary_key)]
                pub id: Option<i64>,
                #[field(foreign_key = "posts.id", ondelete = "CASCADE")]
                pub post_id: i64,
                /// Replies go with the comment they answer.
                #[field(foreign_key = "comments.id", ondelete = "CASCADE")]
                pub reply_to: Option<i64>,
                /// Comments by other users stay, anonymous, when the author goes.
                #[field(foreign_key = "users.id", ondelete = "SET NULL")]
                pub author_id: Option<i64>,
                #[relationship(back_populates = "comments")]
                pub post: BelongsTo<Post>,
            }

            #[derive(Model, Debug, Clone)]
            #[model(table = "tags")]
            pub struct Tag {
                #[field(primary_key)]
                pub id: Option<i64>,
                #[field(unique)]
                pub name: String,
                #[relationship(through = "PostTag", back_populates = "tags" $(, $passive)?)]
                pub posts: ManyToMany<Post>,
            }

            /// The link table: its key is the pair.
            #[derive(Model, Debug, Clone, PartialEq)]
            #[model(table = "post_tag")]
            pub struct PostTag {
                #[field(primary_key, foreign_key = "posts.id", ondelete = "CASCADE")]
                pub post_id: i64,
                #[field(primary_key, foreign_key = "tags.id", ondelete = "CASCADE")]
                pub tag_id: i64,
            }

            pub fn tables() -> [&'static TableDef; 6] {
                [
                    User::TABLE,
                    Profile::TABLE,
                    Post::TABLE,
                    Comment::TABLE,
                    Tag::TABLE,
                    PostTag::TABLE,
                ]
            }
        }
    };
}

blog!(orm,);
blog!(passive, passive_deletes);

/// Every table's rows, as integers (text columns left out).
type State = Vec<Vec<Vec<Option<i64>>>>;

async fn state<B: TestBackend>(db: &Db<B>) -> State {
    vec![
        B::int_rows(db, "SELECT id, featured_post_id FROM users ORDER BY id").await,
        B::int_rows(db, "SELECT id, user_id FROM profiles ORDER BY id").await,
        B::int_rows(db, "SELECT id, author_id FROM posts ORDER BY id").await,
        B::int_rows(
            db,
            "SELECT id, post_id, reply_to, author_id FROM comments ORDER BY id",
        )
        .await,
        B::int_rows(db, "SELECT id FROM tags ORDER BY id").await,
        B::int_rows(
            db,
            "SELECT post_id, tag_id FROM post_tag ORDER BY post_id, tag_id",
        )
        .await,
    ]
}

/// Plain SQL, so the seed does not depend on the ORM under test: users 1
/// (Ann) and 2 (Bob) with profiles; Ann's posts 1 and 2, Bob's post 3;
/// comments on post 1: 1 by Bob, 2 (a reply to 1) by Ann, 3 (a reply to
/// 2) by Bob; on post 3: 4 by Ann; tags 1..3: post 1 has tags 1, 2; post 2
/// tag 2; post 3 tags 2, 3. Ann features Bob's post 3, Bob features
/// Ann's post 1.
async fn seed<B: TestBackend>(db: &Db<B>, tables: &[&'static TableDef]) {
    db.create_all(tables).await.unwrap();
    let run = |sql: &'static str| async move {
        db.execute_sql(&placeholders::<B>(sql), Vec::new())
            .await
            .unwrap();
    };
    run(r#"INSERT INTO "users" ("id", "name") VALUES (1, 'Ann'), (2, 'Bob')"#).await;
    run(r#"INSERT INTO "profiles" ("id", "user_id", "bio") VALUES (1, 1, 'a'), (2, 2, 'b')"#).await;
    run(r#"INSERT INTO "posts" ("id", "author_id", "title") VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3')"#).await;
    run(r#"INSERT INTO "comments" ("id", "post_id", "reply_to", "author_id") VALUES (1, 1, NULL, 2), (2, 1, 1, 1), (3, 1, 2, 2), (4, 3, NULL, 1)"#).await;
    run(r#"INSERT INTO "tags" ("id", "name") VALUES (1, 'rust'), (2, 'sql'), (3, 'orm')"#).await;
    run(r#"INSERT INTO "post_tag" ("post_id", "tag_id") VALUES (1, 1), (1, 2), (2, 2), (3, 2), (3, 3)"#).await;
    run(r#"UPDATE "users" SET "featured_post_id" = 3 WHERE "id" = 1"#).await;
    run(r#"UPDATE "users" SET "featured_post_id" = 1 WHERE "id" = 2"#).await;
}

fn row(values: &[Option<i64>]) -> Vec<Option<i64>> {
    values.to_vec()
}

/// After deleting Ann: Bob (his featured post 1 was Ann's: NULL), his
/// profile, his post 3 with Ann's comment 4 anonymous, tags untouched, the
/// links of posts 1 and 2 gone.
fn without_ann() -> State {
    vec![
        vec![row(&[Some(2), None])],
        vec![row(&[Some(2), Some(2)])],
        vec![row(&[Some(3), Some(2)])],
        vec![row(&[Some(4), Some(3), None, None])],
        vec![row(&[Some(1)]), row(&[Some(2)]), row(&[Some(3)])],
        vec![row(&[Some(3), Some(2)]), row(&[Some(3), Some(3)])],
    ]
}

/// Deleting a user takes their profile, posts, the posts' comments and
/// replies and links; other users' comments by them become anonymous and
/// a featured post that went is unset: the same end state with the ORM
/// doing it (foreign keys off and on) as with the database's own cascade.
async fn deleting_a_user_ends_like_the_database<B: TestBackend>(ctx: Ctx<B>) {
    use orm::User;
    // The database's own end state.
    let database = ctx.db(true).await;
    seed(&database, &orm::tables()).await;
    let sql = placeholders::<B>(r#"DELETE FROM "users" WHERE "id" = ?"#);
    database.execute_sql(&sql, vec![1i64.into()]).await.unwrap();
    assert_eq!(state(&database).await, without_ann(), "the database");

    let schema = Schema::new(&orm::tables()).unwrap();
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, &orm::tables()).await;
        let db = db.with_schema(schema.clone());
        let ann = db.get::<User>(1).await.unwrap();
        let report = db.delete(ann).await.unwrap();
        assert_eq!(
            state(&db).await,
            without_ann(),
            "foreign keys {foreign_keys}"
        );
        assert_eq!(report.deleted("users"), 1);
        assert_eq!(report.deleted("profiles"), 1);
        assert_eq!(report.deleted("posts"), 2);
        assert_eq!(report.deleted("comments"), 3);
        assert_eq!(report.deleted("post_tag"), 3);
        assert!(report.left_to_database.is_empty());
    }
}

/// With `passive_deletes` everywhere the ORM sends the user's `DELETE` and
/// the database does the rest: the same end state, and the report names
/// what it left to the database.
async fn passive_deletes_leave_the_blog_to_the_database<B: TestBackend>(ctx: Ctx<B>) {
    use passive::User;
    let schema = Schema::new(&passive::tables()).unwrap();
    let db = ctx.db(true).await;
    seed(&db, &passive::tables()).await;
    let db = db.with_schema(schema);
    let ann = db.get::<User>(1).await.unwrap();
    let seeded = state(&db).await;
    // The dry run counts what the database's own actions will do, all the
    // way down (the ORM-executed delete's figures, in the test above).
    let plan = db.plan_delete(&ann).await.unwrap();
    let database: Vec<_> = plan
        .database_effects
        .iter()
        .map(|e| (e.table, e.kind, e.rows))
        .collect();
    assert_eq!(plan.deleted("users"), 1);
    assert!(
        database.contains(&("users", EffectKind::SetNull, 1)),
        "{plan}"
    );
    for (table, rows) in [
        ("profiles", 1),
        ("posts", 2),
        ("comments", 3),
        ("post_tag", 3),
    ] {
        assert!(
            database.contains(&(table, EffectKind::Deleted, rows)),
            "{table}: {database:?}"
        );
    }
    assert_eq!(state(&db).await, seeded, "the dry run wrote");
    let report = db.delete(ann).await.unwrap();
    assert!(report.database_effects.is_empty());
    assert_eq!(state(&db).await, without_ann());
    let left: Vec<_> = report
        .left_to_database
        .iter()
        .map(|a| (a.table, a.column))
        .collect();
    // The database cascades below the user: the ORM does not visit the
    // posts, so their comments and links are the database's business.
    assert_eq!(left, [("profiles", "user_id"), ("posts", "author_id")]);
    assert_eq!(report.deleted("users"), 1);
}

/// Deleting a tag deletes its links (one set-based `DELETE`), not posts.
async fn deleting_a_tag_deletes_its_links_only<B: TestBackend>(ctx: Ctx<B>) {
    use orm::Tag;
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, &orm::tables()).await;
        // Without the registry too: the `ManyToMany` on the tag covers it.
        let tag = db.get::<Tag>(2).await.unwrap();
        let report = db.delete(tag).await.unwrap();
        assert_eq!(report.deleted("post_tag"), 3);
        assert_eq!(count(&db, "posts").await, 3);
        assert_eq!(
            B::int_rows(
                &db,
                "SELECT post_id, tag_id FROM post_tag ORDER BY post_id, tag_id"
            )
            .await,
            vec![row(&[Some(1), Some(1)]), row(&[Some(3), Some(3)])],
            "foreign keys {foreign_keys}"
        );
    }
}

/// Loading a `ManyToMany` for many posts: two queries, each post's tags in
/// key order, a post without tags loaded and empty.
async fn many_to_many_loads_in_two_queries<B: TestBackend>(ctx: Ctx<B>) {
    use orm::{Post, Tag};
    let db = ctx.db(true).await;
    seed(&db, &orm::tables()).await;
    let sql = placeholders::<B>(
        r#"INSERT INTO "posts" ("id", "author_id", "title") VALUES (4, 2, 'p4')"#,
    );
    db.execute_sql(&sql, Vec::new()).await.unwrap();
    let mut posts = Post::query().all(&db).await.unwrap();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut posts, Post::TAGS).await.unwrap();
    let statements = log.statements();
    assert_eq!(statements.len(), 2, "{statements:?}");
    let names: Vec<Vec<String>> = posts
        .iter()
        .map(|p| {
            p.tags
                .get()
                .unwrap()
                .iter()
                .map(|t| t.name.clone())
                .collect()
        })
        .collect();
    assert_eq!(
        names,
        [
            vec!["rust", "sql"],
            vec!["sql"],
            vec!["sql", "orm"],
            Vec::<&str>::new()
        ]
    );
    // And from the other side.
    let mut tag = db.get::<Tag>(2).await.unwrap();
    db.load(&mut tag, Tag::POSTS).await.unwrap();
    let ids: Vec<_> = tag.posts.get().unwrap().iter().map(|p| p.id).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
}

/// `link` inserts a link row, a second time is refused by the composite
/// key, `unlink` deletes it; nothing else changes.
async fn link_and_unlink<B: TestBackend>(ctx: Ctx<B>) {
    use orm::{Post, Tag};
    let db = ctx.db(true).await;
    seed(&db, &orm::tables()).await;
    let post = db.get::<Post>(2).await.unwrap();
    let tag = db.get::<Tag>(3).await.unwrap();
    db.link(&post, Post::TAGS, &tag).await.unwrap();
    let again = db.link(&post, Post::TAGS, &tag).await;
    assert!(
        matches!(again, Err(Error::UniqueViolation { .. })),
        "{again:?}"
    );
    let links = "SELECT post_id, tag_id FROM post_tag WHERE post_id = 2 ORDER BY tag_id";
    assert_eq!(
        B::int_rows(&db, links).await,
        vec![row(&[Some(2), Some(2)]), row(&[Some(2), Some(3)])]
    );
    assert_eq!(db.unlink(&post, Post::TAGS, &tag).await.unwrap(), 1);
    assert_eq!(db.unlink(&post, Post::TAGS, &tag).await.unwrap(), 0);
    assert_eq!(
        B::int_rows(&db, links).await,
        vec![row(&[Some(2), Some(2)])]
    );
    assert_eq!(count(&db, "tags").await, 3);
    // Keys are needed.
    let unsaved = Tag {
        id: None,
        name: "new".into(),
        posts: ManyToMany::NotLoaded,
    };
    let result = db.link(&post, Post::TAGS, &unsaved).await;
    assert!(
        matches!(result, Err(Error::MissingPrimaryKey { .. })),
        "{result:?}"
    );
}

/// A composite primary key through CRUD: `get` by the tuple, `update`,
/// `delete` by model, `delete_where`, `NotFound` naming the key.
async fn composite_keys_through_crud<B: TestBackend>(ctx: Ctx<B>) {
    use orm::PostTag;
    let db = ctx.db(true).await;
    seed(&db, &orm::tables()).await;
    let link = db.get::<PostTag>((1i64, 2i64)).await.unwrap();
    assert_eq!(
        link,
        PostTag {
            post_id: 1,
            tag_id: 2
        }
    );
    assert!(db.find::<PostTag>((2i64, 1i64)).await.unwrap().is_none());
    match db.get::<PostTag>((9i64, 9i64)).await {
        Err(Error::NotFound { table, key, .. }) => {
            assert_eq!((table, key.as_str()), ("post_tag", "(9, 9)"));
        }
        other => panic!("{other:?}"),
    }
    // Nothing but the key: update checks the row is there.
    db.update(&link).await.unwrap();
    let gone = PostTag {
        post_id: 2,
        tag_id: 3,
    };
    assert!(matches!(
        db.update(&gone).await,
        Err(Error::NotFound { .. })
    ));
    let mut new = PostTag {
        post_id: 2,
        tag_id: 3,
    };
    db.insert(&mut new).await.unwrap();
    let report = db.delete(link).await.unwrap();
    assert_eq!(report.deleted("post_tag"), 1);
    let report = db.delete_where(PostTag::TAG_ID.eq(2i64)).await.unwrap();
    assert_eq!(report.deleted("post_tag"), 2);
    assert_eq!(
        B::int_rows(
            &db,
            "SELECT post_id, tag_id FROM post_tag ORDER BY post_id, tag_id"
        )
        .await,
        vec![
            row(&[Some(1), Some(1)]),
            row(&[Some(2), Some(3)]),
            row(&[Some(3), Some(3)])
        ]
    );
    // Deleting a row that is gone: NotFound, nothing changes.
    let missing = PostTag {
        post_id: 1,
        tag_id: 2,
    };
    assert!(matches!(
        db.delete(missing).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(count(&db, "post_tag").await, 3);
}

/// Many composite keys at once (more than one statement selects) are
/// chunked: every row goes, nothing else.
async fn many_composite_keys_are_chunked<B: TestBackend>(ctx: Ctx<B>) {
    use orm::PostTag;
    let db = ctx.db(true).await;
    seed(&db, &orm::tables()).await;
    // More than one statement selects (400 composite keys each).
    let n = 1_000i64;
    let mut links: Vec<PostTag> = Vec::new();
    // Tags 100.. for post 2.
    let mut sql = String::from(r#"INSERT INTO "tags" ("id", "name") VALUES "#);
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("({}, 't{}')", 100 + i, i));
        links.push(PostTag {
            post_id: 2,
            tag_id: 100 + i,
        });
    }
    db.execute_sql(&placeholders::<B>(&sql), Vec::new())
        .await
        .unwrap();
    db.insert_many(&mut links).await.unwrap();
    assert_eq!(count(&db, "post_tag").await, 5 + n);
    let report = db.delete_where(PostTag::TAG_ID.ge(100i64)).await.unwrap();
    assert_eq!(report.deleted("post_tag") as i64, n);
    assert_eq!(count(&db, "post_tag").await, 5);
}

pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        deleting_a_user_ends_like_the_database,
        passive_deletes_leave_the_blog_to_the_database,
        deleting_a_tag_deletes_its_links_only,
        many_to_many_loads_in_two_queries,
        link_and_unlink,
        composite_keys_through_crud,
        many_composite_keys_are_chunked,
    ]
}
