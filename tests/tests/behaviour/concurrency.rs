//! Concurrency on a SQLite file (WAL, busy timeout): tasks inserting children
//! while others delete parents through the ORM cascade. Bounded in count and
//! time. Afterwards: no orphaned child, no lost row, every error typed.

use crate::harness::{Ctx, Test, TestBackend, count};

use std::time::Duration;

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
}

const TEAMS: i64 = 40;
const INSERTERS: i64 = 4;
const INSERTS_PER_TASK: i64 = 150;

fn acceptable(error: &Error) -> bool {
    // A child for a parent deleted a moment ago, or a parent already gone.
    matches!(
        error,
        Error::ForeignKeyViolation { .. } | Error::NotFound { .. }
    )
}

pub async fn concurrent_inserts_and_cascading_deletes_leave_no_orphans<B: TestBackend>(
    ctx: Ctx<B>,
) {
    let db = ctx.shared_db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    let mut teams: Vec<Team> = (0..TEAMS)
        .map(|i| Team {
            id: None,
            name: format!("t{i}"),
            heroes: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut teams).await.unwrap();

    let mut tasks = Vec::new();
    for t in 0..INSERTERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let (mut inserted, mut refused) = (0u64, 0u64);
            for i in 0..INSERTS_PER_TASK {
                let team_id = (i * 7 + t * 13) % TEAMS + 1;
                let mut hero = Hero {
                    id: None,
                    team_id,
                    team: BelongsTo::NotLoaded,
                };
                // A deadlock or lock timeout (InnoDB's gap locks against a
                // cascade) is retryable: the insert is tried again.
                loop {
                    match db.insert(&mut hero).await {
                        Ok(()) => inserted += 1,
                        Err(e) if e.is_retryable() => continue,
                        Err(e) if acceptable(&e) => refused += 1,
                        Err(e) => panic!("untyped or unexpected error: {e:?}"),
                    }
                    break;
                }
            }
            (inserted, refused, 0u64)
        }));
    }
    for d in 0..2i64 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let (mut deleted, mut refused) = (0u64, 0u64);
            for id in (1..=TEAMS).filter(|id| id % 2 == d) {
                tokio::time::sleep(Duration::from_millis(2)).await;
                loop {
                    let Some(team) = db.find::<Team>(id).await.unwrap() else {
                        break;
                    };
                    match db.delete(team).await {
                        Ok(report) => deleted += report.deleted("hero"),
                        Err(e) if e.is_retryable() => continue,
                        Err(e) if acceptable(&e) => refused += 1,
                        Err(e) => panic!("untyped or unexpected error: {e:?}"),
                    }
                    break;
                }
            }
            (0, refused, deleted)
        }));
    }
    let all = tokio::time::timeout(Duration::from_secs(120), futures_join(tasks))
        .await
        .expect("no deadlock: finished in time");
    let (inserters, deleters) = all.split_at(INSERTERS as usize);
    let inserted: u64 = inserters.iter().map(|r| r.0).sum();
    let refused: u64 = inserters.iter().map(|r| r.1).sum();
    let deleted: u64 = deleters.iter().map(|r| r.2).sum();
    let deletes_refused: u64 = deleters.iter().map(|r| r.1).sum();
    assert_eq!(inserted + refused, (INSERTERS * INSERTS_PER_TASK) as u64);
    // Every cascade succeeded: a hero inserted for a team being deleted
    // waited for the delete (PostgreSQL and MySQL: the team row is locked
    // FOR UPDATE; SQLite: one writer at a time) and was then refused by the
    // foreign key (on InnoDB, or chosen as a deadlock victim and retried).
    assert_eq!(deletes_refused, 0, "a cascade lost a race with an insert");

    let orphans = B::scalar(
        &db,
        "SELECT COUNT(*) FROM hero WHERE team_id NOT IN (SELECT id FROM team)",
    )
    .await;
    assert_eq!(orphans, 0);
    assert_eq!(count(&db, "team").await, 0, "every team deleted");
    // No lost row: every inserted hero was deleted by exactly one cascade.
    assert_eq!(count(&db, "hero").await, 0);
    assert_eq!(deleted, inserted);
}

async fn futures_join(
    tasks: Vec<tokio::task::JoinHandle<(u64, u64, u64)>>,
) -> Vec<(u64, u64, u64)> {
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// The tests of this module.
pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![concurrent_inserts_and_cascading_deletes_leave_no_orphans,]
}
