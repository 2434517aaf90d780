//! Filtered and nested loading (issue 12 item 7): a `HasMany` loaded through
//! a filter and an order (`Post::COMMENTS.filtered(query)`), and chains
//! (`Post::COMMENTS.then(Comment::AUTHOR)`) that load the next relationship
//! of every row the previous step loaded at once. Every test asserts which
//! rows each model got, in which order, and how many `SELECT`s it took: one
//! per step per chunk of keys, whatever the number of models.

use crate::harness::{Ctx, Test, TestBackend};
use orm_core::{BelongsTo, Db, Executor, HasMany, HasOne, Model, Query};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "users")]
pub struct User {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "author", cascade_delete)]
    pub posts: HasMany<Post>,
    #[relationship(back_populates = "author")]
    pub comments: HasMany<Comment>,
    #[relationship(back_populates = "user", cascade_delete)]
    pub profile: HasOne<Profile>,
}

#[derive(Model, Debug, Clone, PartialEq)]
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

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "posts")]
pub struct Post {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub title: String,
    #[field(foreign_key = "users.id", ondelete = "CASCADE")]
    pub author_id: Option<i64>,
    #[relationship(back_populates = "posts")]
    pub author: BelongsTo<User>,
    #[relationship(back_populates = "post", cascade_delete)]
    pub comments: HasMany<Comment>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "comments")]
pub struct Comment {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "posts.id", ondelete = "CASCADE")]
    pub post_id: i64,
    #[field(foreign_key = "users.id", ondelete = "SET NULL")]
    pub author_id: Option<i64>,
    pub body: String,
    pub approved: bool,
    pub score: i64,
    #[relationship(back_populates = "comments")]
    pub post: BelongsTo<Post>,
    #[relationship(back_populates = "comments")]
    pub author: BelongsTo<User>,
}

const TABLES: [&orm_core::TableDef; 4] = [User::TABLE, Profile::TABLE, Post::TABLE, Comment::TABLE];

fn user(name: &str) -> User {
    User {
        id: None,
        name: name.into(),
        posts: HasMany::NotLoaded,
        comments: HasMany::NotLoaded,
        profile: HasOne::NotLoaded,
    }
}

fn post(title: &str, author_id: Option<i64>) -> Post {
    Post {
        id: None,
        title: title.into(),
        author_id,
        author: BelongsTo::NotLoaded,
        comments: HasMany::NotLoaded,
    }
}

fn comment(
    post_id: i64,
    author_id: Option<i64>,
    body: &str,
    approved: bool,
    score: i64,
) -> Comment {
    Comment {
        id: None,
        post_id,
        author_id,
        body: body.into(),
        approved,
        score,
        post: BelongsTo::NotLoaded,
        author: BelongsTo::NotLoaded,
    }
}

/// Users 1 alice (profile), 2 bob (profile), 3 carol (no profile);
/// posts 1 "Hello" (alice), 2 "Second" (bob), 3 "Quiet" (no comments),
/// 4 "Hidden" (unapproved comments only, no author); comments 1..=8.
async fn seed<B: TestBackend>(ctx: &Ctx<B>) -> Db<B> {
    let db = ctx.db(true).await;
    db.create_all(&TABLES).await.unwrap();
    let mut users = vec![user("alice"), user("bob"), user("carol")];
    db.insert_many(&mut users).await.unwrap();
    let mut profiles: Vec<Profile> = [(1, "alice's bio"), (2, "bob's bio")]
        .into_iter()
        .map(|(user_id, bio)| Profile {
            id: None,
            user_id,
            bio: bio.into(),
            user: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut profiles).await.unwrap();
    let mut posts = vec![
        post("Hello", Some(1)),
        post("Second", Some(2)),
        post("Quiet", Some(1)),
        post("Hidden", None),
    ];
    db.insert_many(&mut posts).await.unwrap();
    let mut comments = vec![
        comment(1, Some(2), "c1 bob: nice", true, 5),
        comment(1, Some(3), "c2 carol: spam", false, 9),
        comment(1, None, "c3 anonymous", true, 5),
        comment(2, Some(1), "c4 alice", true, 1),
        comment(1, Some(1), "c5 alice: thanks", true, 7),
        comment(2, Some(3), "c6 carol", true, 3),
        comment(4, None, "c7 hidden", false, 2),
        comment(4, Some(2), "c8 bob hidden", false, 2),
    ];
    db.insert_many(&mut comments).await.unwrap();
    db
}

/// The `SELECT`s of a captured log.
fn selects(log: &orm_tests::SqlLog) -> Vec<String> {
    log.statements()
        .into_iter()
        .filter(|s| s.starts_with("SELECT"))
        .collect()
}

fn bodies(post: &Post) -> Vec<&str> {
    post.comments
        .get()
        .expect("comments loaded")
        .iter()
        .map(|c| c.body.as_str())
        .collect()
}

fn approved_newest_first() -> Query<Comment> {
    Comment::query()
        .filter(Comment::APPROVED.eq(true))
        .order_by(Comment::ID.desc())
}

pub async fn filtered_and_ordered_children_per_parent<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut posts = Post::query().all(&db).await.unwrap();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut posts, Post::COMMENTS.filtered(approved_newest_first()))
        .await
        .unwrap();
    let statements = selects(&log);
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert!(statements[0].contains(" AND "), "{}", statements[0]);
    let loaded: Vec<Vec<&str>> = posts.iter().map(bodies).collect();
    assert_eq!(
        loaded,
        vec![
            vec!["c5 alice: thanks", "c3 anonymous", "c1 bob: nice"],
            vec!["c6 carol", "c4 alice"],
            vec![],
            vec![],
        ]
    );
    assert_eq!(posts[2].comments, HasMany::Loaded(vec![]), "no comments");
    assert_eq!(posts[3].comments, HasMany::Loaded(vec![]), "none approved");
}

pub async fn order_by_a_column_with_ties_falls_back_to_the_primary_key<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = seed(&ctx).await;
    let mut posts = Post::query().all(&db).await.unwrap();
    // Every comment, highest score first; ties (c1 and c3: 5, c7 and c8: 2)
    // in primary-key order.
    let by_score = Comment::query().order_by(Comment::SCORE.desc());
    db.load_many(&mut posts, Post::COMMENTS.filtered(by_score))
        .await
        .unwrap();
    let loaded: Vec<Vec<&str>> = posts.iter().map(bodies).collect();
    assert_eq!(
        loaded,
        vec![
            vec![
                "c2 carol: spam",
                "c5 alice: thanks",
                "c1 bob: nice",
                "c3 anonymous"
            ],
            vec!["c6 carol", "c4 alice"],
            vec![],
            vec!["c7 hidden", "c8 bob hidden"],
        ]
    );
    // Two terms, ascending then descending: the order of the terms counts.
    let mut hello: Post = db.get(1i64).await.unwrap();
    let query = Comment::query()
        .filter(Comment::AUTHOR_ID.is_not_null())
        .order_by(Comment::APPROVED.asc())
        .order_by(Comment::SCORE.desc());
    db.load(&mut hello, Post::COMMENTS.filtered(query))
        .await
        .unwrap();
    assert_eq!(
        bodies(&hello),
        ["c2 carol: spam", "c5 alice: thanks", "c1 bob: nice"]
    );
    // Without a filter or an order: the plain load, primary-key order.
    db.load(&mut hello, Post::COMMENTS.filtered(Comment::query()))
        .await
        .unwrap();
    assert_eq!(
        bodies(&hello),
        [
            "c1 bob: nice",
            "c2 carol: spam",
            "c3 anonymous",
            "c5 alice: thanks"
        ]
    );
}

pub async fn the_same_parent_twice_gets_its_children_twice<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let hello: Post = db.get(1i64).await.unwrap();
    let second: Post = db.get(2i64).await.unwrap();
    let mut posts = vec![hello.clone(), second, hello];
    db.load_many(
        &mut posts,
        Post::COMMENTS
            .filtered(approved_newest_first())
            .then(Comment::AUTHOR),
    )
    .await
    .unwrap();
    let loaded: Vec<Vec<&str>> = posts.iter().map(bodies).collect();
    let hello = vec!["c5 alice: thanks", "c3 anonymous", "c1 bob: nice"];
    assert_eq!(
        loaded,
        vec![hello.clone(), vec!["c6 carol", "c4 alice"], hello]
    );
    assert_eq!(posts[0], posts[2]);
}

fn authors(post: &Post) -> Vec<(&str, Option<&str>)> {
    post.comments
        .get()
        .expect("comments loaded")
        .iter()
        .map(|c| {
            assert!(c.author.is_loaded(), "{} author loaded", c.body);
            (c.body.as_str(), c.author.get().map(|u| u.name.as_str()))
        })
        .collect()
}

pub async fn nested_loading_reads_every_author_in_one_query<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let (_guard, log) = orm_tests::capture_sql();
    let mut posts = Post::query().all(&db).await.unwrap();
    db.load_many(&mut posts, Post::COMMENTS.then(Comment::AUTHOR))
        .await
        .unwrap();
    let statements = selects(&log);
    assert_eq!(
        statements.len(),
        3,
        "posts, comments, authors: {statements:?}"
    );
    let loaded: Vec<Vec<(&str, Option<&str>)>> = posts.iter().map(authors).collect();
    assert_eq!(
        loaded,
        vec![
            vec![
                ("c1 bob: nice", Some("bob")),
                ("c2 carol: spam", Some("carol")),
                ("c3 anonymous", None),
                ("c5 alice: thanks", Some("alice")),
            ],
            vec![("c4 alice", Some("alice")), ("c6 carol", Some("carol"))],
            vec![],
            vec![("c7 hidden", None), ("c8 bob hidden", Some("bob"))],
        ]
    );
    let anonymous = &posts[0].comments.get().unwrap()[2];
    assert_eq!(anonymous.author, BelongsTo::Loaded(None), "NULL author");
    // The authors' own relationships are not loaded.
    let bob = posts[0].comments.get().unwrap()[0].author.get().unwrap();
    assert_eq!(bob.posts, HasMany::NotLoaded);
}

pub async fn filtered_then_nested_is_three_queries<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let (_guard, log) = orm_tests::capture_sql();
    let mut posts = Post::query().all(&db).await.unwrap();
    db.load_many(
        &mut posts,
        Post::COMMENTS
            .filtered(approved_newest_first())
            .then(Comment::AUTHOR),
    )
    .await
    .unwrap();
    assert_eq!(selects(&log).len(), 3, "{:?}", selects(&log));
    let loaded: Vec<Vec<(&str, Option<&str>)>> = posts.iter().map(authors).collect();
    assert_eq!(
        loaded,
        vec![
            vec![
                ("c5 alice: thanks", Some("alice")),
                ("c3 anonymous", None),
                ("c1 bob: nice", Some("bob")),
            ],
            vec![("c6 carol", Some("carol")), ("c4 alice", Some("alice"))],
            vec![],
            vec![],
        ]
    );
}

pub async fn three_level_chains_one_query_per_level<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;

    // HasMany, then BelongsTo, then HasOne: each comment author's profile.
    let (_guard, log) = orm_tests::capture_sql();
    let mut posts = Post::query().all(&db).await.unwrap();
    db.load_many(
        &mut posts,
        Post::COMMENTS.then(Comment::AUTHOR).then(User::PROFILE),
    )
    .await
    .unwrap();
    assert_eq!(selects(&log).len(), 4, "{:?}", selects(&log));
    let bios: Vec<(&str, Option<&str>)> = posts[0]
        .comments
        .get()
        .unwrap()
        .iter()
        .map(|c| {
            let bio = c.author.get().map(|u| {
                assert!(u.profile.is_loaded(), "{} profile loaded", u.name);
                u.profile.get().map(|p| p.bio.as_str())
            });
            (c.body.as_str(), bio.flatten())
        })
        .collect();
    assert_eq!(
        bios,
        [
            ("c1 bob: nice", Some("bob's bio")),
            ("c2 carol: spam", None), // carol: Loaded(None)
            ("c3 anonymous", None),   // no author
            ("c5 alice: thanks", Some("alice's bio")),
        ]
    );
    let carol = posts[0].comments.get().unwrap()[1].author.get().unwrap();
    assert_eq!(carol.profile, HasOne::Loaded(None));

    // The same chain written the other way round.
    let mut again = Post::query().all(&db).await.unwrap();
    db.load_many(
        &mut again,
        Post::COMMENTS.then(Comment::AUTHOR.then(User::PROFILE)),
    )
    .await
    .unwrap();
    assert_eq!(again, posts);

    // BelongsTo first: each comment's post, that post's author, and the
    // author's approved comments on anything, best first.
    log.clear();
    let mut comments = Comment::query().all(&db).await.unwrap();
    let best = Comment::query()
        .filter(Comment::APPROVED.eq(true))
        .order_by(Comment::SCORE.desc());
    db.load_many(
        &mut comments,
        Comment::POST
            .then(Post::AUTHOR)
            .then(User::COMMENTS.filtered(best)),
    )
    .await
    .unwrap();
    assert_eq!(selects(&log).len(), 4, "{:?}", selects(&log));
    let summary: Vec<(&str, Option<&str>, Vec<&str>)> = comments
        .iter()
        .map(|c| {
            let post = c.post.get().expect("every comment has a post");
            let author = post.author.get();
            let theirs = author.map_or_else(Vec::new, |u| {
                u.comments
                    .get()
                    .unwrap()
                    .iter()
                    .map(|c| c.body.as_str())
                    .collect()
            });
            (post.title.as_str(), author.map(|u| u.name.as_str()), theirs)
        })
        .collect();
    let alice = vec!["c5 alice: thanks", "c4 alice"];
    let bob = vec!["c1 bob: nice"];
    assert_eq!(
        summary,
        vec![
            ("Hello", Some("alice"), alice.clone()),
            ("Hello", Some("alice"), alice.clone()),
            ("Hello", Some("alice"), alice.clone()),
            ("Second", Some("bob"), bob.clone()),
            ("Hello", Some("alice"), alice.clone()),
            ("Second", Some("bob"), bob.clone()),
            ("Hidden", None, vec![]),
            ("Hidden", None, vec![]),
        ]
    );
    assert_eq!(
        comments[6].post.get().unwrap().author,
        BelongsTo::Loaded(None)
    );

    // HasOne first: each user's profile, and the profile's user.
    log.clear();
    let mut users = User::query().all(&db).await.unwrap();
    db.load_many(&mut users, User::PROFILE.then(Profile::USER))
        .await
        .unwrap();
    assert_eq!(selects(&log).len(), 3, "{:?}", selects(&log));
    let owners: Vec<Option<&str>> = users
        .iter()
        .map(|u| {
            u.profile
                .get()
                .and_then(|p| p.user.get())
                .map(|u| u.name.as_str())
        })
        .collect();
    assert_eq!(owners, [Some("alice"), Some("bob"), None]);
    assert_eq!(users[2].profile, HasOne::Loaded(None));
}

pub async fn the_number_of_queries_does_not_grow_with_the_parents<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&TABLES).await.unwrap();
    let mut users: Vec<User> = (0..5).map(|i| user(&format!("user {i}"))).collect();
    db.insert_many(&mut users).await.unwrap();
    for n in [1usize, 10, 300] {
        Comment::query().delete(&db).await.unwrap();
        Post::query().delete(&db).await.unwrap();
        let mut posts: Vec<Post> = (0..n).map(|i| post(&format!("post {i}"), None)).collect();
        db.insert_many(&mut posts).await.unwrap();
        let mut comments: Vec<Comment> = posts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                (0..3).map(move |j| {
                    let author = users_id(i + j);
                    comment(p.id.unwrap(), author, &format!("{i}.{j}"), j != 1, 0)
                })
            })
            .collect();
        db.insert_many(&mut comments).await.unwrap();

        let (_guard, log) = orm_tests::capture_sql();
        let mut posts = Post::query().all(&db).await.unwrap();
        db.load_many(
            &mut posts,
            Post::COMMENTS
                .filtered(approved_newest_first())
                .then(Comment::AUTHOR),
        )
        .await
        .unwrap();
        assert_eq!(selects(&log).len(), 3, "{n} posts: {:?}", selects(&log));
        for (i, p) in posts.iter().enumerate() {
            let got: Vec<(String, Option<i64>)> = p
                .comments
                .get()
                .unwrap()
                .iter()
                .map(|c| (c.body.clone(), c.author.get().and_then(|u| u.id)))
                .collect();
            let want = vec![
                (format!("{i}.2"), users_id(i + 2)),
                (format!("{i}.0"), users_id(i)),
            ];
            assert_eq!(got, want, "post {i} of {n}");
        }
    }
}

/// Comment `k`'s author: users 1..=4 in turn, and no author every fifth.
fn users_id(k: usize) -> Option<i64> {
    let k = (k % 5) as i64;
    (k != 4).then_some(k + 1)
}

pub async fn more_keys_than_the_bind_limit_are_loaded_in_chunks<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&TABLES).await.unwrap();
    let limit = B::DIALECT.max_bind_parameters();
    let n = limit + 3_000;
    let mut posts: Vec<Post> = (0..n).map(|i| post(&format!("p{i}"), None)).collect();
    db.insert_many(&mut posts).await.unwrap();
    // One comment per post, approved except every hundredth: more approved
    // comments than the limit too.
    let mut comments: Vec<Comment> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| comment(p.id.unwrap(), None, &format!("c{i}"), i % 100 != 0, 0))
        .collect();
    db.insert_many(&mut comments).await.unwrap();

    let mut posts = Post::query().all(&db).await.unwrap();
    assert_eq!(posts.len(), n);
    let (_guard, log) = orm_tests::capture_sql();
    let approved = Comment::query().filter(Comment::APPROVED.eq(true));
    db.load_many(
        &mut posts,
        Post::COMMENTS.filtered(approved).then(Comment::POST),
    )
    .await
    .unwrap();
    // Two chunks of post keys for the comments, two chunks of the
    // comments' post keys for their posts; on PostgreSQL, which binds the
    // keys as one array parameter, one statement each.
    let statements = selects(&log);
    let expected = if B::DIALECT.binds_array_of(orm_core::ValueType::I64) {
        assert!(statements.iter().all(|s| s.contains("= ANY(")));
        2
    } else {
        4
    };
    assert_eq!(statements.len(), expected, "{} SELECTs", statements.len());
    let mut loaded = 0;
    for (i, p) in posts.iter().enumerate() {
        let comments = p.comments.get().expect("every post loaded");
        if i % 100 == 0 {
            assert!(comments.is_empty(), "post {i}: not approved");
            continue;
        }
        assert_eq!(comments.len(), 1, "post {i}");
        assert_eq!(comments[0].body, format!("c{i}"));
        let parent = comments[0].post.get().expect("the comment's post loaded");
        assert_eq!((parent.id, parent.title.as_str()), (p.id, p.title.as_str()));
        loaded += 1;
    }
    assert!(loaded > limit);
    assert_eq!(loaded, n - n.div_ceil(100));
}

pub async fn a_filter_longer_than_the_bind_limit_still_loads<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut posts = Post::query().all(&db).await.unwrap();
    // 70,000 values: more than any backend binds one by one in one
    // statement. The list goes into a key table (PostgreSQL: one array
    // parameter); the keys of the posts still fit.
    let ids: Vec<i64> = (0..70_000)
        .filter(|id| id % 2 == 1)
        .chain(70_000..140_000)
        .collect();
    let odd = Comment::query()
        .filter(Comment::ID.is_in(ids))
        .order_by(Comment::ID.desc());
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(
        &mut posts,
        Post::COMMENTS.filtered(odd).then(Comment::AUTHOR),
    )
    .await
    .unwrap();
    let statements = selects(&log);
    assert_eq!(statements.len(), 2, "comments, authors");
    if B::DIALECT.binds_array_of(orm_core::ValueType::I64) {
        // PostgreSQL binds the 70,000 values as one array parameter.
        assert!(
            statements[0].contains("= ANY(") && !statements[0].contains("_orm_in_"),
            "one array, no key table: {}",
            statements[0]
        );
    } else {
        assert!(statements[0].contains("_orm_in_"), "read from a key table");
    }
    let loaded: Vec<Vec<(&str, Option<&str>)>> = posts.iter().map(authors).collect();
    assert_eq!(
        loaded,
        vec![
            vec![
                ("c5 alice: thanks", Some("alice")),
                ("c3 anonymous", None),
                ("c1 bob: nice", Some("bob")),
            ],
            vec![],
            vec![],
            vec![("c7 hidden", None)],
        ]
    );
}

pub async fn loading_nothing_runs_no_query<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let (_guard, log) = orm_tests::capture_sql();
    let mut none: Vec<Post> = Vec::new();
    db.load_many(
        &mut none,
        Post::COMMENTS
            .filtered(approved_newest_first())
            .then(Comment::AUTHOR),
    )
    .await
    .unwrap();
    assert!(log.statements().is_empty(), "{:?}", log.statements());
    // Posts without comments: one query for the comments, none for authors.
    let mut quiet: Post = db.get(3i64).await.unwrap();
    log.clear();
    db.load(&mut quiet, Post::COMMENTS.then(Comment::AUTHOR))
        .await
        .unwrap();
    assert_eq!(selects(&log).len(), 1, "{:?}", selects(&log));
    assert_eq!(quiet.comments, HasMany::Loaded(vec![]));
}

pub async fn nested_loading_works_inside_a_transaction<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut tx = db.begin().await.unwrap();
    let mut hello: Post = tx.get(1i64).await.unwrap();
    tx.load(
        &mut hello,
        Post::COMMENTS
            .filtered(approved_newest_first())
            .then(Comment::AUTHOR),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        authors(&hello),
        [
            ("c5 alice: thanks", Some("alice")),
            ("c3 anonymous", None),
            ("c1 bob: nice", Some("bob")),
        ]
    );
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        filtered_and_ordered_children_per_parent,
        order_by_a_column_with_ties_falls_back_to_the_primary_key,
        the_same_parent_twice_gets_its_children_twice,
        nested_loading_reads_every_author_in_one_query,
        filtered_then_nested_is_three_queries,
        three_level_chains_one_query_per_level,
        the_number_of_queries_does_not_grow_with_the_parents,
        more_keys_than_the_bind_limit_are_loaded_in_chunks,
        a_filter_longer_than_the_bind_limit_still_loads,
        loading_nothing_runs_no_query,
        nested_loading_works_inside_a_transaction,
    ]
}
