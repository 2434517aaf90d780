//! Actions a delete leaves to the database because its foreign key declares
//! the same ([`Purpose::Carried`](crate::delete::Purpose::Carried)): verified
//! in the catalog before anything is written, their rows counted from the
//! transaction's statistics afterwards, so the report is the one the ORM's
//! own statements would give.

use std::sync::{Arc, Mutex, PoisonError};

use crate::backend::{Backend, Connection};
use crate::delete::carry::{self, Counted, DatabaseForeignKey};
use crate::delete::{DatabaseAction, DeletePlan, DeleteReport, Effect, EffectKind};
use crate::error::{Error, Result};
use crate::model::RowSource;
use crate::schema::Action;
use crate::sql::{Condition, Statement, catalog};
use crate::value::{Value, ValueType};

use super::{limits, run};

/// What a delete counts after its writes: per counted table, its deleted
/// and updated rows before them.
pub(crate) struct Counting {
    /// The query that confirmed the actions and read the counters before
    /// the writes (sent): the catalog's, or (the foreign keys known) the
    /// counters'; `None` when the delete's one write reads them itself
    /// ([`fused`](Counting::fused)).
    pub(crate) verified: Option<Statement>,
    /// The query that reads the counters after the writes.
    pub(crate) count: Statement,
    /// Where the plan's only write is the `DELETE` of the requested rows
    /// ([`carry::only_write`]): that `DELETE`, returning the counters
    /// before the database's actions ([`catalog::counted_delete`]), sent
    /// instead of the plan's statements, and the table it deletes from.
    pub(crate) fused: Option<(Statement, &'static str)>,
    /// The requested keys, to plan the ORM's own statements if the fused
    /// `DELETE` finds that the session does not count (it then deletes
    /// nothing).
    pub(crate) retry: Vec<Value>,
    counted: Vec<Counted>,
    before: Vec<(u64, u64)>,
    carried: Vec<DatabaseAction>,
}

fn text(row: &mut dyn RowSource) -> Result<String> {
    match row.next_value(ValueType::Text)? {
        Value::Text(text) => Ok(text),
        other => Err(Error::UnexpectedResult(format!(
            "expected text from the catalog, got {other}"
        ))),
    }
}

fn number(row: &mut dyn RowSource) -> Result<u64> {
    run::decode_count(row)
}

fn names(joined: &str) -> Vec<String> {
    joined.split(',').map(str::to_owned).collect()
}

/// The foreign keys deletes on one pool ([`Db`](crate::Db)) found in the
/// catalog, per set of tables deleted from: read once, by the first delete
/// that leaves actions to the database. (The foreign keys are the
/// schema's: a migration that changes them while the pool runs is seen by
/// a new `Db`. What a session can change, whether foreign keys fire and
/// rows are counted, is read again by every delete.)
#[derive(Default)]
pub(crate) struct ForeignKeyCache {
    found: Mutex<Vec<Found>>,
}

/// The tables deleted from (sorted), and every foreign key into them.
type Found = (Vec<&'static str>, Arc<[DatabaseForeignKey]>);

impl ForeignKeyCache {
    fn get(&self, tables: &[&'static str]) -> Option<Arc<[DatabaseForeignKey]>> {
        let found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        found
            .iter()
            .find(|(t, _)| t == tables)
            .map(|(_, fks)| fks.clone())
    }

    fn put(&self, tables: Vec<&'static str>, fks: Arc<[DatabaseForeignKey]>) {
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        if !found.iter().any(|(t, _)| *t == tables) {
            found.push((tables, fks));
        }
    }
}

/// Whether the database carries out the plans' carried actions as the ORM
/// would ([`carry::counted`]), from the catalog (read once per pool, see
/// [`ForeignKeyCache`]), and the counters before the writes. `Ok(None)`
/// when it does not, or the session would not count: the caller plans the
/// delete with the ORM's own statements. Reads only; where the plans'
/// only write can read the counters itself ([`Counting::fused`]), a delete
/// (not `listing`) with the foreign keys known reads nothing here. A dry
/// run `listing` what the delete would send reads the counters all the
/// same: whether this session counts decides what is listed.
pub(crate) async fn verify<B: Backend>(
    conn: &mut Connection<B>,
    plans: &[DeletePlan],
    listing: bool,
) -> Result<Option<Counting>> {
    let Some(catalog) = B::DIALECT.catalog() else {
        return Ok(None);
    };
    let mut tables = carry::deleted_tables(plans);
    tables.sort_unstable();
    let cache = limits::foreign_key_cache();
    let cached = cache.as_ref().and_then(|c| c.get(&tables));
    let (foreign_keys, read) = match cached {
        Some(fks) => (fks, None),
        None => {
            let Some(statement) = catalog::foreign_keys_into(B::DIALECT, catalog, &tables) else {
                return Ok(None);
            };
            let decode = |row: &mut dyn RowSource| -> Result<(DatabaseForeignKey, (u64, u64))> {
                let child = text(row)?;
                let parent = text(row)?;
                let columns = names(&text(row)?);
                let references = names(&text(row)?);
                let on_delete = Action::from_sql(&text(row)?);
                let carried = number(row)? == 1;
                let counts = (number(row)?, number(row)?);
                Ok((
                    DatabaseForeignKey {
                        child,
                        parent,
                        columns,
                        references,
                        on_delete,
                        carried,
                    },
                    counts,
                ))
            };
            let rows = run::fetch::<B, _>(conn, &statement, &decode).await?;
            let fks: Arc<[DatabaseForeignKey]> = rows.iter().map(|(fk, _)| fk.clone()).collect();
            if let Some(cache) = &cache {
                cache.put(tables, fks.clone());
            }
            (fks, Some((statement, rows)))
        }
    };
    let Ok(counted) = carry::counted(plans, &foreign_keys) else {
        return Ok(None);
    };
    let counted_tables: Vec<&str> = counted.iter().map(|c| c.table).collect();
    let Some(count) = catalog::write_counts(B::DIALECT, catalog, &counted_tables) else {
        return Ok(None);
    };
    let fused = carry::only_write(plans)
        .and_then(|step| counted_delete::<B>(step.table, step.rows.clone(), &counted));
    let (verified, before) = match read {
        Some((statement, rows)) => {
            let before = counted
                .iter()
                .map(|c| {
                    rows.iter()
                        .find(|(fk, _)| fk.child == c.table)
                        .map_or((0, 0), |(_, counts)| *counts)
                })
                .collect();
            (Some(statement), before)
        }
        // The delete reads the counters before it, and whether the
        // session counts, in its own statement.
        None if fused.is_some() && !listing => (None, Vec::new()),
        None => {
            // The foreign keys are known: the counters before the writes,
            // and whether this session fires foreign keys and counts.
            let rows = run::fetch::<B, _>(conn, &count, &decode_counts).await?;
            if rows.iter().any(|r| !r.counting) {
                return Ok(None);
            }
            (Some(count.clone()), aligned_counters(&counted, &rows))
        }
    };
    let carried = carry::carried(plans)
        .into_iter()
        .map(|c| DatabaseAction {
            table: c.child.name,
            column: c.fk.column(),
            action: c.action,
        })
        .collect();
    Ok(Some(Counting {
        verified,
        count,
        fused,
        retry: Vec::new(),
        counted,
        before,
        carried,
    }))
}

impl Counting {
    /// Makes the plans' one write the `DELETE` of the rows of `table` that
    /// `rows` selects, reading the counters ([`catalog::counted_delete`]):
    /// a delete by filter whose plan is that one write needs no keys.
    /// `false` (and nothing fused) where the dialect has no such statement.
    pub(crate) fn fuse_rows<B: Backend>(&mut self, table: &'static str, rows: Condition) -> bool {
        self.fused = counted_delete::<B>(table, rows, &self.counted);
        self.fused.is_some()
    }
}

/// [`catalog::counted_delete`] of the rows of `table` that `rows` selects,
/// reading the counters of the `counted` tables, with that table: the
/// value of [`Counting::fused`].
fn counted_delete<B: Backend>(
    table: &'static str,
    rows: Condition,
    counted: &[Counted],
) -> Option<(Statement, &'static str)> {
    let tables: Vec<&str> = counted.iter().map(|c| c.table).collect();
    let catalog = B::DIALECT.catalog()?;
    catalog::counted_delete(B::DIALECT, catalog, table, rows, &tables).map(|s| (s, table))
}

/// Per counted table, its (deleted, updated) counters in `rows` (rows of
/// [`catalog::write_counts`]), 0 for a table without a row.
fn aligned_counters(counted: &[Counted], rows: &[Counters]) -> Vec<(u64, u64)> {
    counted
        .iter()
        .map(|c| {
            rows.iter()
                .find(|r| r.table == c.table)
                .map_or((0, 0), |r| (r.deleted, r.updated))
        })
        .collect()
}

/// Sends the plans' one write, `fused` (taken from [`Counting::fused`]):
/// the `DELETE` and its table, which returns the counters before the
/// database's actions with each row it deletes:
/// records the rows it deleted and the counters in `counting`. Where it
/// deleted nothing, the counters and whether the session counts are read
/// ([`Counting::count`]). `Ok(false)` when the session does not count (or
/// fire foreign keys): the `DELETE` then deleted nothing, and the caller
/// runs the ORM's own statements. The error of a refused `DELETE` is the
/// database's.
pub(crate) async fn delete_counting<B: Backend>(
    conn: &mut Connection<B>,
    (statement, table): (Statement, &'static str),
    counting: &mut Counting,
    report: &mut DeleteReport,
) -> Result<bool> {
    let tables = counting.counted.len();
    let rows = run::fetch::<B, _>(conn, &statement, &move |row: &mut dyn RowSource| {
        pairs(row, tables)
    })
    .await?;
    let gone = u64::try_from(rows.len()).unwrap_or(u64::MAX);
    match rows.into_iter().next() {
        Some(before) => {
            counting.before = before;
            report.statements.push(statement);
        }
        None => {
            // Nothing matched, or the session does not count.
            let rows = run::fetch::<B, _>(conn, &counting.count, &decode_counts).await?;
            if rows.iter().any(|r| !r.counting) {
                return Ok(false);
            }
            counting.before = aligned_counters(&counting.counted, &rows);
            report
                .statements
                .extend([statement, counting.count.clone()]);
        }
    }
    report.record(table, &[], EffectKind::Deleted, gone);
    Ok(true)
}

/// A row of [`catalog::write_counts_literal`] (and of
/// [`catalog::counted_delete`]): `(deleted, updated)` of each of the
/// `tables` counted tables.
fn pairs(row: &mut dyn RowSource, tables: usize) -> Result<Vec<(u64, u64)>> {
    (0..tables)
        .map(|_| Ok((number(row)?, number(row)?)))
        .collect()
}

/// A row of [`catalog::write_counts`].
struct Counters {
    table: String,
    deleted: u64,
    updated: u64,
    /// Whether the session fires foreign keys and counts rows.
    counting: bool,
}

fn decode_counts(row: &mut dyn RowSource) -> Result<Counters> {
    Ok(Counters {
        table: text(row)?,
        deleted: number(row)?,
        updated: number(row)?,
        counting: number(row)? == 1,
    })
}

/// After the writes: records in the report the rows the carried actions
/// deleted and set to `NULL` (what the counters moved by, less the rows
/// the ORM's own statements deleted from the same tables).
pub(crate) async fn count<B: Backend>(
    conn: &mut Connection<B>,
    counting: Counting,
    report: &mut DeleteReport,
) -> Result<()> {
    let rows = run::fetch::<B, _>(conn, &counting.count, &decode_counts).await?;
    report.statements.push(counting.count.clone());
    for counted in &counting.counted {
        if !rows.iter().any(|r| r.table == counted.table) {
            return Err(Error::UnexpectedResult(format!(
                "no write counters for `{}`",
                counted.table
            )));
        }
    }
    let after = aligned_counters(&counting.counted, &rows);
    record_counts(counting, &after, report)
}

impl Counting {
    /// The read of the counters after the writes that goes with the
    /// `COMMIT` ([`catalog::write_counts_literal`]).
    fn committing<B: Backend>(&self) -> Option<Statement> {
        let tables: Vec<&str> = self.counted.iter().map(|c| c.table).collect();
        catalog::write_counts_literal(B::DIALECT, B::DIALECT.catalog()?, &tables)
    }
}

/// The statement a delete sends to read the counters after its writes:
/// [`Counting::committing`] where it commits in the same message
/// (`commits`, see [`count_and_commit`]) and that is known, else
/// [`Counting::count`].
pub(crate) fn count_statement<B: Backend>(counting: &Counting, commits: bool) -> Statement {
    commits
        .then(|| counting.committing::<B>())
        .flatten()
        .unwrap_or_else(|| counting.count.clone())
}

/// [`count`], then commits `tx`. Where `tx` is the transaction itself,
/// not a savepoint in one (`outermost`), the count and the `COMMIT` go
/// in one message, one round trip
/// ([`catalog::write_counts_then_commit`]): the message then opens an
/// empty transaction, which dropping `tx` rolls back (sqlx sends the
/// `ROLLBACK` with the connection's next message: a pooled connection's
/// check when it returns to the pool). As with any `COMMIT`, the delete
/// may have committed when this fails on the way (a timeout, a lost
/// connection).
pub(crate) async fn count_and_commit<B: Backend>(
    mut tx: sqlx::Transaction<'_, B::Database>,
    counting: Counting,
    report: &mut DeleteReport,
    outermost: bool,
) -> Result<()> {
    match outermost.then(|| counting.committing::<B>()).flatten() {
        Some(literal) => {
            let script = catalog::write_counts_then_commit(&literal);
            let tables = counting.counted.len();
            let rows =
                run::fetch_script::<B, _>(&mut tx, &script, &move |row: &mut dyn RowSource| {
                    pairs(row, tables)
                })
                .await?;
            report.statements.push(literal);
            drop(tx);
            let Some(after) = rows.into_iter().next() else {
                return Err(Error::UnexpectedResult("no write counters".into()));
            };
            record_counts(counting, &after, report)
        }
        None => {
            count::<B>(&mut tx, counting, report).await?;
            run::commit::<B>(tx).await
        }
    }
}

/// Records in the report what the counters moved by (see [`count`]):
/// `after`, the counters after the writes, per counted table, against
/// [`Counting::before`].
fn record_counts(
    counting: Counting,
    after: &[(u64, u64)],
    report: &mut DeleteReport,
) -> Result<()> {
    let mut added: Vec<Effect> = Vec::new();
    if after.len() != counting.counted.len() || counting.before.len() != after.len() {
        return Err(Error::UnexpectedResult(format!(
            "write counters for {} tables, {} counted",
            after.len(),
            counting.counted.len()
        )));
    }
    for ((counted, (deleted_before, updated_before)), &(deleted, updated)) in
        counting.counted.iter().zip(counting.before).zip(after)
    {
        let (moved, by_orm) = match counted.kind {
            EffectKind::Deleted => (
                deleted.checked_sub(deleted_before),
                report.deleted(counted.table),
            ),
            _ => (updated.checked_sub(updated_before), 0),
        };
        let Some(by_database) = moved.and_then(|m| m.checked_sub(by_orm)) else {
            return Err(Error::UnexpectedResult(format!(
                "the write counters of `{}` went backwards",
                counted.table
            )));
        };
        let known = report.effects.iter_mut().find(|e| {
            e.table == counted.table && e.columns == counted.columns && e.kind == counted.kind
        });
        match known {
            Some(effect) => effect.rows += by_database,
            None => added.push(Effect {
                table: counted.table,
                columns: counted.columns,
                kind: counted.kind,
                rows: by_database,
            }),
        }
    }
    // Leaves first, as the ORM's own statements would have touched them.
    added.reverse();
    added.append(&mut report.effects);
    report.effects = added;
    for action in counting.carried {
        if !report.carried_by_database.contains(&action) {
            report.carried_by_database.push(action);
        }
    }
    Ok(())
}
