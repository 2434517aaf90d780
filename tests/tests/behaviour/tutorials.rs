//! The book's example programs, run on every backend: each tutorial step's
//! own code (included from `tests/examples`), then the end state of every
//! table it touched.

use crate::harness::{Ctx, Test, TestBackend, count};

// The examples print what they do, for the reader. Here their output would
// only interleave with the test report: inside the included modules,
// `println!` still formats its arguments (so every `Display` runs) but
// writes nothing. A `macro_rules!` defined before a module shadows the
// prelude's macro inside it.
macro_rules! println {
    ($($arg:tt)*) => {{
        let _ = format!($($arg)*);
    }};
}

#[allow(dead_code)]
#[path = "../../examples/blog.rs"]
mod blog;
#[allow(dead_code)]
#[path = "../../examples/category_tree.rs"]
mod category_tree;
#[allow(dead_code)]
#[path = "../../examples/crud.rs"]
mod crud;
#[allow(dead_code)]
#[path = "../../examples/relations.rs"]
mod relations;
#[allow(dead_code)]
#[path = "../../examples/restricted.rs"]
mod restricted;
#[allow(dead_code)]
#[path = "../../examples/three_levels.rs"]
mod three_levels;
#[allow(dead_code)]
#[path = "../../examples/tutorial001.rs"]
mod tutorial001;
#[allow(dead_code)]
#[path = "../../examples/tutorial002.rs"]
mod tutorial002;
#[allow(dead_code)]
#[path = "../../examples/tutorial003.rs"]
mod tutorial003;
#[allow(dead_code)]
#[path = "../../examples/tutorial004.rs"]
mod tutorial004;
#[allow(dead_code)]
#[path = "../../examples/tutorial005.rs"]
mod tutorial005;

type Row = (i64, String, Option<i64>);

fn rows(items: &[(i64, &str, Option<i64>)]) -> Vec<Row> {
    items
        .iter()
        .map(|(id, name, fk)| (*id, name.to_string(), *fk))
        .collect()
}

async fn heroes<B: TestBackend>(db: &orm_core::Db<B>) -> Vec<Row> {
    B::rows_i64_str_opt(db, "SELECT id, name, team_id FROM hero ORDER BY id").await
}

async fn teams<B: TestBackend>(db: &orm_core::Db<B>) -> Vec<String> {
    B::strings(db, "SELECT name FROM team ORDER BY id").await
}

const ALL_TEAMS: [&str; 3] = ["Z-Force", "Preventers", "Wakaland"];

fn heroes_with_wakaland(team: Option<i64>) -> Vec<Row> {
    rows(&[
        (1, "Deadpond", Some(1)),
        (2, "Rusty-Man", Some(2)),
        (3, "Spider-Boy", Some(2)),
        (4, "Black Lion", team),
        (5, "Princess Sure-E", team),
    ])
}

pub async fn tutorial001_cascade_delete_removes_the_heroes<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    tutorial001::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ALL_TEAMS[..2]);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(None)[..3]);
}

pub async fn tutorial002_set_null_keeps_the_heroes_without_a_team<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    tutorial002::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ALL_TEAMS[..2]);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(None));
}

pub async fn tutorial003_passive_set_null_is_left_to_the_database<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    tutorial003::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ALL_TEAMS[..2]);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(None));
}

pub async fn tutorial004_restrict_refuses_and_changes_nothing<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    tutorial004::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ALL_TEAMS);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(Some(3)));
}

pub async fn tutorial005_detach_then_delete<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    tutorial005::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ALL_TEAMS[..2]);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(None));
}

pub async fn three_levels_cascades_through_heroes_to_powers<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    three_levels::run(&db).await.unwrap();
    assert_eq!(
        (
            count(&db, "team").await,
            count(&db, "hero").await,
            count(&db, "power").await
        ),
        (1, 3, 6)
    );
    let orphans = B::scalar(
        &db,
        "SELECT COUNT(*) FROM power WHERE hero_id NOT IN (SELECT id FROM hero)",
    )
    .await;
    assert_eq!(orphans, 0);
}

pub async fn category_tree_deletes_a_whole_subtree<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    category_tree::run(&db).await.unwrap();
    assert_eq!(
        B::strings(&db, "SELECT name FROM category ORDER BY id").await,
        ["Music"]
    );
}

pub async fn restricted_refuses_until_the_heroes_are_detached<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    restricted::run(&db).await.unwrap();
    assert!(teams(&db).await.is_empty());
    assert_eq!(
        heroes(&db).await,
        rows(&[(1, "Black Lion", None), (2, "Princess Sure-E", None)])
    );
}

pub async fn relations_loads_and_deletes<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    relations::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ["Z-Force", "Preventers", "Empty"]);
    assert_eq!(heroes(&db).await, heroes_with_wakaland(None)[..3]);
}

pub async fn crud_walkthrough<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    crud::run(&db).await.unwrap();
    assert_eq!(teams(&db).await, ["Preventers", "Z-Force"]);
    assert_eq!(
        heroes(&db).await,
        rows(&[
            (1, "Deadpond", Some(1)),
            (2, "Rusty-Man", Some(1)),
            (3, "Spider-Boy", Some(1)),
            (4, "Black Lion", None),
            (5, "Captain North America", None),
            (6, "Domino", Some(2)),
        ])
    );
}

pub async fn blog_deletes_a_user_with_posts_and_comments<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    blog::run(&db).await.unwrap();
    assert_eq!(
        B::strings(&db, "SELECT email FROM users ORDER BY email").await,
        ["bob@example.com"]
    );
    assert_eq!(B::strings(&db, "SELECT title FROM posts").await, ["Hello"]);
    assert_eq!(count(&db, "comments").await, 2);
    let orphans = B::scalar(
        &db,
        "SELECT COUNT(*) FROM comments WHERE post_id NOT IN (SELECT id FROM posts)",
    )
    .await;
    assert_eq!(orphans, 0);
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        blog_deletes_a_user_with_posts_and_comments,
        tutorial001_cascade_delete_removes_the_heroes,
        tutorial002_set_null_keeps_the_heroes_without_a_team,
        tutorial003_passive_set_null_is_left_to_the_database,
        tutorial004_restrict_refuses_and_changes_nothing,
        tutorial005_detach_then_delete,
        three_levels_cascades_through_heroes_to_powers,
        category_tree_deletes_a_whole_subtree,
        restricted_refuses_until_the_heroes_are_detached,
        relations_loads_and_deletes,
        crud_walkthrough,
    ]
}
