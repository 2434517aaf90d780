//! Relationship loading: on demand for one model, batched for many (one query
//! per relationship, no N+1), never a silent empty list.

use crate::harness::{Ctx, Test, TestBackend};
use orm_core::Db;

use orm_core::{BelongsTo, Executor, HasMany, Model};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}

async fn seed<B: TestBackend>(ctx: &Ctx<B>) -> Db<B> {
    let db = ctx.db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut teams: Vec<Team> = ["Z-Force", "Preventers", "Wakaland", "Empty"]
        .iter()
        .map(|n| Team {
            id: None,
            name: n.to_string(),
            heroes: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut teams).await.unwrap();
    let mut heroes: Vec<Hero> = [
        ("Deadpond", Some(1)),
        ("Rusty-Man", Some(2)),
        ("Spider-Boy", Some(2)),
        ("Black Lion", Some(3)),
        ("Princess Sure-E", Some(3)),
        ("Loner", None),
    ]
    .iter()
    .map(|(n, t)| Hero {
        id: None,
        name: n.to_string(),
        team_id: *t,
        team: BelongsTo::NotLoaded,
    })
    .collect();
    db.insert_many(&mut heroes).await.unwrap();
    db
}

fn names(heroes: &[Hero]) -> Vec<&str> {
    heroes.iter().map(|h| h.name.as_str()).collect()
}

pub async fn a_fresh_row_says_its_relationships_are_not_loaded<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let team: Team = db.get(2i64).await.unwrap();
    assert_eq!(team.heroes, HasMany::NotLoaded);
    assert_eq!(team.heroes.get(), None, "not an empty list");
}

pub async fn load_one_has_many_on_demand<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut team: Team = db.get(2i64).await.unwrap();
    db.load(&mut team, Team::HEROES).await.unwrap();
    assert_eq!(
        names(team.heroes.get().unwrap()),
        ["Rusty-Man", "Spider-Boy"]
    );
    let mut empty: Team = db.get(4i64).await.unwrap();
    db.load(&mut empty, Team::HEROES).await.unwrap();
    assert_eq!(empty.heroes, HasMany::Loaded(vec![]), "loaded, and empty");
}

pub async fn load_many_has_many_is_one_query<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut teams = Team::query().all(&db).await.unwrap();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut teams, Team::HEROES).await.unwrap();
    assert_eq!(log.statements().len(), 1, "{:?}", log.statements());
    let loaded: Vec<Vec<&str>> = teams
        .iter()
        .map(|t| names(t.heroes.get().unwrap()))
        .collect();
    assert_eq!(
        loaded,
        vec![
            vec!["Deadpond"],
            vec!["Rusty-Man", "Spider-Boy"],
            vec!["Black Lion", "Princess Sure-E"],
            vec![]
        ]
    );
}

pub async fn load_belongs_to_one_and_many<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut hero: Hero = db.get(4i64).await.unwrap();
    db.load(&mut hero, Hero::TEAM).await.unwrap();
    assert_eq!(hero.team.get().map(|t| t.name.as_str()), Some("Wakaland"));

    let mut heroes = Hero::query().all(&db).await.unwrap();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut heroes, Hero::TEAM).await.unwrap();
    assert_eq!(log.statements().len(), 1);
    let teams: Vec<Option<&str>> = heroes
        .iter()
        .map(|h| h.team.get().map(|t| t.name.as_str()))
        .collect();
    assert_eq!(
        teams,
        [
            Some("Z-Force"),
            Some("Preventers"),
            Some("Preventers"),
            Some("Wakaland"),
            Some("Wakaland"),
            None
        ]
    );
    assert_eq!(
        heroes[5].team,
        BelongsTo::Loaded(None),
        "NULL foreign key: loaded, no parent"
    );
}

pub async fn loading_nothing_runs_no_query<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut none: Vec<Team> = Vec::new();
    let (_guard, log) = orm_tests::capture_sql();
    db.load_many(&mut none, Team::HEROES).await.unwrap();
    assert!(log.statements().is_empty());
}

pub async fn loading_works_inside_a_transaction<B: TestBackend>(ctx: Ctx<B>) {
    let db = seed(&ctx).await;
    let mut tx = db.begin().await.unwrap();
    let mut team: Team = tx.get(3i64).await.unwrap();
    tx.load(&mut team, Team::HEROES).await.unwrap();
    assert_eq!(team.heroes.get().unwrap().len(), 2);
    tx.commit().await.unwrap();
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        a_fresh_row_says_its_relationships_are_not_loaded,
        load_one_has_many_on_demand,
        load_many_has_many_is_one_query,
        load_belongs_to_one_and_many,
        loading_nothing_runs_no_query,
        loading_works_inside_a_transaction,
    ]
}
