//! Soft delete (`#[model(soft_delete = "deleted_at")]`) on a three-level
//! tree: teams → heroes → powers, all soft-delete models, one stamp per
//! soft delete; below heroes, hard models with each choice: badges deleted
//! for real (`on_soft_delete = "delete"`), missions kept (`"keep"`),
//! sidekicks unlinked (their declared `SET NULL`). Queries and loading
//! leave soft-deleted rows out unless asked; `restore` undoes exactly one
//! soft delete; `purge` deletes for real. Every test asserts the end state
//! of every table.

use crate::harness::{Ctx, Test, TestBackend};
use orm_core::{Db, Error, Executor, Model};

mod models {
    use orm_core::{BelongsTo, HasMany, Model};

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_team", soft_delete = "deleted_at")]
    pub struct Team {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
        #[relationship(back_populates = "team", cascade_delete)]
        pub heroes: HasMany<Hero>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_hero", soft_delete = "deleted_at")]
    pub struct Hero {
        #[field(primary_key)]
        pub id: Option<i64>,
        pub name: String,
        #[field(foreign_key = "sd_team.id", ondelete = "CASCADE")]
        pub team_id: i64,
        /// Microseconds since the Unix epoch.
        pub deleted_at: Option<i64>,
        #[relationship(back_populates = "heroes")]
        pub team: BelongsTo<Team>,
        #[relationship(back_populates = "hero", cascade_delete)]
        pub powers: HasMany<Power>,
        #[relationship(back_populates = "hero", cascade_delete, on_soft_delete = "delete")]
        pub badges: HasMany<Badge>,
        #[relationship(back_populates = "hero", cascade_delete, on_soft_delete = "keep")]
        pub missions: HasMany<Mission>,
        #[relationship(back_populates = "hero")]
        pub sidekicks: HasMany<Sidekick>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_power", soft_delete = "deleted_at")]
    pub struct Power {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "sd_hero.id", ondelete = "CASCADE")]
        pub hero_id: i64,
        pub deleted_at: Option<i64>,
        #[relationship(back_populates = "powers")]
        pub hero: BelongsTo<Hero>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_badge")]
    pub struct Badge {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "sd_hero.id", ondelete = "CASCADE")]
        pub hero_id: i64,
        #[relationship(back_populates = "badges")]
        pub hero: BelongsTo<Hero>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_mission")]
    pub struct Mission {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "sd_hero.id", ondelete = "CASCADE")]
        pub hero_id: i64,
        #[relationship(back_populates = "missions")]
        pub hero: BelongsTo<Hero>,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "sd_sidekick")]
    pub struct Sidekick {
        #[field(primary_key)]
        pub id: Option<i64>,
        #[field(foreign_key = "sd_hero.id", ondelete = "SET NULL")]
        pub hero_id: Option<i64>,
        #[relationship(back_populates = "sidekicks")]
        pub hero: BelongsTo<Hero>,
    }

    pub fn tables() -> [&'static orm_core::TableDef; 6] {
        [
            Team::TABLE,
            Hero::TABLE,
            Power::TABLE,
            Badge::TABLE,
            Mission::TABLE,
            Sidekick::TABLE,
        ]
    }
}

use models::{Hero, Team};

/// Teams 1 (heroes 1, 2) and 2 (hero 3); each hero has powers `2h - 1`
/// and `2h`, badge, mission and sidekick `h`.
async fn seed<B: TestBackend>(db: &Db<B>) {
    db.create_all(&models::tables()).await.unwrap();
    let run = |sql: String| async move {
        db.execute_sql(&sql, Vec::new()).await.unwrap();
    };
    run("INSERT INTO sd_team (id, name) VALUES (1, 'Preventers'), (2, 'Z-Force')".into()).await;
    run("INSERT INTO sd_hero (id, name, team_id) VALUES (1, 'Dive', 1), (2, 'Rusty', 1), (3, 'Spider', 2)".into()).await;
    for h in 1..=3 {
        run(format!(
            "INSERT INTO sd_power (id, hero_id) VALUES ({}, {h}), ({}, {h})",
            2 * h - 1,
            2 * h
        ))
        .await;
        for table in ["sd_badge", "sd_mission", "sd_sidekick"] {
            run(format!(
                "INSERT INTO {table} (id, hero_id) VALUES ({h}, {h})"
            ))
            .await;
        }
    }
}

/// Every table: `(id, stamp set?, link)` rows, in id order (team rows
/// have no link; a hard table's "stamp set" is 0).
type State = Vec<Vec<Vec<Option<i64>>>>;

async fn state<B: TestBackend>(db: &Db<B>) -> State {
    let marked = "CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END";
    vec![
        B::int_rows(db, &format!("SELECT id, {marked} FROM sd_team ORDER BY id")).await,
        B::int_rows(
            db,
            &format!("SELECT id, {marked}, team_id FROM sd_hero ORDER BY id"),
        )
        .await,
        B::int_rows(
            db,
            &format!("SELECT id, {marked}, hero_id FROM sd_power ORDER BY id"),
        )
        .await,
        B::int_rows(db, "SELECT id, 0, hero_id FROM sd_badge ORDER BY id").await,
        B::int_rows(db, "SELECT id, 0, hero_id FROM sd_mission ORDER BY id").await,
        B::int_rows(db, "SELECT id, 0, hero_id FROM sd_sidekick ORDER BY id").await,
    ]
}

fn rows(rows: &[&[Option<i64>]]) -> Vec<Vec<Option<i64>>> {
    rows.iter().map(|r| r.to_vec()).collect()
}

fn seeded() -> State {
    let (s, n) = (Some, None);
    vec![
        rows(&[&[s(1), s(0)], &[s(2), s(0)]]),
        rows(&[
            &[s(1), s(0), s(1)],
            &[s(2), s(0), s(1)],
            &[s(3), s(0), s(2)],
        ]),
        (1..=6).map(|p| vec![s(p), s(0), s((p + 1) / 2)]).collect(),
        (1..=3).map(|h| vec![s(h), s(0), s(h)]).collect(),
        (1..=3).map(|h| vec![s(h), s(0), s(h)]).collect(),
        (1..=3)
            .map(|h| vec![s(h), s(0), if h > 0 { s(h) } else { n }])
            .collect(),
    ]
}

/// After soft-deleting team 1: it, its heroes and their powers marked;
/// their badges deleted for real; missions kept; sidekicks unlinked.
fn without_team_1() -> State {
    let (s, n) = (Some, None);
    vec![
        rows(&[&[s(1), s(1)], &[s(2), s(0)]]),
        rows(&[
            &[s(1), s(1), s(1)],
            &[s(2), s(1), s(1)],
            &[s(3), s(0), s(2)],
        ]),
        (1..=6)
            .map(|p| vec![s(p), s(i64::from(p <= 4)), s((p + 1) / 2)])
            .collect(),
        rows(&[&[s(3), s(0), s(3)]]),
        (1..=3).map(|h| vec![s(h), s(0), s(h)]).collect(),
        rows(&[&[s(1), s(0), n], &[s(2), s(0), n], &[s(3), s(0), s(3)]]),
    ]
}

/// The distinct stamps of `table`'s marked rows.
async fn stamps<B: TestBackend>(db: &Db<B>, table: &str) -> Vec<i64> {
    let rows = B::int_rows(
        db,
        &format!("SELECT DISTINCT deleted_at FROM {table} WHERE deleted_at IS NOT NULL"),
    )
    .await;
    rows.into_iter().filter_map(|r| r[0]).collect()
}

async fn team<B: TestBackend>(db: &Db<B>, id: i64) -> Team {
    Team::query()
        .with_deleted()
        .filter(Team::ID.eq(id))
        .one(db)
        .await
        .unwrap()
}

/// Soft-deleting a team marks it, its heroes and their powers with one
/// stamp (the team's a timestamp, the others microseconds: the same
/// instant), applies the declared actions to the hard rows, and hides the
/// marked rows from queries, `get` and counts — with foreign keys on and
/// off.
async fn soft_delete_marks_the_tree_with_one_stamp<B: TestBackend>(ctx: Ctx<B>) {
    for foreign_keys in [true, false] {
        let db = ctx.db(foreign_keys).await;
        seed(&db).await;
        assert_eq!(state(&db).await, seeded());
        let preventers = db.get::<Team>(1i64).await.unwrap();
        let report = db.delete(preventers).await.unwrap();
        assert_eq!(
            state(&db).await,
            without_team_1(),
            "foreign keys {foreign_keys}"
        );
        assert_eq!(
            (
                report.soft_deleted("sd_team"),
                report.soft_deleted("sd_hero"),
                report.soft_deleted("sd_power"),
                report.deleted("sd_badge"),
                report.nullified("sd_sidekick"),
                report.total_deleted(),
            ),
            (1, 2, 4, 2, 2, 2),
            "{report}"
        );
        // One stamp, the same instant in every table.
        let hero = stamps(&db, "sd_hero").await;
        assert_eq!(hero.len(), 1);
        assert_eq!(stamps(&db, "sd_power").await, hero);
        let marked = team(&db, 1).await.deleted_at.map(|t| t.timestamp_micros());
        assert_eq!(marked, Some(hero[0]));
        // Hidden unless asked for.
        let names: Vec<String> = Team::query()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["Z-Force"]);
        assert_eq!(Hero::query().count(&db).await.unwrap(), 1);
        assert_eq!(Hero::query().with_deleted().count(&db).await.unwrap(), 3);
        assert!(matches!(
            db.get::<Team>(1i64).await,
            Err(Error::NotFound { .. })
        ));
        // Deleting it again finds nothing to delete.
        let again = db.delete(team(&db, 1).await).await;
        assert!(matches!(again, Err(Error::NotFound { .. })), "{again:?}");
        assert_eq!(state(&db).await, without_team_1());
        db.close().await;
    }
}

/// `restore` undoes exactly one soft delete: hero 1, soft-deleted first,
/// stays deleted (with its powers) when its team's later soft delete is
/// restored; restoring hero 1 then brings it back. Restoring a live row,
/// or deleting a soft-deleted one, is `NotFound` and changes nothing.
async fn restore_undoes_exactly_one_soft_delete<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db).await;
    let dive = db.get::<Hero>(1i64).await.unwrap();
    let first = db.delete(dive).await.unwrap();
    assert_eq!(
        (
            first.soft_deleted("sd_hero"),
            first.soft_deleted("sd_power")
        ),
        (1, 2)
    );
    let hero_1_stamp = stamps(&db, "sd_hero").await;
    db.delete(db.get::<Team>(1i64).await.unwrap())
        .await
        .unwrap();
    assert_eq!(stamps(&db, "sd_hero").await.len(), 2, "two soft deletes");

    let restored = db.restore(&team(&db, 1).await).await.unwrap();
    assert_eq!(
        (
            restored.restored("sd_team"),
            restored.restored("sd_hero"),
            restored.restored("sd_power"),
        ),
        (1, 1, 2),
        "{restored}"
    );
    let (s, n) = (Some, None);
    let mut expected = seeded();
    // Hero 1 and its powers: still the first soft delete's.
    expected[1][0][1] = s(1);
    expected[2][0][1] = s(1);
    expected[2][1][1] = s(1);
    // What the two deletes did for real stays done.
    expected[3] = rows(&[&[s(3), s(0), s(3)]]);
    expected[5] = rows(&[&[s(1), s(0), n], &[s(2), s(0), n], &[s(3), s(0), s(3)]]);
    assert_eq!(state(&db).await, expected);
    assert_eq!(stamps(&db, "sd_hero").await, hero_1_stamp);

    let dive = Hero::query()
        .with_deleted()
        .filter(Hero::ID.eq(1))
        .one(&db)
        .await
        .unwrap();
    let back = db.restore(&dive).await.unwrap();
    assert_eq!(
        (back.restored("sd_hero"), back.restored("sd_power")),
        (1, 2)
    );
    expected[1][0][1] = s(0);
    expected[2][0][1] = s(0);
    expected[2][1][1] = s(0);
    assert_eq!(state(&db).await, expected);

    let live = db.restore(&dive).await;
    assert!(matches!(live, Err(Error::NotFound { .. })), "{live:?}");
    assert_eq!(state(&db).await, expected);
}

/// `purge` deletes for real, soft-deleted rows and their soft-deleted
/// descendants included, with the ordinary delete's cascades;
/// `purge_where` takes every row a filter matches.
async fn purge_deletes_for_real<B: TestBackend>(ctx: Ctx<B>) {
    for foreign_keys in [true, false] {
        let db = ctx.db(foreign_keys).await;
        seed(&db).await;
        db.delete(db.get::<Team>(1i64).await.unwrap())
            .await
            .unwrap();
        let report = db.purge(team(&db, 1).await).await.unwrap();
        assert_eq!(
            (
                report.deleted("sd_team"),
                report.deleted("sd_hero"),
                report.deleted("sd_power"),
                report.deleted("sd_mission"),
            ),
            (1, 2, 4, 2),
            "{report}"
        );
        let (s, n) = (Some, None);
        let after = vec![
            rows(&[&[s(2), s(0)]]),
            rows(&[&[s(3), s(0), s(2)]]),
            rows(&[&[s(5), s(0), s(3)], &[s(6), s(0), s(3)]]),
            rows(&[&[s(3), s(0), s(3)]]),
            rows(&[&[s(3), s(0), s(3)]]),
            rows(&[&[s(1), s(0), n], &[s(2), s(0), n], &[s(3), s(0), s(3)]]),
        ];
        assert_eq!(state(&db).await, after, "foreign keys {foreign_keys}");

        // The soft-deleted heroes, whenever they went.
        db.delete(db.get::<Hero>(3i64).await.unwrap())
            .await
            .unwrap();
        let purged = db
            .purge_where(Hero::DELETED_AT.is_not_null())
            .await
            .unwrap();
        assert_eq!(
            (purged.deleted("sd_hero"), purged.deleted("sd_power")),
            (1, 2)
        );
        assert_eq!(
            state(&db).await,
            vec![
                rows(&[&[s(2), s(0)]]),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                rows(&[&[s(1), s(0), n], &[s(2), s(0), n], &[s(3), s(0), n]]),
            ]
        );
        db.close().await;
    }
}

/// A soft delete can be planned: the same counts, nothing written.
async fn a_soft_delete_can_be_planned<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db).await;
    let preventers = db.get::<Team>(1i64).await.unwrap();
    let plan = db.plan_delete(&preventers).await.unwrap();
    assert_eq!(state(&db).await, seeded(), "the plan wrote");
    let report = db.delete(preventers).await.unwrap();
    assert_eq!(plan.effects, report.effects, "{plan}\n{report}");
    assert_eq!(plan.soft_deleted("sd_power"), 4);
}

/// Loading a relationship leaves soft-deleted rows out;
/// `filtered(query.with_deleted())` keeps them.
async fn loading_leaves_soft_deleted_rows_out<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    seed(&db).await;
    db.delete(db.get::<Hero>(1i64).await.unwrap())
        .await
        .unwrap();
    let mut preventers = db.get::<Team>(1i64).await.unwrap();
    db.load(&mut preventers, Team::HEROES).await.unwrap();
    let names: Vec<&str> = preventers
        .heroes
        .get()
        .unwrap()
        .iter()
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(names, ["Rusty"]);
    db.load(
        &mut preventers,
        Team::HEROES.filtered(Hero::query().with_deleted()),
    )
    .await
    .unwrap();
    assert_eq!(preventers.heroes.get().unwrap().len(), 2);
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        soft_delete_marks_the_tree_with_one_stamp,
        restore_undoes_exactly_one_soft_delete,
        purge_deletes_for_real,
        a_soft_delete_can_be_planned,
        loading_leaves_soft_deleted_rows_out,
    ]
}
