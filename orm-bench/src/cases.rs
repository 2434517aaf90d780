//! The measurements. Each builds a fresh file with identical data, closes it
//! (so the WAL is checkpointed and every variant starts from the same state),
//! reopens it, runs the same untimed warm-up, and times only the operation.

use std::time::Instant;

use orm_core::{Executor, Model};
use orm_sqlite::Db;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};

use crate::Ctx;
use crate::fixture::{self, BenchResult, MAX_BIND, count, expect};
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
    pub fn label(self) -> &'static str {
        match self {
            Who::Orm => "orm",
            Who::Passive => "passive",
            Who::Sqlx => "sqlx",
        }
    }

    pub fn parse(text: &str) -> Option<Who> {
        DELETE_VARIANTS.into_iter().find(|w| w.label() == text)
    }
}

/// What happens to the children of one deleted parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Cascade,
    SetNull,
}

impl Action {
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
async fn orm_delete<P: Model>(db: &Db, id: i64) -> BenchResult<Measured> {
    let parent: P = db.get(id).await?;
    let start = Instant::now();
    let report = db.delete(parent).await?;
    let secs = start.elapsed().as_secs_f64();
    Ok(Measured {
        secs,
        report: Some(report),
    })
}

/// The same warm-up as [`orm_delete`], then one hand-written statement.
async fn sqlx_delete<P: Model>(db: &Db, sql: &'static str, id: i64) -> BenchResult<Measured> {
    let _warm_up: P = db.get(id).await?;
    let start = Instant::now();
    let done = sqlx::query(sql).bind(id).execute(db.pool()).await?;
    let secs = start.elapsed().as_secs_f64();
    expect(
        "rows deleted by the hand-written DELETE",
        done.rows_affected().try_into()?,
        1,
    )?;
    Ok(Measured::time(secs))
}
// ANCHOR_END: delete_variants

/// Deletes one parent with `n` children.
pub async fn one_parent(ctx: &Ctx, action: Action, who: Who, n: usize) -> BenchResult<Measured> {
    let path = ctx
        .ws
        .fresh(&format!("{}-{}-{n}", action.label(), who.label()));
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
    let db = ctx.settings.open(&path).await?;
    db.create_all(&tables).await?;
    fixture::load_family(&db, 1, n, None).await?;
    db.close().await;

    let db = ctx.settings.open(&path).await?;
    const SQL: &str = "DELETE FROM \"parent\" WHERE \"id\" = ?";
    let measured = match (action, who) {
        (Action::Cascade, Who::Orm) => orm_delete::<cascade::Parent>(&db, 1).await?,
        (Action::Cascade, Who::Passive) => orm_delete::<cascade_passive::Parent>(&db, 1).await?,
        (Action::Cascade, Who::Sqlx) => sqlx_delete::<cascade::Parent>(&db, SQL, 1).await?,
        (Action::SetNull, Who::Orm) => orm_delete::<set_null::Parent>(&db, 1).await?,
        (Action::SetNull, Who::Passive) => orm_delete::<set_null_passive::Parent>(&db, 1).await?,
        (Action::SetNull, Who::Sqlx) => sqlx_delete::<set_null::Parent>(&db, SQL, 1).await?,
    };
    expect("parents left", count(&db, "parent", "").await?, 0)?;
    match action {
        Action::Cascade => expect("children left", count(&db, "child", "").await?, 0)?,
        Action::SetNull => expect(
            "children with parent_id NULL",
            count(&db, "child", "WHERE \"parent_id\" IS NULL").await?,
            n,
        )?,
    }
    db.close().await;
    fixture::remove_database(&path);
    Ok(measured)
}

/// Deletes the team of a team → `heroes` heroes → `powers` powers tree.
pub async fn three_levels(
    ctx: &Ctx,
    who: Who,
    heroes: usize,
    powers: usize,
) -> BenchResult<Measured> {
    let path = ctx.ws.fresh(&format!("tree-{}", who.label()));
    let tables = match who {
        Who::Passive => [
            tree_passive::Team::TABLE,
            tree_passive::Hero::TABLE,
            tree_passive::Power::TABLE,
        ],
        _ => [tree::Team::TABLE, tree::Hero::TABLE, tree::Power::TABLE],
    };
    let db = ctx.settings.open(&path).await?;
    db.create_all(&tables).await?;
    fixture::load_tree(&db, heroes, powers).await?;
    db.close().await;

    let db = ctx.settings.open(&path).await?;
    let measured = match who {
        Who::Orm => orm_delete::<tree::Team>(&db, 1).await?,
        Who::Passive => orm_delete::<tree_passive::Team>(&db, 1).await?,
        Who::Sqlx => {
            sqlx_delete::<tree::Team>(&db, "DELETE FROM \"team\" WHERE \"id\" = ?", 1).await?
        }
    };
    expect("teams left", count(&db, "team", "").await?, 0)?;
    expect("heroes left", count(&db, "hero", "").await?, 0)?;
    expect("powers left", count(&db, "power", "").await?, 0)?;
    db.close().await;
    fixture::remove_database(&path);
    Ok(measured)
}

/// Deletes the `parents` parents of group 1 (each with `children` children)
/// by filter; as many parents of group 2 stay.
pub async fn bulk_by_filter(
    ctx: &Ctx,
    who: Who,
    parents: usize,
    children: usize,
) -> BenchResult<Measured> {
    let path = ctx.ws.fresh(&format!("bulk-{}", who.label()));
    let tables = match who {
        Who::Passive => [bulk_passive::Parent::TABLE, bulk_passive::Child::TABLE],
        _ => [bulk::Parent::TABLE, bulk::Child::TABLE],
    };
    let db = ctx.settings.open(&path).await?;
    db.create_all(&tables).await?;
    fixture::load_family(&db, 2 * parents, children, Some(parents)).await?;
    db.close().await;

    let db = ctx.settings.open(&path).await?;
    // The same untimed warm-up for every variant.
    let doomed = bulk::Parent::query()
        .filter(bulk::Parent::GRP.eq(1))
        .count(&db)
        .await?;
    expect("parents in group 1", doomed.try_into()?, parents)?;
    let start = Instant::now();
    let report = match who {
        Who::Orm => Some(db.delete_where(bulk::Parent::GRP.eq(1)).await?),
        Who::Passive => Some(db.delete_where(bulk_passive::Parent::GRP.eq(1)).await?),
        Who::Sqlx => {
            sqlx::query("DELETE FROM \"parent\" WHERE \"grp\" = ?")
                .bind(1_i64)
                .execute(db.pool())
                .await?;
            None
        }
    };
    let secs = start.elapsed().as_secs_f64();
    expect("parents left", count(&db, "parent", "").await?, parents)?;
    expect(
        "children left",
        count(&db, "child", "").await?,
        parents * children,
    )?;
    expect(
        "orphans",
        count(
            &db,
            "child",
            "WHERE \"parent_id\" NOT IN (SELECT \"id\" FROM \"parent\")",
        )
        .await?,
        0,
    )?;
    db.close().await;
    fixture::remove_database(&path);
    Ok(Measured { secs, report })
}

/// Insert or fetch: the ORM, or the same work written by hand with sqlx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Orm,
    Sqlx,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Orm => "orm",
            Side::Sqlx => "sqlx",
        }
    }
}

/// The columns [`Item`] writes (its key is generated).
const ITEM_COLUMNS: usize = 4;

// ANCHOR: sqlx_insert
/// What the ORM's `insert_many` does, written by hand: one transaction, one
/// multi-row `INSERT ... RETURNING id` per chunk of as many rows as the
/// bind-parameter limit allows, the generated keys written back.
async fn sqlx_insert(db: &Db, items: &mut [Item]) -> BenchResult<()> {
    let per_statement = MAX_BIND / ITEM_COLUMNS;
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
// ANCHOR_END: sqlx_insert

/// Inserts `n` items into an empty table.
pub async fn insert(ctx: &Ctx, side: Side, n: usize) -> BenchResult<Measured> {
    let path = ctx.ws.fresh(&format!("insert-{}", side.label()));
    let db = ctx.settings.open(&path).await?;
    db.create_all(&[Item::TABLE]).await?;
    db.close().await;

    let db = ctx.settings.open(&path).await?;
    expect(
        "items before",
        Item::query().count(&db).await?.try_into()?,
        0,
    )?;
    let mut items: Vec<Item> = (0..n).map(Item::nth).collect();
    let start = Instant::now();
    match side {
        Side::Orm => db.insert_many(&mut items).await?,
        Side::Sqlx => sqlx_insert(&db, &mut items).await?,
    }
    let secs = start.elapsed().as_secs_f64();
    expect("items after", count(&db, "item", "").await?, n)?;
    let last = items.last().and_then(|i| i.id).unwrap_or(0);
    expect("generated key of the last item", last, n)?;
    db.close().await;
    fixture::remove_database(&path);
    Ok(Measured::time(secs))
}

// ANCHOR: sqlx_from_row
/// A hand-written `FromRow`, by column position (sqlx's `derive` feature is
/// not enabled; this is what it would generate, minus the name look-ups).
struct SqlxItem(Item);

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
// ANCHOR_END: sqlx_from_row

/// Fetches all `n` rows into structs.
pub async fn fetch(ctx: &Ctx, side: Side, n: usize) -> BenchResult<Measured> {
    let path = ctx.ws.fresh(&format!("fetch-{}", side.label()));
    let db = ctx.settings.open(&path).await?;
    db.create_all(&[Item::TABLE]).await?;
    fixture::load_items(&db, n).await?;
    db.close().await;

    let db = ctx.settings.open(&path).await?;
    expect("items", Item::query().count(&db).await?.try_into()?, n)?;
    let start = Instant::now();
    let items: Vec<Item> = match side {
        Side::Orm => Item::query().all(&db).await?,
        Side::Sqlx => sqlx::query_as::<_, SqlxItem>(
            "SELECT \"id\", \"name\", \"secret_name\", \"age\", \"rating\" FROM \"item\" ORDER BY \"id\"",
        )
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|row| row.0)
        .collect(),
    };
    let secs = start.elapsed().as_secs_f64();
    expect("rows fetched", items.len().try_into()?, n)?;
    let mut want = Item::nth(n - 1);
    want.id = Some(n.try_into()?);
    if items.last() != Some(&want) {
        return Err(format!("wrong last row: {:?}", items.last()).into());
    }
    db.close().await;
    fixture::remove_database(&path);
    Ok(Measured::time(secs))
}
