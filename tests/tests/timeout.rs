//! No hang: the statement timeout and the acquire timeout of every backend
//! (issue 16, item 7).
//!
//! * PostgreSQL and MariaDB, each on a private server of the test's own
//!   (`orm_tests::private_server`, its own port), paused with `SIGSTOP`:
//!   a cascade delete whose server stops answering in the middle (paused
//!   when the first `DELETE` is sent) fails with [`Error::Timeout`] within
//!   the statement timeout (plus slack); a delete on the paused server fails
//!   within the acquire timeout (the pool's check of its idle connection);
//!   a statement of a transaction times out and the transaction refuses to
//!   commit. After each, the server is resumed, the same `Db` works, and
//!   every row is still there; then the delete succeeds and the rows are
//!   gone. Also: a pool of one connection held by a transaction gives a
//!   retryable `TimeoutKind::Acquire`, and the server's own statement
//!   timeout (`pg_sleep`, `SLEEP`) gives `Error::Timeout` with `after: None`.
//!   Reported as ignored, with the reason, when the server binaries are
//!   missing.
//! * SQLite (in memory): a delete whose statement runs too long (a trigger
//!   doing a large join) is interrupted by the progress handler at the
//!   statement timeout; the one connection, and so the database, stays
//!   usable, and the data is intact. The acquire timeout as above.
//!
//! ```text
//! cargo test -p orm-tests --test timeout               # every trial
//! cargo test -p orm-tests --test timeout -- postgres   # one
//! ```

use std::cell::RefCell;
use std::future::Future;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use orm_core::{Backend, BelongsTo, Db, Error, Executor, HasMany, Model, TimeoutKind};
use orm_tests::private_server::{PrivateMariaDb, PrivatePostgres};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

#[derive(Model, Debug, Clone)]
#[model(table = "timeout_parent")]
pub struct Parent {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Child>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "timeout_child")]
pub struct Child {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "timeout_parent.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Parent>,
}

/// The children of the parent.
const CHILDREN: u64 = 2_000;

/// The statement timeout of the server trials.
const STATEMENT: Duration = Duration::from_millis(500);

/// The statement timeout of the SQLite trial.
const SQLITE_STATEMENT: Duration = Duration::from_millis(200);

/// The acquire timeout.
const ACQUIRE: Duration = Duration::from_millis(1_000);

/// How much later than its bound a timeout may come (a shared machine).
const SLACK: Duration = Duration::from_millis(1_500);

// ------------------------------------------------------------------ helpers

macro_rules! ensure {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(Failed::from(format!($($msg)*)));
        }
    };
}

thread_local! {
    /// Run (once) when the ORM logs its next `DELETE` (plain or counted) on this thread: the
    /// statement is sent right after, to a server that stopped answering.
    static ON_DELETE: RefCell<Option<Box<dyn FnOnce()>>> = const { RefCell::new(None) };
}

/// The `orm::sql` events, to [`ON_DELETE`].
struct DeleteHook;

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for DeleteHook {
    fn register_callsite(
        &self,
        metadata: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if metadata.target() == orm_core::SQL_TARGET {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != orm_core::SQL_TARGET {
            return;
        }
        let hook = ON_DELETE.with(|h| {
            let mut h = h.borrow_mut();
            h.as_ref()?;
            let mut message = Message(String::new());
            event.record(&mut message);
            // The delete's first write (on PostgreSQL, the `DELETE`
            // that also returns the write counters).
            let sql = message.0.trim_start();
            if sql.starts_with("DELETE") {
                h.take()
            } else {
                None
            }
        });
        if let Some(hook) = hook {
            hook();
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failed> {
    // One thread: the ORM's futures run on the trial's thread, where
    // `ON_DELETE` is set.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))
}

/// Runs `op`, timed.
async fn timed<T>(op: impl Future<Output = T>) -> (T, Duration) {
    let begun = Instant::now();
    let out = op.await;
    (out, begun.elapsed())
}

/// A statement timeout of the client, after `bound`: the error and the time.
fn check_statement_timeout<T: std::fmt::Debug>(
    what: &str,
    result: &orm_core::Result<T>,
    elapsed: Duration,
    bound: Duration,
) -> Result<(), Failed> {
    println!("{what}: {result:?} after {elapsed:?} (bound {bound:?})");
    ensure!(
        matches!(
            result,
            Err(Error::Timeout { what: TimeoutKind::Statement, after: Some(after) }) if *after == bound
        ),
        "{what}: expected Error::Timeout {{ Statement, after: Some({bound:?}) }}, got {result:?}"
    );
    ensure!(
        !result.as_ref().is_err_and(Error::is_retryable),
        "{what}: a statement timeout is not retryable"
    );
    ensure!(
        elapsed + Duration::from_millis(5) >= bound && elapsed <= bound + SLACK,
        "{what}: took {elapsed:?}, bound {bound:?} (+ {SLACK:?} slack)"
    );
    Ok(())
}

/// Creates the tables (fresh), one parent with [`CHILDREN`] children.
async fn seed<B: Backend>(db: &Db<B>) -> Result<Parent, Failed> {
    let tables = [Parent::TABLE, Child::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut parent = Parent {
        id: None,
        name: "root".to_owned(),
        children: HasMany::NotLoaded,
    };
    db.insert(&mut parent).await?;
    let mut children: Vec<Child> = (0..CHILDREN)
        .map(|i| Child {
            id: None,
            name: format!("child {i}"),
            parent_id: parent.id,
            parent: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut children).await?;
    expect_rows(db, 1, CHILDREN, "after seeding").await?;
    Ok(parent)
}

/// The row counts of both tables are `(parents, children)`.
async fn expect_rows<B: Backend>(
    db: &Db<B>,
    parents: u64,
    children: u64,
    when: &str,
) -> Result<(), Failed> {
    let found = (
        db.count(&Parent::query()).await?,
        db.count(&Child::query()).await?,
    );
    ensure!(
        found == (parents, children),
        "{when}: expected {parents} parent(s) and {children} children, found {found:?}"
    );
    Ok(())
}

/// A pool of one connection, held by a transaction: the next operation
/// waits `ACQUIRE`, then fails with a retryable acquire timeout; once the
/// transaction is over, the pool works again.
async fn acquire_timeout<B: Backend>(name: &str, one: &Db<B>) -> Result<(), Failed> {
    let tx = one.begin().await?;
    let (result, elapsed) = timed(one.count(&Parent::query())).await;
    println!("{name} acquire: {result:?} after {elapsed:?} (bound {ACQUIRE:?})");
    ensure!(
        matches!(
            result,
            Err(Error::Timeout { what: TimeoutKind::Acquire, after: Some(after) }) if after == ACQUIRE
        ),
        "{name} acquire: expected Error::Timeout {{ Acquire, after: Some({ACQUIRE:?}) }}, got {result:?}"
    );
    ensure!(
        result.as_ref().is_err_and(Error::is_retryable),
        "{name} acquire: an acquire timeout is retryable"
    );
    ensure!(
        elapsed + Duration::from_millis(5) >= ACQUIRE && elapsed <= ACQUIRE + SLACK,
        "{name} acquire: took {elapsed:?}, bound {ACQUIRE:?} (+ {SLACK:?} slack)"
    );
    drop(tx);
    // The retry succeeds.
    expect_rows(one, 1, CHILDREN, &format!("{name} acquire: the retry")).await
}

// ---------------------------------------------------------- private servers

/// What a server trial needs from its server.
struct Server {
    name: &'static str,
    pause: Rc<dyn Fn() -> std::io::Result<()>>,
    resume: Rc<dyn Fn() -> std::io::Result<()>>,
    /// A statement the server's own statement timeout stops.
    sleep: &'static str,
}

/// The server trials' scenarios, on `db` (`STATEMENT`, `ACQUIRE`, a pool of
/// 2) and `one` (a pool of 1, `ACQUIRE`).
async fn server_scenarios<B: Backend>(
    server: &Server,
    db: &Db<B>,
    one: &Db<B>,
) -> Result<(), Failed> {
    let name = server.name;
    let parent = seed(db).await?;

    // 1. The server stops answering in the middle of the cascade delete:
    //    paused just before the first DELETE is sent.
    let pause = server.pause.clone();
    let paused = Rc::new(RefCell::new(None));
    let flag = paused.clone();
    ON_DELETE.with(|h| {
        *h.borrow_mut() = Some(Box::new(move || {
            *flag.borrow_mut() = Some(pause());
        }));
    });
    let (result, elapsed) = timed(db.delete(parent.clone())).await;
    ON_DELETE.with(|h| h.borrow_mut().take());
    let pause_result = paused.borrow_mut().take();
    if pause_result.is_some() {
        (server.resume)()?;
    }
    ensure!(
        matches!(pause_result, Some(Ok(()))),
        "{name} mid-delete: the server was not paused ({pause_result:?}); the delete gave {result:?}"
    );
    check_statement_timeout(&format!("{name} mid-delete"), &result, elapsed, STATEMENT)?;
    // The same Db works again; the delete rolled back.
    expect_rows(
        db,
        1,
        CHILDREN,
        &format!("{name} mid-delete: after resuming"),
    )
    .await?;

    // 2. The whole delete on a paused server: the pool's check of its idle
    //    connection (or the opening of a new one) is bounded by the acquire
    //    timeout.
    (server.pause)()?;
    let (result, elapsed) = timed(db.delete(parent.clone())).await;
    (server.resume)()?;
    println!("{name} paused delete: {result:?} after {elapsed:?} (acquire bound {ACQUIRE:?})");
    ensure!(
        matches!(result, Err(Error::Timeout { .. })),
        "{name} paused delete: expected Error::Timeout, got {result:?}"
    );
    ensure!(
        elapsed <= STATEMENT.max(ACQUIRE) + SLACK,
        "{name} paused delete: took {elapsed:?}, bound {:?} (+ {SLACK:?} slack)",
        STATEMENT.max(ACQUIRE)
    );
    expect_rows(
        db,
        1,
        CHILDREN,
        &format!("{name} paused delete: after resuming"),
    )
    .await?;

    // 3. In a transaction: the delete times out, the transaction then
    //    refuses to commit (nothing sent), and rolls back when dropped.
    let mut tx = db.begin().await?;
    (server.pause)()?;
    let (result, elapsed) = timed(tx.delete(parent.clone())).await;
    (server.resume)()?;
    check_statement_timeout(&format!("{name} transaction"), &result, elapsed, STATEMENT)?;
    let (commit, elapsed) = timed(tx.commit()).await;
    ensure!(
        matches!(
            commit,
            Err(Error::Timeout {
                what: TimeoutKind::Statement,
                ..
            })
        ) && elapsed < Duration::from_millis(100),
        "{name} transaction: the commit after a timeout gave {commit:?} after {elapsed:?}"
    );
    expect_rows(
        db,
        1,
        CHILDREN,
        &format!("{name} transaction: after resuming"),
    )
    .await?;

    // 4. The pool of one connection.
    acquire_timeout(name, one).await?;

    // 5. The server's own statement timeout (set to the same bound on each
    //    connection), seen without the client's bound.
    let raw = Db::<B>::from_pool(db.pool().clone());
    let (result, elapsed) = timed(raw.execute_sql(server.sleep, vec![])).await;
    println!("{name} server-side: {result:?} after {elapsed:?} (bound {STATEMENT:?})");
    ensure!(
        matches!(
            result,
            Err(Error::Timeout {
                what: TimeoutKind::Statement,
                after: None
            })
        ),
        "{name} server-side: expected Error::Timeout {{ Statement, after: None }}, got {result:?}"
    );
    ensure!(
        elapsed <= STATEMENT + SLACK,
        "{name} server-side: took {elapsed:?}"
    );

    // Finally the delete succeeds, and the rows are gone.
    let report = db.delete(parent).await?;
    println!("{name}: the delete after the timeouts: {report:?}");
    expect_rows(db, 0, 0, &format!("{name}: after the delete")).await?;
    Ok(())
}

fn postgres_trial() -> Result<Completion, Failed> {
    if let Err(reason) = PrivatePostgres::available() {
        println!("timeout postgres: SKIPPED: {reason}");
        return Ok(Completion::ignored_with(reason));
    }
    let server = Rc::new(PrivatePostgres::start()?);
    let rt = runtime()?;
    rt.block_on(async {
        let options = orm_postgres::PgOptions::from_url(&server.url())?
            .statement_timeout(STATEMENT)
            .acquire_timeout(ACQUIRE);
        let db = orm_postgres::connect_with(options.clone().max_connections(2)).await?;
        let one = orm_postgres::connect_with(options.max_connections(1)).await?;
        let (paused, resumed) = (server.clone(), server.clone());
        let scenarios = Server {
            name: "postgres",
            pause: Rc::new(move || paused.pause()),
            resume: Rc::new(move || resumed.resume()),
            sleep: "SELECT pg_sleep(5)",
        };
        server_scenarios(&scenarios, &db, &one).await
    })?;
    Ok(Completion::Completed)
}

fn mariadb_trial() -> Result<Completion, Failed> {
    if let Err(reason) = PrivateMariaDb::available() {
        println!("timeout mariadb: SKIPPED: {reason}");
        return Ok(Completion::ignored_with(reason));
    }
    let server = Rc::new(PrivateMariaDb::start()?);
    let rt = runtime()?;
    rt.block_on(async {
        let options = orm_mysql::MySqlOptions::from_url(&server.url())?
            .statement_timeout(STATEMENT)
            .acquire_timeout(ACQUIRE);
        let db = orm_mysql::connect_with(options.clone().max_connections(2)).await?;
        let one = orm_mysql::connect_with(options.max_connections(1)).await?;
        let (paused, resumed) = (server.clone(), server.clone());
        let scenarios = Server {
            name: "mariadb",
            pause: Rc::new(move || paused.pause()),
            resume: Rc::new(move || resumed.resume()),
            sleep: "SELECT SLEEP(5)",
        };
        server_scenarios(&scenarios, &db, &one).await
    })?;
    Ok(Completion::Completed)
}

// ------------------------------------------------------------------- SQLite

fn sqlite_trial() -> Result<Completion, Failed> {
    runtime()?.block_on(async {
        let db = orm_sqlite::connect_with(
            orm_sqlite::SqliteOptions::from_url("sqlite::memory:")?
                .statement_timeout(SQLITE_STATEMENT)
                .acquire_timeout(ACQUIRE),
        )
        .await?;
        let parent = seed(&db).await?;
        // A delete that runs too long: deleting the parent joins a table of
        // 1,000 rows with itself three times (10^9 rows).
        db.execute_sql("CREATE TABLE timeout_pad (n INTEGER)", vec![])
            .await?;
        for block in 0..10 {
            let values: Vec<String> = (0..100).map(|i| format!("({})", block * 100 + i)).collect();
            let sql = format!("INSERT INTO timeout_pad (n) VALUES {}", values.join(", "));
            db.execute_sql(&sql, vec![]).await?;
        }
        db.execute_sql(
            "CREATE TRIGGER timeout_slow BEFORE DELETE ON timeout_parent BEGIN \
             SELECT count(*) FROM timeout_pad a, timeout_pad b, timeout_pad c; END",
            vec![],
        )
        .await?;
        let (result, elapsed) = timed(db.delete(parent.clone())).await;
        check_statement_timeout("sqlite delete", &result, elapsed, SQLITE_STATEMENT)?;
        // The one connection of the in-memory database is usable, and the
        // delete rolled back.
        expect_rows(&db, 1, CHILDREN, "sqlite: after the timeout").await?;
        // Again, in a transaction the user opened.
        let mut tx = db.begin().await?;
        let (result, elapsed) = timed(tx.delete(parent.clone())).await;
        check_statement_timeout("sqlite transaction", &result, elapsed, SQLITE_STATEMENT)?;
        let commit = tx.commit().await;
        ensure!(
            matches!(commit, Err(Error::Timeout { .. })),
            "sqlite transaction: the commit after a timeout gave {commit:?}"
        );
        expect_rows(&db, 1, CHILDREN, "sqlite: after the transaction").await?;

        acquire_timeout("sqlite", &db).await?;

        db.execute_sql("DROP TRIGGER timeout_slow", vec![]).await?;
        db.delete(parent).await?;
        expect_rows(&db, 0, 0, "sqlite: after the delete").await?;
        Ok::<(), Failed>(())
    })?;
    Ok(Completion::Completed)
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let _ =
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(DeleteHook));
    let trials = vec![
        Trial::ignorable_test("timeout::sqlite", sqlite_trial),
        Trial::ignorable_test("timeout::postgres", postgres_trial),
        Trial::ignorable_test("timeout::mariadb", mariadb_trial),
    ];
    libtest_mimic::run(&args, trials).exit_code()
}
