//! Crash consistency: a child process (`src/bin/crash_child.rs`) runs the
//! ORM's cascade delete of a large tree and is killed with SIGKILL at a
//! random moment; afterwards the cascade is either entirely there or
//! entirely gone, never partly, and the database is intact.
//!
//! Shapes: `wide` (1 parent × 1,000,000 children) and `tree` (1 root ×
//! 1,000 branches × 1,000 leaves). Configurations:
//!
//! * SQLite, WAL journal; SQLite, rollback journal (`journal_mode =
//!   DELETE`); SQLite, WAL with foreign keys **off** (only the ORM keeps the
//!   children consistent). After each kill: exact row counts,
//!   `PRAGMA integrity_check` = `ok`, `PRAGMA foreign_key_check` empty.
//! * PostgreSQL on a private server (`orm_tests::private_server`), the
//!   client killed; and the server shut down with `pg_ctl stop -m
//!   immediate` while the client deletes, then restarted (crash recovery).
//!   After each: exact row counts, no orphans (anti-joins), `amcheck`'s
//!   `bt_index_check` on every index. Reported as ignored, with the reason,
//!   when the PostgreSQL binaries are missing.
//!
//! Each configuration first runs the delete once without a kill to measure
//! how long the cascade takes on this machine, then kills at delays spread
//! over 0 ..= 1.3 × that time (stratified, from a seeded RNG: set
//! `ORM_CRASH_SEED` to repeat a run's delays, `ORM_CRASH_RUNS` for more
//! runs than 10). The test fails unless at least one kill per configuration
//! landed after the transaction had written (a non-empty journal / WAL on
//! SQLite, a `DELETE` with a transaction id on PostgreSQL) and before it
//! committed, so that it could fail.
//!
//! ```text
//! cargo test -p orm-tests --test crash               # both trials
//! cargo test -p orm-tests --test crash -- sqlite     # one
//! ```

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use orm_tests::private_server::PrivatePostgres;
use sqlx::{ConnectOptions, Connection, Row};

/// The child program, built by Cargo for this test.
const CHILD: &str = env!("CARGO_BIN_EXE_crash_child");

/// How the cascade of a shape looks: its tables with their row counts, root
/// first, and its foreign keys `(table, column, referenced table)`.
struct Shape {
    name: &'static str,
    tables: &'static [(&'static str, i64)],
    links: &'static [(&'static str, &'static str, &'static str)],
}

const WIDE: Shape = Shape {
    name: "wide",
    tables: &[("crash_parent", 1), ("crash_child", 1_000_000)],
    links: &[("crash_child", "parent_id", "crash_parent")],
};

const TREE: Shape = Shape {
    name: "tree",
    tables: &[
        ("crash_root", 1),
        ("crash_branch", 1_000),
        ("crash_leaf", 1_000_000),
    ],
    links: &[
        ("crash_branch", "root_id", "crash_root"),
        ("crash_leaf", "branch_id", "crash_branch"),
    ],
};

/// Kills per configuration (`ORM_CRASH_RUNS`, at least 10).
fn runs_per_config() -> usize {
    std::env::var("ORM_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .max(10)
}

/// Kill delays reach this multiple of the measured cascade time, so some
/// kills land after the commit.
const SPREAD: f64 = 1.3;

/// SplitMix64: a small seeded generator for the kill delays.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The seed of the delays: `ORM_CRASH_SEED`, or one from the clock.
fn seed() -> u64 {
    std::env::var("ORM_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

/// `n` delays, one in each of `n` equal slices of `0 ..= SPREAD × cascade`.
fn delays(rng: &mut Rng, cascade: Duration, n: usize) -> Vec<Duration> {
    let total = cascade.as_secs_f64() * SPREAD;
    (0..n)
        .map(|i| Duration::from_secs_f64(total * (i as f64 + rng.unit()) / n as f64))
        .collect()
}

/// What a kill left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Every row of the cascade is there.
    Present,
    /// The root and every descendant are gone.
    Gone,
}

/// `Present` or `Gone` from the row counts of a shape's tables; anything
/// else is a partial cascade, an error.
fn classify(shape: &Shape, counts: &[i64]) -> Result<Outcome, String> {
    let full: Vec<i64> = shape.tables.iter().map(|(_, n)| *n).collect();
    if counts == full.as_slice() {
        Ok(Outcome::Present)
    } else if counts.iter().all(|&n| n == 0) {
        Ok(Outcome::Gone)
    } else {
        let tables: Vec<String> = shape
            .tables
            .iter()
            .zip(counts)
            .map(|((t, n), c)| format!("{t}: {c} of {n}"))
            .collect();
        Err(format!("partial cascade: {}", tables.join(", ")))
    }
}

/// One killed run.
struct Run {
    delay: Duration,
    outcome: Outcome,
    /// The transaction had written when it was killed (see the module docs).
    mid_write: bool,
    /// The child had finished on its own before the kill.
    finished: bool,
}

/// The runs of one configuration, printed as one line.
struct Summary {
    name: String,
    cascade: Duration,
    runs: Vec<Run>,
    elapsed: Duration,
}

impl Summary {
    fn count(&self, f: impl Fn(&Run) -> bool) -> usize {
        self.runs.iter().filter(|r| f(r)).count()
    }

    fn line(&self) -> String {
        let present = self.count(|r| r.outcome == Outcome::Present);
        let rolled_back = self.count(|r| r.outcome == Outcome::Present && r.mid_write);
        let gone = self.count(|r| r.outcome == Outcome::Gone);
        let finished = self.count(|r| r.finished);
        let mut delays = String::new();
        for r in &self.runs {
            let mark = match (r.outcome, r.mid_write) {
                (Outcome::Gone, _) => 'G',
                (Outcome::Present, true) => 'R',
                (Outcome::Present, false) => 'P',
            };
            let _ = write!(delays, " {:.0}{mark}", r.delay.as_secs_f64() * 1e3);
        }
        format!(
            "crash {}: cascade {:.0} ms; {} kills: {present} all present ({rolled_back} of them \
             rolled back after writing), {gone} all gone ({finished} had finished); \
             kills at ms [{} ] (R rolled back, P present, G gone); {:.1} s",
            self.name,
            self.cascade.as_secs_f64() * 1e3,
            self.runs.len(),
            delays.trim_start(),
            self.elapsed.as_secs_f64()
        )
    }

    /// The test could fail only if some kill interrupted a transaction that
    /// had written.
    fn check(&self) -> Result<(), String> {
        if self.count(|r| r.outcome == Outcome::Present && r.mid_write) == 0 {
            return Err(format!(
                "crash {}: no kill landed while the transaction was writing",
                self.name
            ));
        }
        Ok(())
    }
}

/// A running `crash_child delete`, past its `deleting` line.
struct Deleting {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// When `deleting` was read.
    started: Instant,
}

/// Runs `crash_child` to completion (setup); its output on failure.
fn run_child(args: &[&str]) -> Result<String, String> {
    let output = Command::new(CHILD)
        .args(args)
        .output()
        .map_err(|e| format!("{CHILD}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!(
            "crash_child {args:?}: {}\n{stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(stdout)
}

/// Starts `crash_child delete ...` and waits for its `deleting` line.
fn start_delete(args: &[&str]) -> Result<Deleting, String> {
    let mut child = Command::new(CHILD)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{CHILD}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    loop {
        line.clear();
        let n = stdout.read_line(&mut line).map_err(|e| e.to_string())?;
        if n == 0 {
            let status = child.wait().map_err(|e| e.to_string())?;
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut stderr);
            }
            return Err(format!(
                "crash_child {args:?} ended ({status}) before deleting: {stderr}"
            ));
        }
        if line.trim() == "deleting" {
            return Ok(Deleting {
                child,
                stdout,
                started: Instant::now(),
            });
        }
    }
}

impl Deleting {
    /// Lets the delete run to its end: how long it took from `deleting` to
    /// `deleted` (the commit).
    fn finish(mut self) -> Result<Duration, String> {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let took = self.started.elapsed();
        let mut rest = String::new();
        let _ = self.stdout.read_to_string(&mut rest);
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if !line.starts_with("deleted") || !status.success() {
            let mut stderr = String::new();
            if let Some(mut e) = self.child.stderr.take() {
                let _ = e.read_to_string(&mut stderr);
            }
            return Err(format!(
                "the delete failed ({status}): {line}{rest}{stderr}"
            ));
        }
        Ok(took)
    }

    /// Sleeps until `delay` after `deleting`.
    fn sleep_until(&self, delay: Duration) {
        let at = self.started + delay;
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }

    /// SIGKILL, then reaps the child: whether it had finished the delete
    /// on its own (exit status 0).
    fn kill(mut self) -> Result<bool, String> {
        let _ = self.child.kill();
        let status = self.child.wait().map_err(|e| e.to_string())?;
        Ok(status.success())
    }
}

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Result<Self, String> {
        let path = std::env::temp_dir().join(format!("orm-crash-{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------- SQLite

/// A SQLite configuration.
struct SqliteConfig {
    shape: &'static Shape,
    /// `wal` or `delete`.
    journal: &'static str,
    foreign_keys: bool,
}

impl SqliteConfig {
    fn name(&self) -> String {
        format!(
            "sqlite {} journal{} {}",
            self.journal.to_uppercase(),
            if self.foreign_keys {
                ""
            } else {
                " foreign keys off"
            },
            self.shape.name
        )
    }
}

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// A fresh copy of a cleanly closed seed database (no `-wal`, no journal).
fn fresh_copy(seed: &Path, run: &Path) -> Result<(), String> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(sidecar(run, suffix));
    }
    std::fs::copy(seed, run).map_err(|e| format!("copy {}: {e}", seed.display()))?;
    Ok(())
}

/// Reopens the database (SQLite recovers the WAL or rolls back a hot
/// journal), checks it and tells what is left of the cascade.
async fn check_sqlite(path: &Path, shape: &Shape) -> Result<Outcome, String> {
    let err = |e: sqlx::Error| format!("{}: {e}", path.display());
    // No journal_mode: the file keeps its own.
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .disable_statement_logging()
        .connect()
        .await
        .map_err(err)?;
    let mut counts = Vec::new();
    for (table, _) in shape.tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .map_err(err)?;
        counts.push(n);
    }
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(err)?;
    let violations = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .map_err(err)?;
    conn.close().await.map_err(err)?;
    if integrity != ["ok"] {
        return Err(format!("integrity_check: {integrity:?}"));
    }
    if !violations.is_empty() {
        let first: Option<String> = violations.first().and_then(|r| r.try_get(0).ok());
        return Err(format!(
            "foreign_key_check: {} violations (first in {first:?})",
            violations.len()
        ));
    }
    classify(shape, &counts)
}

/// Seeds `seed-<shape>-wal.db` with the ORM, and a rollback-journal copy.
fn seed_sqlite(rt: &tokio::runtime::Runtime, dir: &Path, shape: &Shape) -> Result<(), String> {
    let wal = dir.join(format!("seed-{}-wal.db", shape.name));
    let url = format!("sqlite://{}", wal.display());
    run_child(&["setup", &url, shape.name])?;
    let delete = dir.join(format!("seed-{}-delete.db", shape.name));
    std::fs::copy(&wal, &delete).map_err(|e| e.to_string())?;
    rt.block_on(async {
        let err = |e: sqlx::Error| e.to_string();
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&delete)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
            .connect()
            .await
            .map_err(err)?;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .map_err(err)?;
        conn.close().await.map_err(err)?;
        if mode != "delete" {
            return Err(format!("journal_mode is {mode}"));
        }
        Ok(())
    })
}

fn sqlite_config(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    config: &SqliteConfig,
    rng: &mut Rng,
) -> Result<Summary, String> {
    let begun = Instant::now();
    let name = config.name();
    let shape = config.shape;
    let seed = dir.join(format!("seed-{}-{}.db", shape.name, config.journal));
    let run = dir.join("run.db");
    let url = format!("sqlite://{}", run.display());
    let foreign_keys = if config.foreign_keys { "on" } else { "off" };
    let args = [
        "delete",
        url.as_str(),
        shape.name,
        "--journal",
        config.journal,
        "--foreign-keys",
        foreign_keys,
    ];
    let context = |e: String| format!("crash {name}: {e}");

    // Once without a kill: how long the cascade takes here.
    fresh_copy(&seed, &run)?;
    let cascade = start_delete(&args)?.finish().map_err(context)?;
    if rt.block_on(check_sqlite(&run, shape)).map_err(context)? != Outcome::Gone {
        return Err(context(
            "the delete ran to its end and left the cascade".into(),
        ));
    }

    let mut runs = Vec::new();
    for delay in delays(rng, cascade, runs_per_config()) {
        fresh_copy(&seed, &run)?;
        let deleting = start_delete(&args).map_err(context)?;
        deleting.sleep_until(delay);
        let finished = deleting.kill().map_err(context)?;
        // Written and not committed: a hot journal, or WAL frames.
        let journal = file_len(&sidecar(&run, "-journal")) + file_len(&sidecar(&run, "-wal"));
        let outcome = rt.block_on(check_sqlite(&run, shape)).map_err(|e| {
            context(format!(
                "killed {:.0} ms after `deleting`: {e}",
                delay.as_secs_f64() * 1e3
            ))
        })?;
        runs.push(Run {
            delay,
            outcome,
            mid_write: journal > 0,
            finished,
        });
    }
    Ok(Summary {
        name,
        cascade,
        runs,
        elapsed: begun.elapsed(),
    })
}

fn sqlite_trial() -> Result<(), Failed> {
    let rt = runtime()?;
    let dir = TempDir::new("sqlite")?;
    let seed_value = seed();
    let mut rng = Rng(seed_value);
    println!("crash sqlite: ORM_CRASH_SEED={seed_value}");
    let begun = Instant::now();
    seed_sqlite(&rt, &dir.0, &WIDE)?;
    seed_sqlite(&rt, &dir.0, &TREE)?;
    println!(
        "crash sqlite: seeded both shapes with insert_many in {:.1} s",
        begun.elapsed().as_secs_f64()
    );
    let configs = [
        SqliteConfig {
            shape: &WIDE,
            journal: "wal",
            foreign_keys: true,
        },
        SqliteConfig {
            shape: &TREE,
            journal: "wal",
            foreign_keys: true,
        },
        SqliteConfig {
            shape: &WIDE,
            journal: "delete",
            foreign_keys: true,
        },
        SqliteConfig {
            shape: &TREE,
            journal: "delete",
            foreign_keys: true,
        },
        SqliteConfig {
            shape: &TREE,
            journal: "wal",
            foreign_keys: false,
        },
    ];
    let mut failures = Vec::new();
    for config in &configs {
        match sqlite_config(&rt, &dir.0, config, &mut rng) {
            Ok(summary) => {
                println!("{}", summary.line());
                if let Err(e) = summary.check() {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(e),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}

// ------------------------------------------------------------ PostgreSQL

/// How a PostgreSQL run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PgCrash {
    /// SIGKILL to the client; the server stays up.
    KillClient,
    /// `pg_ctl stop -m immediate` while the client deletes, then a restart.
    StopServer,
}

/// The database each run deletes in (a copy of the seed database).
const PG_RUN_DB: &str = "crash_run";

async fn pg_connect(url: &str) -> Result<sqlx::PgConnection, String> {
    use std::str::FromStr;
    sqlx::postgres::PgConnectOptions::from_str(url)
        .map_err(|e| e.to_string())?
        .disable_statement_logging()
        .connect()
        .await
        .map_err(|e| format!("{url}: {e}"))
}

/// Runs statements on the server's `postgres` database.
async fn pg_admin(admin_url: &str, statements: &[String]) -> Result<(), String> {
    let mut conn = pg_connect(admin_url).await?;
    for sql in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut conn)
            .await
            .map_err(|e| format!("{sql}: {e}"))?;
    }
    conn.close().await.map_err(|e| e.to_string())
}

/// A fresh run database: a file copy of the seed database.
async fn pg_fresh_run_db(admin_url: &str, shape: &Shape) -> Result<(), String> {
    pg_admin(
        admin_url,
        &[
            format!("DROP DATABASE IF EXISTS {PG_RUN_DB} WITH (FORCE)"),
            format!(
                "CREATE DATABASE {PG_RUN_DB} TEMPLATE crash_seed_{} STRATEGY FILE_COPY",
                shape.name
            ),
        ],
    )
    .await
}

/// Whether the child's transaction is in (or past) a `DELETE` and has a
/// transaction id: it has written and not committed.
async fn pg_writing(admin_url: &str) -> Result<bool, String> {
    let mut conn = pg_connect(admin_url).await?;
    let writing: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM pg_stat_activity WHERE datname = $1 \
         AND backend_xid IS NOT NULL \
         AND query LIKE 'DELETE%'",
    )
    .bind(PG_RUN_DB)
    .fetch_one(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    conn.close().await.map_err(|e| e.to_string())?;
    Ok(writing)
}

/// Waits until no session is left on the run database: a killed client's
/// backend finishes its statement before it notices, and only then rolls
/// back.
async fn pg_wait_idle(admin_url: &str) -> Result<(), String> {
    let mut conn = pg_connect(admin_url).await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let sessions: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1")
                .bind(PG_RUN_DB)
                .fetch_one(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
        if sessions == 0 {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("{sessions} sessions still on {PG_RUN_DB}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    conn.close().await.map_err(|e| e.to_string())
}

/// Counts, no orphans (anti-joins), every index structurally sound
/// (`amcheck`), then what is left of the cascade.
async fn check_pg(url: &str, shape: &Shape) -> Result<Outcome, String> {
    let mut conn = pg_connect(url).await?;
    let err = |e: sqlx::Error| e.to_string();
    let mut counts = Vec::new();
    for (table, _) in shape.tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .map_err(err)?;
        counts.push(n);
    }
    for (table, column, parent) in shape.links {
        let orphans: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} AS c WHERE NOT EXISTS \
             (SELECT 1 FROM {parent} AS p WHERE p.id = c.{column})"
        )))
        .fetch_one(&mut conn)
        .await
        .map_err(err)?;
        if orphans != 0 {
            return Err(format!("{orphans} rows of {table} reference no {parent}"));
        }
    }
    let tables: Vec<String> = shape.tables.iter().map(|(t, _)| (*t).to_owned()).collect();
    let checked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT bt_index_check(i.indexrelid) FROM pg_index AS i \
         JOIN pg_class AS t ON t.oid = i.indrelid WHERE t.relname = ANY($1)) AS checked",
    )
    .bind(&tables)
    .fetch_one(&mut conn)
    .await
    .map_err(|e| format!("amcheck: {e}"))?;
    conn.close().await.map_err(err)?;
    // A primary key and a foreign-key index per table but the root.
    let indexes = 2 * shape.tables.len() as i64 - 1;
    if checked < indexes {
        return Err(format!(
            "amcheck checked {checked} indexes, expected {indexes}"
        ));
    }
    classify(shape, &counts)
}

/// Seeds `crash_seed_<shape>` for every shape, in parallel.
fn seed_postgres(rt: &tokio::runtime::Runtime, base: &str, admin_url: &str) -> Result<(), String> {
    let mut setups = Vec::new();
    for shape in [&WIDE, &TREE] {
        let db = format!("crash_seed_{}", shape.name);
        rt.block_on(pg_admin(admin_url, &[format!("CREATE DATABASE {db}")]))?;
        let url = format!("{base}/{db}");
        let child = Command::new(CHILD)
            .args(["setup", &url, shape.name, "--seed", "sql"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{CHILD}: {e}"))?;
        setups.push((url, child));
    }
    for (url, child) in setups {
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!(
                "crash_child setup {url}: {}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        rt.block_on(async {
            let mut conn = pg_connect(&url).await?;
            // One statement each: a multi-statement string is one
            // (implicit) transaction, and VACUUM refuses to run in one.
            for sql in ["CREATE EXTENSION IF NOT EXISTS amcheck", "VACUUM ANALYZE"] {
                sqlx::raw_sql(sql)
                    .execute(&mut conn)
                    .await
                    .map_err(|e| format!("{sql}: {e}"))?;
            }
            conn.close().await.map_err(|e| e.to_string())
        })?;
    }
    // Crash recovery starts from here.
    rt.block_on(pg_admin(admin_url, &["CHECKPOINT".to_owned()]))
}

fn pg_config(
    rt: &tokio::runtime::Runtime,
    server: &PrivatePostgres,
    shape: &'static Shape,
    crash: PgCrash,
    rng: &mut Rng,
) -> Result<Summary, String> {
    let begun = Instant::now();
    let name = format!(
        "postgres {} {}",
        match crash {
            PgCrash::KillClient => "client killed",
            PgCrash::StopServer => "server stopped -m immediate",
        },
        shape.name
    );
    let admin_url = server.url();
    let base = admin_url.trim_end_matches("/postgres");
    let url = format!("{base}/{PG_RUN_DB}");
    let args = ["delete", url.as_str(), shape.name];
    let context = |e: String| format!("crash {name}: {e}");

    // Once without a crash: how long the cascade takes here.
    rt.block_on(pg_fresh_run_db(&admin_url, shape))
        .map_err(context)?;
    let cascade = start_delete(&args)?.finish().map_err(context)?;
    rt.block_on(pg_wait_idle(&admin_url)).map_err(context)?;
    if rt.block_on(check_pg(&url, shape)).map_err(context)? != Outcome::Gone {
        return Err(context(
            "the delete ran to its end and left the cascade".into(),
        ));
    }

    let mut runs = Vec::new();
    let mut intact = false;
    for delay in delays(rng, cascade, runs_per_config()) {
        if !intact {
            rt.block_on(pg_fresh_run_db(&admin_url, shape))
                .map_err(context)?;
        }
        let deleting = start_delete(&args).map_err(context)?;
        deleting.sleep_until(delay);
        let mid_write = rt.block_on(pg_writing(&admin_url)).map_err(context)?;
        let finished = match crash {
            PgCrash::KillClient => deleting.kill().map_err(context)?,
            PgCrash::StopServer => {
                server
                    .stop_immediate()
                    .map_err(|e| context(e.to_string()))?;
                let finished = deleting.kill().map_err(context)?;
                server.restart().map_err(|e| context(e.to_string()))?;
                finished
            }
        };
        rt.block_on(pg_wait_idle(&admin_url)).map_err(context)?;
        let outcome = rt.block_on(check_pg(&url, shape)).map_err(|e| {
            context(format!(
                "crashed {:.0} ms after `deleting`: {e}",
                delay.as_secs_f64() * 1e3
            ))
        })?;
        intact = outcome == Outcome::Present;
        runs.push(Run {
            delay,
            outcome,
            mid_write,
            finished,
        });
    }
    Ok(Summary {
        name,
        cascade,
        runs,
        elapsed: begun.elapsed(),
    })
}

fn postgres_trial() -> Result<Completion, Failed> {
    if let Err(reason) = PrivatePostgres::available() {
        println!("crash postgres: SKIPPED: {reason}");
        return Ok(Completion::ignored_with(reason));
    }
    let rt = runtime()?;
    let begun = Instant::now();
    let server = PrivatePostgres::start()?;
    let admin_url = server.url();
    let base = admin_url.trim_end_matches("/postgres").to_owned();
    let seed_value = seed() ^ 0x5bd1_e995;
    let mut rng = Rng(seed_value);
    println!(
        "crash postgres: ORM_CRASH_SEED={seed_value} (private server on port {})",
        server.port()
    );
    seed_postgres(&rt, &base, &admin_url)?;
    println!(
        "crash postgres: started a private server and seeded both shapes in {:.1} s",
        begun.elapsed().as_secs_f64()
    );
    let mut failures = Vec::new();
    for (shape, crash) in [
        (&WIDE, PgCrash::KillClient),
        (&TREE, PgCrash::KillClient),
        (&WIDE, PgCrash::StopServer),
        (&TREE, PgCrash::StopServer),
    ] {
        match pg_config(&rt, &server, shape, crash, &mut rng) {
            Ok(summary) => {
                println!("{}", summary.line());
                if let Err(e) = summary.check() {
                    failures.push(e);
                }
            }
            Err(e) => failures.push(e),
        }
    }
    if failures.is_empty() {
        Ok(Completion::Completed)
    } else {
        Err(failures.join("\n").into())
    }
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let trials = vec![
        Trial::test("crash::sqlite", sqlite_trial),
        Trial::ignorable_test("crash::postgres", postgres_trial),
    ];
    libtest_mimic::run(&args, trials).exit_code()
}
