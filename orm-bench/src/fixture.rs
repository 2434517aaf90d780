//! Database files and data: a fresh SQLite file per measurement, opened with
//! the settings under test, filled with plain sqlx outside the timed region.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use orm_sqlite::{Db, SqliteOptions};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Arguments, AssertSqlSafe};

/// Any error a measurement can end with.
pub type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// SQLite's limit on bound parameters per statement (the ORM's chunk size).
pub const MAX_BIND: usize = 32_766;

/// The connection settings every variant runs with.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub journal: SqliteJournalMode,
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
    /// Opens (creating) the file at `path`: foreign keys enforced, the
    /// journal mode and `synchronous` setting under test.
    pub async fn open(&self, path: &Path) -> BenchResult<Db> {
        self.open_with_foreign_keys(path, true).await
    }

    /// As [`open`](Settings::open), with foreign-key enforcement on or off.
    pub async fn open_with_foreign_keys(&self, path: &Path, on: bool) -> BenchResult<Db> {
        let options = SqliteOptions::from_url(&format!("sqlite://{}", path.display()))?
            .foreign_keys(on)
            .journal_mode(self.journal)
            .synchronous(self.synchronous);
        Ok(orm_sqlite::connect_with(options).await?)
    }
}

/// A private directory in the temp dir holding this run's files; removed
/// when dropped.
pub struct Workspace {
    dir: PathBuf,
    next: Cell<usize>,
}

impl Workspace {
    pub fn new() -> BenchResult<Workspace> {
        let dir = std::env::temp_dir().join(format!("orm-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Workspace {
            dir,
            next: Cell::new(0),
        })
    }

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

/// Inserts `count` rows into `table`, as many per statement as the
/// bind-parameter limit allows; `row(i, args)` binds row `i`'s values.
async fn insert_rows(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    count: usize,
    mut row: impl FnMut(usize, &mut SqliteArguments) -> BenchResult<()>,
) -> BenchResult<()> {
    let per_statement = MAX_BIND / columns.len();
    let head = format!(
        "INSERT INTO \"{table}\" (\"{}\") VALUES ",
        columns.join("\", \"")
    );
    let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut start = 0;
    while start < count {
        let end = count.min(start + per_statement);
        let mut sql = head.clone();
        let mut args = SqliteArguments::default();
        for i in start..end {
            if i > start {
                sql.push_str(", ");
            }
            sql.push_str(&tuple);
            row(i, &mut args)?;
        }
        sqlx::query_with(AssertSqlSafe(sql), args)
            .execute(&mut *conn)
            .await?;
        start = end;
    }
    Ok(())
}

/// `parents` parents (ids 1..) each with `children` children (ids 1.. in
/// parent order). With `groups`, the parent table has a `grp` column: the
/// first `groups` parents are in group 1, the rest in group 2.
pub async fn load_family(
    db: &Db,
    parents: usize,
    children: usize,
    groups: Option<usize>,
) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    match groups {
        None => {
            insert_rows(&mut tx, "parent", &["id", "name"], parents, |i, a| {
                a.add(i64::try_from(i + 1)?)?;
                a.add(format!("parent-{i}"))?;
                Ok(())
            })
            .await?;
        }
        Some(first) => {
            insert_rows(
                &mut tx,
                "parent",
                &["id", "grp", "name"],
                parents,
                |i, a| {
                    a.add(i64::try_from(i + 1)?)?;
                    a.add(if i < first { 1_i64 } else { 2 })?;
                    a.add(format!("parent-{i}"))?;
                    Ok(())
                },
            )
            .await?;
        }
    }
    insert_rows(
        &mut tx,
        "child",
        &["id", "name", "parent_id"],
        parents * children,
        |i, a| {
            a.add(i64::try_from(i + 1)?)?;
            a.add(format!("child-{i}"))?;
            a.add(i64::try_from(i / children + 1)?)?;
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One team (id 1) with `heroes` heroes, each with `powers` powers.
pub async fn load_tree(db: &Db, heroes: usize, powers: usize) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows(&mut tx, "team", &["id", "name"], 1, |_, a| {
        a.add(1_i64)?;
        a.add("team")?;
        Ok(())
    })
    .await?;
    insert_rows(
        &mut tx,
        "hero",
        &["id", "name", "team_id"],
        heroes,
        |i, a| {
            a.add(i64::try_from(i + 1)?)?;
            a.add(format!("hero-{i}"))?;
            a.add(1_i64)?;
            Ok(())
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "power",
        &["id", "name", "hero_id"],
        heroes * powers,
        |i, a| {
            a.add(i64::try_from(i + 1)?)?;
            a.add(format!("power-{i}"))?;
            a.add(i64::try_from(i / powers + 1)?)?;
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `n` items, the same rows [`Item::nth`](crate::models::item::Item::nth)
/// builds (ids 1..).
pub async fn load_items(db: &Db, n: usize) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows(
        &mut tx,
        "item",
        &["id", "name", "secret_name", "age", "rating"],
        n,
        |i, a| {
            let item = crate::models::item::Item::nth(i);
            a.add(i64::try_from(i + 1)?)?;
            a.add(item.name)?;
            a.add(item.secret_name)?;
            a.add(item.age)?;
            a.add(item.rating)?;
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `SELECT COUNT(*) FROM <table> [WHERE ...]` with plain sqlx.
pub async fn count(db: &Db, table: &str, filter: &str) -> BenchResult<i64> {
    let sql = format!("SELECT COUNT(*) FROM \"{table}\" {filter}");
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_one(db.pool())
        .await?)
}

/// Fails the run when a measurement left the wrong end state.
pub fn expect(what: &str, got: i64, want: usize) -> BenchResult<()> {
    if usize::try_from(got).ok() == Some(want) {
        Ok(())
    } else {
        Err(format!("wrong end state: {what} = {got}, expected {want}").into())
    }
}
