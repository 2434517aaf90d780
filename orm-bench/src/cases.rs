//! The measurements, written once for every [`Engine`]. Each builds a fresh
//! database (a file, a schema, or a MySQL database) with identical data, lets
//! it settle, closes it (on SQLite so the WAL is checkpointed) so every
//! variant starts from the same state, reopens it, runs the same untimed
//! warm-up, and times only the operation. Every variant's tables, the
//! hand-written baselines' included, are created by the ORM's `create_all`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use orm_core::{BelongsTo, Executor, HasMany, Model};
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
    /// The ORM's own delete (`cascade_delete` / default SET NULL, no
    /// `passive_deletes`): a statement per table per level, except where
    /// the database's foreign key declares the same action and the ORM
    /// leaves it to the database and counts its rows (PostgreSQL).
    Orm,
    /// The ORM sends the parent's `DELETE`; the database applies `ON DELETE`
    /// (`passive_deletes`).
    Passive,
    /// Hand-written sqlx: the parent's `DELETE`, the database applies `ON DELETE`.
    Sqlx,
    /// SeaORM, the cascade (or `SET NULL`) written in the application level
    /// by level with its query builder (`delete_many` / `update_many` by
    /// foreign key, then the parent). See [`crate::seaorm`].
    #[cfg(feature = "seaorm")]
    SeaOrm,
    /// SeaORM 2's own `Model::cascade_delete`: row by row.
    #[cfg(feature = "seaorm")]
    SeaOrmCascadeDelete,
    /// SeaORM's `delete_by_id`; the database applies `ON DELETE`.
    #[cfg(feature = "seaorm")]
    SeaOrmPassive,
}

/// The delete variants every engine runs, in the order their samples are
/// kept (the SeaORM ones follow where they run).
pub const DELETE_VARIANTS: [Who; 3] = [Who::Orm, Who::Passive, Who::Sqlx];

impl Who {
    /// The name in `RATIO` lines and on the command line.
    pub fn label(self) -> &'static str {
        match self {
            Who::Orm => "orm",
            Who::Passive => "passive",
            Who::Sqlx => "sqlx",
            #[cfg(feature = "seaorm")]
            Who::SeaOrm => "seaorm",
            #[cfg(feature = "seaorm")]
            Who::SeaOrmCascadeDelete => "seaorm_cascade_delete",
            #[cfg(feature = "seaorm")]
            Who::SeaOrmPassive => "seaorm_passive",
        }
    }

    /// The name in the tables.
    pub fn long_label(self) -> &'static str {
        match self {
            Who::Orm => "orm (the ORM's delete)",
            Who::Passive => "passive (DB via ORM)",
            Who::Sqlx => "sqlx (DB, hand-written)",
            #[cfg(feature = "seaorm")]
            Who::SeaOrm => "seaorm (app, level by level)",
            #[cfg(feature = "seaorm")]
            Who::SeaOrmCascadeDelete => "seaorm cascade_delete (per row)",
            #[cfg(feature = "seaorm")]
            Who::SeaOrmPassive => "seaorm delete_by_id (DB)",
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

/// Waits, untimed, until the pool holds its connections idle again: sqlx
/// hands a released connection back from a background task, after a
/// ping, which must not fall into the timed region (on PostgreSQL and
/// MySQL a measurement's pool has one connection, see
/// [`Engine::open`], so the timed region
/// would wait for it).
pub async fn idle<E: Engine>(db: &EngineDb<E>) {
    let pool = db.pool();
    let start = Instant::now();
    while pool.num_idle() < pool.size() as usize && start.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_micros(20)).await;
    }
}

// ANCHOR: delete_variants
/// The untimed warm-up of every delete variant: fetches the parent (which
/// also loads the schema and the parent's page) and plans its delete
/// through the ORM twice (a dry run: it reads the children's pages; the
/// first reads the foreign keys the ORM reads from PostgreSQL's catalog
/// once per pool). Each variant then deletes the spare rows
/// ([`fixture::SPARE`]) with its own method, so that the connection has
/// its statements prepared, as a long-lived one has, and waits for the
/// connection to be idle ([`idle`]).
async fn warm_up<E: Engine, P: Model<Key = i64>>(db: &EngineDb<E>, id: i64) -> BenchResult<P> {
    let parent: P = db.get(id).await?;
    db.plan_delete(&parent).await?;
    db.plan_delete(&parent).await?;
    Ok(parent)
}

/// [`warm_up`], the spare parent deleted through the ORM, then the parent,
/// timed.
async fn orm_delete<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    id: i64,
) -> BenchResult<Measured> {
    let parent: P = warm_up::<E, P>(db, id).await?;
    let spare: P = db.get(fixture::SPARE).await?;
    db.delete(spare).await?;
    idle::<E>(db).await;
    let start = Instant::now();
    let report = db.delete(parent).await?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measured {
        secs,
        report: Some(report),
    })
}

/// The same warm-up as [`orm_delete`] (the spare parent deleted with the
/// same statement), then one hand-written statement (`sql`, in the engine's
/// dialect: `DELETE FROM "parent" WHERE "id" = ?` on SQLite, `... = $1` on
/// PostgreSQL, ``DELETE FROM `parent` WHERE `id` = ?`` on MySQL), run by
/// sqlx on the pool.
async fn sqlx_delete<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    sql: String,
    id: i64,
) -> BenchResult<Measured> {
    let _warm_up: P = warm_up::<E, P>(db, id).await?;
    let spare = E::execute_int(db, sql.clone(), fixture::SPARE).await?;
    expect("spare parents deleted by hand", spare.try_into()?, 1)?;
    idle::<E>(db).await;
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
/// instead of deleting it, after planning the spare parent's.
async fn orm_plan<E: Engine, P: Model<Key = i64>>(
    db: &EngineDb<E>,
    id: i64,
) -> BenchResult<Measured> {
    let parent: P = db.get(id).await?;
    // The spare parent's plan first, as the deletes delete it first.
    let spare: P = db.get(fixture::SPARE).await?;
    db.plan_delete(&spare).await?;
    idle::<E>(db).await;
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
    fixture::load_spare_family::<E>(&db, 1, false).await?;
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
        // The parent and the spare one, with their children.
        expect("parents left", count::<E>(&db, "parent", "").await?, 2)?;
        expect("children left", count::<E>(&db, "child", "").await?, n + 2)?;
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
        #[cfg(feature = "seaorm")]
        (_, seaorm) => {
            let conn = E::seaorm(&db).ok_or("SeaORM does not run on this engine")?;
            Measured::time(crate::seaorm::one_parent(&conn, action, seaorm, idle::<E>(&db)).await?)
        }
    };
    expect("parents left", count::<E>(&db, "parent", "").await?, 0)?;
    match action {
        Action::Cascade => expect("children left", count::<E>(&db, "child", "").await?, 0)?,
        // The spare parent's children too.
        Action::SetNull => expect(
            "children with parent_id NULL",
            count::<E>(
                &db,
                "child",
                &format!("WHERE {} IS NULL", E::quote("parent_id")),
            )
            .await?,
            n + 2,
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
    fixture::load_spare_tree::<E>(&db).await?;
    engine.settle(&db, &["team", "hero", "power"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    let measured = match who {
        Who::Orm => orm_delete::<E, tree::Team>(&db, 1).await?,
        Who::Passive => orm_delete::<E, tree_passive::Team>(&db, 1).await?,
        Who::Sqlx => sqlx_delete::<E, tree::Team>(&db, delete_sql::<E>("team", "id"), 1).await?,
        #[cfg(feature = "seaorm")]
        seaorm => {
            let conn = E::seaorm(&db).ok_or("SeaORM does not run on this engine")?;
            Measured::time(crate::seaorm::three_levels(&conn, seaorm, idle::<E>(&db)).await?)
        }
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
    fixture::load_spare_family::<E>(&db, 2, true).await?;
    engine.settle(&db, &["parent", "child"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    // The same untimed warm-up for every variant (see [`warm_up`]).
    let doomed = bulk::Parent::query()
        .filter(bulk::Parent::GRP.eq(1))
        .count(&db)
        .await?;
    db.plan_delete_where(bulk::Parent::GRP.eq(1)).await?;
    db.plan_delete_where(bulk::Parent::GRP.eq(1)).await?;
    expect("parents in group 1", doomed.try_into()?, parents)?;
    let sql = delete_sql::<E>("parent", "grp");
    // Each variant deletes the spare group with its own method first
    // (see [`warm_up`]).
    let spare = fixture::SPARE_GROUP;
    let spare_deleted = match who {
        Who::Orm => db
            .delete_where(bulk::Parent::GRP.eq(spare))
            .await?
            .deleted("parent"),
        Who::Passive => db
            .delete_where(bulk_passive::Parent::GRP.eq(spare))
            .await?
            .deleted("parent"),
        Who::Sqlx => E::execute_int(&db, sql.clone(), spare).await?,
        #[cfg(feature = "seaorm")]
        other => return Err(format!("the bulk case does not run `{}`", other.label()).into()),
    };
    expect("spare parents deleted", spare_deleted.try_into()?, 2)?;
    idle::<E>(&db).await;
    let start = Instant::now();
    let report = match who {
        Who::Orm => Some(db.delete_where(bulk::Parent::GRP.eq(1)).await?),
        Who::Passive => Some(db.delete_where(bulk_passive::Parent::GRP.eq(1)).await?),
        Who::Sqlx => {
            E::execute_int(&db, sql, 1).await?;
            None
        }
        #[cfg(feature = "seaorm")]
        other => return Err(format!("the bulk case does not run `{}`", other.label()).into()),
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
    /// The same work through SeaORM ([`crate::seaorm`]).
    #[cfg(feature = "seaorm")]
    SeaOrm,
}

impl Side {
    /// A short name, for labels.
    pub fn label(self) -> &'static str {
        match self {
            Side::Orm => "orm",
            Side::Sqlx => "sqlx",
            #[cfg(feature = "seaorm")]
            Side::SeaOrm => "seaorm",
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
    // SeaORM's rows are its active models, built (and chunked) untimed too.
    #[cfg(feature = "seaorm")]
    let (sea, mut chunks) = match side {
        Side::SeaOrm => (
            E::seaorm(&db),
            crate::seaorm::item_chunks(&items, E::MAX_BIND / ITEM_COLUMNS),
        ),
        _ => (None, Vec::new()),
    };
    #[cfg(feature = "seaorm")]
    let mut keys: Vec<i64> = Vec::new();
    idle::<E>(&db).await;
    let start = Instant::now();
    match side {
        Side::Orm => db.insert_many(&mut items).await?,
        Side::Sqlx => E::sqlx_insert(&db, &mut items).await?,
        #[cfg(feature = "seaorm")]
        Side::SeaOrm => {
            let conn = sea.as_ref().ok_or("SeaORM does not run on this engine")?;
            keys = crate::seaorm::insert(conn, std::mem::take(&mut chunks)).await?;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    expect("items after", count::<E>(&db, "item", "").await?, n)?;
    let last = items.last().and_then(|i| i.id);
    #[cfg(feature = "seaorm")]
    let last = last.or(keys.last().copied());
    expect("generated key of the last item", last.unwrap_or(0), n)?;
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
    let mut want = Item::nth(n - 1);
    want.id = Some(n.try_into()?);
    #[cfg(feature = "seaorm")]
    let sea = E::seaorm(&db);
    #[cfg(feature = "seaorm")]
    let mut sea_items = Vec::new();
    // Every result is dropped after the timed region.
    idle::<E>(&db).await;
    let start = Instant::now();
    let items: Vec<Item> = match side {
        Side::Orm => Item::query().all(&db).await?,
        Side::Sqlx => E::sqlx_fetch(&db).await?,
        #[cfg(feature = "seaorm")]
        Side::SeaOrm => {
            let conn = sea.as_ref().ok_or("SeaORM does not run on this engine")?;
            sea_items = crate::seaorm::fetch(conn).await?;
            Vec::new()
        }
    };
    let secs = start.elapsed().as_secs_f64();
    #[allow(unused_mut)]
    let (mut fetched, mut last_ok) = (items.len(), items.last() == Some(&want));
    #[cfg(feature = "seaorm")]
    if side == Side::SeaOrm {
        fetched = sea_items.len();
        last_ok = sea_items
            .last()
            .is_some_and(|i| crate::seaorm::same_item(i, &want));
    }
    expect("rows fetched", fetched.try_into()?, n)?;
    if !last_ok {
        return Err(format!("wrong last row ({} variant)", side.label()).into());
    }
    db.close().await;
    engine.remove(place).await?;
    Ok(Measured::time(secs))
}

// ANCHOR: sqlx_load
/// A hand-written `FromRow` for a hero (`id`, `name`, `team_id`), by column
/// position.
pub struct SqlxHero(pub tree::Hero);

fn hero(id: i64, name: String, team_id: i64) -> tree::Hero {
    tree::Hero {
        id: Some(id),
        name,
        team_id,
        team: BelongsTo::NotLoaded,
        powers: HasMany::NotLoaded,
    }
}

impl sqlx::FromRow<'_, SqliteRow> for SqlxHero {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxHero(hero(
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
        )))
    }
}

impl sqlx::FromRow<'_, PgRow> for SqlxHero {
    fn from_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxHero(hero(
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
        )))
    }
}

impl sqlx::FromRow<'_, MySqlRow> for SqlxHero {
    fn from_row(row: &MySqlRow) -> Result<Self, sqlx::Error> {
        Ok(SqlxHero(hero(
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
        )))
    }
}

/// What the ORM's `load_many(&mut teams, Team::HEROES)` does, written by
/// hand: `SELECT ... FROM hero WHERE team_id IN (...) ORDER BY id` (one
/// statement per chunk of as many keys as the bind-parameter limit allows),
/// the rows grouped by team into each team's `heroes`.
pub async fn sqlx_load_heroes<E: Engine>(
    db: &EngineDb<E>,
    teams: &mut [tree::Team],
) -> BenchResult<()> {
    let ids: Vec<i64> = teams.iter().filter_map(|t| t.id).collect();
    let mut by_team: HashMap<i64, Vec<tree::Hero>> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(E::MAX_BIND) {
        let mut sql = format!(
            "SELECT {}, {}, {} FROM {} WHERE {} IN (",
            E::quote("id"),
            E::quote("name"),
            E::quote("team_id"),
            E::quote("hero"),
            E::quote("team_id")
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            E::push_placeholder(&mut sql, i + 1);
        }
        let _ = write!(sql, ") ORDER BY {}", E::quote("id"));
        for hero in E::sqlx_heroes(db, sql, chunk).await? {
            by_team.entry(hero.team_id).or_default().push(hero);
        }
    }
    for team in teams.iter_mut() {
        let heroes = team
            .id
            .and_then(|id| by_team.remove(&id))
            .unwrap_or_default();
        team.heroes = HasMany::Loaded(heroes);
    }
    Ok(())
}
// ANCHOR_END: sqlx_load

/// Loads the heroes of `teams` teams, each with `heroes` heroes, for every
/// team at once: the ORM's `load_many`, the same by hand with sqlx, or
/// SeaORM's loader. The teams are fetched first, untimed (by the ORM, or by
/// SeaORM for its variant); only the relationship load is timed.
pub async fn load<E: Engine>(
    engine: &E,
    side: Side,
    teams: usize,
    heroes: usize,
) -> BenchResult<Measured> {
    let place = engine.fresh(&format!("load-{}", side.label())).await?;
    let db = engine.open(&place).await?;
    db.create_all(&[tree::Team::TABLE, tree::Hero::TABLE])
        .await?;
    fixture::load_teams::<E>(&db, teams, heroes).await?;
    engine.settle(&db, &["team", "hero"]).await?;
    db.close().await;

    let db = engine.open(&place).await?;
    let mut ours = match side {
        Side::Orm | Side::Sqlx => tree::Team::query().all(&db).await?,
        #[cfg(feature = "seaorm")]
        Side::SeaOrm => Vec::new(),
    };
    #[cfg(feature = "seaorm")]
    let sea = match side {
        Side::SeaOrm => {
            let conn = E::seaorm(&db).ok_or("SeaORM does not run on this engine")?;
            let teams = crate::seaorm::teams(&conn).await?;
            Some((conn, teams))
        }
        _ => None,
    };
    #[cfg(feature = "seaorm")]
    let mut sea_loaded = Vec::new();
    // The loaded rows are dropped after the timed region.
    idle::<E>(&db).await;
    let start = Instant::now();
    match side {
        Side::Orm => db.load_many(&mut ours, tree::Team::HEROES).await?,
        Side::Sqlx => sqlx_load_heroes::<E>(&db, &mut ours).await?,
        #[cfg(feature = "seaorm")]
        Side::SeaOrm => {
            let (conn, teams) = sea.as_ref().ok_or("no SeaORM connection")?;
            sea_loaded = crate::seaorm::load_heroes(conn, teams).await?;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    // Every team has its `heroes` heroes, the last team the last ones.
    #[allow(unused_mut)]
    let mut per_team: Vec<(usize, Option<i64>)> = ours
        .iter()
        .map(|t| {
            let loaded = t.heroes.get().unwrap_or_default();
            (loaded.len(), loaded.last().and_then(|h| h.id))
        })
        .collect();
    #[cfg(feature = "seaorm")]
    if side == Side::SeaOrm {
        per_team = sea_loaded
            .iter()
            .map(|l| (l.len(), l.iter().map(|h| h.id).max()))
            .collect();
    }
    expect("teams loaded", per_team.len().try_into()?, teams)?;
    let short = per_team.iter().filter(|(n, _)| *n != heroes).count();
    expect("teams with another number of heroes", short.try_into()?, 0)?;
    let last = per_team.last().and_then(|(_, id)| *id).unwrap_or(0);
    expect("last hero of the last team", last, teams * heroes)?;
    db.close().await;
    engine.remove(place).await?;
    Ok(Measured::time(secs))
}
