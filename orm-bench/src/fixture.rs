//! Data: identical rows for every variant, loaded with plain sqlx (in the
//! engine's dialect) outside the timed region, and the end-state checks.

use crate::engine::{Conn, Engine, Param};
use orm_core::Db;

/// Any error a measurement can end with.
pub type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The ORM database of engine `E`.
pub type EngineDb<E> = Db<<E as Engine>::Backend>;

/// Inserts `count` rows into `table`, as many per statement as the
/// bind-parameter limit allows; `row(i, params)` pushes row `i`'s values.
async fn insert_rows<E: Engine>(
    conn: &mut Conn<E>,
    table: &str,
    columns: &[&str],
    count: usize,
    mut row: impl FnMut(usize, &mut Vec<Param>) -> BenchResult<()>,
) -> BenchResult<()> {
    let per_statement = E::MAX_BIND / columns.len();
    let quoted: Vec<String> = columns.iter().map(|c| E::quote(c)).collect();
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        E::quote(table),
        quoted.join(", ")
    );
    let mut start = 0;
    while start < count {
        let end = count.min(start + per_statement);
        let mut sql = head.clone();
        let mut params = Vec::with_capacity((end - start) * columns.len());
        for i in start..end {
            if i > start {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                E::push_placeholder(&mut sql, params.len() + c + 1);
            }
            sql.push(')');
            row(i, &mut params)?;
        }
        E::execute_params(conn, sql, params).await?;
        start = end;
    }
    Ok(())
}

/// `parents` parents (ids 1..) each with `children` children (ids 1.. in
/// parent order). With `groups`, the parent table has a `grp` column: the
/// first `groups` parents are in group 1, the rest in group 2.
pub async fn load_family<E: Engine>(
    db: &EngineDb<E>,
    parents: usize,
    children: usize,
    groups: Option<usize>,
) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    match groups {
        None => {
            insert_rows::<E>(&mut tx, "parent", &["id", "name"], parents, |i, a| {
                a.push(Param::Int(i64::try_from(i + 1)?));
                a.push(Param::Text(format!("parent-{i}")));
                Ok(())
            })
            .await?;
        }
        Some(first) => {
            insert_rows::<E>(
                &mut tx,
                "parent",
                &["id", "grp", "name"],
                parents,
                |i, a| {
                    a.push(Param::Int(i64::try_from(i + 1)?));
                    a.push(Param::Int(if i < first { 1_i64 } else { 2 }));
                    a.push(Param::Text(format!("parent-{i}")));
                    Ok(())
                },
            )
            .await?;
        }
    }
    insert_rows::<E>(
        &mut tx,
        "child",
        &["id", "name", "parent_id"],
        parents * children,
        |i, a| {
            a.push(Param::Int(i64::try_from(i + 1)?));
            a.push(Param::Text(format!("child-{i}")));
            a.push(Param::Int(i64::try_from(i / children + 1)?));
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One team (id 1) with `heroes` heroes, each with `powers` powers.
pub async fn load_tree<E: Engine>(
    db: &EngineDb<E>,
    heroes: usize,
    powers: usize,
) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows::<E>(&mut tx, "team", &["id", "name"], 1, |_, a| {
        a.push(Param::Int(1_i64));
        a.push(Param::Text("team".into()));
        Ok(())
    })
    .await?;
    insert_rows::<E>(
        &mut tx,
        "hero",
        &["id", "name", "team_id"],
        heroes,
        |i, a| {
            a.push(Param::Int(i64::try_from(i + 1)?));
            a.push(Param::Text(format!("hero-{i}")));
            a.push(Param::Int(1_i64));
            Ok(())
        },
    )
    .await?;
    insert_rows::<E>(
        &mut tx,
        "power",
        &["id", "name", "hero_id"],
        heroes * powers,
        |i, a| {
            a.push(Param::Int(i64::try_from(i + 1)?));
            a.push(Param::Text(format!("power-{i}")));
            a.push(Param::Int(i64::try_from(i / powers + 1)?));
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The key of the spare rows every delete variant deletes, untimed, with
/// its own method just before its timed delete (a parent, a team, the
/// first parent of the spare group [`SPARE_GROUP`]): the connection then
/// has that variant's statements prepared, as a long-lived one has, and
/// the timed delete measures their execution, not their first parse. Its
/// children and grandchildren have keys from `SPARE` on too (the data's
/// own keys are far below).
pub const SPARE: i64 = 1_000_000_000;

/// The group of the bulk case's spare parents (see [`SPARE`]).
pub const SPARE_GROUP: i64 = 3;

/// The spare rows (see [`SPARE`]) of a `parent` / `child` family: `parents`
/// parents (`SPARE`, `SPARE + 1`, ...; in group [`SPARE_GROUP`] when the
/// table has groups), each with two children. (The bulk case has two, so
/// that its spare delete binds several keys as the timed one does.)
pub async fn load_spare_family<E: Engine>(
    db: &EngineDb<E>,
    parents: usize,
    groups: bool,
) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    let columns: &[&str] = if groups {
        &["id", "grp", "name"]
    } else {
        &["id", "name"]
    };
    insert_rows::<E>(&mut tx, "parent", columns, parents, |i, a| {
        a.push(Param::Int(SPARE + i64::try_from(i)?));
        if groups {
            a.push(Param::Int(SPARE_GROUP));
        }
        a.push(Param::Text(format!("spare-{i}")));
        Ok(())
    })
    .await?;
    insert_spare_children::<E>(&mut tx, "child", "parent_id", 2 * parents).await?;
    tx.commit().await?;
    Ok(())
}

/// `count` spare rows of `table` (keys `SPARE`, `SPARE + 1`, ...), two under
/// each spare row of the table `foreign_key` references (keys from
/// `SPARE`), see [`SPARE`].
async fn insert_spare_children<E: Engine>(
    conn: &mut Conn<E>,
    table: &str,
    foreign_key: &str,
    count: usize,
) -> BenchResult<()> {
    insert_rows::<E>(conn, table, &["id", "name", foreign_key], count, |i, a| {
        a.push(Param::Int(SPARE + i64::try_from(i)?));
        a.push(Param::Text(format!("spare-{table}-{i}")));
        a.push(Param::Int(SPARE + i64::try_from(i / 2)?));
        Ok(())
    })
    .await
}

/// The spare rows (see [`SPARE`]) of a `team` / `hero` / `power` tree: team
/// `SPARE` with two heroes, each with two powers.
pub async fn load_spare_tree<E: Engine>(db: &EngineDb<E>) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows::<E>(&mut tx, "team", &["id", "name"], 1, |_, a| {
        a.push(Param::Int(SPARE));
        a.push(Param::Text("spare".into()));
        Ok(())
    })
    .await?;
    insert_spare_children::<E>(&mut tx, "hero", "team_id", 2).await?;
    insert_spare_children::<E>(&mut tx, "power", "hero_id", 4).await?;
    tx.commit().await?;
    Ok(())
}

/// `teams` teams (ids 1..) each with `heroes` heroes (ids 1.. in team
/// order), for the relationship-loading case.
pub async fn load_teams<E: Engine>(
    db: &EngineDb<E>,
    teams: usize,
    heroes: usize,
) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows::<E>(&mut tx, "team", &["id", "name"], teams, |i, a| {
        a.push(Param::Int(i64::try_from(i + 1)?));
        a.push(Param::Text(format!("team-{i}")));
        Ok(())
    })
    .await?;
    insert_rows::<E>(
        &mut tx,
        "hero",
        &["id", "name", "team_id"],
        teams * heroes,
        |i, a| {
            a.push(Param::Int(i64::try_from(i + 1)?));
            a.push(Param::Text(format!("hero-{i}")));
            a.push(Param::Int(i64::try_from(i / heroes + 1)?));
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `n` items, the same rows [`Item::nth`](crate::models::item::Item::nth)
/// builds (ids 1..).
pub async fn load_items<E: Engine>(db: &EngineDb<E>, n: usize) -> BenchResult<()> {
    let mut tx = db.pool().begin().await?;
    insert_rows::<E>(
        &mut tx,
        "item",
        &["id", "name", "secret_name", "age", "rating"],
        n,
        |i, a| {
            let item = crate::models::item::Item::nth(i);
            a.push(Param::Int(i64::try_from(i + 1)?));
            a.push(Param::Text(item.name));
            a.push(Param::Text(item.secret_name));
            a.push(Param::OptInt(item.age));
            a.push(Param::Float(item.rating));
            Ok(())
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `SELECT COUNT(*) FROM <table> [WHERE ...]` with plain sqlx (`filter` in
/// `E`'s dialect).
pub async fn count<E: Engine>(db: &EngineDb<E>, table: &str, filter: &str) -> BenchResult<i64> {
    E::scalar(
        db,
        format!("SELECT COUNT(*) FROM {} {filter}", E::quote(table)),
    )
    .await
}

/// Fails the run when a measurement left the wrong end state.
pub fn expect(what: &str, got: i64, want: usize) -> BenchResult<()> {
    if usize::try_from(got).ok() == Some(want) {
        Ok(())
    } else {
        Err(format!("wrong end state: {what} = {got}, expected {want}").into())
    }
}
