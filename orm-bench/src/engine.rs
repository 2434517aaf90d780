//! The database a run measures on: SQLite files ([`crate::sqlite`]), a
//! PostgreSQL server ([`crate::postgres`]) or a MySQL / MariaDB server
//! ([`crate::mysql`]). The cases, the fixture and the harness are written
//! once against [`Engine`]; an engine supplies a fresh, empty database per
//! measurement, opens it with the ORM, and carries the hand-written sqlx each
//! baseline needs, in its own SQL dialect (identifier quoting, placeholders).

use std::ffi::OsString;

use orm_core::{Backend, Db};

use crate::fixture::BenchResult;
use crate::models::item::Item;
use crate::models::tree::Hero;

/// The driver connection of engine `E` (what a sqlx transaction derefs to).
pub type Conn<E> = <<<E as Engine>::Backend as Backend>::Database as sqlx::Database>::Connection;

/// One value the fixture loader binds (data is loaded with plain sqlx, outside
/// the timed region; each engine binds these with its own argument type).
#[derive(Debug, Clone)]
pub enum Param {
    /// A `BIGINT` / `INTEGER` key or number.
    Int(i64),
    /// A text column.
    Text(String),
    /// A nullable 32-bit integer (`Item::age`).
    OptInt(Option<i32>),
    /// A double-precision float (`Item::rating`).
    Float(f64),
}

/// A database system under test.
///
/// Everything here runs in one current-thread runtime, so the futures need not
/// be `Send`.
pub trait Engine {
    /// The ORM backend the models run on.
    type Backend: Backend;
    /// Where one measurement's data lives: a file (SQLite), a schema
    /// (PostgreSQL) or a database (MySQL).
    type Place;

    /// The most bind parameters one statement may carry.
    const MAX_BIND: usize;

    /// Prints the run's header: the database, its version and settings.
    async fn print_header(&self, plan: &str) -> BenchResult<()>;

    /// A place no measurement has used yet, empty.
    async fn fresh(&self, label: &str) -> BenchResult<Self::Place>;

    /// Opens `place` with the ORM, foreign keys enforced. On PostgreSQL and
    /// MySQL the pool holds one connection: a measurement's untimed
    /// warm-up then readies (catalog caches, prepared statements) the
    /// connection its timed region uses, as a long-lived application's
    /// connections are; a pool of several would hand the timed region
    /// whichever connection sqlx returned first. SQLite opens its pool as
    /// the ORM does.
    async fn open(&self, place: &Self::Place) -> BenchResult<Db<Self::Backend>> {
        self.open_with_foreign_keys(place, true).await
    }

    /// Opens `place` with the ORM, foreign-key enforcement on or off.
    async fn open_with_foreign_keys(
        &self,
        place: &Self::Place,
        on: bool,
    ) -> BenchResult<Db<Self::Backend>>;

    /// Called once the measurement's tables are created and loaded, outside
    /// the timed region: whatever the database needs so every variant starts
    /// from the same settled state (PostgreSQL: planner statistics, no
    /// autovacuum running into the measurement; MySQL: index statistics;
    /// SQLite: nothing).
    async fn settle(&self, db: &Db<Self::Backend>, tables: &[&str]) -> BenchResult<()>;

    /// Removes `place` and everything in it.
    async fn remove(&self, place: Self::Place) -> BenchResult<()>;

    /// `name` quoted as an identifier in this dialect (`"name"`, or
    /// `` `name` `` on MySQL).
    fn quote(name: &str) -> String;

    /// Appends the placeholder of the `index`-th (1-based) parameter.
    fn push_placeholder(sql: &mut String, index: usize);

    /// Runs one loader statement on `conn` (inside the loader's transaction).
    async fn execute_params(
        conn: &mut Conn<Self>,
        sql: String,
        params: Vec<Param>,
    ) -> BenchResult<()>;

    /// Hand-written sqlx: runs `sql` with one integer bound, on the pool;
    /// returns the rows it changed. Timed.
    async fn execute_int(db: &Db<Self::Backend>, sql: String, value: i64) -> BenchResult<u64>;

    /// The single integer `sql` returns (`SELECT COUNT(*) ...`), with plain sqlx.
    async fn scalar(db: &Db<Self::Backend>, sql: String) -> BenchResult<i64>;

    /// What the ORM's `insert_many` does, written by hand in this dialect.
    /// Timed.
    async fn sqlx_insert(db: &Db<Self::Backend>, items: &mut [Item]) -> BenchResult<()>;

    /// Every item, ordered by key, with `sqlx::query_as`. Timed.
    async fn sqlx_fetch(db: &Db<Self::Backend>) -> BenchResult<Vec<Item>>;

    /// Hand-written sqlx: the heroes `sql` selects (`id`, `name`,
    /// `team_id`), one integer bound per entry of `team_ids`. Timed.
    async fn sqlx_heroes(
        db: &Db<Self::Backend>,
        sql: String,
        team_ids: &[i64],
    ) -> BenchResult<Vec<Hero>>;

    /// Whether SeaORM runs on this engine (SQLite and PostgreSQL: the
    /// `seaorm` feature builds SeaORM's sqlx drivers for those two).
    #[cfg(feature = "seaorm")]
    const SEAORM: bool = false;

    /// A SeaORM connection on `db`'s own pool, where SeaORM runs.
    #[cfg(feature = "seaorm")]
    fn seaorm(_db: &Db<Self::Backend>) -> Option<sea_orm::DatabaseConnection> {
        None
    }

    /// The arguments that make a child process of this binary use the same
    /// engine and settings (for the memory case).
    fn child_args(&self) -> Vec<OsString>;

    /// `place` as a command-line argument, for the memory case's child.
    fn place_arg(place: &Self::Place) -> OsString;

    /// The place named by [`place_arg`](Engine::place_arg), in the child.
    fn place_from_arg(arg: String) -> Self::Place;

    /// A note printed under the memory table: what the numbers include.
    fn memory_note(&self) -> &'static str;
}

/// The columns [`Item`] writes (its key is generated).
pub const ITEM_COLUMNS: usize = 4;

/// The hand-written fetch's statement on SQLite and PostgreSQL (MySQL's, with
/// backticks, is [`crate::mysql::MYSQL_ITEM_SELECT`]).
pub const ITEM_SELECT: &str =
    "SELECT \"id\", \"name\", \"secret_name\", \"age\", \"rating\" FROM \"item\" ORDER BY \"id\"";
