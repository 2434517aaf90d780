//! Names and limits that could silently weaken integrity (issue 16): index
//! names that collide, identifiers the database folds together, bind
//! limits, the planner's own table names, NaN, and two cascades racing
//! over overlapping subtrees. Each test asserts the database's end state
//! or a typed error.

use crate::harness::{Ctx, Test, TestBackend, count};

use std::time::Duration;

use orm_core::{BelongsTo, Error, Executor, HasMany, Model};

// -- 1. index names ---------------------------------------------------------

/// `a_b.c` and `a.b_c`: both unique indexes used to be named `ux_a_b_c`,
/// and the second `CREATE UNIQUE INDEX IF NOT EXISTS` was skipped.
#[derive(Model, Debug, Clone)]
#[model(table = "a_b")]
pub struct AB {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub c: String,
}

#[derive(Model, Debug, Clone)]
#[model(table = "a")]
pub struct A {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub b_c: String,
}

/// Same for the plain index of a foreign key (`ix_`): `x_y.z` and `x.y_z`.
#[derive(Model, Debug, Clone)]
#[model(table = "x")]
pub struct X {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "x.id", ondelete = "CASCADE")]
    pub y_z: Option<i64>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "x_y")]
pub struct XY {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "x.id", ondelete = "CASCADE")]
    pub z: i64,
}

pub async fn unique_indexes_of_tables_whose_names_run_together_are_both_created<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    db.create_all(&[AB::TABLE, A::TABLE, X::TABLE, XY::TABLE])
        .await
        .unwrap();
    for _ in 0..2 {
        let _ = db
            .insert(&mut AB {
                id: None,
                c: "same".into(),
            })
            .await;
        let _ = db
            .insert(&mut A {
                id: None,
                b_c: "same".into(),
            })
            .await;
    }
    // The second insert of each was refused by its own unique index.
    let refused = db
        .insert(&mut A {
            id: None,
            b_c: "same".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::UniqueViolation { table: Some(t), columns, .. }
            if t == "a" && columns == &["b_c".to_owned()]),
        "{refused:?}"
    );
    assert_eq!(count(&db, "a_b").await, 1);
    assert_eq!(count(&db, "a").await, 1);
    // Both foreign keys have their index.
    let report = db
        .create_all(&[AB::TABLE, A::TABLE, X::TABLE, XY::TABLE])
        .await
        .unwrap();
    let indexes: Vec<&String> = report
        .statements
        .iter()
        .filter(|s| s.contains("INDEX"))
        .collect();
    let names: std::collections::HashSet<String> = indexes
        .iter()
        .flat_map(|s| s.split_whitespace())
        .filter(|w| w.contains("ux_") || w.contains("ix_"))
        .map(|w| w.to_owned())
        .collect();
    assert_eq!(names.len(), 4, "four distinct index names: {indexes:#?}");
}

/// An object already holding the name of an index the ORM declares (here a
/// user's index on another column) makes `create_all` fail loudly, instead
/// of `IF NOT EXISTS` skipping the unique index. The data stays.
pub async fn create_all_refuses_a_foreign_object_under_an_index_name<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.execute_sql(
        &crate::harness::placeholders::<B>(
            "CREATE TABLE \"a\" (\"id\" BIGINT PRIMARY KEY, \"b_c\" VARCHAR(100) NOT NULL, \"other\" BIGINT)",
        ),
        vec![],
    )
    .await
    .unwrap();
    let name = orm_core::sql::index_name("a", "b_c", true);
    let index = format!("CREATE INDEX \"{name}\" ON \"a\" (\"other\")");
    db.execute_sql(&crate::harness::placeholders::<B>(&index), vec![])
        .await
        .unwrap();
    db.execute_sql(
        &crate::harness::placeholders::<B>("INSERT INTO \"a\" VALUES (1, 'same', 7)"),
        vec![],
    )
    .await
    .unwrap();
    let error = db.create_all(&[A::TABLE]).await.unwrap_err();
    match &error {
        Error::SchemaMismatch {
            table,
            object,
            found,
            ..
        } => {
            assert_eq!(*table, "a");
            assert!(object.contains(&name), "{error}");
            assert!(found.contains("other"), "{error}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    assert_eq!(count(&db, "a").await, 1, "nothing was lost");
}

/// A table created earlier without one of the model's columns (another
/// model's, or an older version): `create_all` says so.
pub async fn create_all_refuses_an_existing_table_without_a_model_column<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    db.execute_sql(
        &crate::harness::placeholders::<B>("CREATE TABLE \"a_b\" (\"id\" BIGINT PRIMARY KEY)"),
        vec![],
    )
    .await
    .unwrap();
    let error = db.create_all(&[AB::TABLE]).await.unwrap_err();
    assert!(
        matches!(&error, Error::SchemaMismatch { table: "a_b", object, .. } if object.contains("`c`")),
        "{error:?}"
    );
}

// -- 2. identifiers the database folds together ------------------------------

#[derive(Model, Debug, Clone)]
#[model(table = "CaseT")]
pub struct CaseUpper {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub upper: i64,
}

#[derive(Model, Debug, Clone)]
#[model(table = "caset")]
pub struct CaseLower {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub lower: String,
}

/// Two models whose tables differ only in letter case never share a table:
/// created together, every backend refuses (SQLite would make them one);
/// created one after the other, SQLite refuses the second and PostgreSQL
/// and MySQL (case-sensitive table names) keep two tables.
pub async fn tables_equal_but_for_case_never_share_a_table<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let error = db
        .create_all(&[CaseUpper::TABLE, CaseLower::TABLE])
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::NameCollision { kind: "table", .. }),
        "{error:?}"
    );
    assert!(
        !B::table_names(&db)
            .await
            .iter()
            .any(|t| t.eq_ignore_ascii_case("caset")),
        "nothing was created"
    );

    db.create_all(&[CaseUpper::TABLE]).await.unwrap();
    db.insert(&mut CaseUpper { id: None, upper: 1 })
        .await
        .unwrap();
    match db.create_all(&[CaseLower::TABLE]).await {
        Err(Error::NameCollision { kind: "table", .. }) => {
            assert!(
                B::DIALECT.folds_identifier_case(),
                "refused only where names fold"
            );
        }
        Err(other) => panic!("unexpected error: {other:?}"),
        Ok(_) => {
            assert!(!B::DIALECT.folds_identifier_case(), "SQLite must refuse");
            db.insert(&mut CaseLower {
                id: None,
                lower: "x".into(),
            })
            .await
            .unwrap();
            assert_eq!(CaseLower::query().count(&db).await.unwrap(), 1);
        }
    }
    assert_eq!(
        CaseUpper::query().count(&db).await.unwrap(),
        1,
        "CaseT intact"
    );
}

// -- 3. bind limits ------------------------------------------------------------

/// A self-referential `NO ACTION` foreign key: its check binds the chunk's
/// keys twice (the children, and "not deleted too").
#[derive(Model, Debug, Clone)]
#[model(table = "node")]
pub struct Node {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "node.id", ondelete = "NO ACTION")]
    pub parent_id: Option<i64>,
    pub tag: i64,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Node>,
    #[relationship(back_populates = "parent")]
    pub children: HasMany<Node>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "item")]
pub struct Item {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub n: i64,
    pub label: Option<String>,
}

pub async fn no_action_self_reference_check_over_40_000_rows_stays_within_the_bind_limit<
    B: TestBackend,
>(
    ctx: Ctx<B>,
) {
    // Foreign keys off: the ORM's own NO ACTION check (the one binding the
    // keys twice) decides; on: the database's, reported as it reports it.
    for foreign_keys in [false, true] {
        let db = ctx.db(foreign_keys).await;
        db.create_all(&[Node::TABLE]).await.unwrap();
        let mut nodes: Vec<Node> = (0..40_000)
            .map(|i| Node {
                id: None,
                parent_id: None,
                tag: i % 2,
                parent: BelongsTo::NotLoaded,
                children: HasMany::NotLoaded,
            })
            .collect();
        db.insert_many(&mut nodes).await.unwrap();
        // One node of the odd half references one of the even half: deleting
        // the even half is refused, with nothing written.
        let parent = nodes[0].id.unwrap();
        let mut child = nodes[1].clone();
        child.parent_id = Some(parent);
        db.update(&child).await.unwrap();
        let refused = db.delete_where(Node::TAG.eq(0)).await.unwrap_err();
        // The ORM checks first; with foreign keys on, the database may be the
        // one that refuses (InnoDB checks each row at once).
        assert!(
            matches!(refused, Error::Restricted { .. })
                || (foreign_keys && matches!(refused, Error::ForeignKeyViolation { .. })),
            "{refused:?}"
        );
        assert_eq!(count(&db, "node").await, 40_000, "fk {foreign_keys}");
        // Both halves at once: every reference is inside the deleted set, so
        // `NO ACTION` (checked at the end of the statement) lets it through,
        // however the 40,000 keys are spread: they go into one key table.
        // InnoDB checks `NO ACTION` row by row, as `RESTRICT`: there, the ORM
        // refuses as the database would.
        let both = db.delete_where(Node::TAG.is_in([0, 1])).await;
        let report = if B::DIALECT.no_action_is_immediate() {
            let refused = both.unwrap_err();
            assert!(matches!(refused, Error::Restricted { .. }), "{refused:?}");
            assert_eq!(count(&db, "node").await, 40_000);
            child.parent_id = None;
            db.update(&child).await.unwrap();
            db.delete_where(Node::TAG.is_in([0, 1])).await.unwrap()
        } else {
            let report = both.unwrap();
            // One plan: over a key table, or (PostgreSQL, whose keys go as
            // one array parameter) over all 40,000 keys; not chunks.
            let deletes = report
                .statements
                .iter()
                .filter(|s| s.sql.starts_with("DELETE FROM"))
                .count();
            assert_eq!(deletes, 1, "one plan, not chunks");
            report
        };
        assert_eq!(report.deleted("node"), 40_000);
        assert!(
            report
                .statements
                .iter()
                .all(|s| s.params.len() <= B::DIALECT.max_bind_parameters()),
            "every statement within the limit"
        );
        assert_eq!(count(&db, "node").await, 0);
    }
}

/// `is_in` with 70,000 values: more than any backend binds one by one in
/// one statement (SQLite 32,766; PostgreSQL and MySQL 65,535, counted in 16
/// bits). The list goes into a temporary key table (on PostgreSQL, one
/// array parameter); the answers are the same as with a short list, `NULL`
/// and `NOT IN` included.
pub async fn is_in_with_70_000_values_is_answered_in_full<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&[Item::TABLE]).await.unwrap();
    let mut items: Vec<Item> = (0..70_010)
        .map(|n| Item {
            id: None,
            n,
            label: (n % 3 == 0).then(|| format!("l{n}")),
        })
        .collect();
    db.insert_many(&mut items).await.unwrap();
    let wanted: Vec<i64> = (0..70_000).collect();
    let query = Item::query().filter(Item::N.is_in(wanted.clone()));
    assert_eq!(query.clone().count(&db).await.unwrap(), 70_000);
    let rows = query.all(&db).await.unwrap();
    assert_eq!(rows.len(), 70_000);
    assert!(rows.iter().all(|r| r.n < 70_000));
    // Combined with NOT, OR, order and limit.
    let rest = Item::query()
        .filter(Item::N.not_in(wanted.clone()))
        .order_by(Item::N.desc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|r| r.n).collect::<Vec<_>>(),
        (70_000..70_010).rev().collect::<Vec<_>>()
    );
    let either = Item::query()
        .filter(Item::N.is_in(wanted.clone()).or(Item::N.eq(70_005)))
        .limit(3)
        .offset(69_998)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        either.iter().map(|r| r.n).collect::<Vec<_>>(),
        vec![69_998, 69_999, 70_005]
    );
    // Text values with a NULL: `x IN (..., NULL)` is never FALSE, so
    // `NOT IN (..., NULL)` matches nothing, as with a short list.
    let mut labels: Vec<Option<String>> = (0..70_010).map(|n| Some(format!("l{n}"))).collect();
    labels.push(None);
    let short: Vec<Option<String>> = vec![Some("l3".into()), None];
    for list in [labels, short] {
        let long = list.len() > 10;
        let matched = Item::query()
            .filter(Item::LABEL.is_in(list.clone()))
            .count(&db)
            .await
            .unwrap();
        let expected = if long { 23_337 } else { 1 };
        assert_eq!(matched, expected, "IN, long list: {long}");
        let unmatched = Item::query()
            .filter(Item::LABEL.not_in(list))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(unmatched, 0, "NOT IN with a NULL, long list: {long}");
    }
    // A bulk delete by the long list, with the other rows kept.
    let report = db.delete_where(Item::N.is_in(wanted)).await.unwrap();
    assert_eq!(report.deleted("item"), 70_000);
    assert_eq!(count(&db, "item").await, 10);
    if B::DIALECT.binds_array_of(orm_core::ValueType::I64) {
        // PostgreSQL: the values, then the 70,000 keys, each go as one
        // array parameter: no key table, one `DELETE`.
        assert!(
            report.statements.iter().all(|s| !s.sql.contains("_orm_")),
            "{:?}",
            report.statements
        );
        let deletes = report
            .statements
            .iter()
            .filter(|s| s.sql.starts_with("DELETE FROM"))
            .count();
        assert_eq!(deletes, 1);
    }
    // The key tables are gone with the query.
    assert!(
        !B::table_names(&db)
            .await
            .iter()
            .any(|t| t.starts_with("_orm_")),
        "no key table left behind"
    );
}

// -- 4. the planner's own names ----------------------------------------------

#[derive(Model, Debug, Clone)]
#[model(table = "category")]
pub struct Category {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "category.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Category>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Category>,
}

/// A model cannot be named `_orm_...` (a compile error: `ui/model/
/// reserved_table_name.rs`), but a user's own table can, made with raw SQL.
/// The planner's CTE and temporary tables shadow such a table only inside
/// its own statements and drop only their own: the user's table and its
/// rows are untouched by a tree delete.
pub async fn user_tables_named_like_the_planner_s_own_are_left_alone<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    for name in ["_orm_walk", "_orm_tree_0_0", "_orm_tree_0_1", "_orm_in_0"] {
        let create = format!("CREATE TABLE \"{name}\" (\"k\" BIGINT PRIMARY KEY, \"v\" BIGINT)");
        db.execute_sql(&crate::harness::placeholders::<B>(&create), vec![])
            .await
            .unwrap();
        let insert = format!("INSERT INTO \"{name}\" VALUES (1, 1), (2, 2)");
        db.execute_sql(&crate::harness::placeholders::<B>(&insert), vec![])
            .await
            .unwrap();
    }
    db.create_all(&[Category::TABLE]).await.unwrap();
    let mut root = Category {
        id: None,
        parent_id: None,
        children: HasMany::NotLoaded,
        parent: BelongsTo::NotLoaded,
    };
    db.insert(&mut root).await.unwrap();
    let mut parent = root.id;
    for _ in 0..20 {
        let mut node = Category {
            id: None,
            parent_id: parent,
            children: HasMany::NotLoaded,
            parent: BelongsTo::NotLoaded,
        };
        db.insert(&mut node).await.unwrap();
        parent = node.id;
    }
    let report = db.delete(root).await.unwrap();
    assert_eq!(report.deleted("category"), 21);
    assert_eq!(count(&db, "category").await, 0);
    for name in ["_orm_walk", "_orm_tree_0_0", "_orm_tree_0_1", "_orm_in_0"] {
        assert_eq!(count(&db, name).await, 2, "{name} untouched");
    }
}

// -- 5. NaN -------------------------------------------------------------------

#[derive(Model, Debug, Clone)]
#[model(table = "measure")]
pub struct Measure {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub value: f64,
    pub maybe: Option<f64>,
    pub single: f32,
}

/// NaN and infinities: SQLite would bind NaN as NULL; MySQL stores neither.
/// Refused as `InvalidValue` on every backend, nothing written.
pub async fn nan_and_infinity_are_refused_before_anything_is_written<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    db.create_all(&[Measure::TABLE]).await.unwrap();
    let rows = [
        (f64::NAN, Some(1.0), 1.0),
        (1.0, Some(f64::NAN), 1.0),
        (f64::INFINITY, None, 1.0),
        (1.0, Some(f64::NEG_INFINITY), 1.0),
        (1.0, None, f32::NAN),
    ];
    for (value, maybe, single) in rows {
        let error = db
            .insert(&mut Measure {
                id: None,
                value,
                maybe,
                single,
            })
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidValue(_)), "{error:?}");
    }
    assert_eq!(count(&db, "measure").await, 0);
    let mut ok = Measure {
        id: None,
        value: -0.5,
        maybe: Some(f64::MAX),
        single: f32::MIN_POSITIVE,
    };
    db.insert(&mut ok).await.unwrap();
    let back = db.get::<Measure>(ok.id.unwrap()).await.unwrap();
    assert_eq!(
        (back.value, back.maybe, back.single),
        (-0.5, Some(f64::MAX), f32::MIN_POSITIVE)
    );
    // In a filter too, and in an update.
    let error = Measure::query()
        .filter(Measure::VALUE.eq(f64::NAN))
        .count(&db)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidValue(_)), "{error:?}");
    let mut changed = back.clone();
    changed.maybe = Some(f64::NAN);
    let error = db.update(&changed).await.unwrap_err();
    assert!(matches!(error, Error::InvalidValue(_)), "{error:?}");
    assert_eq!(
        db.get::<Measure>(ok.id.unwrap()).await.unwrap().maybe,
        Some(f64::MAX),
        "the row kept its value"
    );
}

// -- 6. transient errors --------------------------------------------------------

#[derive(Model, Debug, Clone)]
#[model(table = "org")]
pub struct Org {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[relationship(back_populates = "org", cascade_delete)]
    pub teams: HasMany<Squad>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "squad")]
pub struct Squad {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "org.id", ondelete = "CASCADE")]
    pub org_id: i64,
    #[relationship(back_populates = "teams")]
    pub org: BelongsTo<Org>,
    #[relationship(back_populates = "squad", cascade_delete)]
    pub members: HasMany<Member>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "member")]
pub struct Member {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "squad.id", ondelete = "CASCADE")]
    pub squad_id: i64,
    #[relationship(back_populates = "members")]
    pub squad: BelongsTo<Squad>,
}

/// Two cascades over overlapping subtrees at once (an org, and squads of
/// it, deleted in opposite orders by two tasks), many rounds: each delete
/// succeeds, finds its root gone (`NotFound`), or fails with a typed
/// retryable error (deadlock, lock timeout, serialization failure) and is
/// retried. Afterwards the subtree is gone, nothing is orphaned, and the
/// other org is intact.
pub async fn concurrent_cascades_over_overlapping_subtrees_end_consistent<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.shared_db(true).await;
    db.create_all(&[Org::TABLE, Squad::TABLE, Member::TABLE])
        .await
        .unwrap();
    let mut retried = 0u64;
    for round in 0..15 {
        let mut orgs = vec![
            Org {
                id: None,
                teams: HasMany::NotLoaded,
            },
            Org {
                id: None,
                teams: HasMany::NotLoaded,
            },
        ];
        db.insert_many(&mut orgs).await.unwrap();
        let mut squads: Vec<Squad> = orgs
            .iter()
            .flat_map(|o| {
                (0..6).map(|_| Squad {
                    id: None,
                    org_id: o.id.unwrap(),
                    org: BelongsTo::NotLoaded,
                    members: HasMany::NotLoaded,
                })
            })
            .collect();
        db.insert_many(&mut squads).await.unwrap();
        let mut members: Vec<Member> = squads
            .iter()
            .flat_map(|s| {
                (0..50).map(|_| Member {
                    id: None,
                    squad_id: s.id.unwrap(),
                    squad: BelongsTo::NotLoaded,
                })
            })
            .collect();
        db.insert_many(&mut members).await.unwrap();

        let doomed = orgs[0].clone();
        let mut doomed_squads: Vec<Squad> = squads[..6].to_vec();
        if round % 2 == 1 {
            doomed_squads.reverse();
        }
        let first = {
            let db = db.clone();
            tokio::spawn(async move { retry(|| db.delete(doomed.clone())).await })
        };
        let second = {
            let db = db.clone();
            tokio::spawn(async move {
                let mut retried = 0;
                for squad in doomed_squads.into_iter().rev() {
                    retried += retry(|| db.delete(squad.clone())).await;
                }
                retried
            })
        };
        let both = tokio::time::timeout(Duration::from_secs(60), async {
            (first.await.unwrap(), second.await.unwrap())
        })
        .await
        .expect("no hang");
        retried += both.0 + both.1;

        let kept = orgs[1].id.unwrap();
        assert!(db.find::<Org>(orgs[0].id.unwrap()).await.unwrap().is_none());
        assert!(db.find::<Org>(kept).await.unwrap().is_some());
        assert_eq!(
            Squad::query()
                .filter(Squad::ORG_ID.eq(kept))
                .count(&db)
                .await
                .unwrap(),
            6
        );
        let orphans = B::scalar(
            &db,
            "SELECT COUNT(*) FROM member WHERE squad_id NOT IN (SELECT id FROM squad)",
        )
        .await
            + B::scalar(
                &db,
                "SELECT COUNT(*) FROM squad WHERE org_id NOT IN (SELECT id FROM org)",
            )
            .await;
        assert_eq!(orphans, 0, "round {round}");
        assert_eq!(count(&db, "member").await, 300 * (round + 1));
    }
    eprintln!("{} retried deletes", retried);
}

/// Runs `op` until it succeeds or finds its row gone; retryable errors are
/// retried (at most 50 times). Returns how many retries it took.
async fn retry<F, Fut>(op: F) -> u64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = orm_core::Result<orm_core::DeleteReport>>,
{
    for retries in 0..50 {
        match op().await {
            Ok(_) | Err(Error::NotFound { .. }) => return retries,
            Err(e) if e.is_retryable() => continue,
            Err(e) => panic!("untyped or unexpected error: {e:?}"),
        }
    }
    panic!("still failing after 50 retries");
}

pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        unique_indexes_of_tables_whose_names_run_together_are_both_created,
        create_all_refuses_a_foreign_object_under_an_index_name,
        create_all_refuses_an_existing_table_without_a_model_column,
        tables_equal_but_for_case_never_share_a_table,
        no_action_self_reference_check_over_40_000_rows_stays_within_the_bind_limit,
        is_in_with_70_000_values_is_answered_in_full,
        user_tables_named_like_the_planner_s_own_are_left_alone,
        nan_and_infinity_are_refused_before_anything_is_written,
        concurrent_cascades_over_overlapping_subtrees_end_consistent,
    ]
}
