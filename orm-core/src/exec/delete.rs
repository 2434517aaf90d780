//! Runs delete plans: checks, then writes, in one transaction (a savepoint
//! when the caller is already in one).

use crate::TableDef;
use crate::backend::{Backend, Connection};
use crate::delete::{
    DeletePlan, DeleteReport, Prepare, Purpose, SoftMode, plan_delete_all_for, plan_delete_for,
    resolve_relation,
};
use crate::error::{Error, Result};
use crate::model::{Model, RowSource};
use crate::query::{CompareOp, Expr};
use crate::registry::Schema;
use crate::relation::{ParentSide, Rel};
use crate::sql::{
    Assign, COMPOSITE_KEYS_PER_STATEMENT, ColumnRef, Condition, Render, Select, Update,
    binds_as_array,
};
use crate::value::{Value, stamp};

use super::carry::{self, Counting};
use super::run;

/// Plans one chunk of keys per statement set, so no statement exceeds the
/// bind-parameter limit (one chunk of all of them where the dialect binds
/// the keys as one array). A statement may bind a chunk's keys more than once
/// (a self-referential `NO ACTION` check binds them twice): the chunk is
/// sized from the widest statement of the first plan. `keys` holds the
/// values of each key's columns, key after key (one value per key unless
/// the key is composite; then whole keys per chunk, at most
/// [`COMPOSITE_KEYS_PER_STATEMENT`]).
fn plan_chunks<B: Backend>(
    purpose: Purpose,
    soft: SoftMode,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
) -> Result<Vec<DeletePlan>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let width = table.key_indexes().len();
    let count = keys.len() / width;
    let max = B::DIALECT.max_bind_parameters().max(width);
    let mut chunk = (max / width).min(count);
    if width > 1 {
        chunk = chunk.min(COMPOSITE_KEYS_PER_STATEMENT);
    } else if binds_as_array(B::DIALECT, &keys) {
        // Every statement binds the keys as one array parameter: one plan
        // over all of them, however many.
        chunk = count;
    }
    let mut chunk = chunk.max(1);
    let first = loop {
        let part = keys[..(chunk * width).min(keys.len())].to_vec();
        let plan = plan_delete_for(purpose, soft, B::DIALECT, schema, table, part, 0)?;
        let widest = plan.widest_statement();
        if widest <= max || chunk == 1 {
            break plan;
        }
        // Parameters grow (at least) linearly with the keys of the chunk.
        chunk = (chunk * max / widest).clamp(1, chunk - 1);
    };
    if count > chunk && first.checks_own_deletes {
        // A NO ACTION check of one chunk would count references from the
        // rows of the others: one plan over a key table sees them all
        // (refused for a composite key, which a key table cannot hold).
        return Ok(vec![plan_delete_all_for(
            purpose,
            soft,
            B::DIALECT,
            schema,
            table,
            keys,
            max,
        )?]);
    }
    let mut plans = Vec::with_capacity(count.div_ceil(chunk));
    let mut keys = keys.into_iter().skip(chunk * width).peekable();
    plans.push(first);
    while keys.peek().is_some() {
        let part: Vec<Value> = keys.by_ref().take(chunk * width).collect();
        plans.push(plan_delete_for(
            purpose,
            soft,
            B::DIALECT,
            schema,
            table,
            part,
            plans.len(),
        )?);
    }
    Ok(plans)
}

/// `SELECT <key columns> FROM table`, for the keys a delete starts from.
fn key_select(table: &'static TableDef) -> Select {
    let columns = table
        .key_columns()
        .into_iter()
        .map(|c| ColumnRef::new(c.name))
        .collect();
    Select::columns(table.name, columns)
}

async fn run_plans<B: Backend>(
    conn: &mut Connection<B>,
    plans: &[DeletePlan],
    report: &mut DeleteReport,
) -> Result<()> {
    // 1. passive_deletes needs a database that enforces foreign keys.
    if let Some((_, model, relation)) = plans.iter().flat_map(|p| &p.passive).next()
        && !run::foreign_keys_enforced::<B>(conn).await?
    {
        return Err(Error::ForeignKeysNotEnforced { model, relation });
    }
    left_to_database(plans, report);
    let result = run_statements::<B>(conn, plans, report).await;
    // The temporary tables go, also after a refusal or a database error
    // (MySQL keeps them on the connection, outside the transaction, where a
    // retry would find them) — not after a timeout, whose connection may
    // not answer.
    if matches!(result, Err(Error::Timeout { .. })) {
        return result;
    }
    for statement in plans.iter().flat_map(|p| &p.cleanup) {
        let dropped = run::execute::<B>(conn, statement).await;
        if result.is_ok() {
            dropped?;
            if !report.dry_run {
                report.statements.push(statement.clone());
            }
        }
    }
    result
}

/// Records in the report what the plans leave to the database
/// (`passive_deletes`).
fn left_to_database(plans: &[DeletePlan], report: &mut DeleteReport) {
    for plan in plans {
        for (action, _, _) in &plan.passive {
            if !report.left_to_database.contains(action) {
                report.left_to_database.push(action.clone());
            }
        }
    }
}

/// Runs the plans (a dry run counts instead of writing); the caller drops
/// the temporary tables. A dry run records no statement: its report lists
/// the statements a delete sends ([`DeletePlan::statements`]).
async fn run_statements<B: Backend>(
    conn: &mut Connection<B>,
    plans: &[DeletePlan],
    report: &mut DeleteReport,
) -> Result<()> {
    let dry_run = report.dry_run;
    let sent = |report: &mut DeleteReport, statement: &crate::sql::Statement| {
        if !dry_run {
            report.statements.push(statement.clone());
        }
    };
    // 2. Store the requested keys (a plan over more keys than one statement
    //    binds), then lock the root rows (where the dialect has row locks), so children
    //    inserted concurrently wait for this transaction. A dry run locks
    //    nothing.
    for statement in plans.iter().flat_map(|p| &p.keys) {
        run::execute::<B>(conn, statement).await?;
        sent(report, statement);
    }
    if !dry_run {
        for statement in plans.iter().filter_map(|p| p.lock.as_ref()) {
            run::execute::<B>(conn, statement).await?;
            sent(report, statement);
        }
    }
    // 3. Collect self-referential trees and cascade cycles (temporary
    //    tables only); a cycle's rounds until one adds no row.
    for prepare in plans.iter().flat_map(|p| &p.prepare) {
        match prepare {
            Prepare::Once(statement) => {
                run::execute::<B>(conn, statement).await?;
                sent(report, statement);
            }
            Prepare::Closure(round) => loop {
                let mut added = 0;
                for (statement, counts) in round {
                    let rows = run::execute::<B>(conn, statement).await?;
                    sent(report, statement);
                    if *counts {
                        added += rows;
                    }
                }
                if added == 0 {
                    break;
                }
            },
        }
    }
    // 4. RESTRICT / NO ACTION: refuse before anything is written.
    for check in plans.iter().flat_map(|p| &p.checks) {
        let count = run::count::<B>(conn, &check.statement).await?;
        sent(report, &check.statement);
        if count > 0 {
            return Err(Error::Restricted {
                parent_table: check.parent_table,
                table: check.table,
                column: check.column,
                count,
                action: check.action,
            });
        }
    }
    if dry_run {
        return super::dry_run::count_steps::<B>(conn, plans, report).await;
    }
    // 5. Writes, leaves first.
    for step in plans.iter().flat_map(|p| &p.steps) {
        let rows = run::execute::<B>(conn, &step.statement)
            .await
            .map_err(|e| name_table(e, step.table))?;
        report.statements.push(step.statement.clone());
        let Some((kind, columns)) = step.effect() else {
            continue;
        };
        report.record(step.table, columns, kind, rows);
    }
    Ok(())
}

/// Names the table a refused write was aimed at, the same on every backend:
/// SQLite names no table, PostgreSQL names the referencing one (its
/// constraint name is kept).
fn name_table(error: Error, table: &'static str) -> Error {
    match error {
        Error::ForeignKeyViolation {
            constraint,
            message,
            ..
        } => Error::ForeignKeyViolation {
            table: Some(table.to_owned()),
            constraint,
            message,
        },
        other => other,
    }
}

/// The rows a delete starts from.
enum Roots {
    /// One model's key (its key columns' values): the delete fails with
    /// `NotFound` when it is gone.
    Key(Vec<Value>),
    /// These keys, key after key (rows already gone are skipped).
    Keys(Vec<Value>),
    /// The keys a `SELECT` returns (bulk delete by filter); it locks them
    /// where the dialect has row locks.
    Select(Select),
}

/// What a delete does to the rows of soft-delete tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// Marks them (a soft delete) when the table deleted from is a
    /// soft-delete table; else deletes.
    Delete,
    /// Deletes them for real (`purge`).
    Purge,
    /// Clears the marks of the soft delete that marked the requested row
    /// (`restore`; one key).
    Restore,
}

/// The plans a delete runs: where `carrying`, the actions the database's
/// foreign keys declare alike are left to it once its catalog confirms
/// them (with what to count of them); else, or when it does not, the ORM's
/// own statements for every action.
async fn delete_plans<B: Backend>(
    conn: &mut Connection<B>,
    keys: Vec<Value>,
    plan: &(dyn Fn(Purpose, Vec<Value>) -> Result<Vec<DeletePlan>> + Sync),
    carrying: bool,
    listing: bool,
) -> Result<(Vec<DeletePlan>, Option<Counting>)> {
    if !carrying {
        return Ok((plan(Purpose::Delete, keys)?, None));
    }
    let retry = keys.clone();
    let plans = plan(Purpose::Carried, keys)?;
    if plans.iter().all(|p| p.carried.is_empty()) {
        return Ok((plans, None));
    }
    match carry::verify::<B>(conn, &plans, listing).await? {
        Some(mut counting) => {
            counting.retry = retry;
            Ok((plans, Some(counting)))
        }
        None => Ok((plan(Purpose::Delete, retry)?, None)),
    }
}

/// What [`by_filter`] did.
enum Filtered {
    /// It deleted the rows with the filter itself: the plans (made for one
    /// key) and what to count after.
    Deleted(Vec<DeletePlan>, Box<Counting>),
    /// The session does not count (nor fire foreign keys): it deleted
    /// nothing; the ORM's own statements follow.
    NotCounting,
    /// Not applicable: the keys are read first.
    Keys,
}

/// A hard delete by filter whose plan's only write is the `DELETE` of the
/// rows (every action below them left to the database, see
/// [`carry::verify`]): that `DELETE` takes the filter itself and reads the
/// counters ([`Counting::fuse_rows`]), instead of the keys being read and
/// locked first and deleted by key. Which actions the database carries
/// does not depend on the keys, so the plan is made for one (placeholder)
/// key. One statement selects and deletes the rows: nothing can change
/// which rows the filter selects between the two. `None` where that is
/// not the plan; a dry run (`listing`) reads the counters to know whether
/// the session counts, as [`carry::verify`] says.
async fn fused_by_filter<B: Backend>(
    conn: &mut Connection<B>,
    table: &'static TableDef,
    filter: Option<Condition>,
    plan: &(dyn Fn(Purpose, Vec<Value>) -> Result<Vec<DeletePlan>> + Sync),
    listing: bool,
) -> Result<Option<(Vec<DeletePlan>, Counting)>> {
    let Some(filter) = filter else {
        return Ok(None);
    };
    let one_key = table
        .key_columns()
        .into_iter()
        .map(|c| Value::Null(c.ty.kind()))
        .collect();
    let plans = plan(Purpose::Carried, one_key)?;
    if plans.iter().all(|p| p.carried.is_empty())
        || crate::delete::carry::only_write(&plans).is_none()
    {
        return Ok(None);
    }
    let Some(mut counting) = carry::verify::<B>(conn, &plans, listing).await? else {
        return Ok(None);
    };
    if !counting.fuse_rows::<B>(table.name, filter) {
        return Ok(None);
    }
    Ok(Some((plans, counting)))
}

/// Deletes by filter with one statement where [`fused_by_filter`] says so.
async fn by_filter<B: Backend>(
    conn: &mut Connection<B>,
    table: &'static TableDef,
    filter: Option<Condition>,
    plan: &(dyn Fn(Purpose, Vec<Value>) -> Result<Vec<DeletePlan>> + Sync),
    report: &mut DeleteReport,
) -> Result<Filtered> {
    let Some((plans, mut counting)) =
        fused_by_filter::<B>(conn, table, filter, plan, false).await?
    else {
        return Ok(Filtered::Keys);
    };
    report.statements.extend(counting.verified.take());
    let Some(fused) = counting.fused.take() else {
        return Ok(Filtered::Keys);
    };
    let counts = carry::delete_counting::<B>(conn, fused, &mut counting, report)
        .await
        .map_err(|e| name_table(e, table.name))?;
    Ok(if counts {
        Filtered::Deleted(plans, Box::new(counting))
    } else {
        Filtered::NotCounting
    })
}

async fn in_transaction<B: Backend>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    table: &'static TableDef,
    roots: Roots,
    dry_run: bool,
    how: How,
) -> Result<DeleteReport> {
    // The transaction is the delete's own, not a savepoint in the caller's:
    // it may commit in the message that counts (see [`carry::count_and_commit`]).
    let outermost = !sqlx::Connection::is_in_transaction(&*conn);
    let mut tx = run::begin::<B>(conn).await?;
    let mut report = DeleteReport {
        dry_run,
        ..DeleteReport::default()
    };
    let selected_with_lock =
        matches!(roots, Roots::Select(_)) && B::DIALECT.row_lock_clause().is_some();
    // A hard delete where the backend counts what the database's own
    // actions write: the actions its foreign keys declare alike are left
    // to it, once the catalog confirms them (else the ORM sends them all).
    let hard = match how {
        How::Purge => true,
        How::Delete => table.soft_delete.is_none(),
        How::Restore => false,
    };
    let mut carrying = hard && B::DIALECT.counts_database_actions();
    // By filter, the one DELETE selects the rows itself (see [`by_filter`]).
    let hard_plan = |purpose, keys| -> Result<Vec<DeletePlan>> {
        let mut plans = plan_chunks::<B>(purpose, SoftMode::Hard, schema, table, keys)?;
        for plan in &mut plans {
            plan.lock = None;
        }
        Ok(plans)
    };
    // A dry run by filter: the filter, and where the key read is listed,
    // for the listing of a delete that would take the filter itself.
    let mut listed_filter = None;
    let (keys, single) = match roots {
        Roots::Key(key) => (key, true),
        Roots::Keys(keys) => (keys, false),
        Roots::Select(mut select) => {
            let types: Vec<_> = table.key_columns().into_iter().map(|c| c.ty).collect();
            let decode = move |row: &mut dyn RowSource| {
                types
                    .iter()
                    .map(|ty| row.next_value(*ty))
                    .collect::<Result<Vec<Value>>>()
            };
            let spilled = super::spill::spill::<B>(&mut tx, select.filter.as_mut(), 0).await?;
            if carrying && dry_run {
                listed_filter = Some((select.filter.clone(), report.statements.len()));
            }
            if carrying && !dry_run {
                let filter = select.filter.clone();
                match by_filter::<B>(&mut tx, table, filter, &hard_plan, &mut report).await {
                    Ok(Filtered::Deleted(plans, counting)) => {
                        spilled.drop::<B>(&mut tx).await;
                        left_to_database(&plans, &mut report);
                        carry::count_and_commit::<B>(tx, *counting, &mut report, outermost).await?;
                        return Ok(report);
                    }
                    Ok(Filtered::NotCounting) => carrying = false,
                    Ok(Filtered::Keys) => {}
                    Err(error) => {
                        spilled.drop::<B>(&mut tx).await;
                        return Err(error);
                    }
                }
            }
            let select = select.render(B::DIALECT);
            let keys = run::fetch::<B, Vec<Value>>(&mut tx, &select, &decode).await;
            spilled.drop::<B>(&mut tx).await;
            let keys: Vec<Value> = keys?.into_iter().flatten().collect();
            report.statements.push(select);
            (keys, false)
        }
    };
    let first_key = if single { keys.clone() } else { Vec::new() };
    let soft = match (how, table.soft_delete) {
        (How::Delete, Some(_)) => SoftMode::Mark(stamp::next()),
        (How::Restore, Some(column)) => {
            SoftMode::Restore(stamp_of::<B>(&mut tx, table, column, &first_key).await?)
        }
        (How::Restore, None) => {
            return Err(Error::InvalidRelation {
                model: table.model,
                relation: "*",
                reason: format!(
                    "`{}` has no `soft_delete` column: there is nothing to restore",
                    table.name
                ),
            });
        }
        _ => SoftMode::Hard,
    };
    let purpose = if dry_run {
        Purpose::DryRun
    } else {
        Purpose::Delete
    };
    let listed = dry_run.then(|| keys.clone());
    let plan = |purpose, keys| -> Result<Vec<DeletePlan>> {
        let mut plans = plan_chunks::<B>(purpose, soft, schema, table, keys)?;
        if selected_with_lock {
            // The SELECT already locked the root rows.
            for plan in &mut plans {
                plan.lock = None;
            }
        }
        Ok(plans)
    };
    debug_assert_eq!(hard, soft == SoftMode::Hard);
    let (plans, mut counting) = if dry_run {
        (plan(purpose, keys)?, None)
    } else {
        delete_plans::<B>(&mut tx, keys, &plan, carrying, false).await?
    };
    if let Some(verified) = counting.as_ref().and_then(|c| c.verified.clone()) {
        report.statements.push(verified);
    }
    let by_filter_listed = match listed_filter {
        Some((filter, select_at)) => {
            match fused_by_filter::<B>(&mut tx, table, filter, &hard_plan, true).await? {
                Some((_, counting)) if counting.fused.is_some() => {
                    // The delete would not read the keys first.
                    let count = carry::count_statement::<B>(&counting, outermost);
                    report.statements.truncate(select_at);
                    report
                        .statements
                        .extend(counting.fused.map(|(delete, _)| delete));
                    report.statements.push(count);
                    true
                }
                _ => false,
            }
        }
        None => false,
    };
    if let Some(keys) = listed.filter(|_| !by_filter_listed) {
        // The statements the delete would send: those of the plans, unless
        // they hold what the database does (passive_deletes), which the
        // delete's own plans leave out, or the delete leaves actions to
        // the database (its catalog is read, not written).
        let by_database = plans.iter().any(|p| !p.passive.is_empty());
        let (delete_plans, counting) = if by_database || carrying {
            delete_plans::<B>(&mut tx, keys, &plan, carrying, true).await?
        } else {
            (Vec::new(), None)
        };
        let listed = if by_database || carrying {
            &delete_plans
        } else {
            &plans
        };
        // The foreign keys are known now (read once per pool): the delete
        // reads the counters before and after its writes (before them in
        // its one write's statement, when that is all it sends).
        let after = counting
            .as_ref()
            .map(|c| carry::count_statement::<B>(c, outermost));
        match &counting {
            Some(Counting {
                fused: Some((delete, _)),
                ..
            }) => report.statements.push(delete.clone()),
            _ => {
                report
                    .statements
                    .extend(counting.as_ref().map(|c| c.count.clone()));
                for p in listed {
                    report.statements.extend(p.statements().cloned());
                }
            }
        }
        report.statements.extend(after);
    }
    let fused = counting.as_mut().and_then(|c| c.fused.take());
    let counting = match (counting, fused) {
        (Some(mut counting), Some(fused)) => {
            let table = fused.1;
            let counts = carry::delete_counting::<B>(&mut tx, fused, &mut counting, &mut report)
                .await
                .map_err(|e| name_table(e, table))?;
            if counts {
                // It deleted where the session fires foreign keys, which
                // is what `passive_deletes` needs (PostgreSQL's check).
                left_to_database(&plans, &mut report);
                Some(counting)
            } else {
                // The session does not count (nor fire foreign keys): the
                // fused DELETE deleted nothing; the ORM's own statements.
                let plans = plan(Purpose::Delete, std::mem::take(&mut counting.retry))?;
                run_plans::<B>(&mut tx, &plans, &mut report).await?;
                None
            }
        }
        (counting, _) => {
            run_plans::<B>(&mut tx, &plans, &mut report).await?;
            counting
        }
    };
    // Whether the row was there is known before the counters are read:
    // the ORM's own statements, or the fused `DELETE`, deleted the rows
    // requested (what the database's actions wrote is counted below).
    let done = match soft {
        SoftMode::Hard => report.deleted(table.name),
        SoftMode::Mark(_) => report.soft_deleted(table.name),
        SoftMode::Restore(_) => report.restored(table.name),
    };
    if single && done == 0 {
        return Err(super::crud::not_found(table, &first_key));
    }
    match counting {
        Some(counting) => {
            carry::count_and_commit::<B>(tx, counting, &mut report, outermost).await?;
        }
        None if dry_run => run::rollback::<B>(tx).await?,
        None => run::commit::<B>(tx).await?,
    }
    Ok(report)
}

/// The stamp of the soft delete that marked the row `key` of `table`:
/// `NotFound` when there is no such row or it is live.
async fn stamp_of<B: Backend>(
    conn: &mut Connection<B>,
    table: &'static TableDef,
    column: &'static str,
    key: &[Value],
) -> Result<i64> {
    let ty = table.column(column).map_or(crate::ValueType::I64, |c| c.ty);
    let select =
        Select::column(table.name, column).filter(super::crud::key_condition(table, key.to_vec()));
    let decode = move |row: &mut dyn RowSource| row.next_value(ty);
    let values = run::fetch::<B, Value>(conn, select, &decode).await?;
    values
        .first()
        .and_then(stamp::from_value)
        .ok_or_else(|| super::crud::not_found(table, key))
}

/// Deletes one model's row with every cascade (or plans it): a soft delete
/// for a soft-delete model.
pub(crate) async fn delete_model<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    model: &M,
    dry_run: bool,
) -> Result<DeleteReport> {
    model_root::<B, M>(conn, schema, model, dry_run, How::Delete).await
}

/// Deletes, purges or restores one model's row (see [`How`]).
pub(crate) async fn model_root<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    model: &M,
    dry_run: bool,
    how: How,
) -> Result<DeleteReport> {
    let key = model.key_values();
    if key.iter().any(Value::is_null) {
        return Err(Error::MissingPrimaryKey {
            model: M::TABLE.model,
        });
    }
    in_transaction::<B>(conn, schema, M::TABLE, Roots::Key(key), dry_run, how).await
}

/// Deletes every row matching `filter` with every cascade (or plans it).
/// The matching keys are read first, inside the transaction, so that the
/// cascade's own updates cannot change which rows the filter selects
/// (unless the whole delete is one `DELETE` taking the filter itself, see
/// [`by_filter`]).
pub(crate) async fn delete_where<B: Backend, M: Model>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    filter: Expr,
    dry_run: bool,
    how: How,
) -> Result<DeleteReport> {
    let table = M::TABLE;
    // Locks the rows as they are selected (where the dialect has row locks).
    let select = key_select(table).filter(Condition::from_expr(table, &filter));
    // A dry run locks nothing.
    let select = if dry_run { select } else { select.locked() };
    in_transaction::<B>(conn, schema, table, Roots::Select(select), dry_run, how).await
}

/// Deletes the rows of `table` with these primary keys, with every cascade
/// (or plans it): the untyped form, for schemas built at run time.
pub(crate) async fn delete_keys<B: Backend>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
    dry_run: bool,
) -> Result<DeleteReport> {
    in_transaction::<B>(conn, schema, table, Roots::Keys(keys), dry_run, How::Delete).await
}

/// Restores the row of `table` with primary key `key` (see [`How::Restore`]).
pub(crate) async fn restore_key<B: Backend>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    table: &'static TableDef,
    key: Vec<Value>,
) -> Result<DeleteReport> {
    in_transaction::<B>(conn, schema, table, Roots::Key(key), false, How::Restore).await
}

/// Deletes the rows of `table` that `filter` selects, through the planner
/// (every cascade of theirs, in one transaction); returns how many rows of
/// `table` went.
pub(crate) async fn delete_rows_where<B: Backend>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    table: &'static TableDef,
    filter: Condition,
) -> Result<u64> {
    let select = key_select(table).filter(filter).locked();
    let report = in_transaction::<B>(
        conn,
        schema,
        table,
        Roots::Select(select),
        false,
        How::Delete,
    )
    .await?;
    Ok(report.deleted(table.name) + report.soft_deleted(table.name))
}

/// Detaches every child of `parent` in `relation`: on a `cascade_delete`
/// relationship deletes them (delete-orphan), with every cascade of their
/// own, in one transaction; elsewhere sets their foreign key to `NULL` with
/// one `UPDATE`. Returns how many rows were deleted from the child table or
/// unlinked.
pub(crate) async fn detach<B: Backend, P: Model, R: ParentSide>(
    conn: &mut Connection<B>,
    schema: Option<&Schema>,
    parent: &mut P,
    relation: Rel<P, R>,
) -> Result<u64> {
    let resolved = resolve_relation(P::TABLE, relation.def())?;
    let (child, fk) = (resolved.child, resolved.fk);
    // `fk = key` on every column of the foreign key.
    let mut children = Vec::with_capacity(fk.columns.len());
    for (column, referenced) in fk.columns.iter().zip(fk.references_columns) {
        let key_index = P::TABLE
            .column_index(referenced)
            .unwrap_or(P::TABLE.primary_key);
        let key = parent
            .column_value(key_index)
            .unwrap_or(Value::Null(P::TABLE.columns[key_index].kind()));
        if key.is_null() {
            return Err(Error::MissingPrimaryKey {
                model: P::TABLE.model,
            });
        }
        children.push(Condition::Compare {
            column: ColumnRef::new(*column),
            op: CompareOp::Eq,
            value: key,
        });
    }
    let children = match <[Condition; 1]>::try_from(children) {
        Ok([one]) => one,
        Err(all) => Condition::And(all),
    };
    let rows = if resolved.relation.cascade_delete {
        // Locks the children as they are selected (where the dialect has row locks).
        let select = key_select(child).filter(children).locked();
        let report = in_transaction::<B>(
            conn,
            schema,
            child,
            Roots::Select(select),
            false,
            How::Delete,
        )
        .await?;
        report.deleted(child.name) + report.soft_deleted(child.name)
    } else {
        if !fk
            .columns
            .iter()
            .all(|c| child.column(c).is_some_and(|c| c.nullable))
        {
            return Err(Error::CannotDetach {
                model: P::TABLE.model,
                relation: resolved.relation.field,
                table: child.name,
                column: fk.column(),
            });
        }
        let update = Update {
            table: child.name.into(),
            set: fk
                .columns
                .iter()
                .map(|c| ((*c).into(), Assign::Null))
                .collect(),
            filter: Some(children),
        };
        run::execute::<B>(conn, update).await?
    };
    *relation.field_mut(parent) = R::detached();
    Ok(rows)
}
