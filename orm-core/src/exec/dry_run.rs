//! A dry run: what each write of a delete plan would touch, counted with
//! `SELECT`s, without writing a row of a user table.
//!
//! A plan's statements run one after another, and each sees what the ones
//! before it did: a table reached twice (a diamond of cascades, `SET NULL`
//! then a cascade into the same rows) must not count a row twice. Every
//! condition of a plan reads the tables above the one it writes, which the
//! plan changes only later (children go before parents), so a statement
//! counted on the untouched database selects the rows it would write, less
//! the rows an earlier statement already deleted from (or set in) the same
//! table. A table written once is counted with `SELECT COUNT(*)`; a table
//! written several times has its rows marked, as they are counted, in
//! temporary key tables (`INSERT ... SELECT` skipping keys already there;
//! the rows added are the count), dropped at the end.

use crate::backend::{Backend, Connection};
use crate::delete::{DeletePlan, DeleteReport, EffectKind, Step};
use crate::error::Result;
use crate::sql::{
    ColumnRef, Condition, CreateRowKeyTable, DropTable, InsertKeys, Name, Select, key_table_select,
};

use super::run;

/// A key table of rows already counted in one table: deleted (`columns`
/// empty), or with these foreign-key columns set.
struct Mark {
    table: &'static str,
    columns: Option<&'static [&'static str]>,
    name: Name,
}

/// Counts every write of `plans` into `report` (the database's own actions
/// into [`DeleteReport::database_effects`]).
pub(super) async fn count_steps<B: Backend>(
    conn: &mut Connection<B>,
    plans: &[DeletePlan],
    report: &mut DeleteReport,
) -> Result<()> {
    let steps: Vec<&Step> = plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.effect().is_some())
        .collect();
    let written_once = |table: &str| steps.iter().filter(|s| s.table == table).count() <= 1;
    let mut marks: Vec<Mark> = Vec::new();
    let mut result = Ok(());
    for step in &steps {
        let counted = if written_once(step.table) {
            let count = Select::count(step.table).filter(step.rows.clone());
            run::count::<B>(conn, count).await
        } else {
            count_marking::<B>(conn, step, &mut marks).await
        };
        let rows = match counted {
            Ok(rows) => rows,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        let Some((kind, columns)) = step.effect() else {
            continue;
        };
        if step.by_database {
            report.record_database(step.table, columns, kind, rows);
        } else {
            report.record(step.table, columns, kind, rows);
        }
    }
    for mark in marks {
        let dropped = run::execute::<B>(conn, DropTable { name: mark.name }).await;
        if result.is_ok() {
            dropped?;
        }
    }
    result
}

/// Counts the rows `step` writes that no earlier step of the same table
/// deleted (or, for an update, already set), marking them.
async fn count_marking<B: Backend>(
    conn: &mut Connection<B>,
    step: &Step,
    marks: &mut Vec<Mark>,
) -> Result<u64> {
    let table = step.target;
    let key: Vec<&'static str> = table.key_columns().into_iter().map(|c| c.name).collect();
    let columns = match step.effect() {
        Some((EffectKind::Deleted, _)) | None => None,
        Some((_, columns)) => Some(columns),
    };
    let mut filter = step.rows.clone();
    if columns.is_some()
        && let Some(deleted) = marks
            .iter()
            .find(|m| m.table == step.table && m.columns.is_none())
    {
        let gone =
            Condition::row_in_select(&key, key_table_select(deleted.name.clone(), key.len()));
        filter = filter.and(Condition::Not(Box::new(gone)));
    }
    let into = match marks
        .iter()
        .find(|m| m.table == step.table && m.columns == columns)
    {
        Some(mark) => mark.name.clone(),
        None => {
            let name = Name::Owned(format!("_orm_dry_{}", marks.len()));
            let create = CreateRowKeyTable {
                name: name.clone(),
                kinds: table.key_columns().into_iter().map(|c| c.kind()).collect(),
            };
            run::execute::<B>(conn, create).await?;
            marks.push(Mark {
                table: step.table,
                columns,
                name: name.clone(),
            });
            name
        }
    };
    let select = Select::columns(step.table, key.iter().map(|c| ColumnRef::new(*c)).collect())
        .filter(filter);
    run::execute::<B>(conn, InsertKeys { into, select }).await
}
