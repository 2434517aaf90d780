//! The delete engine beyond one level: three levels, self-referential trees
//! (with cycles), bulk delete by filter, dry-run plans, joining a caller's
//! transaction, statement counts at scale, and detaching children.

use std::time::Duration;

use crate::harness::{
    Ctx, Test, TestBackend, carried, count, lock_statements, placeholders, written_table,
};
use orm_core::Db;

use orm_core::{Action, BelongsTo, Error, Executor, HasMany, Model};

#[derive(Model, Debug, Clone)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
    #[relationship(back_populates = "hero", cascade_delete)]
    pub powers: HasMany<Power>,
    #[relationship(back_populates = "hero")]
    pub sidekicks: HasMany<Sidekick>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "power")]
pub struct Power {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
    pub hero_id: i64,
    #[relationship(back_populates = "powers")]
    pub hero: BelongsTo<Hero>,
}

/// Kept when their hero goes: SET NULL at the second level.
#[derive(Model, Debug, Clone)]
#[model(table = "sidekick")]
pub struct Sidekick {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "hero.id", ondelete = "SET NULL")]
    pub hero_id: Option<i64>,
    #[relationship(back_populates = "sidekicks")]
    pub hero: BelongsTo<Hero>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "category")]
pub struct Category {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "category.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Category>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Category>,
}

const TABLES: [&orm_core::TableDef; 4] = [Team::TABLE, Hero::TABLE, Power::TABLE, Sidekick::TABLE];

fn team(name: &str) -> Team {
    Team {
        id: None,
        name: name.into(),
        heroes: HasMany::NotLoaded,
    }
}
fn hero(name: &str, team: &Team) -> Hero {
    Hero {
        id: None,
        name: name.into(),
        team_id: team.id,
        team: BelongsTo::NotLoaded,
        powers: HasMany::NotLoaded,
        sidekicks: HasMany::NotLoaded,
    }
}
fn power(name: &str, hero: &Hero) -> Power {
    Power {
        id: None,
        name: name.into(),
        hero_id: hero.id.unwrap(),
        hero: BelongsTo::NotLoaded,
    }
}
fn sidekick(name: &str, hero: &Hero) -> Sidekick {
    Sidekick {
        id: None,
        name: name.into(),
        hero_id: hero.id,
        hero: BelongsTo::NotLoaded,
    }
}

/// Two teams, each with `heroes` heroes, each with `powers` powers and one sidekick.
pub(crate) async fn seed<B: TestBackend>(db: &Db<B>, heroes: usize, powers: usize) -> (Team, Team) {
    db.create_all(&TABLES).await.unwrap();
    let mut teams = vec![team("Keep"), team("Doomed")];
    db.insert_many(&mut teams).await.unwrap();
    for t in &teams {
        let mut hs: Vec<Hero> = (0..heroes)
            .map(|i| hero(&format!("{}-{i}", t.name), t))
            .collect();
        db.insert_many(&mut hs).await.unwrap();
        let mut ps: Vec<Power> = hs
            .iter()
            .flat_map(|h| (0..powers).map(move |j| power(&format!("p{j}"), h)))
            .collect();
        db.insert_many(&mut ps).await.unwrap();
        let mut ss: Vec<Sidekick> = hs.iter().map(|h| sidekick("kid", h)).collect();
        db.insert_many(&mut ss).await.unwrap();
    }
    let doomed = teams.pop().unwrap();
    (teams.pop().unwrap(), doomed)
}

async fn scalar<B: TestBackend>(db: &Db<B>, sql: &str) -> i64 {
    B::scalar(db, sql).await
}

pub async fn three_levels_cascade_leaves_first_and_nulls_second_level_set_null<B: TestBackend>(
    ctx: Ctx<B>,
) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let (_, doomed) = seed(&db, 3, 2).await;
        let report = db.delete(doomed).await.unwrap();
        assert_eq!(report.deleted("power"), 6, "{report}");
        assert_eq!(report.deleted("hero"), 3);
        assert_eq!(report.deleted("team"), 1);
        assert_eq!(report.nullified("sidekick"), 3);
        assert_eq!(count(&db, "team").await, 1);
        assert_eq!(count(&db, "hero").await, 3);
        assert_eq!(count(&db, "power").await, 6);
        assert_eq!(count(&db, "sidekick").await, 6, "sidekicks are kept");
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM sidekick WHERE hero_id IS NULL").await,
            3
        );
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM power WHERE hero_id NOT IN (SELECT id FROM hero)"
            )
            .await,
            0,
            "no orphans (fk={fk})"
        );
        let order: Vec<&str> = report
            .statements
            .iter()
            .filter_map(|s| written_table(&s.sql))
            .collect();
        if carried::<B>(fk) {
            // The database's foreign keys declare the same actions: it
            // carries them out, the ORM deletes the team and counts.
            assert_eq!(order, ["\"team\""], "{report}");
            let carried: Vec<(&str, &str, Action)> = report
                .carried_by_database
                .iter()
                .map(|a| (a.table, a.column, a.action))
                .collect();
            assert_eq!(
                carried,
                [
                    ("hero", "team_id", Action::Cascade),
                    ("sidekick", "hero_id", Action::SetNull),
                    ("power", "hero_id", Action::Cascade),
                ]
            );
        } else {
            // Leaves first: power, then sidekick update, then hero, then team.
            let pos = |t: &str| order.iter().position(|o| o.contains(t)).unwrap();
            assert!(pos("power") < pos("hero"), "{order:?}");
            assert!(report.carried_by_database.is_empty());
        }
    }
}

pub async fn cascade_over_ten_thousand_children_is_a_handful_of_statements<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    let (_, doomed) = seed(&db, 10_000, 1).await;
    let (_guard, log) = orm_tests::capture_sql();
    let report = db.delete(doomed).await.unwrap();
    let logged = log.statements();
    assert_eq!(report.deleted("hero"), 10_000);
    assert_eq!(report.deleted("power"), 10_000);
    assert_eq!(report.nullified("sidekick"), 10_000);
    // DELETE power, UPDATE sidekick, DELETE hero, DELETE team (after
    // locking the team row where the database has row locks); where the
    // database carries the actions its foreign keys declare alike, the
    // catalog query, DELETE team and the count of the database's writes.
    let expected = if carried::<B>(true) {
        3
    } else {
        4 + lock_statements::<B>()
    };
    assert_eq!(report.statements.len(), expected, "{report}");
    assert_eq!(logged.len(), expected, "{logged:#?}");
    assert_eq!(count(&db, "hero").await, 10_000);
}

pub async fn bulk_delete_by_filter_cascades_like_deleting_each_row<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        seed(&db, 4, 3).await;
        let report = db.delete_where(Team::NAME.eq("Doomed")).await.unwrap();
        assert_eq!(report.deleted("team"), 1);
        assert_eq!(report.deleted("hero"), 4);
        assert_eq!(report.deleted("power"), 12);
        assert_eq!(count(&db, "hero").await, 4);
        assert_eq!(count(&db, "power").await, 12);

        // Deleting heroes by filter cascades to their powers too.
        let report = Hero::query()
            .filter(Hero::NAME.like("Keep-%"))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(report.deleted("hero"), 4);
        assert_eq!(report.deleted("power"), 12, "fk={fk}");
        assert_eq!(count(&db, "power").await, 0);
    }
}

/// A delete by filter whose every action the database carries alike
/// (PostgreSQL; foreign keys declaring the ORM's actions) is one `DELETE`
/// that takes the filter itself, no keys read and locked first, then the
/// counters' read; its dry run lists the same two. Elsewhere the keys are
/// read first. The report and the end state are the same everywhere.
pub async fn a_delete_by_filter_the_database_carries_is_one_delete<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db, 2, 2).await;
    let plan = db.plan_delete_where(Team::NAME.eq("Doomed")).await.unwrap();
    let report = db.delete_where(Team::NAME.eq("Doomed")).await.unwrap();
    for r in [&plan, &report] {
        assert_eq!(
            (
                r.deleted("team"),
                r.deleted("hero"),
                r.deleted("power"),
                r.nullified("sidekick"),
            ),
            (1, 2, 4, 2),
            "{r}"
        );
    }
    let mut expected = seeded_state(true);
    expected[0].truncate(1);
    assert_eq!(end_state(&db).await, expected);
    let first = &report.statements[0].sql;
    if carried::<B>(true) {
        assert_eq!(report.statements.len(), 2, "{report}");
        assert_eq!(written_table(first), Some("\"team\""), "{report}");
        assert!(
            first.contains("\"name\" = $1"),
            "the filter itself: {report}"
        );
        assert_eq!(plan.statements, report.statements);
        assert_eq!(report.carried_by_database.len(), 3, "{report}");
    } else {
        assert!(first.starts_with("SELECT"), "the keys first: {report}");
    }
    // A filter that matches nothing deletes nothing, without an error.
    let report = db.delete_where(Team::NAME.eq("nobody")).await.unwrap();
    assert!(report.effects.iter().all(|e| e.rows == 0), "{report}");
    assert_eq!(end_state(&db).await, expected);
}

pub async fn plan_reports_the_same_as_the_delete_without_writing<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (_, doomed) = seed(&db, 5, 2).await;
    let plan = db.plan_delete(&doomed).await.unwrap();
    assert!(plan.dry_run);
    assert_eq!(
        (
            count(&db, "team").await,
            count(&db, "hero").await,
            count(&db, "power").await
        ),
        (2, 10, 20)
    );
    let report = db.delete(doomed).await.unwrap();
    assert!(!report.dry_run);
    assert_eq!(plan.effects, report.effects);
    assert_eq!(plan.statements, report.statements);
    assert_eq!(plan.deleted("power"), 10);
}

/// A dry run writes and locks no row: another session holding the
/// children locked (`SELECT ... FOR UPDATE`, in a transaction still open)
/// does not hold it up, where the delete itself would wait for it. (For
/// the servers with row locks: PostgreSQL and MySQL; SQLite's dry run
/// only reads.)
pub async fn a_dry_run_waits_for_no_lock<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (_, doomed) = seed(&db, 3, 2).await;
    let mut other = db.begin().await.unwrap();
    let locked = placeholders::<B>("SELECT id FROM hero WHERE team_id = ? FOR UPDATE");
    other
        .execute_sql(&locked, vec![doomed.id.into()])
        .await
        .unwrap();
    let plan = tokio::time::timeout(Duration::from_secs(20), db.plan_delete(&doomed))
        .await
        .expect("the dry run waited for a row lock")
        .unwrap();
    assert_eq!(
        (
            plan.deleted("team"),
            plan.deleted("hero"),
            plan.deleted("power")
        ),
        (1, 3, 6)
    );
    // The delete itself waits for the lock.
    let waiting = tokio::time::timeout(Duration::from_millis(500), db.delete(doomed.clone())).await;
    assert!(waiting.is_err(), "the delete did not wait: {waiting:?}");
    other.rollback().await.unwrap();
    let report = db.delete(doomed).await.unwrap();
    assert_eq!(report.effects, plan.effects);
    assert_eq!(count(&db, "power").await, 2 * 3);
}

pub async fn a_delete_inside_a_callers_transaction_joins_it<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (keep, doomed) = seed(&db, 2, 2).await;
    let mut tx = db.begin().await.unwrap();
    tx.delete(doomed).await.unwrap();
    assert_eq!(
        tx.count(&Hero::query()).await.unwrap(),
        2,
        "visible inside the transaction"
    );
    tx.rollback().await.unwrap();
    assert_eq!(
        count(&db, "hero").await,
        4,
        "rolled back with the caller's transaction"
    );

    let mut tx = db.begin().await.unwrap();
    tx.delete(keep).await.unwrap();
    drop(tx); // rollback on drop
    assert_eq!(count(&db, "team").await, 2);
}

/// The report counts what the delete wrote, whoever carried each action
/// out: after other writes to the same tables in the caller's transaction
/// (which PostgreSQL's counters of the transaction hold too), the rows of
/// this delete only, the same on every backend.
pub async fn a_delete_counts_its_own_rows_whoever_carries_the_actions<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (_, doomed) = seed(&db, 3, 2).await;
    let mut tx = db.begin().await.unwrap();
    let first = Hero::query()
        .filter(Hero::NAME.eq("Keep-0"))
        .delete(&mut tx)
        .await
        .unwrap();
    assert_eq!(
        (
            first.deleted("hero"),
            first.deleted("power"),
            first.nullified("sidekick")
        ),
        (1, 2, 1),
        "{first}"
    );
    let report = tx.delete(doomed.clone()).await.unwrap();
    let effects: Vec<String> = report.effects.iter().map(ToString::to_string).collect();
    assert_eq!(
        effects,
        [
            "deleted            6  power",
            "set NULL           3  sidekick.hero_id",
            "deleted            3  hero",
            "deleted            1  team",
        ],
        "{report}"
    );
    assert_eq!(
        report.carried_by_database.len(),
        if carried::<B>(true) { 3 } else { 0 }
    );
    // Gone: deleting it again is NotFound, and counts nothing.
    let again = tx.delete(doomed).await.unwrap_err();
    assert!(matches!(again, Error::NotFound { .. }), "{again:?}");
    tx.commit().await.unwrap();
    assert_eq!(
        (
            count(&db, "team").await,
            count(&db, "hero").await,
            count(&db, "power").await,
            count(&db, "sidekick").await,
        ),
        (1, 2, 4, 6)
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM sidekick WHERE hero_id IS NULL").await,
        4
    );
}

/// Where the database's foreign keys do not declare exactly what the ORM
/// applies (one of them differs, or the database has one the ORM does
/// not know of), or the session would not count the rows, the ORM carries
/// out every action itself: the same report, the same end state.
pub async fn the_orm_carries_the_actions_when_the_database_would_not_alike(
    ctx: Ctx<orm_postgres::Postgres>,
) {
    let differs = "ALTER TABLE power DROP CONSTRAINT IF EXISTS power_hero_id_fkey; \
                   ALTER TABLE power ADD FOREIGN KEY (hero_id) REFERENCES hero (id)";
    let unknown = "CREATE TABLE badge (id BIGINT PRIMARY KEY, \
                   hero_id BIGINT REFERENCES hero (id) ON DELETE CASCADE); \
                   INSERT INTO badge SELECT id, id FROM hero";
    for (case, setup, local) in [
        ("differs", differs, None),
        ("unknown", unknown, None),
        ("no counters", "", Some("SET LOCAL track_counts = off")),
        // The foreign keys already known (a dry run read them): the team's
        // DELETE reads the counters itself, finds they are off, deletes
        // nothing, and the ORM's own statements follow.
        (
            "no counters, known",
            "",
            Some("SET LOCAL track_counts = off"),
        ),
        ("matching", "", None),
    ] {
        let db = ctx.db(true).await;
        let (_, doomed) = seed(&db, 2, 2).await;
        if case == "differs" {
            // The constraint's name is the ORM's: drop whichever it is.
            let name: String = sqlx::query_scalar(
                "SELECT conname::text FROM pg_constraint WHERE contype = 'f' \
                 AND conrelid = 'power'::regclass",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            let sql = setup.replace("power_hero_id_fkey", &format!("\"{name}\""));
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(db.pool())
                .await
                .unwrap();
        } else if !setup.is_empty() {
            sqlx::raw_sql(setup).execute(db.pool()).await.unwrap();
        }
        let mut tx = db.begin().await.unwrap();
        let known = case == "no counters, known";
        if known {
            let plan = tx.plan_delete(&doomed).await.unwrap();
            assert!(
                plan.statements
                    .first()
                    .is_some_and(|s| written_table(&s.sql) == Some("\"team\"")),
                "{case}: the delete would send the team's DELETE first: {plan}"
            );
        }
        if let Some(local) = local {
            tx.execute_sql(local, vec![]).await.unwrap();
        }
        let (_guard, log) = orm_tests::capture_sql();
        let report = tx.delete(doomed).await.unwrap();
        tx.commit().await.unwrap();
        let sent = log.statements();
        let fused = sent
            .iter()
            .filter(|s| s.contains(" RETURNING pg_stat_get_xact_tuples_deleted("))
            .count();
        assert_eq!(
            fused,
            usize::from(case == "matching" || known),
            "{case}: {sent:#?}"
        );
        assert_eq!(
            (
                report.deleted("team"),
                report.deleted("hero"),
                report.deleted("power"),
                report.nullified("sidekick"),
            ),
            (1, 2, 4, 2),
            "{case}: {report}"
        );
        let by_orm = report
            .statements
            .iter()
            .any(|s| s.sql.starts_with("DELETE FROM \"power\""));
        assert_eq!(by_orm, case != "matching", "{case}: {report}");
        assert_eq!(
            report.carried_by_database.is_empty(),
            case != "matching",
            "{case}"
        );
        // The heroes of the doomed team gone with their powers, their
        // sidekicks kept and unlinked; the team gone (detach keeps it).
        let mut expected = seeded_state(true);
        expected[0].truncate(1);
        assert_eq!(end_state(&db).await, expected, "{case}");
        if case == "unknown" {
            assert_eq!(count(&db, "badge").await, 2, "the database cascaded");
        }
    }
}

pub async fn a_restricted_delete_inside_a_transaction_leaves_the_transaction_usable<
    B: TestBackend,
>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE, Power::TABLE, Sidekick::TABLE])
        .await
        .unwrap();
    let mut t = team("A");
    let mut tx = db.begin().await.unwrap();
    tx.insert(&mut t).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(count(&db, "team").await, 1);
}

pub async fn self_referential_tree_cascades_to_any_depth<B: TestBackend>(ctx: Ctx<B>) {
    // 10,000 deep: SQLite's own ON DELETE CASCADE stops recursing at 1,000.
    const DEPTH: i64 = 10_000;
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        db.create_all(&[Category::TABLE]).await.unwrap();
        let node = |id: i64, parent_id: Option<i64>| Category {
            id: Some(id),
            name: format!("c{id}"),
            parent_id,
            parent: BelongsTo::NotLoaded,
            children: HasMany::NotLoaded,
        };
        let mut chain: Vec<Category> = (1..=DEPTH)
            .map(|i| node(i, (i > 1).then_some(i - 1)))
            .collect();
        chain.push(node(DEPTH + 1, None)); // unrelated
        db.insert_many(&mut chain).await.unwrap();
        let root = db.get::<Category>(1i64).await.unwrap();
        let report = db.delete(root).await.unwrap();
        assert_eq!(
            report.deleted("category"),
            DEPTH as u64,
            "fk={fk}: {report}"
        );
        // Collect the tree, unlink it, delete it, drop the temporary table.
        assert!(
            report.statements.len() <= 5 + lock_statements::<B>(),
            "{report}"
        );
        assert_eq!(count(&db, "category").await, 1);
    }
}

pub async fn self_referential_cycles_terminate<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(false).await;
    db.create_all(&[Category::TABLE]).await.unwrap();
    // 1 -> 2 -> 3 -> 1 (a cycle, possible with enforcement off or deferred), and 4 alone.
    for (id, parent) in [(1, 3), (2, 1), (3, 2), (4, 4)] {
        db.execute_sql(
            &placeholders::<B>("INSERT INTO category (id, name, parent_id) VALUES (?, 'c', ?)"),
            vec![orm_core::Value::I64(id), orm_core::Value::I64(parent)],
        )
        .await
        .unwrap();
    }
    let two = db.get::<Category>(2i64).await.unwrap();
    let report = db.delete(two).await.unwrap();
    assert_eq!(report.deleted("category"), 3);
    assert_eq!(count(&db, "category").await, 1);
}

pub async fn detach_nulls_children_with_one_update<B: TestBackend>(ctx: Ctx<B>) {
    #[derive(Model, Debug, Clone)]
    #[model(table = "team")]
    pub struct Guild {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[relationship(back_populates = "team", passive_deletes)]
        pub heroes: HasMany<Member>,
    }
    #[derive(Model, Debug, Clone)]
    #[model(table = "hero")]
    pub struct Member {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "team.id", ondelete = "RESTRICT")]
        pub team_id: Option<i64>,
        #[relationship(back_populates = "heroes")]
        pub team: BelongsTo<Guild>,
    }
    let db = ctx.db(true).await;
    db.create_all(&[Guild::TABLE, Member::TABLE]).await.unwrap();
    let mut g = Guild {
        id: None,
        name: "g".into(),
        heroes: HasMany::NotLoaded,
    };
    db.insert(&mut g).await.unwrap();
    let mut members: Vec<Member> = (0..3)
        .map(|i| Member {
            id: None,
            name: format!("m{i}"),
            team_id: g.id,
            team: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut members).await.unwrap();
    let err = db.delete(g.clone()).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert_eq!(db.detach(&mut g, Guild::HEROES).await.unwrap(), 3);
    assert_eq!(g.heroes.get().map(<[Member]>::len), Some(0));
    db.delete(g).await.unwrap();
    assert_eq!(count(&db, "team").await, 0);
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM hero WHERE team_id IS NULL").await,
        3
    );
}

/// `(id, team_id)` of every hero, `(id, hero_id)` of every power and sidekick.
pub(crate) async fn end_state<B: TestBackend>(db: &Db<B>) -> [Vec<Vec<Option<i64>>>; 4] {
    [
        B::int_rows(db, "SELECT id FROM team ORDER BY id").await,
        B::int_rows(db, "SELECT id, team_id FROM hero ORDER BY id").await,
        B::int_rows(db, "SELECT id, hero_id FROM power ORDER BY id").await,
        B::int_rows(db, "SELECT id, hero_id FROM sidekick ORDER BY id").await,
    ]
}

/// The end state of `seed(db, 2, 2)`, with the heroes of team 2 (3 and 4)
/// and what cascades from them gone, or left when `doomed_gone` is false.
pub(crate) fn seeded_state(doomed_gone: bool) -> [Vec<Vec<Option<i64>>>; 4] {
    let some = |row: &[i64]| row.iter().map(|v| Some(*v)).collect::<Vec<_>>();
    let heroes = [[1, 1], [2, 1], [3, 2], [4, 2]];
    let powers = [
        [1, 1],
        [2, 1],
        [3, 2],
        [4, 2],
        [5, 3],
        [6, 3],
        [7, 4],
        [8, 4],
    ];
    let sidekicks = [[1, 1], [2, 2], [3, 3], [4, 4]];
    let keep = |hero: i64| !doomed_gone || hero <= 2;
    [
        vec![some(&[1]), some(&[2])],
        heroes
            .iter()
            .filter(|r| keep(r[0]))
            .map(|r| some(r))
            .collect(),
        powers
            .iter()
            .filter(|r| keep(r[1]))
            .map(|r| some(r))
            .collect(),
        sidekicks
            .iter()
            .map(|r| {
                if keep(r[1]) {
                    some(r)
                } else {
                    vec![Some(r[0]), None]
                }
            })
            .collect(),
    ]
}

pub async fn detach_on_cascade_delete_deletes_the_children_and_their_cascades<B: TestBackend>(
    ctx: Ctx<B>,
) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let (_, mut doomed) = seed(&db, 2, 2).await;
        assert_eq!(end_state(&db).await, seeded_state(false), "fk={fk}");
        let (_guard, log) = orm_tests::capture_sql();
        // Team::HEROES has cascade_delete: detached heroes are orphans, deleted
        // with their powers (cascade_delete), their sidekicks unlinked (SET NULL).
        assert_eq!(db.detach(&mut doomed, Team::HEROES).await.unwrap(), 2);
        let logged = log.statements();
        assert_eq!(doomed.heroes.get().map(<[Hero]>::len), Some(0));
        assert_eq!(end_state(&db).await, seeded_state(true), "fk={fk}");
        // Set-based: the heroes' keys, then one statement per table.
        let writes = logged.iter().filter(|s| written_table(s).is_some()).count();
        let expected = if carried::<B>(fk) { 1 } else { 3 };
        assert_eq!(writes, expected, "fk={fk}: {logged:#?}");
    }
}

pub async fn detach_on_cascade_delete_is_one_transaction<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (_, mut doomed) = seed(&db, 2, 2).await;
    B::fail_deletes_on(&db, "hero").await;
    let err = db.detach(&mut doomed, Team::HEROES).await.unwrap_err();
    assert!(err.to_string().contains("injected fault"), "{err}");
    assert!(!doomed.heroes.is_loaded(), "the field is left alone");
    // The powers' DELETE and the sidekicks' UPDATE ran before the failing
    // DELETE on hero, and were rolled back with it.
    assert_eq!(end_state(&db).await, seeded_state(false));
}

pub async fn detach_without_cascade_delete_sets_null<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        seed(&db, 2, 2).await;
        // Hero::SIDEKICKS has no cascade_delete (ON DELETE SET NULL): kept, unlinked.
        let mut hero: Hero = db.get(3i64).await.unwrap();
        let (_guard, log) = orm_tests::capture_sql();
        assert_eq!(db.detach(&mut hero, Hero::SIDEKICKS).await.unwrap(), 1);
        assert_eq!(
            log.statements().len(),
            1,
            "one UPDATE: {:?}",
            log.statements()
        );
        assert_eq!(hero.sidekicks.get().map(<[Sidekick]>::len), Some(0));
        let mut expected = seeded_state(false);
        expected[3][2] = vec![Some(3), None];
        assert_eq!(end_state(&db).await, expected, "fk={fk}");
    }
}

pub async fn detach_needs_the_parents_key<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db, 2, 2).await;
    let mut unsaved = team("Unsaved");
    let err = db.detach(&mut unsaved, Team::HEROES).await.unwrap_err();
    assert!(
        matches!(err, Error::MissingPrimaryKey { model: "Team" }),
        "{err:?}"
    );
    assert!(!unsaved.heroes.is_loaded());
    assert_eq!(end_state(&db).await, seeded_state(false));
}

/// With the `serde` feature a report is data: each effect (table, columns,
/// kind, rows), what was left to the database, and every statement with
/// its parameters, as JSON for an "are you sure?" screen.
async fn a_delete_report_serialises_to_json<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let (_, doomed) = seed(&db, 2, 1).await;
    let id = doomed.id.unwrap();
    let plan = db.plan_delete(&doomed).await.unwrap();
    let report = db.delete(doomed).await.unwrap();
    for (report, dry_run) in [(&plan, true), (&report, false)] {
        let json = serde_json::to_value(report).unwrap();
        assert_eq!(json["dry_run"], dry_run);
        let effect = |table: &str| {
            json["effects"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["table"] == table)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            effect("sidekick"),
            serde_json::json!({"table": "sidekick", "columns": ["hero_id"], "kind": "set_null", "rows": 2})
        );
        assert_eq!(
            effect("team"),
            serde_json::json!({"table": "team", "columns": [], "kind": "deleted", "rows": 1})
        );
        assert_eq!(effect("power")["rows"], 2);
        assert_eq!(json["left_to_database"], serde_json::json!([]));
        let carried = if carried::<B>(true) && !dry_run {
            serde_json::json!([
                {"table": "hero", "column": "team_id", "action": "CASCADE"},
                {"table": "sidekick", "column": "hero_id", "action": "SET NULL"},
                {"table": "power", "column": "hero_id", "action": "CASCADE"},
            ])
        } else {
            serde_json::json!([])
        };
        assert_eq!(json["carried_by_database"], carried);
        let statements = json["statements"].as_array().unwrap();
        assert_eq!(statements.len(), report.statements.len());
        let last = statements
            .iter()
            .rev()
            .find(|s| written_table(s["sql"].as_str().unwrap()).is_some())
            .unwrap();
        assert_eq!(
            written_table(last["sql"].as_str().unwrap()).map(|t| t.trim_matches(['"', '`'])),
            Some("team"),
            "{last}"
        );
        // The team's key is its one parameter (where it returns the
        // write counters, the tables are named in its text).
        let params = last["params"].as_array().unwrap();
        assert_eq!(params.as_slice(), [serde_json::json!(id)], "{last}");
    }
    assert_eq!(count(&db, "team").await, 1);
}
/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        a_delete_report_serialises_to_json,
        detach_nulls_children_with_one_update,
        detach_on_cascade_delete_deletes_the_children_and_their_cascades,
        detach_on_cascade_delete_is_one_transaction,
        detach_without_cascade_delete_sets_null,
        detach_needs_the_parents_key,
        three_levels_cascade_leaves_first_and_nulls_second_level_set_null,
        cascade_over_ten_thousand_children_is_a_handful_of_statements,
        bulk_delete_by_filter_cascades_like_deleting_each_row,
        a_delete_by_filter_the_database_carries_is_one_delete,
        plan_reports_the_same_as_the_delete_without_writing,
        a_delete_inside_a_callers_transaction_joins_it,
        a_delete_counts_its_own_rows_whoever_carries_the_actions,
        a_restricted_delete_inside_a_transaction_leaves_the_transaction_usable,
        self_referential_tree_cascades_to_any_depth,
        self_referential_cycles_terminate,
    ]
}
