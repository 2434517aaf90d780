//! The schema registry (`Schema`, `Db::with_schema`): deletes apply every
//! foreign key into a table, including foreign keys no relationship
//! declares, with the same end state as the database's own `ON DELETE`,
//! whether or not the database enforces foreign keys.

use crate::harness::{Ctx, Test, TestBackend, count};
use orm_core::{Action, Db, Error, Executor, Model, Schema};

use orm_core::{BelongsTo, HasMany};

/// A user's posts cascade through a relationship; everything else is a
/// foreign key with no relationship on either side.
#[derive(Model, Debug, Clone)]
#[model(table = "users")]
pub struct User {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "author", cascade_delete)]
    pub posts: HasMany<Post>,
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
}

/// No relationship: `post_id` cascades, `author_id` is set to NULL.
#[derive(Model, Debug, Clone)]
#[model(table = "comments")]
pub struct Comment {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "posts.id", ondelete = "CASCADE")]
    pub post_id: i64,
    #[field(foreign_key = "users.id", ondelete = "SET NULL")]
    pub author_id: Option<i64>,
    pub body: String,
}

/// No relationship and no `ondelete`: `NO ACTION`, a user with audit rows
/// cannot be deleted.
#[derive(Model, Debug, Clone)]
#[model(table = "audit")]
pub struct Audit {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "users.id")]
    pub user_id: i64,
}

fn blog() -> Schema {
    Schema::new(&[User::TABLE, Post::TABLE, Comment::TABLE]).unwrap()
}

/// Two users, three posts, four comments: Ann (1) wrote posts 1 and 2, Bob
/// (2) post 3; comments 1 (by Bob) and 2 (by Ann) on post 1, 3 (by Ann)
/// and 4 (anonymous) on post 3.
async fn seed<B: TestBackend>(db: &Db<B>, tables: &[&'static orm_core::TableDef]) {
    db.create_all(tables).await.unwrap();
    let mut users: Vec<User> = ["Ann", "Bob"]
        .iter()
        .map(|n| User {
            id: None,
            name: n.to_string(),
            posts: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut users).await.unwrap();
    let mut posts: Vec<Post> = [(1, "a1"), (1, "a2"), (2, "b1")]
        .iter()
        .map(|(a, t)| Post {
            id: None,
            author_id: *a,
            title: t.to_string(),
            author: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut posts).await.unwrap();
    let mut comments: Vec<Comment> = [(1, Some(2)), (1, Some(1)), (3, Some(1)), (3, None)]
        .iter()
        .map(|(p, a)| Comment {
            id: None,
            post_id: *p,
            author_id: *a,
            body: format!("on {p}"),
        })
        .collect();
    db.insert_many(&mut comments).await.unwrap();
}

/// Every table's rows, as integers.
async fn state<B: TestBackend>(db: &Db<B>) -> Vec<Vec<Vec<Option<i64>>>> {
    vec![
        B::int_rows(db, "SELECT id FROM users ORDER BY id").await,
        B::int_rows(db, "SELECT id, author_id FROM posts ORDER BY id").await,
        B::int_rows(
            db,
            "SELECT id, post_id, author_id FROM comments ORDER BY id",
        )
        .await,
    ]
}

/// What deleting Ann leaves: Bob, his post, the comments on it, the one
/// Ann wrote there with no author.
fn without_ann() -> Vec<Vec<Vec<Option<i64>>>> {
    vec![
        vec![vec![Some(2)]],
        vec![vec![Some(3), Some(2)]],
        vec![vec![Some(3), Some(3), None], vec![Some(4), Some(3), None]],
    ]
}

async fn ann<B: TestBackend>(db: &Db<B>) -> User {
    db.get::<User>(1).await.unwrap()
}

/// With foreign keys off, the registry applies the foreign keys no
/// relationship declares: the same end state as the database's own
/// cascade with foreign keys on.
async fn foreign_keys_without_relationships_are_applied<B: TestBackend>(ctx: Ctx<B>) {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE];
    // The database's end state: foreign keys on, the ORM leaving the
    // comments to the database (no registry).
    let database = ctx.db(true).await;
    seed(&database, &tables).await;
    database.delete(ann(&database).await).await.unwrap();
    assert_eq!(state(&database).await, without_ann());

    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, &tables).await;
        let db = db.with_schema(blog());
        let report = db.delete(ann(&db).await).await.unwrap();
        assert_eq!(
            state(&db).await,
            without_ann(),
            "foreign keys {foreign_keys}"
        );
        assert_eq!(report.deleted("users"), 1);
        assert_eq!(report.deleted("posts"), 2);
        assert_eq!(report.deleted("comments"), 2);
        assert_eq!(report.nullified("comments"), 1);
        assert!(report.left_to_database.is_empty());
    }
}

/// Without a registry, a delete follows relationships only: with foreign
/// keys off, the comments of Ann's posts stay behind, pointing at nothing
/// (what the registry exists to prevent).
async fn without_a_registry_only_relationships_are_followed<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(false).await;
    seed(&db, &[User::TABLE, Post::TABLE, Comment::TABLE]).await;
    db.delete(ann(&db).await).await.unwrap();
    let comments = B::int_rows(
        &db,
        "SELECT id, post_id, author_id FROM comments ORDER BY id",
    )
    .await;
    assert_eq!(comments.len(), 4, "{comments:?}");
    assert_eq!(count(&db, "posts").await, 1);
}

/// A foreign key with no relationship and no `ondelete` is `NO ACTION`:
/// the delete is refused before anything is written, foreign keys on or off.
async fn no_action_foreign_key_refuses_the_delete<B: TestBackend>(ctx: Ctx<B>) {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE, Audit::TABLE];
    for foreign_keys in [true, false] {
        let db = ctx.db(foreign_keys).await;
        seed(&db, &tables).await;
        let mut audit = Audit {
            id: None,
            user_id: 1,
        };
        db.insert(&mut audit).await.unwrap();
        let db = db.with_schema(Schema::new(&tables).unwrap());
        let before = state(&db).await;
        let error = db.delete(ann(&db).await).await.unwrap_err();
        match error {
            Error::Restricted {
                parent_table,
                table,
                column,
                count,
                action,
            } => {
                assert_eq!(
                    (parent_table, table, column, count, action),
                    ("users", "audit", "user_id", 1, Action::NoAction)
                );
            }
            other => panic!("expected Restricted, got {other:?}"),
        }
        assert_eq!(state(&db).await, before, "foreign keys {foreign_keys}");
        assert_eq!(crate::harness::count(&db, "audit").await, 1);
        // Bob has no audit row: his delete goes through.
        let bob = db.get::<User>(2).await.unwrap();
        db.delete(bob).await.unwrap();
        assert_eq!(count(&db, "users").await, 1);
        assert_eq!(count(&db, "posts").await, 2);
        assert_eq!(
            B::int_rows(
                &db,
                "SELECT id, post_id, author_id FROM comments ORDER BY id"
            )
            .await,
            vec![
                vec![Some(1), Some(1), None],
                vec![Some(2), Some(1), Some(1)]
            ]
        );
    }
}

/// Bulk deletes, deletes by key and deletes in a transaction go through
/// the registry too.
async fn every_delete_uses_the_registry<B: TestBackend>(ctx: Ctx<B>) {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE];
    let db = ctx.db(false).await;
    seed(&db, &tables).await;
    let db = db.with_schema(blog());

    // A transaction begun on the pool inherits the registry; rolled back,
    // nothing changes.
    let before = state(&db).await;
    let mut tx = db.begin().await.unwrap();
    let report = tx.delete_where(User::NAME.eq("Ann")).await.unwrap();
    assert_eq!(report.deleted("comments"), 2);
    tx.rollback().await.unwrap();
    assert_eq!(state(&db).await, before);

    let report = db
        .delete_rows(User::TABLE, vec![1i64.into()])
        .await
        .unwrap();
    assert_eq!(report.deleted("comments"), 2);
    assert_eq!(state(&db).await, without_ann());

    // A post deleted alone takes its comments.
    let post = db.get::<Post>(3).await.unwrap();
    db.delete(post).await.unwrap();
    assert_eq!(count(&db, "comments").await, 0);
}

/// A model the registry does not hold is refused, with nothing deleted.
async fn a_model_outside_the_registry_is_refused<B: TestBackend>(ctx: Ctx<B>) {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE, Audit::TABLE];
    let db = ctx.db(true).await;
    seed(&db, &tables).await;
    let mut audit = Audit {
        id: None,
        user_id: 2,
    };
    db.insert(&mut audit).await.unwrap();
    let db = db.with_schema(blog());
    let error = db.delete(audit).await.unwrap_err();
    assert!(
        matches!(error, Error::NotInSchema { table: "audit", .. }),
        "{error:?}"
    );
    assert_eq!(count(&db, "audit").await, 1);
}

/// `create_all` with a registry holding every table reports no foreign key
/// left to the database; without one it lists the comments' two.
async fn create_all_reports_what_the_registry_covers<B: TestBackend>(ctx: Ctx<B>) {
    let tables = [User::TABLE, Post::TABLE, Comment::TABLE];
    let db = ctx.db(true).await;
    let report = db.create_all(&tables).await.unwrap();
    let unmanaged: Vec<_> = report
        .unmanaged_foreign_keys
        .iter()
        .map(|fk| (fk.table, fk.columns[0]))
        .collect();
    assert_eq!(
        unmanaged,
        [("comments", "post_id"), ("comments", "author_id")]
    );
    let db = db.with_schema(blog());
    let report = db.create_all(db.schema().unwrap().tables()).await.unwrap();
    assert!(report.unmanaged_foreign_keys.is_empty());
}

mod cycle {
    use orm_core::Model;

    // ANCHOR: cycle
    /// Departments and employees that cascade into each other: deleting a
    /// department deletes its employees, deleting an employee deletes the
    /// departments they manage.
    #[derive(Model, Debug, Clone)]
    #[model(table = "department")]
    pub struct Department {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "employee.id", ondelete = "CASCADE")]
        pub manager_id: Option<i64>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "employee")]
    pub struct Employee {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "department.id", ondelete = "CASCADE")]
        pub department_id: Option<i64>,
        /// A mentor in any department: SET NULL.
        #[field(foreign_key = "employee.id", ondelete = "SET NULL")]
        pub mentor_id: Option<i64>,
    }
    // ANCHOR_END: cycle

    /// A user's posts cascade; a user's featured post is a plain foreign
    /// key back (`NO ACTION`): deleting a user whose featured post is their
    /// own is a cycle the database resolves at the end of the statement.
    #[derive(Model, Debug, Clone)]
    #[model(table = "member")]
    pub struct Member {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "article.id")]
        pub featured_id: Option<i64>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "article")]
    pub struct Article {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "member.id", ondelete = "CASCADE")]
        pub author_id: i64,
    }
}

/// Five departments; department d has employees 3d-2..3d, each mentored by
/// the next employee (wrapping); departments 2, 3 and 5 are managed by
/// employees of 1, 2 and 3, so deleting department 1 takes them all but 4,
/// which manages itself.
async fn seed_cycle<B: TestBackend>(db: &Db<B>) {
    use cycle::{Department, Employee};
    // Twice: the foreign key added after both tables exist is added once.
    for _ in 0..2 {
        db.create_all(&[Department::TABLE, Employee::TABLE])
            .await
            .unwrap();
    }
    for _ in 0..5 {
        let mut d = Department {
            id: None,
            manager_id: None,
        };
        db.insert(&mut d).await.unwrap();
    }
    for d in 1..=5i64 {
        for _ in 0..3 {
            let mut e = Employee {
                id: None,
                department_id: Some(d),
                mentor_id: None,
            };
            db.insert(&mut e).await.unwrap();
        }
    }
    for e in 1..=15i64 {
        let sql = crate::harness::placeholders::<B>(
            r#"UPDATE "employee" SET "mentor_id" = ? WHERE "id" = ?"#,
        );
        db.execute_sql(&sql, vec![(e % 15 + 1).into(), e.into()])
            .await
            .unwrap();
    }
    // Department 2 managed by employee 1 (dept 1), 3 by 4 (dept 2), 4 by 10
    // (its own), 5 by 7 (dept 3).
    for (d, m) in [(2i64, 1i64), (3, 4), (4, 10), (5, 7)] {
        let sql = crate::harness::placeholders::<B>(
            r#"UPDATE "department" SET "manager_id" = ? WHERE "id" = ?"#,
        );
        db.execute_sql(&sql, vec![m.into(), d.into()])
            .await
            .unwrap();
    }
}

async fn cycle_state<B: TestBackend>(db: &Db<B>) -> Vec<Vec<Vec<Option<i64>>>> {
    vec![
        B::int_rows(db, "SELECT id, manager_id FROM department ORDER BY id").await,
        B::int_rows(
            db,
            "SELECT id, department_id, mentor_id FROM employee ORDER BY id",
        )
        .await,
    ]
}

/// A cascade cycle through two tables is planned set-based and ends where
/// the database's own cascade ends, with foreign keys off and on.
async fn cascade_cycles_across_tables_end_like_the_database<B: TestBackend>(ctx: Ctx<B>) {
    use cycle::{Department, Employee};
    let database = ctx.db(true).await;
    seed_cycle(&database).await;
    let sql = crate::harness::placeholders::<B>(r#"DELETE FROM "department" WHERE "id" = ?"#);
    database.execute_sql(&sql, vec![1i64.into()]).await.unwrap();
    let expected = cycle_state(&database).await;
    // Departments 1, 2, 3 and 5 go (5 is managed by employee 7 of
    // department 3); 4 stays, its employees 10..12 too, employee 12's
    // mentor (13, deleted) set to NULL.
    assert_eq!(
        expected,
        vec![
            vec![vec![Some(4), Some(10)]],
            vec![
                vec![Some(10), Some(4), Some(11)],
                vec![Some(11), Some(4), Some(12)],
                vec![Some(12), Some(4), None],
            ]
        ],
        "the database's own cascade"
    );
    let schema = Schema::new(&[Department::TABLE, Employee::TABLE]).unwrap();
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        seed_cycle(&db).await;
        let db = db.with_schema(schema.clone());
        let department = db.get::<Department>(1).await.unwrap();
        let report = db.delete(department).await.unwrap();
        assert_eq!(
            cycle_state(&db).await,
            expected,
            "foreign keys {foreign_keys}"
        );
        assert_eq!(report.deleted("department"), 4);
        assert_eq!(report.deleted("employee"), 12);
    }
}

/// A user whose featured article is their own can be deleted (the
/// database checks `NO ACTION` at the end of the statement); one featured
/// by another user cannot, and nothing changes.
async fn no_action_back_references_from_deleted_rows_do_not_block<B: TestBackend>(ctx: Ctx<B>) {
    use cycle::{Article, Member};
    let schema = Schema::new(&[Member::TABLE, Article::TABLE]).unwrap();
    for foreign_keys in [true, false] {
        let db = ctx.db(foreign_keys).await;
        db.create_all(schema.tables()).await.unwrap();
        let db = db.with_schema(schema.clone());
        for _ in 0..3 {
            let mut m = Member {
                id: None,
                featured_id: None,
            };
            db.insert(&mut m).await.unwrap();
        }
        for author in [1i64, 2, 3] {
            let mut a = Article {
                id: None,
                author_id: author,
            };
            db.insert(&mut a).await.unwrap();
        }
        // Member 1 features their own article 1, member 2 features
        // member 3's article 3.
        for (m, a) in [(1i64, 1i64), (2, 3)] {
            let sql = crate::harness::placeholders::<B>(
                r#"UPDATE "member" SET "featured_id" = ? WHERE "id" = ?"#,
            );
            db.execute_sql(&sql, vec![a.into(), m.into()])
                .await
                .unwrap();
        }
        let state = |db: Db<B>| async move {
            vec![
                B::int_rows(&db, "SELECT id, featured_id FROM member ORDER BY id").await,
                B::int_rows(&db, "SELECT id, author_id FROM article ORDER BY id").await,
            ]
        };
        let before = state(db.clone()).await;
        let three = db.get::<Member>(3).await.unwrap();
        let error = db.delete(three).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::Restricted {
                    table: "member",
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(state(db.clone()).await, before);

        let one = db.get::<Member>(1).await.unwrap();
        let result = db.delete(one).await;
        if B::DIALECT.no_action_is_immediate() {
            // InnoDB checks NO ACTION row by row, as RESTRICT: it would
            // refuse, and so does the ORM.
            assert!(
                matches!(result, Err(Error::Restricted { .. })),
                "{result:?}"
            );
            assert_eq!(state(db.clone()).await, before);
        } else {
            result.unwrap();
            assert_eq!(
                state(db.clone()).await,
                vec![
                    vec![vec![Some(2), Some(3)], vec![Some(3), None]],
                    vec![vec![Some(2), Some(2)], vec![Some(3), Some(3)]],
                ],
                "foreign keys {foreign_keys}"
            );
        }
    }
}

mod child_side {
    use orm_core::{BelongsTo, Model};

    /// No relationship on the club: the members' side says the database
    /// deletes them (SQLAlchemy's `backref(..., passive_deletes=True)`).
    #[derive(Model, Debug, Clone)]
    #[model(table = "club")]
    pub struct Club {
        #[field(primary_key)]
        pub id: Option<i64>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "club_member")]
    pub struct ClubMember {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "club.id", ondelete = "CASCADE")]
        pub club_id: i64,
        #[relationship(passive_deletes)]
        pub club: BelongsTo<Club>,
    }
}

/// `passive_deletes` on the child's `BelongsTo`: with the registry the ORM
/// leaves that foreign key to the database (and says so), and refuses
/// where the database does not enforce foreign keys.
async fn passive_deletes_on_the_child_side_leaves_it_to_the_database<B: TestBackend>(ctx: Ctx<B>) {
    use child_side::{Club, ClubMember};
    let schema = Schema::new(&[Club::TABLE, ClubMember::TABLE]).unwrap();
    for foreign_keys in [true, false] {
        let db = ctx.db(foreign_keys).await;
        db.create_all(schema.tables()).await.unwrap();
        let db = db.with_schema(schema.clone());
        for _ in 0..2 {
            db.insert(&mut Club { id: None }).await.unwrap();
        }
        for club in [1i64, 1, 2] {
            let mut m = ClubMember {
                id: None,
                club_id: club,
                club: BelongsTo::NotLoaded,
            };
            db.insert(&mut m).await.unwrap();
        }
        let club = db.get::<Club>(1).await.unwrap();
        let result = db.delete(club).await;
        let members = B::int_rows(&db, "SELECT id, club_id FROM club_member ORDER BY id").await;
        if foreign_keys {
            let report = result.unwrap();
            assert_eq!(report.left_to_database.len(), 1);
            assert_eq!(report.left_to_database[0].table, "club_member");
            assert_eq!(report.left_to_database[0].action, Action::Cascade);
            assert_eq!(count(&db, "club").await, 1);
            assert_eq!(members, vec![vec![Some(3), Some(2)]]);
        } else {
            assert!(
                matches!(
                    result,
                    Err(Error::ForeignKeysNotEnforced {
                        model: "ClubMember",
                        relation: "club"
                    })
                ),
                "{result:?}"
            );
            assert_eq!(count(&db, "club").await, 2);
            assert_eq!(members.len(), 3);
        }
    }
}

pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        foreign_keys_without_relationships_are_applied,
        without_a_registry_only_relationships_are_followed,
        no_action_foreign_key_refuses_the_delete,
        every_delete_uses_the_registry,
        a_model_outside_the_registry_is_refused,
        create_all_reports_what_the_registry_covers,
        cascade_cycles_across_tables_end_like_the_database,
        no_action_back_references_from_deleted_rows_do_not_block,
        passive_deletes_on_the_child_side_leaves_it_to_the_database,
    ]
}
