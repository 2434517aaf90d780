//! One test per row of the SPEC §3 table, asserting the end state
//! of every table — with foreign-key enforcement on and, where the ORM
//! executes the action, also off.

use crate::harness::{Ctx, Test, TestBackend, count, placeholders};
use orm_core::Db;

use orm_core::{Error, Executor, Model};

/// A Team/Hero pair with the given relationship flags and foreign-key keys.
macro_rules! scenario {
    ($name:ident, relationship($($rel:tt)*), field($($fk:tt)*)) => {
        mod $name {
            use orm_core::{BelongsTo, HasMany, Model};

            #[derive(Model, Debug, Clone)]
            #[model(table = "team")]
            pub struct Team {
                #[field(primary_key)]
                pub id: Option<i64>,
                pub name: String,
                #[relationship(back_populates = "team", $($rel)*)]
                pub heroes: HasMany<Hero>,
            }

            #[derive(Model, Debug, Clone)]
            #[model(table = "hero")]
            pub struct Hero {
                #[field(primary_key)]
                pub id: Option<i64>,
                pub name: String,
                #[field(foreign_key = "team.id", $($fk)*)]
                pub team_id: Option<i64>,
                #[relationship(back_populates = "heroes")]
                pub team: BelongsTo<Team>,
            }

            /// Creates the tables and the tutorial's data; returns Wakaland.
            pub async fn seed<B: orm_core::Backend>(db: &orm_core::Db<B>) -> Team {
                use orm_core::Executor;
                db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
                let mut teams: Vec<Team> = ["Z-Force", "Preventers", "Wakaland"]
                    .iter()
                    .map(|n| Team { id: None, name: n.to_string(), heroes: HasMany::NotLoaded })
                    .collect();
                db.insert_many(&mut teams).await.unwrap();
                let mut heroes: Vec<Hero> = super::HEROES
                    .iter()
                    .map(|(n, t)| Hero { id: None, name: n.to_string(), team_id: Some(*t), team: BelongsTo::NotLoaded })
                    .collect();
                db.insert_many(&mut heroes).await.unwrap();
                teams.pop().unwrap()
            }
        }
    };
}

const HEROES: [(&str, i64); 5] = [
    ("Deadpond", 1),
    ("Rusty-Man", 2),
    ("Spider-Boy", 2),
    ("Black Lion", 3),
    ("Princess Sure-E", 3),
];

type HeroRow = (i64, String, Option<i64>);

fn hero(id: i64, name: &str, team: Option<i64>) -> HeroRow {
    (id, name.to_owned(), team)
}

fn initial_heroes() -> Vec<HeroRow> {
    HEROES
        .iter()
        .enumerate()
        .map(|(i, (n, t))| hero(i as i64 + 1, n, Some(*t)))
        .collect()
}

fn heroes_without_wakaland() -> Vec<HeroRow> {
    initial_heroes().into_iter().take(3).collect()
}

fn heroes_with_wakaland_as(team: Option<i64>) -> Vec<HeroRow> {
    let mut rows = initial_heroes();
    rows[3].2 = team;
    rows[4].2 = team;
    rows
}

async fn teams<B: TestBackend>(db: &Db<B>) -> Vec<HeroRow> {
    B::rows_i64_str_opt(db, "SELECT id, name, NULL FROM team ORDER BY id").await
}

async fn heroes<B: TestBackend>(db: &Db<B>) -> Vec<HeroRow> {
    B::rows_i64_str_opt(db, "SELECT id, name, team_id FROM hero ORDER BY id").await
}

fn teams_without_wakaland() -> Vec<HeroRow> {
    vec![hero(1, "Z-Force", None), hero(2, "Preventers", None)]
}

fn all_teams() -> Vec<HeroRow> {
    let mut t = teams_without_wakaland();
    t.push(hero(3, "Wakaland", None));
    t
}

scenario!(
    cascade_fk_cascade,
    relationship(cascade_delete),
    field(ondelete = "CASCADE")
);
scenario!(cascade_fk_none, relationship(cascade_delete), field());
scenario!(
    cascade_passive_fk_cascade,
    relationship(cascade_delete, passive_deletes),
    field(ondelete = "CASCADE")
);
scenario!(
    passive_fk_set_null,
    relationship(passive_deletes),
    field(ondelete = "SET NULL")
);
scenario!(
    passive_fk_restrict,
    relationship(passive_deletes),
    field(ondelete = "RESTRICT")
);
scenario!(
    passive_fk_cascade,
    relationship(passive_deletes),
    field(ondelete = "CASCADE")
);
scenario!(none_fk_none, relationship(), field());
scenario!(
    none_fk_set_null,
    relationship(),
    field(ondelete = "SET NULL")
);
scenario!(
    none_fk_set_default,
    relationship(),
    field(ondelete = "SET DEFAULT", default = "1")
);
scenario!(
    none_fk_restrict,
    relationship(),
    field(ondelete = "RESTRICT")
);
scenario!(
    none_fk_no_action,
    relationship(),
    field(ondelete = "NO ACTION")
);
scenario!(none_fk_cascade, relationship(), field(ondelete = "CASCADE"));

/// Runs `$body` once with enforcement on and once off.
macro_rules! both_enforcement_modes {
    ($ctx:ident, |$db:ident, $fk:ident| $body:block) => {
        for $fk in [true, false] {
            let $db = $ctx.db($fk).await;
            $body
        }
    };
}

pub async fn cascade_delete_with_ondelete_cascade_deletes_children<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = cascade_fk_cascade::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.deleted("hero"), 2, "fk={fk}");
        assert_eq!(report.deleted("team"), 1);
        assert_eq!(teams(&db).await, teams_without_wakaland());
        assert_eq!(heroes(&db).await, heroes_without_wakaland(), "fk={fk}");
    });
}

pub async fn cascade_delete_without_ondelete_deletes_children<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = cascade_fk_none::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.deleted("hero"), 2);
        assert_eq!(teams(&db).await, teams_without_wakaland());
        assert_eq!(heroes(&db).await, heroes_without_wakaland(), "fk={fk}");
    });
}

pub async fn cascade_delete_passive_leaves_cascade_to_the_database<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let wakaland = cascade_passive_fk_cascade::seed(&db).await;
    let report = db.delete(wakaland).await.unwrap();
    // The ORM sent only the parent's DELETE.
    let writes: Vec<_> = report
        .statements
        .iter()
        .filter(|s| !s.sql.starts_with("SELECT"))
        .collect();
    assert_eq!(writes.len(), 1, "{report}");
    assert!(
        writes[0]
            .sql
            .starts_with(&placeholders::<B>("DELETE FROM \"team\"")),
        "{report}"
    );
    assert_eq!(report.left_to_database.len(), 1);
    assert_eq!(teams(&db).await, teams_without_wakaland());
    assert_eq!(heroes(&db).await, heroes_without_wakaland());
}

pub async fn passive_deletes_refuses_when_foreign_keys_are_not_enforced<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(false).await;
    let wakaland = cascade_passive_fk_cascade::seed(&db).await;
    let err = db.delete(wakaland).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ForeignKeysNotEnforced {
                model: "Team",
                relation: "heroes"
            }
        ),
        "{err:?}"
    );
    assert_eq!(teams(&db).await, all_teams());
    assert_eq!(heroes(&db).await, initial_heroes());
}

pub async fn passive_deletes_with_set_null_lets_the_database_null_children<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    let wakaland = passive_fk_set_null::seed(&db).await;
    let report = db.delete(wakaland).await.unwrap();
    assert_eq!(
        report.nullified("hero"),
        0,
        "the database did it, not the ORM"
    );
    assert_eq!(teams(&db).await, teams_without_wakaland());
    assert_eq!(heroes(&db).await, heroes_with_wakaland_as(None));
}

pub async fn passive_deletes_with_cascade_lets_the_database_delete_children<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    let wakaland = passive_fk_cascade::seed(&db).await;
    db.delete(wakaland).await.unwrap();
    assert_eq!(heroes(&db).await, heroes_without_wakaland());
}

pub async fn passive_deletes_with_restrict_gets_the_database_error_and_changes_nothing<
    B: TestBackend,
>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    let wakaland = passive_fk_restrict::seed(&db).await;
    let err = db.delete(wakaland).await.unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    assert_eq!(teams(&db).await, all_teams());
    assert_eq!(heroes(&db).await, initial_heroes());
}

pub async fn no_flags_no_ondelete_sets_children_null<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_none::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.nullified("hero"), 2);
        assert_eq!(report.deleted("team"), 1);
        assert_eq!(teams(&db).await, teams_without_wakaland());
        assert_eq!(heroes(&db).await, heroes_with_wakaland_as(None), "fk={fk}");
    });
}

pub async fn no_flags_ondelete_set_null_sets_children_null<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_set_null::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.nullified("hero"), 2);
        assert_eq!(heroes(&db).await, heroes_with_wakaland_as(None), "fk={fk}");
    });
}

pub async fn no_flags_ondelete_set_default_repoints_children<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_set_default::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.defaulted("hero"), 2);
        assert_eq!(teams(&db).await, teams_without_wakaland());
        assert_eq!(
            heroes(&db).await,
            heroes_with_wakaland_as(Some(1)),
            "fk={fk}"
        );
    });
}

pub async fn no_flags_ondelete_restrict_refuses_and_writes_nothing<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_restrict::seed(&db).await;
        let err = db.delete(wakaland).await.unwrap_err();
        match err {
            Error::Restricted {
                parent_table,
                table,
                column,
                count,
                action,
            } => {
                assert_eq!(
                    (parent_table, table, column, count),
                    ("team", "hero", "team_id", 2)
                );
                assert_eq!(action, orm_core::Action::Restrict);
            }
            other => panic!("fk={fk}: {other:?}"),
        }
        assert_eq!(teams(&db).await, all_teams());
        assert_eq!(heroes(&db).await, initial_heroes());
    });
}

pub async fn no_flags_ondelete_no_action_refuses_and_writes_nothing<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_no_action::seed(&db).await;
        let err = db.delete(wakaland).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Restricted {
                    count: 2,
                    action: orm_core::Action::NoAction,
                    ..
                }
            ),
            "fk={fk}: {err:?}"
        );
        assert_eq!(teams(&db).await, all_teams());
        assert_eq!(heroes(&db).await, initial_heroes());
    });
}

pub async fn restrict_allows_deleting_a_parent_without_children<B: TestBackend>(ctx: Ctx<B>) {
    both_enforcement_modes!(ctx, |db, fk| {
        none_fk_restrict::seed(&db).await;
        let mut lonely = none_fk_restrict::Team {
            id: None,
            name: "Lonely".into(),
            heroes: Default::default(),
        };
        db.insert(&mut lonely).await.unwrap();
        db.delete(lonely).await.unwrap();
        assert_eq!(teams(&db).await, all_teams(), "fk={fk}");
    });
}

pub async fn no_flags_ondelete_cascade_deletes_children_instead_of_nulling_them<B: TestBackend>(
    ctx: Ctx<B>,
) {
    // SQLAlchemy would NULL the children first and defeat the cascade; the
    // ORM honours the declared ON DELETE CASCADE.
    both_enforcement_modes!(ctx, |db, fk| {
        let wakaland = none_fk_cascade::seed(&db).await;
        let report = db.delete(wakaland).await.unwrap();
        assert_eq!(report.deleted("hero"), 2);
        assert_eq!(report.nullified("hero"), 0);
        assert_eq!(heroes(&db).await, heroes_without_wakaland(), "fk={fk}");
        assert_eq!(count(&db, "team").await, 2);
    });
}

pub async fn deleting_a_missing_row_is_not_found_and_changes_nothing<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let wakaland = cascade_fk_cascade::seed(&db).await;
    let copy = wakaland.clone();
    db.delete(wakaland).await.unwrap();
    let err = db.delete(copy).await.unwrap_err();
    assert!(
        matches!(err, Error::NotFound { table: "team", .. }),
        "{err:?}"
    );
}

pub async fn deleting_an_unsaved_model_is_a_typed_error<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    cascade_fk_cascade::seed(&db).await;
    let unsaved = cascade_fk_cascade::Team {
        id: None,
        name: "x".into(),
        heroes: Default::default(),
    };
    let err = db.delete(unsaved).await.unwrap_err();
    assert!(
        matches!(err, Error::MissingPrimaryKey { model: "Team" }),
        "{err:?}"
    );
    assert_eq!(count(&db, "team").await, 3);
    let _ = cascade_fk_cascade::Hero::TABLE;
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        cascade_delete_with_ondelete_cascade_deletes_children,
        cascade_delete_without_ondelete_deletes_children,
        cascade_delete_passive_leaves_cascade_to_the_database,
        passive_deletes_refuses_when_foreign_keys_are_not_enforced,
        passive_deletes_with_set_null_lets_the_database_null_children,
        passive_deletes_with_cascade_lets_the_database_delete_children,
        passive_deletes_with_restrict_gets_the_database_error_and_changes_nothing,
        no_flags_no_ondelete_sets_children_null,
        no_flags_ondelete_set_null_sets_children_null,
        no_flags_ondelete_set_default_repoints_children,
        no_flags_ondelete_restrict_refuses_and_writes_nothing,
        no_flags_ondelete_no_action_refuses_and_writes_nothing,
        restrict_allows_deleting_a_parent_without_children,
        no_flags_ondelete_cascade_deletes_children_instead_of_nulling_them,
        deleting_a_missing_row_is_not_found_and_changes_nothing,
        deleting_an_unsaved_model_is_a_typed_error,
    ]
}
