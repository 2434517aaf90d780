//! `IN` lists too long for one statement. A user's `is_in` may hold more
//! values than the database accepts as bind parameters in one statement
//! (SQLite 32,766; PostgreSQL and MySQL 65,535, counted in 16 bits; a list
//! PostgreSQL binds as one array counts once and never needs this). Such
//! lists are moved, before the query runs, into a temporary key table of the
//! same connection, filled in chunks, and the condition reads
//! `column IN (SELECT k FROM _orm_in_<n>)` instead: the same rows, with
//! SQL's three-valued logic kept (a `NULL` in the list stays a `NULL`
//! comparison), whatever the condition around it (`NOT`, `OR`, order, limit).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::backend::{Backend, Connection, Dialect};
use crate::error::Result;
use crate::sql::{Condition, CreateKeyTable, DropTable, KEY_COLUMN, Name, Select, binds_as_array};
use crate::value::Value;

use super::run;

/// Numbers the key tables: names are unique per process, so a table left on
/// a connection by a failed drop never collides with the next one.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// The key tables a statement reads; drop them with [`Spilled::drop`].
#[must_use = "the temporary tables must be dropped"]
#[derive(Default)]
pub(crate) struct Spilled {
    tables: Vec<Name>,
}

/// Bind parameters a condition carries in `dialect`: a list the dialect
/// binds as one array counts once.
pub(crate) fn params(condition: &Condition, dialect: &dyn Dialect) -> usize {
    match condition {
        Condition::Compare { .. } => 1,
        Condition::Columns { .. } | Condition::IsNull { .. } | Condition::Const(_) => 0,
        Condition::In { values, .. } if binds_as_array(dialect, values) => 1,
        Condition::In { values, .. } => values.len(),
        Condition::InSelect { select, .. } => {
            select.filter.as_ref().map_or(0, |f| params(f, dialect))
        }
        Condition::And(items) | Condition::Or(items) => {
            items.iter().map(|item| params(item, dialect)).sum()
        }
        Condition::Not(inner) | Condition::NotTrue(inner) => params(inner, dialect),
    }
}

/// Every `IN` list of `condition`, to pick the longest.
fn lists<'c>(condition: &'c mut Condition, out: &mut Vec<&'c mut Condition>) {
    match condition {
        Condition::In { .. } => out.push(condition),
        Condition::InSelect { select, .. } => {
            if let Some(filter) = select.filter.as_mut() {
                lists(filter, out);
            }
        }
        Condition::And(items) | Condition::Or(items) => {
            for item in items {
                lists(item, out);
            }
        }
        Condition::Not(inner) | Condition::NotTrue(inner) => lists(inner, out),
        Condition::Compare { .. }
        | Condition::Columns { .. }
        | Condition::IsNull { .. }
        | Condition::Const(_) => {}
    }
}

/// Moves the longest `IN` lists of `filter` into key tables until the
/// condition fits the dialect's bind limit (with `reserved` parameters left
/// for the rest of the statement). Nothing happens when it already fits.
pub(crate) async fn spill<B: Backend>(
    conn: &mut Connection<B>,
    filter: Option<&mut Condition>,
    reserved: usize,
) -> Result<Spilled> {
    let mut spilled = Spilled::default();
    let Some(filter) = filter else {
        return Ok(spilled);
    };
    let max = B::DIALECT
        .max_bind_parameters()
        .saturating_sub(reserved)
        .max(1);
    let dialect = B::DIALECT;
    let mut total = params(filter, dialect);
    if total <= max {
        return Ok(spilled);
    }
    let mut found = Vec::new();
    lists(filter, &mut found);
    found.sort_by_key(|c| std::cmp::Reverse(params(c, dialect)));
    for condition in found {
        if total <= max {
            break;
        }
        let before = params(condition, dialect);
        let result = spill_one::<B>(conn, condition, max, &mut spilled).await;
        if let Err(error) = result {
            spilled.drop::<B>(conn).await;
            return Err(error);
        }
        total = total - before + params(condition, dialect);
    }
    Ok(spilled)
}

/// Replaces one `IN` list with a read of a key table holding its values.
async fn spill_one<B: Backend>(
    conn: &mut Connection<B>,
    condition: &mut Condition,
    max: usize,
    spilled: &mut Spilled,
) -> Result<()> {
    let Condition::In {
        column,
        values,
        negated,
    } = condition
    else {
        return Ok(());
    };
    let kind = values
        .iter()
        .find(|v| !v.is_null())
        .or(values.first())
        .map(Value::kind);
    let mut seen = HashSet::new();
    let mut has_null = false;
    let mut keys = Vec::new();
    for value in std::mem::take(values) {
        match value.group_key() {
            Some(key) => {
                if seen.insert(key) {
                    keys.push(value);
                }
            }
            // `Invalid` values are kept, so the insert refuses them.
            None if value.is_null() => has_null = true,
            None => keys.push(value),
        }
    }
    let column = column.clone();
    let mut any = Vec::new();
    if let (Some(kind), false) = (kind, keys.is_empty()) {
        let name = Name::from(format!("_orm_in_{}", NEXT.fetch_add(1, Ordering::Relaxed)));
        let create = CreateKeyTable {
            name: name.clone(),
            kind,
        };
        run::execute::<B>(conn, create.clone()).await?;
        spilled.tables.push(name.clone());
        for insert in create.fill(keys, max) {
            run::execute::<B>(conn, insert).await?;
        }
        any.push(Condition::InSelect {
            columns: vec![column.clone()],
            select: Box::new(Select::column(name, KEY_COLUMN)),
        });
    }
    if has_null {
        // `x IN (..., NULL)` is TRUE on a match and NULL otherwise, never
        // FALSE; `x IN (NULL)` keeps that (a `Compare` with NULL would
        // render as `IS NULL`).
        any.push(Condition::In {
            column,
            values: vec![Value::Null(kind.unwrap_or(crate::ColumnKind::Text))],
            negated: false,
        });
    }
    let inner = match <[Condition; 1]>::try_from(any) {
        Ok([one]) => one,
        Err(any) => Condition::Or(any),
    };
    *condition = if *negated {
        Condition::Not(Box::new(inner))
    } else {
        inner
    };
    Ok(())
}

impl Spilled {
    /// Drops the key tables. Best effort: a table that cannot be dropped
    /// (the connection broke) goes with its session.
    pub(crate) async fn drop<B: Backend>(self, conn: &mut Connection<B>) {
        for name in self.tables {
            if let Err(error) = run::execute::<B>(conn, DropTable { name }).await {
                tracing::warn!(target: "orm::sql", "could not drop a key table: {error}");
            }
        }
    }
}
