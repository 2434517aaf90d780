//! The child process of the crash test (`tests/tests/crash.rs`): seeds a
//! database with a large cascade, or runs the ORM's cascade delete of its
//! root, and is killed with SIGKILL somewhere in the middle.
//!
//! ```text
//! crash_child setup  <url> <shape> [options]   # seeds (tables created first)
//! crash_child delete <url> <shape> [options]   # prints `deleting`, then deletes the root
//! ```
//!
//! Shapes: `wide` (1 parent × 1,000,000 children), `tree` (1 root × 1,000
//! branches × 1,000 leaves). Sizes can be changed with `--children N`
//! (wide) or `--fanout N` (tree: N branches × N leaves) for quick local runs.
//!
//! Options: `--journal wal|delete` (SQLite's journal mode, `wal` by
//! default), `--foreign-keys on|off` (SQLite: with `off` only the ORM keeps
//! the children consistent), `--seed orm|sql` (setup: the ORM's
//! `insert_many`, the default, or one `INSERT ... SELECT` over a recursive
//! CTE / `generate_series`).
//!
//! With `CRASH_CHILD_ECHO` set, every statement is printed (`echo_sql`).
//!
//! The delete is executed by the ORM's planner (`cascade_delete`, not
//! `passive_deletes`): one `DELETE` per table, leaves first, in one
//! transaction.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use orm_core::prelude::*;

/// The parent of the wide shape.
#[derive(Model, Debug, Clone)]
pub struct CrashParent {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<CrashChild>,
}

/// One of the 1,000,000 children of the wide shape.
#[derive(Model, Debug, Clone)]
pub struct CrashChild {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "crash_parent.id", ondelete = "CASCADE")]
    pub parent_id: i64,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<CrashParent>,
}

/// The root of the tree shape.
#[derive(Model, Debug, Clone)]
pub struct CrashRoot {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[relationship(back_populates = "root", cascade_delete)]
    pub branches: HasMany<CrashBranch>,
}

/// The middle level of the tree shape.
#[derive(Model, Debug, Clone)]
pub struct CrashBranch {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "crash_root.id", ondelete = "CASCADE")]
    pub root_id: i64,
    #[relationship(back_populates = "branches")]
    pub root: BelongsTo<CrashRoot>,
    #[relationship(back_populates = "branch", cascade_delete)]
    pub leaves: HasMany<CrashLeaf>,
}

/// The bottom level of the tree shape.
#[derive(Model, Debug, Clone)]
pub struct CrashLeaf {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "crash_branch.id", ondelete = "CASCADE")]
    pub branch_id: i64,
    #[relationship(back_populates = "leaves")]
    pub branch: BelongsTo<CrashBranch>,
}

/// What the command line asks for.
struct Args {
    mode: String,
    url: String,
    shape: String,
    journal: String,
    foreign_keys: bool,
    seed_sql: bool,
    children: i64,
    fanout: i64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: crash_child setup|delete <url> wide|tree [--journal wal|delete] \
                 [--foreign-keys on|off] [--seed orm|sql] [--children N] [--fanout N]";
    let mode = args.next().ok_or(usage)?;
    let url = args.next().ok_or(usage)?;
    let shape = args.next().ok_or(usage)?;
    let mut parsed = Args {
        mode,
        url,
        shape,
        journal: "wal".into(),
        foreign_keys: true,
        seed_sql: false,
        children: 1_000_000,
        fanout: 1_000,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(usage)?;
        match flag.as_str() {
            "--journal" => parsed.journal = value,
            "--foreign-keys" => parsed.foreign_keys = value == "on",
            "--seed" => parsed.seed_sql = value == "sql",
            "--children" => parsed.children = value.parse().map_err(|_| usage)?,
            "--fanout" => parsed.fanout = value.parse().map_err(|_| usage)?,
            _ => return Err(usage.into()),
        }
    }
    if !matches!(parsed.mode.as_str(), "setup" | "delete")
        || !matches!(parsed.shape.as_str(), "wide" | "tree")
        || !matches!(parsed.journal.as_str(), "wal" | "delete")
    {
        return Err(usage.into());
    }
    Ok(parsed)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if std::env::var_os("CRASH_CHILD_ECHO").is_some() {
        orm_core::echo_sql();
    }
    let result = if args.url.starts_with("postgres") {
        let options = orm_postgres::PgOptions::from_url(&args.url).map(|o| o.max_connections(1));
        match options {
            Ok(options) => match orm_postgres::connect_with(options).await {
                Ok(db) => run(&db, &args).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    } else {
        match sqlite_options(&args) {
            Ok(options) => match orm_sqlite::connect_with(options).await {
                Ok(db) => run(&db, &args).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash_child: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One connection, the journal mode and foreign-key setting asked for.
fn sqlite_options(args: &Args) -> Result<orm_sqlite::SqliteOptions, Error> {
    let mut options = orm_sqlite::SqliteOptions::from_url(&args.url)?
        .foreign_keys(args.foreign_keys)
        .max_connections(1);
    if args.journal == "delete" {
        // `SqliteOptions::journal_mode` takes sqlx's enum, and sqlx is not a
        // dependency of this program: set the same pragma by name.
        let sqlx_options = options.sqlx_options();
        *sqlx_options = std::mem::take(sqlx_options).pragma("journal_mode", "DELETE");
    }
    Ok(options)
}

/// Prints a line at once (the parent process waits for it).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

async fn run<B: Backend>(db: &Db<B>, args: &Args) -> Result<(), Error> {
    let started = Instant::now();
    match (args.mode.as_str(), args.shape.as_str()) {
        ("setup", "wide") => setup_wide(db, args).await?,
        ("setup", _) => setup_tree(db, args).await?,
        (_, "wide") => {
            let parent: CrashParent = db.get(1i64).await?;
            say("deleting");
            let report = db.delete(parent).await?;
            say(&format!(
                "deleted {} children, {} parent",
                report.deleted(CrashChild::TABLE.name),
                report.deleted(CrashParent::TABLE.name)
            ));
        }
        _ => {
            let root: CrashRoot = db.get(1i64).await?;
            say("deleting");
            let report = db.delete(root).await?;
            say(&format!(
                "deleted {} leaves, {} branches, {} root",
                report.deleted(CrashLeaf::TABLE.name),
                report.deleted(CrashBranch::TABLE.name),
                report.deleted(CrashRoot::TABLE.name)
            ));
        }
    }
    say(&format!("done in {:.3} s", started.elapsed().as_secs_f64()));
    db.close().await;
    Ok(())
}

/// The rows `1..=n` of a recursive CTE (SQLite) or `generate_series`
/// (PostgreSQL), named `x`: the body of an `INSERT ... SELECT`.
fn series<B: Backend>(n: i64) -> String {
    if B::DIALECT.name() == "postgres" {
        format!("SELECT x FROM generate_series(1, {n}) AS s(x)")
    } else {
        format!(
            "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n}) \
             SELECT x FROM s"
        )
    }
}

async fn setup_wide<B: Backend>(db: &Db<B>, args: &Args) -> Result<(), Error> {
    let tables = [CrashParent::TABLE, CrashChild::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut parent = CrashParent {
        id: None,
        name: "parent".into(),
        children: HasMany::NotLoaded,
    };
    db.insert(&mut parent).await?;
    let parent_id = parent.id.unwrap_or_default();
    if args.seed_sql {
        let sql = format!(
            "INSERT INTO crash_child (name, parent_id) SELECT 'child ' || x, {parent_id} FROM ({}) AS xs",
            series::<B>(args.children)
        );
        db.execute_sql(&sql, Vec::new()).await?;
    } else {
        let mut children: Vec<CrashChild> = (1..=args.children)
            .map(|i| CrashChild {
                id: None,
                name: format!("child {i}"),
                parent_id,
                parent: BelongsTo::NotLoaded,
            })
            .collect();
        db.insert_many(&mut children).await?;
    }
    let count = CrashChild::query().count(db).await?;
    say(&format!("seeded 1 parent, {count} children"));
    Ok(())
}

async fn setup_tree<B: Backend>(db: &Db<B>, args: &Args) -> Result<(), Error> {
    let tables = [CrashRoot::TABLE, CrashBranch::TABLE, CrashLeaf::TABLE];
    db.drop_all(&tables).await?;
    db.create_all(&tables).await?;
    let mut root = CrashRoot {
        id: None,
        name: "root".into(),
        branches: HasMany::NotLoaded,
    };
    db.insert(&mut root).await?;
    let root_id = root.id.unwrap_or_default();
    let n = args.fanout;
    let mut branches: Vec<CrashBranch> = (1..=n)
        .map(|i| CrashBranch {
            id: None,
            name: format!("branch {i}"),
            root_id,
            root: BelongsTo::NotLoaded,
            leaves: HasMany::NotLoaded,
        })
        .collect();
    db.insert_many(&mut branches).await?;
    if args.seed_sql {
        let sql = format!(
            "INSERT INTO crash_leaf (name, branch_id) SELECT 'leaf ' || x, b.id \
             FROM crash_branch AS b CROSS JOIN ({}) AS xs WHERE b.root_id = {root_id}",
            series::<B>(n)
        );
        db.execute_sql(&sql, Vec::new()).await?;
    } else {
        let mut leaves: Vec<CrashLeaf> = branches
            .iter()
            .flat_map(|b| {
                let branch_id = b.id.unwrap_or_default();
                (1..=n).map(move |i| CrashLeaf {
                    id: None,
                    name: format!("leaf {i}"),
                    branch_id,
                    branch: BelongsTo::NotLoaded,
                })
            })
            .collect();
        db.insert_many(&mut leaves).await?;
    }
    let count = CrashLeaf::query().count(db).await?;
    say(&format!("seeded 1 root, {n} branches, {count} leaves"));
    Ok(())
}
