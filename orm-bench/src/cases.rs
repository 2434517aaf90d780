//! The measurements, written once for every [`Engine`]. Each builds a fresh
//! database (a file, a schema, or a MySQL database) with identical data, lets
//! it settle, closes it (on SQLite so the WAL is checkpointed) so every
//! variant starts from the same state, reopens it, runs the same untimed
//! warm-up, and times only the operation. Every variant's tables, the
//! hand-written baselines' included, are created by the ORM's `create_all`.

use std::fmt::Write as _;
use std::time::Instant;

use orm_core::{Executor, Model};
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};

use crate::engine::{Engine, ITEM_COLUMNS};
use crate::fixture::{self, BenchResult, EngineDb, count, expect};
use crate::harness::Measured;
use crate::models::{
    bulk, bulk_passive, cascade, cascade_passive, item::Item, set_null, set_null_passive, tree,
    tree_passive,
};

/// Who carries out a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The ORM sends a statement per table (`cascade_delete` / default SET NULL).
    Orm,
    /// The ORM sends the parent's `DELETE`; the database applies `ON DELETE`
    /// (`passive_deletes`).
    Passive,
    /// Hand-written sqlx: the parent's `DELETE`, the database applies `ON DELETE`.
    Sqlx,
}

/// The delete variants, in the order their samples are kept.
pub const DELETE_VARIANTS: [Who; 3] = [Who::Orm, Who::Passive, Who::Sqlx];

impl Who {
    /// The name in `RATIO` lines and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Who::Orm => "orm",
            Who::Passive => "passive",
            Who::Sqlx => "sqlx",
        }
    }

    /// The variant named `text` (see [`label`](Who::label)).
    pub fn parse(text: &str) -> Option<Who> {
        DELETE_VARIANTS.into_iter().find(|w| w.label() == text)
    }
}

/// What happens to the children of one deleted parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `ON DELETE CASCADE`: the children are deleted.
    Cascade,
    /// `ON DELETE SET NULL`: the children are kept, their key set to `NULL`.
    SetNull,
}

impl Action {
    /// The section name.
    pub fn label(self) -> &'static str {
        match self {
            Action::Cascade => "cascade",
            Action::SetNull => "set_null",
        }
    }
}

// ANCHOR: delete_variants
/// Fetches the parent (untimed: the same warm-up for every variant, which
/// also loads the schema and the parent's page), then deletes it through the ORM.
async fn orm_delete<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    id: i64,
) -> BenchResult<Measured> {
    let parent: P = db.get(id).await?;
    let start = Instant::now();
    let report = db.delete(parent).await?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measured {
        secs,
        report: Some(report),
    })
}

/// The same warm-up as [`orm_delete`], then one hand-written statement
/// (`sql`, in the engine's dialect: `DELETE FROM "parent" WHERE "id" = ?` on
/// SQLite, `... = $1` on PostgreSQL, ``DELETE FROM `parent` WHERE `id` = ?``
/// on MySQL), run by sqlx on the pool.
async fn sqlx_delete<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    sql: String,
    id: i64,
) -> BenchResult<Measured> {
    let _warm_up: P = db.get(id).await?;
    let start = Instant::now();
    let rows = E::execute_int(db, sql, id).await?;
    let secs = start.elapsed().as_secs_f64();
    expect(
        "rows deleted by the hand-written DELETE",
        rows.try_into()?,
        1,
    )?;
    Ok(Measured::time(secs))
}
// ANCHOR_END: delete_variants

/// `DELETE FROM "<table>" WHERE "<column>" = <first placeholder>` in `E`'s dialect.
pub fn delete_sql<E: Engine>(table: &str, column: &str) -> String {
    let mut sql = format!(
        "DELETE FROM {} WHERE {} = ",
        E::quote(table),
        E::quote(column)
    );
    E::push_placeholder(&mut sql, 1);
    sql
}

/// Plans (a dry run: counts, writes nothing) the delete of the parent
/// instead of deleting it, after the same warm-up as [`orm_delete`].
async fn orm_plan<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    id: i64,
) -> BenchResult<Measured> {
    let parent: P = db.get(id).await?;
    let start = Instant::now();
    let report = db.plan_delete(&parent).await?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measured {
        secs,
        report: Some(report),
    })
}

/// Deletes one parent with `n` children.
pub async fn one_parent<E: Engine>(
    engine: &E,
    action: Action,
    who: Who,
    n: usize,
) -> BenchResult<Measured> {
    one_parent_or_plan(engine, action, who, n, false).await
}

/// The dry run of [`one_parent`]'s delete (ORM-executed, or `passive`:
/// the database's `ON DELETE`, which the dry run counts), or the delete
/// itself, on the same data: `dry_run` and delete side by side.
pub async fn one_parent_dry_run<E: Engine>(
    engine: &E,
    who: Who,
    dry_run: bool,
    n: usize,
) -> BenchResult<Measured> {
    one_parent_or_plan(engine, Action::Cascade, who, n, dry_run).await
}

async fn one_parent_or_plan<E: Engine>(
    engine: &E,
    action: Action,
    who: Who,
    n: usize,
    dry_run: bool,
) -> BenchResult<Measured> {
    let plan = if dry_run { "-plan" } else { "" };
    let place = engine
        .fresh(&format!("{}-{}-{n}{plan}", action.label(), who.label()))
        .await?;
    let tables = match (action, who) {
        (Action::Cascade, Who::Passive) => [
            cascade_passive::Parent::TABLE,
            cascade_passive::Child::TABLE,
        ],
        (Action::Cascade, _) => [cascade::Parent::TABLE, cascade::Child::TABLE],
        (Action::SetNull, Who::Passive) => [
            set_null_passive::Parent::TABLE,
            set_null_passive::Child::TABLE,
        ],
        (Action::SetNull, _) => [set_null::Parent::TABLE, set_null::Child::TABLE],
    };
    let db = engine.open(&place).await?;
    db.create_all(&tables).await?;
    fixture::load_family::<E>(&db, 1, n, None).await?;
    engine.settle(&db, &["parent", "child"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    if dry_run {
        let measured = match who {
            Who::Passive => orm_plan::<E, cascade_passive::Parent>(&db, 1).await?,
            _ => orm_plan::<E, cascade::Parent>(&db, 1).await?,
        };
        let report = measured.report.as_ref();
        let counted = report.map_or(0, |r| {
            r.deleted("child")
                + r.database_effects
                    .iter()
                    .filter(|e| e.table == "child")
                    .map(|e| e.rows)
                    .sum::<u64>()
        });
        expect("children counted by the dry run", counted.try_into()?, n)?;
        expect("parents left", count::<E>(&db, "parent", "").await?, 1)?;
        expect("children left", count::<E>(&db, "child", "").await?, n)?;
        db.close().await;
        engine.remove(place).await?;
        return Ok(measured);
    }
    let sql = delete_sql::<E>("parent", "id");
    let measured = match (action, who) {
        (Action::Cascade, Who::Orm) => orm_delete::<E, cascade::Parent>(&db, 1).await?,
        (Action::Cascade, Who::Passive) => orm_delete::<E, cascade_passive::Parent>(&db, 1).await?,
        (Action::Cascade, Who::Sqlx) => sqlx_delete::<E, cascade::Parent>(&db, sql, 1).await?,
        (Action::SetNull, Who::Orm) => orm_delete::<E, set_null::Parent>(&db, 1).await?,
        (Action::SetNull, Who::Passive) => {
            orm_delete::<E, set_null_passive::Parent>(&db, 1).await?
        }
        (Action::SetNull, Who::Sqlx) => sqlx_delete::<E, set_null::Parent>(&db, sql, 1).await?,
    };
    expect("parents left", count::<E>(&db, "parent", "").await?, 0)?;
    match action {
        Action::Cascade => expect("children left", count::<E>(&db, "child", "").await?, 0)?,
        Action::SetNull => expect(
            "children with parent_id NULL",
            count::<E>(
                &db,
                "child",
                &format!("WHERE {} IS NULL", E::quote("parent_id")),
            )
            .await?,
            n,
        )?,
    }
    db.close().await;
    engine.remove(place).await?;
    Ok(measured)
}

/// Deletes the team of a team → `heroes` heroes → `powers` powers tree.
pub async fn three_levels<E: Engine>(
    engine: &E,
    who: Who,
    heroes: usize,
    powers: usize,
) -> BenchResult<Measured> {
    let place = engine.fresh(&format!("tree-{}", who.label())).await?;
    let tables = match who {
        Who::Passive => [
            tree_passive::Team::TABLE,
            tree_passive::Hero::TABLE,
            tree_passive::Power::TABLE,
        ],
        _ => [tree::Team::TABLE, tree::Hero::TABLE, tree::Power::TABLE],
    };
    let db = engine.open(&place).await?;
    db.create_all(&tables).await?;
    fixture::load_tree::<E>(&db, heroes, powers).await?;
    engine.settle(&db, &["team", "hero", "power"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    let measured = match who {
        Who::Orm => orm_delete::<E, tree::Team>(&db, 1).await?,
        Who::Passive => orm_delete::<E, tree_passive::Team>(&db, 1).await?,
        Who::Sqlx => sqlx_delete::<E, tree::Team>(&db, delete_sql::<E>("team", "id"), 1).await?,
    };
    expect("teams left", count::<E>(&db, "team", "").await?, 0)?;
    expect("heroes left", count::<E>(&db, "hero", "").await?, 0)?;
    expect("powers left", count::<E>(&db, "power", "").await?, 0)?;
    db.close().await;
    engine.remove(place).await?;
    Ok(measured)
}

/// Deletes the `parents` parents of group 1 (each with `children` children)
/// by filter; as many parents of group 2 stay.
pub async fn bulk_by_filter<E: Engine>(
    engine: &E,
    who: Who,
    parents: usize,
    children: usize,
) -> BenchResult<Measured> {
    let place = engine.fresh(&format!("bulk-{}", who.label())).await?;
    let tables = match who {
        Who::Passive => [bulk_passive::Parent::TABLE, bulk_passive::Child::TABLE],
        _ => [bulk::Parent::TABLE, bulk::Child::TABLE],
    };
    let db = engine.open(&place).await?;
    db.create_all(&tables).await?;
    fixture::load_family::<E>(&db, 2 * parents, children, Some(parents)).await?;
    engine.settle(&db, &["parent", "child"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    // The same untimed warm-up for every variant.
    let doomed = bulk::Parent::query()
        .filter(bulk::Parent::GRP.eq(1))
        .count(&db)
        .await?;
    expect("parents in group 1", doomed.try_into()?, parents)?;
    let sql = delete_sql::<E>("parent", "grp");
    let start = Instant::now();
    let report = match who {
        Who::Orm => Some(db.delete_where(bulk::Parent::GRP.eq(1)).await?),
        Who::Passive => Some(db.delete_where(bulk_passive::Parent::GRP.eq(1)).await?),
        Who::Sqlx => {
            E::execute_int(&db, sql, 1).await?;
            None
        }
    };
    let secs = start.elapsed().as_secs_f64();
    expect(
        "parents left",
        count::<E>(&db, "parent", "").await?,
        parents,
    )?;
    expect(
        "children left",
        count::<E>(&db, "child", "").await?,
        parents * children,
    )?;
    expect(
        "orphans",
        count::<E>(
            &db,
            "child",
            &format!(
                "WHERE {} NOT IN (SELECT {} FROM {})",
                E::quote("parent_id"),
                E::quote("id"),
                E::quote("parent")
            ),
        )
        .await?,
        0,
    )?;
    db.close().await;
    engine.remove(place).await?;
    Ok(Measured { secs, report })
}

/// Insert or fetch: the ORM, or the same work written by hand with sqlx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The ORM's call.
    Orm,
    /// The same work written by hand with sqlx.
    Sqlx,
}

impl Side {
    /// A short name, for labels.
    pub fn label(self) -> &'static str {
        match self {
            Side::Orm => "orm",
            Side::Sqlx => "sqlx",
        }
    }
}

// ANCHOR: sqlx_insert
/// What the ORM's `insert_many` does, written by hand: one transaction, one
/// multi-row `INSERT ... RETURNING id` per chunk of as many rows as the
/// bind-parameter limit allows, the generated keys written back.
pub async fn sqlx_insert(db: &orm_sqlite::Db, items: &mut [Item]) -> BenchResult<()> {
    let per_statement = crate::sqlite::SQLITE_MAX_BIND / ITEM_COLUMNS;
    let mut tx = db.pool().begin().await?;
    for chunk in items.chunks_mut(per_statement) {
        let mut sql = String::with_capacity(100 + chunk.len() * 14);
        sql.push_str(
            "INSERT INTO \"item\" (\"name\", \"secret_name\", \"age\", \"rating\") VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str("(?, ?, ?, ?)");
        }
        sql.push_str(" RETURNING \"id\"");
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for item in chunk.iter() {
            query = query
                .bind(item.name.clone())
                .bind(item.secret_name.clone())
                .bind(item.age)
                .bind(item.rating);
        }
        let ids = query.fetch_all(&mut *tx).await?;
        for (item, id) in chunk.iter_mut().zip(ids) {
            item.id = Some(id);
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The same on PostgreSQL: numbered placeholders (`($1, $2, $3, $4), ($5,
/// ...`), 16,383 rows per statement (its 65,535-parameter limit).
pub async fn sqlx_insert_postgres(db: &orm_postgres::Db, items: &mut [Item]) -> BenchResult<()> {
    let per_statement = crate::postgres::PG_MAX_BIND / ITEM_COLUMNS;
    let mut tx = db.pool().begin().await?;
    for chunk in items.chunks_mut(per_statement) {
        let mut sql = String::with_capacity(100 + chunk.len() * 30);
        sql.push_str(
            "INSERT INTO \"item\" (\"name\", \"secret_name\", \"age\", \"rating\") VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let p = i * ITEM_COLUMNS;
            let _ = write!(sql, "(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4);
        }
        sql.push_str(" RETURNING \"id\"");
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for item in chunk.iter() {
            query = query
                .bind(item.name.clone())
                .bind(item.secret_name.clone())
                .bind(item.age)
                .bind(item.rating);
        }
        let ids = query.fetch_all(&mut *tx).await?;
        for (item, id) in chunk.iter_mut().zip(ids) {
            item.id = Some(id);
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The same on MySQL / MariaDB: backtick identifiers, `?` placeholders,
/// 16,383 rows per statement (its 65,535-parameter limit), the keys read
/// back with MariaDB's `INSERT ... RETURNING` (as the ORM does).
pub async fn sqlx_insert_mysql(db: &orm_mysql::Db, items: &mut [Item]) -> BenchResult<()> {
    let per_statement = crate::mysql::MYSQL_MAX_BIND / ITEM_COLUMNS;
    let mut tx = db.pool().begin().await?;
    for chunk in items.chunks_mut(per_statement) {
        let mut sql = String::with_capacity(100 + chunk.len() * 14);
        sql.push_str("INSERT INTO `item` (`name`, `secret_name`, `age`, `rating`) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str("(?, ?, ?, ?)");
        }
        sql.push_str(" RETURNING `id`");
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for item in chunk.iter() {
            query = query
                .bind(item.name.clone())
                .bind(item.secret_name.clone())
                .bind(item.age)
                .bind(item.rating);
        }
        let ids = query.fetch_all(&mut *tx).await?;
        for (item, id) in chunk.iter_mut().zip(ids) {
            item.id = Some(id);
        }
    }
    tx.commit().await?;
    Ok(())
}
// ANCHOR_END: sqlx_insert

/// Inserts `n` items into an empty table.
pub async fn insert<E: Engine>(engine: &E, side: Side, n: usize) -> BenchResult<Measured> {
    let place = engine.fresh(&format!("insert-{}", side.label())).await?;
    let db = engine.open(&place).await?;
    db.create_all(&[Item::TABLE]).await?;
    engine.settle(&db, &["item"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    expect(
        "items before",
        Item::query().count(&db).await?.try_into()?,
        0,
    )?;
    let mut items: Vec<Item> = (0..n).map(Item::nth).collect();
    let start = Instant::now();
    match side {
        Side::Orm => db.insert_many(&mut items).await?,
        Side::Sqlx => E::sqlx_insert(&db, &mut items).await?,
    }
    let secs = start.elapsed().as_secs_f64();
    expect("items after", count::<E>(&db, "item", "").await?, n)?;
    let last = items.last().and_then(|i| i.id).unwrap_or(0);
    expect("generated key of the last item", last, n)?;
    db.close().await;
    engine.remove(place).await?;
    Ok(Measured::time(secs))
}

// ANCHOR: sqlx_from_row
/// A hand-written `FromRow`, by column position (sqlx's `derive` feature is
/// not enabled; this is what it would generate, minus the name look-ups).
pub struct SqlxItem(pub Item);

impl sqlx::FromRow<'_, SqliteRow> for SqlxItem {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxItem(Item {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            secret_name: row.try_get(2)?,
            age: row.try_get(3)?,
            rating: row.try_get(4)?,
        }))
    }
}

impl sqlx::FromRow<'_, PgRow> for SqlxItem {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxItem(Item {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            secret_name: row.try_get(2)?,
            age: row.try_get(3)?,
            rating: row.try_get(4)?,
        }))
    }
}

impl sqlx::FromRow<'_, MySqlRow> for SqlxItem {
    fn from_row(row: &MySqlRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxItem(Item {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            secret_name: row.try_get(2)?,
            age: row.try_get(3)?,
            rating: row.try_get(4)?,
        }))
    }
}
// ANCHOR_END: sqlx_from_row

/// Fetches all `n` rows into structs.
pub async fn fetch<E: Engine>(engine: &E, side: Side, n: usize) -> BenchResult<Measured> {
    let place = engine.fresh(&format!("fetch-{}", side.label())).await?;
    let db = engine.open(&place).await?;
    db.create_all(&[Item::TABLE]).await?;
    fixture::load_items::<E>(&db, n).await?;
    engine.settle(&db, &["item"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    expect("items", Item::query().count(&db).await?.try_into()?, n)?;
    let start = Instant::now();
    let items: Vec<Item> = match side {
        Side::Orm => Item::query().all(&db).await?,
        Side::Sqlx => E::sqlx_fetch(&db).await?,
    };
    let secs = start.elapsed().as_secs_f64();
    expect("rows fetched", items.len().try_into()?, n)?;
    let mut want = Item::nth(n - 1);
    want.id = Some(n.try_into()?);
    if items.last() != Some(&want) {
        return Err(format!("wrong last row: {:?}", items.last()).into());
    }
    db.close().await;
    engine.remove(place).await?;
    Ok(Measured::time(secs))
}
