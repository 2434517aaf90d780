//! Fault injection: whatever fails in the middle of a cascade, every table
//! keeps exactly the rows it had.

use crate::harness::{Ctx, Test, TestBackend, count};
use orm_core::Db;

use orm_core::{BelongsTo, Error, Executor, HasMany, Model};

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
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: i64,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
    #[relationship(back_populates = "hero", cascade_delete)]
    pub powers: HasMany<Power>,
    #[relationship(back_populates = "hero")]
    pub missions: HasMany<Mission>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "power")]
pub struct Power {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "hero.id", ondelete = "CASCADE")]
    pub hero_id: i64,
    #[relationship(back_populates = "powers")]
    pub hero: BelongsTo<Hero>,
}

/// Protects heroes deep in the tree: RESTRICT at the second level.
#[derive(Model, Debug, Clone)]
#[model(table = "mission")]
pub struct Mission {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "hero.id", ondelete = "RESTRICT")]
    pub hero_id: Option<i64>,
    #[relationship(back_populates = "missions")]
    pub hero: BelongsTo<Hero>,
}

async fn seed<B: TestBackend>(db: &Db<B>) -> Team {
    db.create_all(&[Team::TABLE, Hero::TABLE, Power::TABLE, Mission::TABLE])
        .await
        .unwrap();
    let mut team = Team {
        id: None,
        name: "doomed".into(),
        heroes: HasMany::NotLoaded,
    };
    db.insert(&mut team).await.unwrap();
    let mut heroes: Vec<Hero> = (0..5)
        .map(|_| Hero {
            id: None,
            team_id: team.id.unwrap(),
            team: BelongsTo::NotLoaded,
            powers: HasMany::NotLoaded,
            missions: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut heroes).await.unwrap();
    let mut powers: Vec<Power> = heroes
        .iter()
        .flat_map(|h| {
            (0..3).map(|_| Power {
                id: None,
                hero_id: h.id.unwrap(),
                hero: BelongsTo::NotLoaded,
            })
        })
        .collect();
    db.insert_many(&mut powers).await.unwrap();
    team
}

async fn counts<B: TestBackend>(db: &Db<B>) -> [i64; 4] {
    [
        count(db, "team").await,
        count(db, "hero").await,
        count(db, "power").await,
        count(db, "mission").await,
    ]
}

pub async fn fault_in_the_third_table_rolls_back_the_whole_cascade<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let team = seed(&db).await;
        // power and hero are deleted first; the team's DELETE then aborts.
        B::fail_deletes_on(&db, "team").await;
        let before = counts(&db).await;
        let err = db.delete(team).await.unwrap_err();
        assert!(err.to_string().contains("injected fault"), "{err}");
        assert_eq!(counts(&db).await, before, "fk={fk}");
    }
}

pub async fn restrict_deep_in_the_tree_is_refused_before_any_write<B: TestBackend>(ctx: Ctx<B>) {
    for fk in [true, false] {
        let db = ctx.db(fk).await;
        let team = seed(&db).await;
        let mut mission = Mission {
            id: None,
            hero_id: Some(3),
            hero: BelongsTo::NotLoaded,
        };
        db.insert(&mut mission).await.unwrap();
        let before = counts(&db).await;
        let (_guard, log) = orm_tests::capture_sql();
        let err = db.delete(team).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Restricted {
                    parent_table: "hero",
                    table: "mission",
                    column: "hero_id",
                    count: 1,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            log.statements().iter().all(|s| s.starts_with("SELECT")),
            "nothing but checks ran: {:?}",
            log.statements()
        );
        assert_eq!(counts(&db).await, before, "fk={fk}");
    }
}

pub async fn a_failed_cascade_inside_a_callers_transaction_rolls_back_only_itself<
    B: TestBackend,
>(
    ctx: Ctx<B>,
) {
    let db = ctx.db(true).await;
    let team = seed(&db).await;
    B::fail_deletes_on(&db, "team").await;
    let mut tx = db.begin().await.unwrap();
    let mut other = Team {
        id: None,
        name: "kept".into(),
        heroes: HasMany::NotLoaded,
    };
    tx.insert(&mut other).await.unwrap();
    assert!(tx.delete(team).await.is_err());
    // The delete's savepoint was rolled back; the caller's work survives.
    assert_eq!(tx.count(&Power::query()).await.unwrap(), 15);
    tx.commit().await.unwrap();
    assert_eq!(counts(&db).await, [2, 5, 15, 0]);
}

pub async fn a_closed_pool_is_a_typed_error_and_the_data_is_unchanged<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.shared_db(true).await;
    let team = seed(&db).await;
    db.close().await;
    let err = db.delete(team).await.unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    let reopened = B::reopen(&ctx).await;
    assert_eq!(counts(&reopened).await, [1, 5, 15, 0]);
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        fault_in_the_third_table_rolls_back_the_whole_cascade,
        restrict_deep_in_the_tree_is_refused_before_any_write,
        a_failed_cascade_inside_a_callers_transaction_rolls_back_only_itself,
        a_closed_pool_is_a_typed_error_and_the_data_is_unchanged,
    ]
}
