//! Peak memory of one delete, measured in a child process of this binary:
//! the parent loads the database (a file, a schema, or a MySQL database);
//! the child opens it, warms up, reads its peak resident set (`VmHWM`),
//! deletes, and reads it again. The growth is what the delete itself held at
//! its peak, in the client process (on PostgreSQL and MySQL the server's
//! memory is not included).

use std::process::Command;
use std::time::Instant;

use orm_core::{Executor, Model};

use crate::cases::{Who, delete_sql};
use crate::engine::Engine;
use crate::fixture::{self, BenchResult, count, expect};
use crate::models::cascade;

/// What the child process reports.
pub struct MemorySample {
    /// Peak RSS after the warm-up, before the delete.
    pub before_kib: u64,
    /// Peak RSS after the delete.
    pub after_kib: u64,
    /// How long the delete took.
    pub secs: f64,
}

impl MemorySample {
    /// How much the peak grew during the delete.
    pub fn growth_kib(&self) -> u64 {
        self.after_kib.saturating_sub(self.before_kib)
    }
}

/// This process's peak resident set size (`VmHWM`), in KiB.
fn peak_rss_kib() -> BenchResult<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or("no VmHWM in /proc/self/status")?;
    let kib = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()?;
    Ok(kib)
}

/// The prefix of the child's one line of output.
const CHILD_TAG: &str = "MEMORY-CHILD";

/// Loads one parent with `n` children (cascade schema), then deletes it in a
/// child process with `who` (`orm` or `sqlx`), foreign keys enforced or not.
pub async fn measure<E: Engine>(
    engine: &E,
    who: Who,
    n: usize,
    foreign_keys: bool,
) -> BenchResult<MemorySample> {
    let place = engine.fresh(&format!("memory-{}-{n}", who.label())).await?;
    let db = engine.open(&place).await?;
    db.create_all(&[cascade::Parent::TABLE, cascade::Child::TABLE])
        .await?;
    fixture::load_family::<E>(&db, 1, n, None).await?;
    engine.settle(&db, &["parent", "child"]).await?;
    db.close().await;

    let output = Command::new(std::env::current_exe()?)
        .args(engine.child_args())
        .arg("--memory-child")
        .arg(who.label())
        .arg(E::place_arg(&place))
        .arg(n.to_string())
        .arg(if foreign_keys { "fk-on" } else { "fk-off" })
        .output();
    engine.remove(place).await?;
    let output = output?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "memory child failed ({}): {stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix(CHILD_TAG))
        .ok_or_else(|| format!("no {CHILD_TAG} line in: {stdout}"))?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    match fields.as_slice() {
        [before, after, secs] => Ok(MemorySample {
            before_kib: before.parse()?,
            after_kib: after.parse()?,
            secs: secs.parse()?,
        }),
        _ => Err(format!("malformed {CHILD_TAG} line: {line}").into()),
    }
}

/// The child process: delete parent 1 of `place` (which has `n` children)
/// and print the peak RSS before and after.
pub async fn child<E: Engine>(
    engine: &E,
    who: Who,
    place: &E::Place,
    n: usize,
    foreign_keys: bool,
) -> BenchResult<()> {
    let db = engine.open_with_foreign_keys(place, foreign_keys).await?;
    let parent: cascade::Parent = db.get(1_i64).await?;
    expect("children before", count::<E>(&db, "child", "").await?, n)?;
    let sql = delete_sql::<E>("parent", "id");
    let before = peak_rss_kib()?;
    let start = Instant::now();
    match who {
        Who::Orm => {
            db.delete(parent).await?;
        }
        Who::Sqlx => {
            E::execute_int(&db, sql, 1).await?;
        }
        _ => return Err("the memory case compares `orm` with `sqlx`".into()),
    }
    let secs = start.elapsed().as_secs_f64();
    let after = peak_rss_kib()?;
    expect("children after", count::<E>(&db, "child", "").await?, 0)?;
    db.close().await;
    println!("{CHILD_TAG} {before} {after} {secs:.6}");
    Ok(())
}
