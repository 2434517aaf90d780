//! What only MySQL / MariaDB shows: URLs, `foreign_key_checks`, error
//! numbers with constraint names, and where the ORM keeps a promise InnoDB
//! cannot: cascades deeper than InnoDB's 15 levels and `ON DELETE SET
//! DEFAULT`. Also row locks, and temporary tables that do not commit the
//! caller's transaction.

use std::time::Duration;

use orm_core::{BelongsTo, Error, Executor, HasMany, Model};
use orm_mysql::{MySql, MySqlOptions};

use crate::crud::{Hero, Team, hero, team};
use crate::harness::{Ctx, MYSQL_URL_VAR, Test, TestBackend, count};

fn url() -> String {
    std::env::var(MYSQL_URL_VAR).unwrap()
}

pub async fn mysql_urls_are_checked(_ctx: Ctx<MySql>) {
    for bad in [
        "sqlite://x.db",
        "postgres://postgres@localhost/test",
        "nonsense",
    ] {
        let err = orm_mysql::connect(bad).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
    }
    let err = orm_postgres::connect(&url()).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let mariadb = url().replacen("mysql://", "mariadb://", 1);
    let db = orm_mysql::connect(&mariadb).await.unwrap();
    db.close().await;
}

/// `foreign_keys(false)` is `foreign_key_checks = 0` on every connection;
/// `passive_deletes` then refuses instead of orphaning rows.
pub async fn foreign_key_checks_follow_the_option(ctx: Ctx<MySql>) {
    for (foreign_keys, checks) in [(true, 1), (false, 0)] {
        let db = ctx.db(foreign_keys).await;
        assert_eq!(
            MySql::scalar(&db, "SELECT @@foreign_key_checks").await,
            checks
        );
        db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
        let inserted = db.insert(&mut hero("orphan", None, Some(99))).await;
        assert_eq!(inserted.is_ok(), !foreign_keys, "{inserted:?}");
    }
}

/// Error numbers become typed errors, with the table and constraint the
/// message names (and, for the ORM's own unique indexes, the column).
pub async fn error_numbers_are_typed_with_names(ctx: Ctx<MySql>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut a = team("A");
    db.insert(&mut a).await.unwrap();
    db.insert(&mut hero("held", None, a.id)).await.unwrap();
    match db.insert(&mut team("A")).await.unwrap_err() {
        Error::UniqueViolation {
            table,
            columns,
            constraint,
            ..
        } => {
            assert_eq!(table.as_deref(), Some("team"));
            assert_eq!(columns, ["name"]);
            assert_eq!(constraint.as_deref(), Some("ux_team_name_01e573bd"));
        }
        other => panic!("{other:?}"),
    }
    match db
        .execute_sql(
            "INSERT INTO hero (name, secret_name, team_id) VALUES ('orphan', 'x', 999)",
            Vec::new(),
        )
        .await
        .unwrap_err()
    {
        Error::ForeignKeyViolation {
            table, constraint, ..
        } => {
            assert_eq!(table.as_deref(), Some("hero"));
            assert!(constraint.is_some_and(|c| c.starts_with("hero_ibfk")));
        }
        other => panic!("{other:?}"),
    }
    match db
        .execute_sql(
            "INSERT INTO hero (name, secret_name) VALUES (NULL, 'x')",
            Vec::new(),
        )
        .await
        .unwrap_err()
    {
        Error::NotNullViolation { columns, .. } => assert_eq!(columns, ["name"]),
        other => panic!("{other:?}"),
    }
    assert_eq!((count(&db, "team").await, count(&db, "hero").await), (1, 1));
}

/// A lock held by another transaction: `innodb_lock_wait_timeout` expires
/// into `Error::LockTimeout` (retryable), and the delete left nothing behind.
pub async fn a_lock_wait_timeout_is_typed_and_retryable(ctx: Ctx<MySql>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut t = team("Locked");
    db.insert(&mut t).await.unwrap();
    db.insert(&mut hero("h", None, t.id)).await.unwrap();

    let mut holder = db.begin().await.unwrap();
    holder
        .execute_sql("SELECT id FROM team FOR UPDATE", Vec::new())
        .await
        .unwrap();
    let mut waiter = db.begin().await.unwrap();
    waiter
        .execute_sql("SET SESSION innodb_lock_wait_timeout = 1", Vec::new())
        .await
        .unwrap();
    let team: Team = db.get(t.id.unwrap()).await.unwrap();
    let err = waiter.delete(team).await.unwrap_err();
    assert!(
        matches!(err, Error::LockTimeout { .. }) && err.is_retryable(),
        "{err:?}"
    );
    drop(waiter);
    holder.rollback().await.unwrap();
    assert_eq!((count(&db, "team").await, count(&db, "hero").await), (1, 1));
}

/// Two transactions locking the same rows in opposite orders: InnoDB rolls
/// one back with `Error::Deadlock` (retryable); the other goes through.
pub async fn a_deadlock_is_typed_and_retryable(ctx: Ctx<MySql>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE]).await.unwrap();
    let mut teams = vec![team("one"), team("two")];
    db.insert_many(&mut teams).await.unwrap();
    let (one, two) = (teams[0].id.unwrap(), teams[1].id.unwrap());

    let mut first = db.begin().await.unwrap();
    let mut second = db.begin().await.unwrap();
    let lock = "SELECT id FROM team WHERE id = ? FOR UPDATE";
    first.execute_sql(lock, vec![one.into()]).await.unwrap();
    second.execute_sql(lock, vec![two.into()]).await.unwrap();
    let (a, b) = tokio::join!(first.execute_sql(lock, vec![two.into()]), async {
        // Let the first one queue behind the second's lock first.
        tokio::time::sleep(Duration::from_millis(200)).await;
        second.execute_sql(lock, vec![one.into()]).await
    });
    let errors: Vec<Error> = [a, b].into_iter().filter_map(Result::err).collect();
    assert_eq!(errors.len(), 1, "exactly one victim: {errors:?}");
    assert!(
        matches!(errors[0], Error::Deadlock { .. }) && errors[0].is_retryable(),
        "{:?}",
        errors[0]
    );
}

/// A category tree, for the deep-tree test.
#[derive(Model, Debug, Clone)]
#[model(table = "node")]
pub struct Node {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "node.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Node>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Node>,
}

/// InnoDB cascades at most 15 levels: a plain `DELETE` of the root of a
/// deeper chain fails. The ORM deletes a 10,000-deep chain completely, with
/// foreign keys enforced, in a handful of statements.
pub async fn a_tree_deeper_than_innodb_cascades_deletes_completely(ctx: Ctx<MySql>) {
    const DEPTH: i64 = 10_000;
    let db = ctx.db(true).await;
    db.create_all(&[Node::TABLE]).await.unwrap();
    let mut chain: Vec<Node> = (1..=DEPTH)
        .map(|id| Node {
            id: Some(id),
            parent_id: (id > 1).then_some(id - 1),
            children: HasMany::NotLoaded,
            parent: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut chain).await.unwrap();

    match db
        .execute_sql("DELETE FROM node WHERE id = 1", Vec::new())
        .await
        .unwrap_err()
    {
        Error::ForeignKeyViolation { message, .. } => {
            assert!(message.contains("15 levels"), "{message}")
        }
        other => panic!("InnoDB's own cascade should stop at 15 levels: {other:?}"),
    }
    assert_eq!(
        count(&db, "node").await,
        DEPTH,
        "the refused delete changed nothing"
    );

    let root: Node = db.get(1).await.unwrap();
    let report = db.delete(root).await.unwrap();
    assert_eq!(report.deleted("node"), DEPTH as u64, "{report}");
    assert!(report.statements.len() <= 8, "{report}");
    assert_eq!(count(&db, "node").await, 0);
}

/// A tree delete inside the caller's transaction (temporary tables and all)
/// rolls back with it: `DROP TEMPORARY TABLE` does not commit, where a plain
/// `DROP TABLE` would have.
pub async fn a_tree_delete_inside_a_transaction_rolls_back_with_it(ctx: Ctx<MySql>) {
    let db = ctx.db(true).await;
    db.create_all(&[Node::TABLE]).await.unwrap();
    let mut nodes: Vec<Node> = (1..=5)
        .map(|id| Node {
            id: Some(id),
            parent_id: (id > 1).then_some(id / 2),
            children: HasMany::NotLoaded,
            parent: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut nodes).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let root: Node = tx.get(1).await.unwrap();
    let report = tx.delete(root).await.unwrap();
    assert_eq!(report.deleted("node"), 5);
    assert!(
        report
            .statements
            .iter()
            .any(|s| s.sql.starts_with("DROP TEMPORARY TABLE")),
        "{report}"
    );
    tx.rollback().await.unwrap();
    assert_eq!(count(&db, "node").await, 5);
}

/// `ON DELETE SET DEFAULT`: InnoDB parses it and enforces `RESTRICT`, so the
/// DDL leaves it out and the ORM carries it out; left to the database
/// (`passive_deletes`) it is refused before anything is written.
pub async fn set_default_is_carried_out_by_the_orm(ctx: Ctx<MySql>) {
    #[derive(Model, Debug, Clone)]
    #[model(table = "office")]
    pub struct Office {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "office")]
        pub staff: HasMany<Clerk>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "clerk")]
    pub struct Clerk {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "office.id", ondelete = "SET DEFAULT", default = 1)]
        pub office_id: i64,
        #[relationship(back_populates = "staff")]
        pub office: BelongsTo<Office>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "office")]
    pub struct PassiveOffice {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "office", passive_deletes)]
        pub staff: HasMany<PassiveClerk>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "clerk")]
    pub struct PassiveClerk {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "office.id", ondelete = "SET DEFAULT", default = 1)]
        pub office_id: i64,
        #[relationship(back_populates = "staff")]
        pub office: BelongsTo<PassiveOffice>,
    }

    let db = ctx.db(true).await;
    let ddl = db.ddl(&[Office::TABLE, Clerk::TABLE]).unwrap();
    assert!(
        ddl.iter()
            .all(|s| !s.contains("SET DEFAULT") && !s.contains("ON DELETE")),
        "{ddl:?}"
    );
    db.create_all(&[Office::TABLE, Clerk::TABLE]).await.unwrap();
    let mut offices: Vec<Office> = ["head office", "branch"]
        .into_iter()
        .map(|name| Office {
            id: None,
            name: name.into(),
            staff: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut offices).await.unwrap();
    let mut clerks: Vec<Clerk> = (0..3)
        .map(|_| Clerk {
            id: None,
            office_id: 2,
            office: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut clerks).await.unwrap();

    // Left to the database: refused, nothing written.
    let passive: PassiveOffice = db.get(2).await.unwrap();
    match db.delete(passive).await.unwrap_err() {
        Error::InvalidRelation { reason, .. } => {
            assert!(reason.contains("SET DEFAULT"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&db, "office").await, 2);

    // Carried out by the ORM: the clerks move to the default office.
    let branch: Office = db.get(2).await.unwrap();
    let report = db.delete(branch).await.unwrap();
    assert_eq!(
        (report.defaulted("clerk"), report.deleted("office")),
        (3, 1)
    );
    assert_eq!(
        MySql::int_rows(&db, "SELECT office_id FROM clerk ORDER BY id").await,
        [[Some(1)], [Some(1)], [Some(1)]]
    );
}

/// Where the plan has more than one statement, the root rows are locked
/// first (`FOR UPDATE`), as on PostgreSQL.
pub async fn multi_statement_deletes_lock_their_roots(ctx: Ctx<MySql>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut t = team("T");
    db.insert(&mut t).await.unwrap();
    db.insert(&mut hero("h", None, t.id)).await.unwrap();
    let report = db.delete(t).await.unwrap();
    assert!(report.statements[0].sql.ends_with("FOR UPDATE"), "{report}");
    assert_eq!(count(&db, "hero").await, 0);
    let options = MySqlOptions::from_url(&url()).unwrap().max_connections(1);
    orm_mysql::connect_with(options)
        .await
        .unwrap()
        .close()
        .await;
}

mod leak {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "leak_node")]
    pub struct Node {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "leak_node.id", ondelete = "CASCADE")]
        pub parent_id: Option<i64>,
        #[relationship(back_populates = "children")]
        pub parent: BelongsTo<Node>,
        #[relationship(back_populates = "parent", cascade_delete)]
        pub children: HasMany<Node>,
        #[relationship(back_populates = "node")]
        pub pins: HasMany<Pin>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "leak_pin")]
    pub struct Pin {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "leak_node.id", ondelete = "RESTRICT")]
        pub node_id: i64,
        #[relationship(back_populates = "pins")]
        pub node: BelongsTo<Node>,
    }
}

/// A refused delete drops its temporary tables: MySQL keeps them on the
/// connection, outside the transaction, so the same delete again on the
/// same connection (a retry) would otherwise fail on "table exists".
pub async fn a_refused_tree_delete_leaves_no_temporary_table(_ctx: Ctx<MySql>) {
    use leak::{Node, Pin};
    let options = MySqlOptions::from_url(&url()).unwrap().max_connections(1);
    let db = orm_mysql::connect_with(options).await.unwrap();
    db.drop_all(&[Node::TABLE, Pin::TABLE]).await.unwrap();
    db.create_all(&[Node::TABLE, Pin::TABLE]).await.unwrap();
    db.execute_sql(
        "INSERT INTO leak_node (id, parent_id) VALUES (1, NULL), (2, 1)",
        Vec::new(),
    )
    .await
    .unwrap();
    db.execute_sql(
        "INSERT INTO leak_pin (id, node_id) VALUES (1, 2)",
        Vec::new(),
    )
    .await
    .unwrap();
    for attempt in 1..=3 {
        let root = db.get::<Node>(1i64).await.unwrap();
        let refused = db.delete(root.clone()).await;
        assert!(
            matches!(refused, Err(Error::Restricted { .. })),
            "attempt {attempt}: {refused:?}"
        );
        let planned = db.plan_delete(&root).await;
        assert!(
            matches!(planned, Err(Error::Restricted { .. })),
            "plan, attempt {attempt}: {planned:?}"
        );
    }
    assert_eq!(count(&db, "leak_node").await, 2);
    db.drop_all(&[Node::TABLE, Pin::TABLE]).await.unwrap();
    db.close().await;
}

/// The tests of this module.
/// See [`crate::delete::a_dry_run_waits_for_no_lock`].
async fn a_dry_run_waits_for_no_lock(ctx: Ctx<MySql>) {
    crate::delete::a_dry_run_waits_for_no_lock(ctx).await;
}

pub fn tests() -> Vec<Test<MySql>> {
    crate::tests![
        a_dry_run_waits_for_no_lock,
        a_refused_tree_delete_leaves_no_temporary_table,
        mysql_urls_are_checked,
        foreign_key_checks_follow_the_option,
        error_numbers_are_typed_with_names,
        a_lock_wait_timeout_is_typed_and_retryable,
        a_deadlock_is_typed_and_retryable,
        a_tree_deeper_than_innodb_cascades_deletes_completely,
        a_tree_delete_inside_a_transaction_rolls_back_with_it,
        set_default_is_carried_out_by_the_orm,
        multi_statement_deletes_lock_their_roots,
    ]
}
