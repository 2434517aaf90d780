//! SQLite files: a fresh file per measurement, opened with the journal mode
//! and `synchronous` setting under test, and the hand-written sqlx baselines
//! in SQLite's dialect (`?` placeholders).

use std::cell::Cell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use orm_sqlite::{Db, Sqlite, SqliteOptions};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Arguments, AssertSqlSafe};

use crate::cases::{SqlxHero, SqlxItem};
use crate::engine::{Engine, ITEM_SELECT, Param};
use crate::fixture::BenchResult;
use crate::models::item::Item;
use crate::models::tree::Hero;

/// SQLite's limit on bound parameters per statement (the ORM's chunk size).
pub const SQLITE_MAX_BIND: usize = 32_766;

/// The connection settings every variant runs with.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `PRAGMA journal_mode`.
    pub journal: SqliteJournalMode,
    /// `PRAGMA synchronous`.
    pub synchronous: SqliteSynchronous,
}

impl Default for Settings {
    /// The ORM's defaults for files: WAL with `synchronous = NORMAL`.
    fn default() -> Self {
        Settings {
            journal: SqliteJournalMode::Wal,
            synchronous: SqliteSynchronous::Normal,
        }
    }
}

impl Settings {
    /// The command-line form of these settings, for a child process.
    fn args(&self) -> Vec<OsString> {
        vec![
            "--journal".into(),
            format!("{:?}", self.journal).to_lowercase().into(),
            "--synchronous".into(),
            format!("{:?}", self.synchronous).to_lowercase().into(),
        ]
    }
}

/// A private directory in the temp dir holding this run's files; removed
/// when dropped.
pub struct Workspace {
    dir: PathBuf,
    next: Cell<usize>,
}

impl Workspace {
    /// Creates `orm-bench-<pid>` in the temp dir.
    pub fn new() -> BenchResult<Workspace> {
        let dir = std::env::temp_dir().join(format!("orm-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Workspace {
            dir,
            next: Cell::new(0),
        })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A path no measurement has used yet.
    pub fn fresh(&self, label: &str) -> PathBuf {
        let n = self.next.get();
        self.next.set(n + 1);
        let path = self.dir.join(format!("{n:04}-{label}.db"));
        remove_database(&path);
        path
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// SQLite files in a private directory, with the settings under test.
pub struct SqliteEngine {
    /// Where the files go (removed at the end of the run).
    pub ws: Workspace,
    /// How every variant opens its file.
    pub settings: Settings,
}

impl SqliteEngine {
    /// A workspace in the temp dir, files opened with `settings`.
    pub fn new(settings: Settings) -> BenchResult<SqliteEngine> {
        Ok(SqliteEngine {
            ws: Workspace::new()?,
            settings,
        })
    }
}

/// Binds `param` with SQLite's argument type.
fn add(args: &mut SqliteArguments, param: Param) -> BenchResult<()> {
    match param {
        Param::Int(v) => args.add(v)?,
        Param::Text(v) => args.add(v)?,
        Param::OptInt(v) => args.add(v)?,
        Param::Float(v) => args.add(v)?,
    }
    Ok(())
}

impl Engine for SqliteEngine {
    type Backend = Sqlite;
    type Place = PathBuf;

    const MAX_BIND: usize = SQLITE_MAX_BIND;

    async fn print_header(&self, plan: &str) -> BenchResult<()> {
        let path = self.ws.fresh("settings");
        let db = self.open(&path).await?;
        let pool = db.pool();
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(pool)
            .await?;
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(pool)
            .await?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(pool)
            .await?;
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(pool)
            .await?;
        let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(pool)
            .await?;
        let cache_size: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(pool)
            .await?;
        db.close().await;
        remove_database(&path);
        let synchronous_name = match synchronous {
            0 => "OFF",
            1 => "NORMAL",
            2 => "FULL",
            3 => "EXTRA",
            _ => "?",
        };
        let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!("orm-bench ({plan} run)");
        println!(
            "SQLite {version}: journal_mode={journal} synchronous={synchronous} ({synchronous_name}) \
             foreign_keys={foreign_keys} page_size={page_size} cache_size={cache_size}"
        );
        println!(
            "{cpus} CPUs; tokio current-thread runtime; pool of the ORM's SqliteOptions for every variant"
        );
        println!(
            "files: {} (a fresh file per measurement; data loaded, file closed and reopened before timing)",
            self.ws.dir().display()
        );
        println!(
            "variants interleaved per repetition (rotating order); times are medians of the timed region only"
        );
        Ok(())
    }

    async fn fresh(&self, label: &str) -> BenchResult<PathBuf> {
        Ok(self.ws.fresh(label))
    }

    async fn open_with_foreign_keys(&self, path: &PathBuf, on: bool) -> BenchResult<Db> {
        let options = SqliteOptions::from_url(&format!("sqlite://{}", path.display()))?
            .foreign_keys(on)
            .journal_mode(self.settings.journal)
            .synchronous(self.settings.synchronous);
        Ok(orm_sqlite::connect_with(options).await?)
    }

    async fn settle(&self, _db: &Db, _tables: &[&str]) -> BenchResult<()> {
        // Closing the file (which the cases do next) checkpoints the WAL.
        Ok(())
    }

    async fn remove(&self, path: PathBuf) -> BenchResult<()> {
        remove_database(&path);
        Ok(())
    }

    fn quote(name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }

    fn push_placeholder(sql: &mut String, _index: usize) {
        sql.push('?');
    }

    async fn execute_params(
        conn: &mut SqliteConnection,
        sql: String,
        params: Vec<Param>,
    ) -> BenchResult<()> {
        let mut args = SqliteArguments::default();
        for param in params {
            add(&mut args, param)?;
        }
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(conn)
            .await?;
        Ok(())
    }

    async fn execute_int(db: &Db, sql: String, value: i64) -> BenchResult<u64> {
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(value)
            .execute(db.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn scalar(db: &Db, sql: String) -> BenchResult<i64> {
        Ok(sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(db.pool())
            .await?)
    }

    async fn sqlx_insert(db: &Db, items: &mut [Item]) -> BenchResult<()> {
        crate::cases::sqlx_insert(db, items).await
    }

    async fn sqlx_fetch(db: &Db) -> BenchResult<Vec<Item>> {
        Ok(sqlx::query_as::<_, SqlxItem>(ITEM_SELECT)
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|row| row.0)
            .collect())
    }

    async fn sqlx_heroes(db: &Db, sql: String, team_ids: &[i64]) -> BenchResult<Vec<Hero>> {
        let mut query = sqlx::query_as::<_, SqlxHero>(AssertSqlSafe(sql));
        for id in team_ids {
            query = query.bind(*id);
        }
        Ok(query
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .map(|row| row.0)
            .collect())
    }

    #[cfg(feature = "seaorm")]
    const SEAORM: bool = true;

    #[cfg(feature = "seaorm")]
    fn seaorm(db: &Db) -> Option<sea_orm::DatabaseConnection> {
        Some(crate::seaorm::on_sqlite(db.pool()))
    }

    fn child_args(&self) -> Vec<OsString> {
        self.settings.args()
    }

    fn place_arg(path: &PathBuf) -> OsString {
        path.clone().into_os_string()
    }

    fn place_from_arg(arg: String) -> PathBuf {
        PathBuf::from(arg)
    }

    fn memory_note(&self) -> &'static str {
        "(with foreign keys enforced SQLite itself collects the rowids of the rows a DELETE removes, \
         ~24 bytes per row, whoever sends the DELETE)"
    }
}
