//! The harness of the behaviour suite: every test is written once, generic
//! over a [`TestBackend`], and registered for SQLite, PostgreSQL and MySQL /
//! MariaDB.
//!
//! PostgreSQL tests need `ORM_TEST_POSTGRES_URL`
//! (e.g. `postgres://postgres@127.0.0.1:5432/test`), MySQL tests
//! `ORM_TEST_MYSQL_URL` (e.g. `mysql://root@127.0.0.1:3306/test`); without
//! it they are reported as **ignored**, with the reason, never as passed.
//! Each test gets databases of its own: a fresh in-memory database (or a
//! temp file) on SQLite, a fresh schema on PostgreSQL, a fresh database on
//! MySQL, dropped when the test ends, so tests run in parallel.

#![allow(dead_code)]

use std::future::Future;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use libtest_mimic::{Failed, Trial};
use orm_core::{Backend, Db};

/// The variable naming the PostgreSQL server the tests use.
pub const POSTGRES_URL_VAR: &str = "ORM_TEST_POSTGRES_URL";

/// The variable naming the MySQL / MariaDB server the tests use.
pub const MYSQL_URL_VAR: &str = "ORM_TEST_MYSQL_URL";

/// What a backend must provide to run the suite: isolated databases, and
/// plain-sqlx reads (independent of the ORM) to check end states.
pub trait TestBackend: Backend {
    /// `"sqlite"` or `"postgres"`: the first part of every test name.
    const NAME: &'static str;

    /// `Err(reason)` when the backend's server is not configured.
    fn available() -> Result<(), String>;

    /// A fresh, empty database of the test's own.
    fn open(ctx: &Ctx<Self>, foreign_keys: bool) -> impl Future<Output = Db<Self>>;

    /// A fresh database that several connections share (SQLite: a WAL file).
    fn open_shared(ctx: &Ctx<Self>, foreign_keys: bool) -> impl Future<Output = Db<Self>>;

    /// A new pool on the database [`TestBackend::open_shared`] opened last.
    fn reopen(ctx: &Ctx<Self>) -> impl Future<Output = Db<Self>>;

    /// The same database, foreign keys no longer enforced (SQLite: `PRAGMA
    /// foreign_keys = OFF` on its one connection; PostgreSQL: a new pool on
    /// the schema opened last, in `session_replication_role = replica`).
    fn without_foreign_keys(ctx: &Ctx<Self>, db: Db<Self>) -> impl Future<Output = Db<Self>>;

    /// Drops what [`TestBackend::open`] created.
    fn cleanup(resources: Vec<String>) -> impl Future<Output = ()>;

    /// One integer read with plain sqlx (`SELECT COUNT(*) ...`).
    fn scalar(db: &Db<Self>, sql: &str) -> impl Future<Output = i64>;

    /// Rows of integer columns (any width, `NULL` as `None`) read with plain sqlx.
    fn int_rows(db: &Db<Self>, sql: &str) -> impl Future<Output = Vec<Vec<Option<i64>>>>;

    /// The first column of every row, as text, read with plain sqlx.
    fn strings(db: &Db<Self>, sql: &str) -> impl Future<Output = Vec<String>>;

    /// The names of the tables of the test's database, sorted.
    fn table_names(db: &Db<Self>) -> impl Future<Output = Vec<String>>;

    /// `(i64, text, optional i64)` rows read with plain sqlx.
    fn rows_i64_str_opt(
        db: &Db<Self>,
        sql: &str,
    ) -> impl Future<Output = Vec<(i64, String, Option<i64>)>>;

    /// Makes every `DELETE` on `table` fail with the message `injected fault`
    /// (a trigger), to inject a fault in the middle of a cascade.
    fn fail_deletes_on(db: &Db<Self>, table: &str) -> impl Future<Output = ()>;

    /// Makes every `NO ACTION` foreign key of the test's database
    /// `DEFERRABLE INITIALLY DEFERRED`, so that it is checked after every
    /// referential action of a statement, as the SQL standard says.
    /// `false` where the backend has nothing to change: SQLite checks
    /// `NO ACTION` at the end of the statement already, and InnoDB cannot
    /// defer a constraint.
    fn defer_no_action(db: &Db<Self>) -> impl Future<Output = bool>;
}

/// A test's context: opens its databases and names them after it.
pub struct Ctx<B> {
    inner: Arc<CtxInner>,
    backend: PhantomData<fn() -> B>,
}

struct CtxInner {
    name: String,
    resources: Mutex<Vec<String>>,
}

impl<B> Clone for Ctx<B> {
    fn clone(&self) -> Self {
        Ctx {
            inner: self.inner.clone(),
            backend: PhantomData,
        }
    }
}

impl<B: TestBackend> Ctx<B> {
    fn new(name: String) -> Self {
        Ctx {
            inner: Arc::new(CtxInner {
                name,
                resources: Mutex::new(Vec::new()),
            }),
            backend: PhantomData,
        }
    }

    /// A fresh database of this test's own, with foreign keys enforced or not.
    pub async fn db(&self, foreign_keys: bool) -> Db<B> {
        B::open(self, foreign_keys).await
    }

    /// A fresh database for concurrent connections.
    pub async fn shared_db(&self, foreign_keys: bool) -> Db<B> {
        B::open_shared(self, foreign_keys).await
    }

    /// The test's full name (`postgres::cascade::cascade_delete_...`).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// A number unique within this process, for naming databases.
    pub fn unique(&self) -> usize {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// Remembers something to drop when the test ends.
    pub fn track(&self, resource: String) {
        if let Ok(mut r) = self.inner.resources.lock() {
            r.push(resource);
        }
    }

    /// What was tracked so far.
    pub fn resources(&self) -> Vec<String> {
        self.inner
            .resources
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    fn take_resources(&self) -> Vec<String> {
        self.inner
            .resources
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

/// A test function of the suite, its future boxed.
pub type TestFn<B> = fn(Ctx<B>) -> Pin<Box<dyn Future<Output = ()>>>;

/// A test of the suite, generic over the backend.
pub struct Test<B> {
    /// The test function's name.
    pub name: &'static str,
    /// Runs it.
    pub run: TestFn<B>,
}

/// `tests![a, b, c]`: the tests of a module, for the backend `B` in scope.
#[macro_export]
macro_rules! tests {
    ($($test:ident),* $(,)?) => {
        vec![$($crate::harness::Test {
            name: stringify!($test),
            run: |ctx| Box::pin($test(ctx)),
        }),*]
    };
}

/// Turns `tests` of module `module` into trials named
/// `<backend>::<module>::<test>`, ignored when the backend is unavailable.
pub fn add<B: TestBackend>(trials: &mut Vec<Trial>, module: &str, tests: Vec<Test<B>>) {
    let unavailable = B::available().err();
    for test in tests {
        let name = format!("{}::{module}::{}", B::NAME, test.name);
        let run = test.run;
        let reason = unavailable.clone();
        let trial = Trial::test(name.clone(), move || match reason {
            Some(reason) => Err(Failed::from(reason)),
            None => run_one::<B>(name, run),
        });
        trials.push(trial.with_ignored_flag(unavailable.is_some()));
    }
}

fn run_one<B: TestBackend>(name: String, run: TestFn<B>) -> Result<(), Failed> {
    // `block_on` runs the test on this thread (so the SQL log capture, which
    // is per thread, sees it); tasks it spawns run on two workers.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(format!("cannot start a runtime: {e}")))?;
    let ctx = Ctx::<B>::new(name);
    let outcome = catch_unwind(AssertUnwindSafe(|| runtime.block_on(run(ctx.clone()))));
    runtime.block_on(B::cleanup(ctx.take_resources()));
    if let Err(panic) = outcome {
        resume_unwind(panic);
    }
    Ok(())
}

/// Prints, once, why a backend's tests are ignored.
pub fn explain_skips() {
    if let Err(reason) = orm_postgres::Postgres::available() {
        eprintln!("note: the postgres tests are ignored: {reason}");
    }
    if let Err(reason) = orm_mysql::MySql::available() {
        eprintln!("note: the mysql tests are ignored: {reason}");
    }
}

/// `sql` written for SQLite — `?` placeholders and `"quoted"` identifiers —
/// in `B`'s dialect (`$1, $2, ...` on PostgreSQL, backticks on MySQL), so
/// expected and hand-written statements are written once. Text in single
/// quotes is left alone.
pub fn placeholders<B: Backend>(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => {
                out.push(ch);
                // Copy the literal through its closing quote ('' escapes one).
                while let Some(c) = chars.next() {
                    out.push(c);
                    if c == '\'' {
                        if chars.peek() == Some(&'\'') {
                            out.extend(chars.next());
                        } else {
                            break;
                        }
                    }
                }
            }
            '"' => {
                let mut ident = String::new();
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            ident.push('"');
                        } else {
                            break;
                        }
                    } else {
                        ident.push(c);
                    }
                }
                B::DIALECT.push_identifier(&mut out, &ident);
            }
            '?' => {
                n += 1;
                B::DIALECT.push_placeholder(&mut out, n);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// How many statements a delete spends locking its root rows first
/// (PostgreSQL: one `SELECT ... FOR UPDATE` per plan; SQLite: none).
pub fn lock_statements<B: Backend>() -> usize {
    usize::from(B::DIALECT.row_lock_clause().is_some())
}

/// Whether a delete on a connection whose foreign keys are `enforced`
/// leaves each `CASCADE` / `SET NULL` its foreign key declares alike to the
/// database (PostgreSQL: `Purpose::Carried`): it then sends the root's
/// `DELETE` without a lock, reading the database's write counters in the
/// same statement ([`written_table`]), and reads them again after it.
pub fn carried<B: Backend>(enforced: bool) -> bool {
    enforced && B::DIALECT.counts_database_actions()
}

/// The table (as quoted in the SQL) a statement of a delete writes:
/// `DELETE FROM t ...` (also PostgreSQL's `DELETE` that returns the write
/// counters) or `UPDATE t ...`; `None` for a read.
pub fn written_table(sql: &str) -> Option<&str> {
    let rest = sql
        .strip_prefix("DELETE FROM ")
        .or_else(|| sql.strip_prefix("UPDATE "))?;
    rest.split(' ').next()
}

/// `SELECT COUNT(*) FROM "table"`, read with plain sqlx.
pub async fn count<B: TestBackend>(db: &Db<B>, table: &str) -> i64 {
    let mut sql = "SELECT COUNT(*) FROM ".to_owned();
    B::DIALECT.push_identifier(&mut sql, table);
    B::scalar(db, &sql).await
}
