//! What only a server shows: URLs and schemas, SQLSTATE classification with
//! constraint names, row locks against racing inserts, and `RESTRICT` versus
//! deferrable `NO ACTION` timing.

use std::time::Duration;

use orm_core::{BelongsTo, Error, Executor, HasMany, Model};
use orm_postgres::{PgOptions, Postgres};

use crate::crud::{Hero, Team, team};
use crate::delete::the_orm_carries_the_actions_when_the_database_would_not_alike;
use crate::harness::{Ctx, POSTGRES_URL_VAR, Test, TestBackend, count};

fn url() -> String {
    std::env::var(POSTGRES_URL_VAR).unwrap()
}

pub async fn postgres_urls_are_checked(_ctx: Ctx<Postgres>) {
    for bad in ["sqlite://x.db", "mysql://root@localhost/test", "nonsense"] {
        let err = orm_postgres::connect(bad).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
    }
    let err = orm_sqlite::connect(&url()).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

pub async fn schemas_keep_the_same_tables_apart(ctx: Ctx<Postgres>) {
    let a = ctx.db(true).await;
    let b = ctx.db(true).await;
    for db in [&a, &b] {
        db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    }
    a.insert(&mut team("only in a")).await.unwrap();
    assert_eq!(count(&a, "team").await, 1);
    assert_eq!(count(&b, "team").await, 0);
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(a.pool())
        .await
        .unwrap();
    assert!(schema.starts_with("orm_test_"), "{schema}");
}

pub async fn foreign_keys_are_enforced_unless_the_session_is_a_replica(ctx: Ctx<Postgres>) {
    for (foreign_keys, role) in [(true, "origin"), (false, "replica")] {
        let db = ctx.db(foreign_keys).await;
        let current: String =
            sqlx::query_scalar("SELECT current_setting('session_replication_role')")
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(current, role);
        db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
        let mut orphan = crate::crud::hero("orphan", None, Some(99));
        let inserted = db.insert(&mut orphan).await;
        assert_eq!(inserted.is_ok(), !foreign_keys, "{inserted:?}");
    }
}

pub async fn sqlstate_errors_are_typed_with_constraint_names(ctx: Ctx<Postgres>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut a = team("A");
    db.insert(&mut a).await.unwrap();
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
        .insert(&mut crate::crud::hero("orphan", None, Some(77)))
        .await
        .unwrap_err()
    {
        Error::ForeignKeyViolation {
            table, constraint, ..
        } => {
            assert_eq!(table.as_deref(), Some("hero"));
            assert_eq!(constraint.as_deref(), Some("hero_team_id_fkey"));
        }
        other => panic!("{other:?}"),
    }
    db.execute_sql(
        "ALTER TABLE hero ADD CONSTRAINT adult CHECK (age IS NULL OR age >= 18)",
        vec![],
    )
    .await
    .unwrap();
    match db
        .insert(&mut crate::crud::hero("kid", Some(12), a.id))
        .await
        .unwrap_err()
    {
        Error::CheckViolation {
            table, constraint, ..
        } => {
            assert_eq!(table.as_deref(), Some("hero"));
            assert_eq!(constraint.as_deref(), Some("adult"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&db, "hero").await, 0);
}

pub async fn an_orm_cascade_locks_the_parent_until_it_commits(ctx: Ctx<Postgres>) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut t = team("doomed");
    db.insert(&mut t).await.unwrap();
    db.insert(&mut crate::crud::hero("first", None, t.id))
        .await
        .unwrap();

    let mut tx = db.begin().await.unwrap();
    let report = tx.delete(t.clone()).await.unwrap();
    // The foreign key declares the cascade too: the database carries it
    // out, and the team's DELETE (not a `SELECT ... FOR UPDATE` before the
    // heroes' DELETE) is what locks the row.
    assert_eq!(report.carried_by_database.len(), 1, "{report}");
    assert_eq!(report.deleted("hero"), 1);

    // Another session inserting a child of the locked team has to wait.
    let mut other = db.pool().acquire().await.unwrap();
    sqlx::raw_sql("SET lock_timeout = '200ms'")
        .execute(&mut *other)
        .await
        .unwrap();
    let blocked =
        sqlx::query("INSERT INTO hero (name, secret_name, team_id) VALUES ('late', 'x', $1)")
            .bind(t.id)
            .execute(&mut *other)
            .await
            .unwrap_err();
    let code = blocked
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(
        code.as_deref(),
        Some("55P03"),
        "lock_not_available: {blocked}"
    );
    let typed = <Postgres as orm_core::Backend>::map_error(blocked);
    assert!(
        matches!(typed, Error::LockTimeout { .. }) && typed.is_retryable(),
        "{typed:?}"
    );
    drop(other);

    // Once the delete commits, the late child is refused, not orphaned.
    tx.commit().await.unwrap();
    let err = db
        .insert(&mut crate::crud::hero("late", None, t.id))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert_eq!(count(&db, "hero").await, 0);
    assert_eq!(count(&db, "team").await, 0);
}

/// Teams whose heroes are protected by `NO ACTION`, left to the database.
mod deferred {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone)]
    #[model(table = "guild")]
    pub struct Guild {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "guild", passive_deletes)]
        pub members: HasMany<Member>,
    }

    #[derive(Model, Debug, Clone)]
    #[model(table = "member")]
    pub struct Member {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "guild.id", ondelete = "NO ACTION")]
        pub guild_id: Option<i64>,
        #[relationship(back_populates = "members")]
        pub guild: BelongsTo<Guild>,
    }
}

pub async fn deferred_no_action_is_checked_at_commit_and_restrict_at_once(ctx: Ctx<Postgres>) {
    use deferred::{Guild, Member};
    let db = ctx.db(true).await;
    db.create_all(&[Guild::TABLE, Member::TABLE]).await.unwrap();
    let mut guilds = vec![
        Guild {
            id: None,
            name: "old".into(),
            members: HasMany::NotLoaded,
        },
        Guild {
            id: None,
            name: "new".into(),
            members: HasMany::NotLoaded,
        },
    ];
    db.insert_many(&mut guilds).await.unwrap();
    let (old, new) = (guilds[0].clone(), guilds[1].clone());
    let mut member = Member {
        id: None,
        guild_id: old.id,
        guild: BelongsTo::NotLoaded,
    };
    db.insert(&mut member).await.unwrap();

    // Immediate NO ACTION: the database refuses at the end of the DELETE.
    let err = db.delete(old.clone()).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");

    // Deferred NO ACTION: the check waits for the commit, so the member can
    // move to another guild after its guild is deleted, in one transaction.
    db.execute_sql(
        "ALTER TABLE member ALTER CONSTRAINT member_guild_id_fkey DEFERRABLE INITIALLY DEFERRED",
        vec![],
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    tx.delete(old.clone()).await.unwrap();
    member.guild_id = new.id;
    tx.update(&member).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&db, "guild").await, 1);

    // Deferred, but never fixed: the commit itself fails, typed, and the
    // delete is undone.
    let mut tx = db.begin().await.unwrap();
    tx.delete(new.clone()).await.unwrap();
    let err = tx.commit().await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert_eq!(count(&db, "guild").await, 1);
    assert_eq!(count(&db, "member").await, 1);

    // RESTRICT cannot be deferred: it fires inside the DELETE.
    db.execute_sql(
        "ALTER TABLE member DROP CONSTRAINT member_guild_id_fkey, \
         ADD CONSTRAINT member_guild_id_fkey FOREIGN KEY (guild_id) REFERENCES guild (id) \
         ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED",
        vec![],
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let err = tx.delete(new).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    tx.rollback().await.unwrap();
    assert_eq!(count(&db, "member").await, 1);
}

pub async fn a_pool_with_its_own_schema_and_size(_ctx: Ctx<Postgres>) {
    let schema = format!("orm_test_{}_options", std::process::id());
    let options = PgOptions::from_url(&url())
        .unwrap()
        .schema(&schema)
        .max_connections(2);
    let db = orm_postgres::connect_with(options).await.unwrap();
    db.create_all(&[Team::TABLE]).await.unwrap();
    let tables = Postgres::table_names(&db).await;
    assert_eq!(tables, ["team"]);
    // Two connections at most: a third acquire waits.
    let c1 = db.pool().acquire().await.unwrap();
    let c2 = db.pool().acquire().await.unwrap();
    let third = tokio::time::timeout(Duration::from_millis(200), db.pool().acquire()).await;
    assert!(third.is_err(), "the pool is capped at two connections");
    drop((c1, c2));
    db.execute_sql(&format!("DROP SCHEMA \"{schema}\" CASCADE"), vec![])
        .await
        .unwrap();
}

/// A `Db` on the same schema as `db` whose pool holds one connection, so
/// that a session setting, or what a delete leaves on its connection, is
/// seen by the next operation.
async fn one_connection(db: &orm_postgres::Db) -> orm_postgres::Db {
    let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
        .fetch_one(db.pool())
        .await
        .unwrap();
    let options = PgOptions::from_url(&url())
        .unwrap()
        .schema(&schema)
        .max_connections(1);
    orm_postgres::connect_with(options).await.unwrap()
}

/// A delete by filter that would be one `DELETE` (every action carried by
/// the database), in a session that stopped counting rows: that `DELETE`
/// deletes nothing, then the ORM reads and locks the keys and sends its
/// own statements; the report and the end state are the same.
pub async fn a_delete_by_filter_in_a_session_that_stopped_counting(ctx: Ctx<Postgres>) {
    use crate::delete::{Team as Squad, end_state, seed, seeded_state};
    let db = ctx.db(true).await;
    seed(&db, 2, 2).await;
    let one = one_connection(&db).await;
    // The foreign keys known (a dry run reads them), then no counting.
    let plan = one
        .plan_delete_where(Squad::NAME.eq("Doomed"))
        .await
        .unwrap();
    assert_eq!(plan.statements.len(), 2, "{plan}");
    one.execute_sql("SET track_counts = off", vec![])
        .await
        .unwrap();
    let (guard, log) = orm_tests::capture_sql();
    let report = one.delete_where(Squad::NAME.eq("Doomed")).await.unwrap();
    drop(guard);
    let sent = log.statements();
    assert!(
        sent.first()
            .is_some_and(|s| s
                .starts_with("DELETE FROM \"team\" WHERE (\"name\" = $1) AND (current_setting")),
        "the one DELETE first: {sent:#?}"
    );
    assert!(
        sent.get(1)
            .is_some_and(|s| s.contains("current_setting('track_counts')")),
        "then, as it deleted nothing, whether the session counts: {sent:#?}"
    );
    assert!(
        sent.get(2).is_some_and(|s| s.contains("FOR UPDATE")),
        "then the keys, locked: {sent:#?}"
    );
    assert_eq!(
        (
            report.deleted("team"),
            report.deleted("hero"),
            report.deleted("power"),
            report.nullified("sidekick"),
        ),
        (1, 2, 4, 2),
        "{report}"
    );
    assert!(report.carried_by_database.is_empty(), "{report}");
    let mut expected = seeded_state(true);
    expected[0].truncate(1);
    assert_eq!(end_state(&db).await, expected);
    one.close().await;
}

/// Whether the connection of a one-connection `Db` is outside any
/// transaction: in one, `now()` is the transaction's start, not this
/// statement's (one simple-query message, its own transaction otherwise).
async fn outside_a_transaction(db: &orm_postgres::Db) -> bool {
    use sqlx::Row;
    let row = sqlx::raw_sql("SELECT now() = statement_timestamp()")
        .fetch_one(db.pool())
        .await
        .unwrap();
    row.get(0)
}

/// A delete that opened its own transaction and leaves its actions to the
/// database reads the counters and commits in one message, one round trip
/// (`...; COMMIT; BEGIN`); the empty transaction that message opens is
/// rolled back before the connection is used again. Where that `COMMIT`
/// fails (a deferred foreign key the models do not know), the delete fails,
/// typed, and nothing is deleted.
pub async fn a_delete_counts_and_commits_in_one_message(ctx: Ctx<Postgres>) {
    use crate::delete::{end_state, seed, seeded_state};
    let db = ctx.db(true).await;
    let (keep, doomed) = seed(&db, 2, 2).await;
    let one = one_connection(&db).await;

    let (guard, log) = orm_tests::capture_sql();
    let report = one.delete(doomed).await.unwrap();
    drop(guard);
    // The pool's first delete reads the foreign keys first.
    let sent = log.statements();
    let [.., delete, count_commit] = sent.as_slice() else {
        panic!("{sent:#?}");
    };
    assert!(
        delete.starts_with("DELETE FROM \"team\" WHERE") && delete.contains(" RETURNING "),
        "{sent:#?}"
    );
    assert!(
        count_commit.starts_with("SELECT pg_stat_get_xact_tuples_deleted(E'\"hero\"'::regclass)")
            && count_commit.ends_with("; COMMIT; BEGIN"),
        "the count and the commit, one message: {sent:#?}"
    );
    // The report lists the count without the transaction's statements.
    let listed = report.statements.last().unwrap().sql.clone();
    assert!(
        listed.starts_with("SELECT pg_stat_get_xact_tuples_deleted(") && !listed.contains("COMMIT"),
        "{report}"
    );
    assert_eq!(
        (
            report.deleted("team"),
            report.deleted("hero"),
            report.deleted("power"),
            report.nullified("sidekick"),
        ),
        (1, 2, 4, 2),
        "{report}"
    );
    let mut expected = seeded_state(true);
    expected[0].truncate(1);
    assert_eq!(end_state(&db).await, expected);
    assert!(outside_a_transaction(&one).await);
    // A dry run lists what the delete sends.
    let plan = one.plan_delete(&keep).await.unwrap();
    assert_eq!(plan.statements.len(), 2, "{plan}");
    assert_eq!(plan.statements[1].sql, listed, "{plan}");

    // A deferred foreign key into `hero` that the models do not know: the
    // database checks it at the `COMMIT`, which fails.
    sqlx::raw_sql(
        "CREATE TABLE badge (id BIGINT PRIMARY KEY, \
         hero_id BIGINT REFERENCES hero (id) DEFERRABLE INITIALLY DEFERRED); \
         INSERT INTO badge SELECT id, id FROM hero",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let before = end_state(&db).await;
    let (guard, log) = orm_tests::capture_sql();
    let err = one.delete(keep.clone()).await.unwrap_err();
    drop(guard);
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert!(
        log.statements()
            .iter()
            .any(|s| s.ends_with("; COMMIT; BEGIN")),
        "{:#?}",
        log.statements()
    );
    assert_eq!(end_state(&db).await, before, "nothing deleted");
    assert_eq!(count(&db, "badge").await, 2);
    assert!(outside_a_transaction(&one).await);
    // Without the badges, the same `Db` deletes the team.
    one.execute_sql("DELETE FROM badge", vec![]).await.unwrap();
    let report = one.delete(keep).await.unwrap();
    assert_eq!(report.deleted("hero"), 2, "{report}");
    assert_eq!(count(&db, "team").await, 0);
    assert_eq!(count(&db, "hero").await, 0);
    one.close().await;
}

/// The tests of this module.
/// See [`crate::delete::a_dry_run_waits_for_no_lock`].
async fn a_dry_run_waits_for_no_lock(ctx: Ctx<Postgres>) {
    crate::delete::a_dry_run_waits_for_no_lock(ctx).await;
}

pub fn tests() -> Vec<Test<Postgres>> {
    crate::tests![
        a_dry_run_waits_for_no_lock,
        postgres_urls_are_checked,
        schemas_keep_the_same_tables_apart,
        foreign_keys_are_enforced_unless_the_session_is_a_replica,
        sqlstate_errors_are_typed_with_constraint_names,
        an_orm_cascade_locks_the_parent_until_it_commits,
        deferred_no_action_is_checked_at_commit_and_restrict_at_once,
        a_pool_with_its_own_schema_and_size,
        the_orm_carries_the_actions_when_the_database_would_not_alike,
        a_delete_by_filter_in_a_session_that_stopped_counting,
        a_delete_counts_and_commits_in_one_message,
    ]
}
