//! The actions a [`Purpose::Carried`](super::Purpose::Carried) plan leaves
//! to the database: whether the database's foreign keys carry them out as
//! the ORM would, and what to count. Pure: the executor asks the catalog
//! (`sql::catalog::foreign_keys_into`) and the statistics
//! (`sql::catalog::write_counts`).

use crate::schema::Action;

use crate::registry::Edge;

use super::{DeletePlan, EffectKind, StepKind};

/// A foreign key as the database's catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseForeignKey {
    /// The table holding the foreign key.
    pub child: String,
    /// The referenced table.
    pub parent: String,
    /// The foreign-key columns, in key order.
    pub columns: Vec<String>,
    /// The referenced columns, in key order.
    pub references: Vec<String>,
    /// Its `ON DELETE` (`None` for one the ORM has no name for).
    pub on_delete: Option<Action>,
    /// Whether the database carries out the action in this session (its
    /// triggers fire) and counts the rows it writes under the child's
    /// name: an ordinary table (a partitioned one counts per partition),
    /// the one its name resolves to, with the statistics counters on.
    pub carried: bool,
}

impl DatabaseForeignKey {
    fn is(&self, carried: &Edge) -> bool {
        self.child == carried.child.name
            && self.parent == carried.parent.name
            && self.on_delete == Some(carried.action)
            && self
                .columns
                .iter()
                .map(String::as_str)
                .eq(carried.fk.columns.iter().copied())
            && self.references.iter().map(String::as_str).eq(carried
                .fk
                .references_columns
                .iter()
                .copied())
    }
}

/// Rows of one table that the database's carried actions write, as a
/// report counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The table.
    pub table: &'static str,
    /// The foreign-key columns set to `NULL` (empty for deleted rows).
    pub columns: &'static [&'static str],
    /// [`EffectKind::Deleted`] (counted from the table's deleted rows) or
    /// [`EffectKind::SetNull`] (from its updated rows).
    pub kind: EffectKind,
}

/// The actions the plans leave to the database, each once.
pub fn carried(plans: &[DeletePlan]) -> Vec<Edge> {
    let mut all: Vec<Edge> = Vec::new();
    for action in plans.iter().flat_map(|p| &p.carried) {
        if !all
            .iter()
            .any(|a| std::ptr::eq(a.fk, action.fk) && a.child.name == action.child.name)
        {
            all.push(*action);
        }
    }
    all
}

/// The tables whose rows the plans delete, by the ORM's statements or by
/// the carried cascades: the foreign keys into them are the ones
/// [`counted`] needs.
pub fn deleted_tables(plans: &[DeletePlan]) -> Vec<&'static str> {
    let mut tables: Vec<&'static str> = Vec::new();
    let by_orm = plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.kind == StepKind::Delete && !s.by_database)
        .map(|s| s.table);
    let by_database = carried(plans)
        .into_iter()
        .filter(|c| c.action == Action::Cascade)
        .map(|c| c.child.name);
    for table in by_orm.chain(by_database) {
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    tables
}

/// What to count for the plans' carried actions, given `foreign_keys`,
/// every foreign key the database has into the [`deleted_tables`]; `Err`
/// with the reason when the database would not do exactly what the ORM
/// would, or its counts could not be told apart (the executor then plans
/// the delete with [`Purpose::Delete`](super::Purpose::Delete)):
///
/// * each carried action is a foreign key of the database's, with the same
///   columns and `ON DELETE`, on a table whose rows are counted;
/// * every foreign key into a table a carried cascade deletes from, and
///   every one from a counted table into a table the delete deletes from,
///   is a carried action (none the ORM does not know of, none that would
///   refuse);
/// * a table whose foreign key is set to `NULL` is written by nothing else
///   (its updated rows are that action's);
/// * the plans check no `RESTRICT` / `NO ACTION` (such a check leaves out
///   the rows the plan deletes, which the ORM no longer lists).
pub fn counted(
    plans: &[DeletePlan],
    foreign_keys: &[DatabaseForeignKey],
) -> Result<Vec<Counted>, String> {
    let carried = carried(plans);
    if plans.iter().any(|p| !p.checks.is_empty()) {
        return Err("the delete checks a RESTRICT / NO ACTION foreign key".into());
    }
    for action in &carried {
        let Some(fk) = foreign_keys.iter().find(|fk| fk.is(action)) else {
            return Err(format!(
                "the database has no foreign key `{}`({}) ON DELETE {}",
                action.child.name,
                action.fk.columns_text(),
                action.action
            ));
        };
        if !fk.carried {
            return Err(format!(
                "the database does not carry out (or count) the foreign key of `{}` in this session",
                fk.child
            ));
        }
    }
    let is_carried = |fk: &DatabaseForeignKey| carried.iter().any(|c| fk.is(c));
    let mut counted: Vec<Counted> = Vec::new();
    for action in &carried {
        let entry = match action.action {
            Action::Cascade => Counted {
                table: action.child.name,
                columns: &[],
                kind: EffectKind::Deleted,
            },
            _ => Counted {
                table: action.child.name,
                columns: action.fk.columns,
                kind: EffectKind::SetNull,
            },
        };
        if !counted.contains(&entry) {
            counted.push(entry);
        }
    }
    for entry in counted.iter().filter(|c| c.kind == EffectKind::SetNull) {
        let sources = counted.iter().filter(|c| c.table == entry.table).count();
        let written = plans
            .iter()
            .flat_map(|p| &p.steps)
            .any(|s| s.table == entry.table);
        if sources > 1 || written {
            return Err(format!(
                "`{}` is written by more than one action: its counts could not be told apart",
                entry.table
            ));
        }
    }
    let carried_deletes: Vec<&str> = counted
        .iter()
        .filter(|c| c.kind == EffectKind::Deleted)
        .map(|c| c.table)
        .collect();
    for fk in foreign_keys {
        let into_carried = carried_deletes.contains(&fk.parent.as_str());
        let from_counted = counted.iter().any(|c| c.table == fk.child);
        if (into_carried || from_counted) && !is_carried(fk) {
            return Err(format!(
                "the database's foreign key `{}`({}) to `{}` is not one the ORM carries out alike",
                fk.child,
                fk.columns.join(", "),
                fk.parent
            ));
        }
    }
    Ok(counted)
}

/// The one write of `plans` when it is all they send: a single plan whose
/// only statement is the `DELETE` of the requested rows (no keys stored,
/// no lock, nothing prepared, no check), the rest left to the database's
/// own actions (carried, or `passive_deletes`). Such a delete can read the
/// counters in the same statement (`sql::catalog::counted_delete`, which
/// deletes only where the session fires foreign keys: what
/// `passive_deletes` needs on PostgreSQL).
pub fn only_write(plans: &[DeletePlan]) -> Option<&super::Step> {
    let [plan] = plans else { return None };
    let [step] = &plan.steps[..] else { return None };
    let alone = plan.keys.is_empty()
        && plan.lock.is_none()
        && plan.prepare.is_empty()
        && plan.checks.is_empty()
        && plan.cleanup.is_empty()
        && !step.by_database;
    (alone && step.kind == StepKind::Delete).then_some(step)
}
