//! `orm-bench`: the ORM measured side by side with the database's own
//! `ON DELETE` actions and with the same work written by hand in sqlx, on
//! SQLite files (SPEC §6), with `--postgres URL` on a PostgreSQL server, or
//! with `--mysql URL` on a MySQL / MariaDB server (InnoDB).
//!
//! ```text
//! cargo run --release -p orm-bench              # full run (SQLite)
//! cargo run --release -p orm-bench -- --quick   # reduced set, a minute or two
//! cargo run --release -p orm-bench -- --postgres postgres://postgres@127.0.0.1:5432/test
//! cargo run --release -p orm-bench -- --mysql mysql://root@127.0.0.1:3306/test
//! cargo run --release -p orm-bench -- --help
//! cargo run --release -p orm-bench --features seaorm -- --quick   # with SeaORM 2 as a peer
//! ```
//!
//! Every measurement gets a fresh database with identical data, loaded outside
//! the timed region: a new file on SQLite, a new schema (the pool's
//! `search_path`, dropped afterwards) on PostgreSQL, a new database
//! (`CREATE DATABASE`, dropped afterwards) on MySQL. The variants of a
//! comparison are interleaved repetition by repetition; medians are compared.
//! Besides the tables, one line per comparison is printed for machines:
//! `RATIO <name> <orm_median_s> <baseline_median_s> <orm/baseline>`; the
//! "passive" baseline is the database's own `ON DELETE` (SQLite's, PostgreSQL's,
//! InnoDB's). On PostgreSQL and MySQL the memory case measures the client
//! process only (the server's memory is not the client's).
//!
//! The cases ([`cases`]) are written once against [`engine::Engine`]; the
//! SQLite ([`sqlite`]), PostgreSQL ([`postgres`]) and MySQL ([`mysql`])
//! engines supply the databases and the hand-written sqlx in their own
//! dialects.
//!
//! With the cargo feature `seaorm` (off by default), SeaORM 2 is measured in
//! the same run, interleaved with the other variants, on the same tables and
//! data and the same sqlx pool (`src/seaorm.rs`; SQLite and PostgreSQL, not
//! MySQL): its application-side cascade (level by level), its row-by-row
//! `Model::cascade_delete` (deletes of up to 20,000 rows),
//! `delete_by_id` with the database's `ON DELETE`, `insert_many`,
//! `find().all()` and its relationship loader, printed as
//! `RATIO <case>_orm_vs_seaorm ...` (and `_orm_vs_seaorm_cascade_delete`,
//! `_passive_vs_seaorm_passive`, `load_orm_vs_seaorm`) next to the other
//! ratios.

mod cases;
mod engine;
mod fixture;
mod harness;
mod machine;
mod memory;
mod models;
mod mysql;
mod postgres;
#[cfg(feature = "seaorm")]
mod seaorm;
mod sqlite;

use std::time::Instant;

use cases::{Action, DELETE_VARIANTS, Side, Who};
use engine::Engine;
use fixture::BenchResult;
use harness::{Ratio, Samples, interleave, print_statements, print_variants};
use mysql::MySqlEngine;
use postgres::PgEngine;
use sqlite::{Settings, SqliteEngine};

/// Target for delete comparisons (ORM / baseline).
const DELETE_TARGET: f64 = 1.2;
/// Target for insert, fetch and relationship loading.
const ROWS_TARGET: f64 = 1.1;
/// Target against a peer ORM doing the same work (SeaORM): no slower.
#[cfg(feature = "seaorm")]
const PEER_TARGET: f64 = 1.0;

/// SeaORM's `Model::cascade_delete` deletes (or updates) row by row, one
/// statement per row: interleaved with the other variants only where the
/// delete touches at most this many rows (see
/// [`RunPlan::seaorm_per_row_large`] for the larger case).
#[cfg(feature = "seaorm")]
const SEAORM_PER_ROW_MAX_ROWS: usize = 20_000;

/// Sizes and repetitions of one run.
struct RunPlan {
    name: &'static str,
    /// (children, repetitions) for the one-parent cascade and SET NULL.
    one_parent: &'static [(usize, usize)],
    /// (heroes, powers per hero, repetitions).
    tree: (usize, usize, usize),
    /// (parents deleted, children per parent, repetitions).
    bulk: (usize, usize, usize),
    /// (rows, repetitions) for insert and for fetch.
    rows: (usize, usize),
    /// (teams, heroes per team, repetitions) for relationship loading.
    load: (usize, usize, usize),
    /// Children per parent for the peak-memory case (small, large).
    memory: (usize, usize),
    /// (children, repetitions) for the dry run against the delete.
    dry_run: (usize, usize),
    /// (children, repetitions) of a separate ORM vs SeaORM
    /// `Model::cascade_delete` comparison at a size the interleaved runs
    /// leave it out of (it deletes row by row: 10 to 20 s per repetition at
    /// 100,000 children); `None` skips it.
    #[cfg_attr(not(feature = "seaorm"), allow(dead_code))]
    seaorm_per_row_large: Option<(usize, usize)>,
}

const FULL: RunPlan = RunPlan {
    name: "full",
    one_parent: &[(1_000, 31), (10_000, 21), (100_000, 15)],
    tree: (1_000, 10, 21),
    bulk: (1_000, 10, 21),
    rows: (100_000, 31),
    load: (1_000, 10, 31),
    memory: (100_000, 1_000_000),
    dry_run: (100_000, 15),
    seaorm_per_row_large: Some((100_000, 3)),
};

const QUICK: RunPlan = RunPlan {
    name: "quick",
    one_parent: &[(1_000, 15), (10_000, 11), (100_000, 7)],
    tree: (1_000, 10, 11),
    bulk: (1_000, 10, 11),
    rows: (100_000, 15),
    load: (1_000, 10, 15),
    memory: (10_000, 100_000),
    dry_run: (100_000, 7),
    seaorm_per_row_large: None,
};

/// The full plan on PostgreSQL: the sizes of [`FULL`], fewer repetitions.
/// Every measurement creates a schema and its tables (each DDL commit is
/// flushed to the WAL), loads the data through the server and runs `VACUUM
/// (ANALYZE)`, several times what a fresh SQLite file costs; with [`FULL`]'s
/// repetitions the run would take about a quarter of an hour on 2 cores.
const PG_FULL: RunPlan = RunPlan {
    name: "postgres full",
    // N = 1,000 is a delete of under a millisecond, its data small: more
    // repetitions there, where the shared machine's noise weighs most.
    one_parent: &[(1_000, 41), (10_000, 15), (100_000, 9)],
    tree: (1_000, 10, 15),
    bulk: (1_000, 10, 15),
    rows: (100_000, 19),
    load: (1_000, 10, 19),
    memory: (100_000, 1_000_000),
    dry_run: (100_000, 9),
    seaorm_per_row_large: Some((100_000, 3)),
};

/// The quick plan on PostgreSQL: the sizes of [`QUICK`], fewer repetitions
/// where the data is large (each measurement loads it through the server),
/// so the run stays under two minutes on 2 cores.
const PG_QUICK: RunPlan = RunPlan {
    name: "postgres quick",
    one_parent: &[(1_000, 15), (10_000, 9), (100_000, 5)],
    rows: (100_000, 9),
    dry_run: (100_000, 5),
    ..QUICK
};

/// The full plan on MySQL / MariaDB: the sizes and repetitions of [`FULL`].
/// Every measurement creates a database and its InnoDB tables (a file per
/// table), loads the data through the server, runs `ANALYZE TABLE` and drops
/// the database; on 2 cores that is about a tenth of a second per
/// measurement besides the data, so the run takes a few minutes.
const MY_FULL: RunPlan = RunPlan {
    name: "mysql full",
    ..FULL
};

/// The quick plan on MySQL / MariaDB: the sizes and repetitions of
/// [`QUICK`] (about a minute and a half on 2 cores).
const MY_QUICK: RunPlan = RunPlan {
    name: "mysql quick",
    ..QUICK
};

const SECTIONS: [&str; 9] = [
    "cascade", "set_null", "tree", "bulk", "dry_run", "insert", "fetch", "load", "memory",
];

const HELP: &str = "\
orm-bench: the ORM side by side with database ON DELETE and hand-written sqlx
(SQLite files by default; a PostgreSQL server with --postgres; a MySQL / MariaDB
server with --mysql)

USAGE: cargo run --release -p orm-bench -- [OPTIONS]

OPTIONS:
  --postgres <url>      run on PostgreSQL instead of SQLite files, e.g.
                        postgres://postgres@127.0.0.1:5432/test (a fresh schema per
                        measurement, dropped afterwards; the memory case measures the
                        client process only)
  --mysql <url>         run on MySQL / MariaDB (InnoDB) instead, e.g.
                        mysql://root@127.0.0.1:3306/test (a fresh database per measurement,
                        dropped afterwards; \"passive\" is InnoDB's own ON DELETE; the memory
                        case measures the client process only); not with --postgres
  --quick               reduced sizes and repetitions (N up to 100,000; memory case 10,000 vs 100,000);
                        without it, the full plan (on PostgreSQL with fewer repetitions, ~10 minutes;
                        on MySQL the full repetitions, ~4 minutes)
  --only <a,b,...>      run only these sections: cascade, set_null, tree, bulk, dry_run, insert, fetch, load, memory
  --samples             print every sample (in repetition order), not only median / min / max
  --reps <n>            repetitions for every comparison (default: the run's plan)
  --children <n,...>    only these sizes of the cascade and SET NULL cases (the plan's sizes:
                        1000, 10000, 100000)
  --journal <mode>      SQLite only: journal mode for every variant (default: wal, the ORM's file default)
  --synchronous <s>     SQLite only: synchronous setting for every variant (default: normal)
  -h, --help            this text

SEAORM: built with the cargo feature `seaorm` (off by default), SeaORM 2 is measured in the
same run, interleaved, on the same tables, data and sqlx pool (SQLite and PostgreSQL; not
MySQL): its application-side cascade (delete_many level by level), its row-by-row
Model::cascade_delete (up to 20,000 rows), delete_by_id with the database's ON DELETE,
insert_many, find().all() and its loader (RATIO <case>_orm_vs_seaorm ... lines):
  cargo run --release -p orm-bench --features seaorm -- --quick
";

struct Args {
    quick: bool,
    /// Print every sample, not only median / min / max.
    samples: bool,
    /// Repetitions for every comparison, instead of the plan's.
    reps: Option<usize>,
    only: Option<Vec<String>>,
    /// Only these sizes (children) of the one-parent cascade and SET NULL,
    /// instead of all of the plan's.
    children: Option<Vec<usize>>,
    /// The PostgreSQL server to run on, instead of SQLite files.
    postgres: Option<String>,
    /// The MySQL / MariaDB server to run on, instead of SQLite files.
    mysql: Option<String>,
    /// SQLite settings (`--journal`, `--synchronous`).
    settings: Settings,
    /// Whether `--journal` or `--synchronous` was given (refused with
    /// `--postgres` and `--mysql`).
    sqlite_settings_given: bool,
    /// Internal: run the memory case's child (`who`, place, children,
    /// foreign keys enforced).
    memory_child: Option<(Who, String, usize, bool)>,
}

fn parse_args() -> BenchResult<Option<Args>> {
    let mut args = Args {
        quick: false,
        samples: false,
        reps: None,
        only: None,
        children: None,
        postgres: None,
        mysql: None,
        settings: Settings::default(),
        sqlite_settings_given: false,
        memory_child: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--samples" => args.samples = true,
            "--reps" => args.reps = Some(value("--reps")?.parse::<usize>()?.max(1)),
            "--only" => {
                let list: Vec<String> = value("--only")?.split(',').map(str::to_owned).collect();
                if let Some(bad) = list.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!("unknown section `{bad}`; known: {SECTIONS:?}").into());
                }
                args.only = Some(list);
            }
            "--children" => {
                let list = value("--children")?
                    .split(',')
                    .map(|n| n.replace('_', "").parse::<usize>())
                    .collect::<Result<Vec<_>, _>>()?;
                args.children = Some(list);
            }
            "--postgres" => args.postgres = Some(value("--postgres")?),
            "--mysql" => args.mysql = Some(value("--mysql")?),
            "--journal" => {
                args.settings.journal = value("--journal")?.parse()?;
                args.sqlite_settings_given = true;
            }
            "--synchronous" => {
                args.settings.synchronous = value("--synchronous")?.parse()?;
                args.sqlite_settings_given = true;
            }
            "--memory-child" => {
                let who = value("--memory-child")?;
                let who = Who::parse(&who).ok_or(format!("unknown variant `{who}`"))?;
                let place = value("--memory-child")?;
                let n = value("--memory-child")?.parse()?;
                let foreign_keys = value("--memory-child")? == "fk-on";
                args.memory_child = Some((who, place, n, foreign_keys));
            }
            "-h" | "--help" => {
                print!("{HELP}");
                println!(
                    "  (this build: {})",
                    if cfg!(feature = "seaorm") {
                        "with the seaorm feature"
                    } else {
                        "without the seaorm feature"
                    }
                );
                return Ok(None);
            }
            other => return Err(format!("unknown argument `{other}`\n\n{HELP}").into()),
        }
    }
    if args.postgres.is_some() && args.mysql.is_some() {
        return Err("--postgres and --mysql exclude each other: one server per run".into());
    }
    if args.sqlite_settings_given {
        if args.postgres.is_some() {
            return Err(
                "--journal and --synchronous are SQLite settings; not with --postgres".into(),
            );
        }
        if args.mysql.is_some() {
            return Err("--journal and --synchronous are SQLite settings; not with --mysql".into());
        }
    }
    Ok(Some(args))
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("orm-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> BenchResult<()> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    // One runtime thread: the only other threads are sqlx's SQLite workers,
    // the same for the ORM and for hand-written sqlx.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match (&args.postgres, &args.mysql) {
        (Some(url), _) => runtime.block_on(async {
            let engine = PgEngine::connect(url).await?;
            let result = start(&engine, &args).await;
            // Drops the schemas a failed measurement left behind, even then.
            let cleaned = engine.cleanup().await;
            result.and(cleaned)
        }),
        (None, Some(url)) => runtime.block_on(async {
            let engine = MySqlEngine::connect(url).await?;
            let result = start(&engine, &args).await;
            // Drops the databases a failed measurement left behind, even then.
            let cleaned = engine.cleanup().await;
            result.and(cleaned)
        }),
        (None, None) => {
            let engine = SqliteEngine::new(args.settings)?;
            runtime.block_on(start(&engine, &args))
        }
    }
}

/// The memory case's child process, or the whole benchmark, on `engine`.
async fn start<E: Engine>(engine: &E, args: &Args) -> BenchResult<()> {
    match &args.memory_child {
        Some((who, place, n, foreign_keys)) => {
            let place = E::place_from_arg(place.clone());
            memory::child(engine, *who, &place, *n, *foreign_keys).await
        }
        None => {
            let plan = match (args.postgres.is_some(), args.mysql.is_some(), args.quick) {
                (true, _, false) => &PG_FULL,
                (true, _, true) => &PG_QUICK,
                (false, true, false) => &MY_FULL,
                (false, true, true) => &MY_QUICK,
                (false, false, false) => &FULL,
                (false, false, true) => &QUICK,
            };
            bench(engine, args, plan).await
        }
    }
}

/// The delete variants of a one-parent or tree comparison whose delete
/// touches `rows` rows, on engine `E`: the ORM's, the passive one and
/// hand-written sqlx; with the `seaorm` feature, SeaORM's where it runs.
#[cfg_attr(not(feature = "seaorm"), allow(unused_variables))]
fn delete_variants<E: Engine>(rows: usize) -> Vec<Who> {
    #[allow(unused_mut)]
    let mut variants = DELETE_VARIANTS.to_vec();
    #[cfg(feature = "seaorm")]
    if E::SEAORM {
        variants.push(Who::SeaOrm);
        variants.push(Who::SeaOrmPassive);
        if rows <= SEAORM_PER_ROW_MAX_ROWS {
            variants.push(Who::SeaOrmCascadeDelete);
        }
    }
    variants
}

fn delete_labels(variants: &[Who]) -> Vec<&'static str> {
    variants.iter().map(|w| w.long_label()).collect()
}

/// Ratios of a delete comparison: ORM vs passive, ORM vs sqlx; with SeaORM,
/// ORM vs SeaORM's application cascade, ORM vs its `cascade_delete`, and
/// passive vs its `delete_by_id` (where those variants ran).
fn delete_ratios(name: &str, variants: &[Who], samples: &Samples, ratios: &mut Vec<Ratio>) {
    let labels = delete_labels(variants);
    #[allow(unused_mut)]
    let mut pairs = vec![
        (Who::Orm, Who::Passive, DELETE_TARGET),
        (Who::Orm, Who::Sqlx, DELETE_TARGET),
    ];
    #[cfg(feature = "seaorm")]
    pairs.extend([
        (Who::Orm, Who::SeaOrm, PEER_TARGET),
        (Who::Orm, Who::SeaOrmCascadeDelete, PEER_TARGET),
        (Who::Passive, Who::SeaOrmPassive, PEER_TARGET),
    ]);
    let at = |who: Who| variants.iter().position(|w| *w == who);
    for (ours, theirs, target) in pairs {
        if let (Some(o), Some(t)) = (at(ours), at(theirs)) {
            ratios.push(Ratio::new(
                format!("{name}_{}_vs_{}", ours.label(), theirs.label()),
                &labels,
                samples,
                o,
                t,
                target,
            ));
        }
    }
}

fn print_orm_statements(variants: &[Who], samples: &Samples) {
    for who in [Who::Orm, Who::Passive] {
        let report = variants
            .iter()
            .position(|w| *w == who)
            .and_then(|i| samples.reports[i].as_ref());
        if let Some(report) = report {
            print_statements(who.label(), report);
        }
    }
}

/// The insert / fetch / load variants on engine `E`: the ORM and
/// hand-written sqlx; with the `seaorm` feature, SeaORM where it runs.
fn sides<E: Engine>() -> Vec<Side> {
    #[allow(unused_mut)]
    let mut sides = vec![Side::Orm, Side::Sqlx];
    #[cfg(feature = "seaorm")]
    if E::SEAORM {
        sides.push(Side::SeaOrm);
    }
    sides
}

/// Ratios of an insert / fetch / load comparison (`labels` per side).
fn side_ratios(
    name: &str,
    sides: &[Side],
    labels: &[&'static str],
    samples: &Samples,
) -> Vec<Ratio> {
    let mut out = Vec::new();
    for (v, side) in sides.iter().enumerate().skip(1) {
        let target = match side {
            #[cfg(feature = "seaorm")]
            Side::SeaOrm => PEER_TARGET,
            _ => ROWS_TARGET,
        };
        out.push(Ratio::new(
            format!("{name}_orm_vs_{}", side.label()),
            labels,
            samples,
            0,
            v,
            target,
        ));
    }
    out
}

/// One one-parent comparison: `variants` interleaved `reps` times on N =
/// `n` children, their times printed and their ratios added.
async fn one_parent_comparison<E: Engine>(
    engine: &E,
    action: Action,
    variants: &[Who],
    n: usize,
    reps: usize,
    args: &Args,
    ratios: &mut Vec<Ratio>,
) -> BenchResult<Samples> {
    let samples = interleave(variants.len(), reps, async |v| {
        cases::one_parent(engine, action, variants[v], n).await
    })
    .await?;
    print_variants(
        &format!("N = {n}"),
        &delete_labels(variants),
        &samples,
        args.samples,
    );
    delete_ratios(
        &format!("{}_n{n}", action.label()),
        variants,
        &samples,
        ratios,
    );
    Ok(samples)
}

async fn bench<E: Engine>(engine: &E, args: &Args, plan: &RunPlan) -> BenchResult<()> {
    let started = Instant::now();
    let wanted = |section: &str| {
        args.only
            .as_ref()
            .is_none_or(|only| only.iter().any(|s| s == section))
    };
    let reps_for = |planned: usize| args.reps.unwrap_or(planned);
    engine.print_header(plan.name).await?;
    machine::print();
    let mut ratios = Vec::new();

    #[cfg(feature = "seaorm")]
    if !E::SEAORM {
        println!(
            "SeaORM: not measured on this database (the seaorm feature builds SeaORM's SQLite and \
             PostgreSQL drivers only)"
        );
    }

    for action in [Action::Cascade, Action::SetNull] {
        if !wanted(action.label()) {
            continue;
        }
        println!();
        println!(
            "== {}: one parent with N children, ON DELETE {} (foreign keys enforced)",
            action.label(),
            match action {
                Action::Cascade => "CASCADE",
                Action::SetNull => "SET NULL",
            }
        );
        let mut last = None;
        for &(n, reps) in plan.one_parent {
            if args.children.as_ref().is_some_and(|c| !c.contains(&n)) {
                continue;
            }
            let variants = delete_variants::<E>(1 + n);
            let samples = one_parent_comparison(
                engine,
                action,
                &variants,
                n,
                reps_for(reps),
                args,
                &mut ratios,
            )
            .await?;
            last = Some((variants, samples));
        }
        #[cfg(feature = "seaorm")]
        if let (true, Some((n, reps))) = (E::SEAORM, plan.seaorm_per_row_large) {
            // The ORM against SeaORM's row-by-row cascade at a size where
            // the latter takes seconds: few repetitions, interleaved.
            let variants = [Who::Orm, Who::SeaOrmCascadeDelete];
            one_parent_comparison(
                engine,
                action,
                &variants,
                n,
                reps_for(reps),
                args,
                &mut ratios,
            )
            .await?;
        }
        if let Some((variants, samples)) = &last {
            print_orm_statements(variants, samples);
        }
    }

    if wanted("tree") {
        let (heroes, powers, reps) = plan.tree;
        println!();
        println!(
            "== tree: 1 team × {heroes} heroes × {powers} powers, ON DELETE CASCADE at both levels"
        );
        let rows = 1 + heroes + heroes * powers;
        let variants = delete_variants::<E>(rows);
        let samples = interleave(variants.len(), reps_for(reps), async |v| {
            cases::three_levels(engine, variants[v], heroes, powers).await
        })
        .await?;
        print_variants(
            &format!("{rows} rows"),
            &delete_labels(&variants),
            &samples,
            args.samples,
        );
        delete_ratios(
            &format!("tree_{heroes}x{powers}"),
            &variants,
            &samples,
            &mut ratios,
        );
        print_orm_statements(&variants, &samples);
    }

    if wanted("bulk") {
        let (parents, children, reps) = plan.bulk;
        println!();
        println!(
            "== bulk: delete_where(grp = 1) on {parents} of {} parents × {children} children, ON DELETE CASCADE",
            2 * parents
        );
        let samples = interleave(DELETE_VARIANTS.len(), reps_for(reps), async |v| {
            cases::bulk_by_filter(engine, DELETE_VARIANTS[v], parents, children).await
        })
        .await?;
        print_variants(
            &format!("{} rows", parents + parents * children),
            &delete_labels(&DELETE_VARIANTS),
            &samples,
            args.samples,
        );
        // The hand-written DELETE ... WHERE is the baseline named first.
        let name = format!("bulk_{parents}x{children}");
        let sqlx_first: Vec<Ratio> = {
            let mut two = Vec::new();
            delete_ratios(&name, &DELETE_VARIANTS, &samples, &mut two);
            two.reverse();
            two
        };
        ratios.extend(sqlx_first);
        print_orm_statements(&DELETE_VARIANTS, &samples);
    }

    if wanted("dry_run") {
        let n = plan.dry_run.0;
        println!();
        println!(
            "== dry_run: plan_delete (counts, writes nothing) vs delete, one parent with N = {n} children, ON DELETE CASCADE"
        );
        // (who, dry run): the ORM's cascade, then the database's (passive).
        const VARIANTS: [(Who, bool); 4] = [
            (Who::Orm, true),
            (Who::Orm, false),
            (Who::Passive, true),
            (Who::Passive, false),
        ];
        let labels = [
            "orm plan_delete",
            "orm delete",
            "passive plan_delete",
            "passive delete",
        ];
        let samples = interleave(VARIANTS.len(), reps_for(plan.dry_run.1), async |v| {
            let (who, dry_run) = VARIANTS[v];
            cases::one_parent_dry_run(engine, who, dry_run, n).await
        })
        .await?;
        print_variants(&format!("N = {n}"), &labels, &samples, args.samples);
        // A dry run must not cost more than the delete it plans.
        for (name, plan_index) in [("orm", 0), ("passive", 2)] {
            ratios.push(Ratio::new(
                format!("dry_run_{name}_n{n}_plan_vs_delete"),
                &labels,
                &samples,
                plan_index,
                plan_index + 1,
                1.0,
            ));
        }
        if let Some(report) = &samples.reports[0] {
            print_statements("orm plan_delete", report);
        }
    }

    let sides = sides::<E>();
    let labels_of = |pick: fn(Side) -> &'static str| -> Vec<&'static str> {
        sides.iter().map(|s| pick(*s)).collect()
    };
    let (rows, reps) = plan.rows;
    if wanted("insert") {
        println!();
        println!("== insert: {rows} rows (4 columns + generated key) into an empty table");
        let labels = labels_of(|side| match side {
            Side::Orm => "orm insert_many",
            Side::Sqlx => "sqlx multi-row INSERT",
            #[cfg(feature = "seaorm")]
            Side::SeaOrm => "seaorm insert_many",
        });
        let samples = interleave(sides.len(), reps_for(reps), async |v| {
            cases::insert(engine, sides[v], rows).await
        })
        .await?;
        print_variants(&format!("{rows} rows"), &labels, &samples, args.samples);
        ratios.extend(side_ratios(
            &format!("insert_{rows}"),
            &sides,
            &labels,
            &samples,
        ));
    }
    if wanted("fetch") {
        println!();
        println!("== fetch: all {rows} rows into structs");
        let labels = labels_of(|side| match side {
            Side::Orm => "orm query().all",
            Side::Sqlx => "sqlx query_as",
            #[cfg(feature = "seaorm")]
            Side::SeaOrm => "seaorm find().all()",
        });
        let samples = interleave(sides.len(), reps_for(reps), async |v| {
            cases::fetch(engine, sides[v], rows).await
        })
        .await?;
        print_variants(&format!("{rows} rows"), &labels, &samples, args.samples);
        ratios.extend(side_ratios(
            &format!("fetch_{rows}"),
            &sides,
            &labels,
            &samples,
        ));
    }

    if wanted("load") {
        let (teams, heroes, reps) = plan.load;
        println!();
        println!(
            "== load: the heroes of {teams} teams × {heroes} heroes, for every team at once (teams fetched untimed)"
        );
        let labels = labels_of(|side| match side {
            Side::Orm => "orm load_many",
            Side::Sqlx => "sqlx IN (...), grouped",
            #[cfg(feature = "seaorm")]
            Side::SeaOrm => "seaorm LoaderTrait::load_many",
        });
        let samples = interleave(sides.len(), reps_for(reps), async |v| {
            cases::load(engine, sides[v], teams, heroes).await
        })
        .await?;
        print_variants(
            &format!("{} heroes", teams * heroes),
            &labels,
            &samples,
            args.samples,
        );
        ratios.extend(side_ratios("load", &sides, &labels, &samples));
    }

    if wanted("memory") {
        let (small, large) = plan.memory;
        println!();
        println!(
            "== memory: peak RSS (VmHWM) of a child process deleting one parent with N children (ON DELETE CASCADE)"
        );
        println!(
            "  {:<26} {:>9} {:>14} {:>14} {:>12} {:>12}",
            "variant", "N", "VmHWM before", "VmHWM after", "growth", "delete time"
        );
        let variants = [
            (Who::Orm, true, "orm, foreign keys on"),
            (Who::Sqlx, true, "sqlx, foreign keys on"),
            (Who::Orm, false, "orm, foreign keys off"),
        ];
        let mut growth = Vec::new();
        for (who, foreign_keys, label) in variants {
            for n in [small, large] {
                let sample = memory::measure(engine, who, n, foreign_keys).await?;
                println!(
                    "  {label:<26} {n:>9} {:>10} KiB {:>10} KiB {:>8} KiB {:>12}",
                    sample.before_kib,
                    sample.after_kib,
                    sample.growth_kib(),
                    harness::fmt_secs(sample.secs)
                );
                growth.push((who, foreign_keys, n, sample.growth_kib()));
            }
        }
        let of = |who: Who, fk: bool, n: usize| {
            growth
                .iter()
                .find(|g| g.0 == who && g.1 == fk && g.2 == n)
                .map_or(0, |g| i128::from(g.3))
        };
        for n in [small, large] {
            println!(
                "  N = {n:>9}: ORM growth minus hand-written sqlx growth (foreign keys on) = {} KiB",
                of(Who::Orm, true, n) - of(Who::Sqlx, true, n)
            );
        }
        println!("  {}", engine.memory_note());
        for (who, foreign_keys, n, kib) in &growth {
            println!(
                "MEMORY {}{} {n} {kib}",
                who.label(),
                if *foreign_keys { "" } else { "_fk_off" }
            );
        }
    }

    harness::print_summary(&ratios);
    println!();
    println!(
        "total wall time {:.1} s{}",
        started.elapsed().as_secs_f64(),
        machine::load_average()
            .map(|l| format!("; load average at the end {l}"))
            .unwrap_or_default()
    );
    Ok(())
}
