use std::sync::Arc;

use crate::backend::Dialect;
use crate::error::{Error, Result};
use crate::query::CompareOp;
use crate::registry::{Declared, Edge, Schema};
use crate::schema::{Action, ForeignKeyDef, OnSoftDelete, RelationKind, TableDef};
use crate::sql::{
    Assign, CollectTree, ColumnRef, Condition, CreateKeyTable, Delete, DropTable, InsertKeys,
    KEY_COLUMN, Name, Render, Select, Statement, Update,
};
use crate::value::Value;

use super::{DatabaseAction, resolve_relation};

/// A set of rows, described by how to find them rather than by loading them.
#[derive(Debug)]
enum RowSet {
    /// Rows of `table` whose `column` is one of `keys`.
    Keys {
        column: &'static str,
        keys: Arc<[Value]>,
    },
    /// Rows of a table with a composite key whose key columns `columns`
    /// hold one of `keys` (each key's values in column order, key after
    /// key): `(a = ? AND b = ?) OR ...`.
    CompositeKeys {
        columns: Vec<&'static str>,
        keys: Arc<[Value]>,
    },
    /// Rows of a child table whose `fk_columns` reference `parent_columns`
    /// of the rows of `parent_table` in `parent` (one column each, or
    /// several for a composite foreign key).
    Children {
        fk_columns: &'static [&'static str],
        parent_table: &'static TableDef,
        parent_columns: &'static [&'static str],
        parent: Arc<RowSet>,
    },
    /// Rows of a table whose `column` is one of the keys stored in the
    /// temporary table `name` (the requested rows, when there are more keys
    /// than one statement can bind).
    KeyTable { column: &'static str, name: String },
    /// The rows of `rows` that `filter` also matches: those of a
    /// soft-delete table a soft delete marks (its column `NULL`: live), or a
    /// restore clears (its column holding the delete's stamp).
    Filtered {
        rows: Arc<RowSet>,
        filter: Condition,
    },
    /// Rows of `table` collected into the temporary table `name`: a base set
    /// and, recursively, every row that references a row of the set through
    /// one of `edges` (self-referential foreign keys).
    Tree {
        table: &'static TableDef,
        edges: Vec<&'static ForeignKeyDef>,
        name: String,
    },
}

impl RowSet {
    /// The condition selecting these rows of the table they belong to.
    fn condition(&self) -> Condition {
        match self {
            RowSet::Keys { column, keys } => Condition::any_of(*column, keys.to_vec()),
            RowSet::CompositeKeys { columns, keys } => Condition::any_key(columns, keys),
            RowSet::Children {
                fk_columns,
                parent_table,
                parent_columns,
                parent,
            } => match (&**parent, &fk_columns[..], &parent_columns[..]) {
                // The first level needs no subquery: the keys are the values.
                (RowSet::Keys { column, keys }, [fk_column], [parent_column])
                    if column == parent_column =>
                {
                    Condition::any_of(*fk_column, keys.to_vec())
                }
                // A composite foreign key to the requested composite keys:
                // `(a = ? AND b = ?) OR ...`, each key column's value on
                // the foreign-key column that references it.
                (RowSet::CompositeKeys { columns, keys }, _, _)
                    if columns.len() == parent_columns.len()
                        && columns.iter().all(|c| parent_columns.contains(c)) =>
                {
                    let referencing: Vec<&'static str> = columns
                        .iter()
                        .map(|c| {
                            let i = parent_columns.iter().position(|p| p == c).unwrap_or(0);
                            fk_columns[i]
                        })
                        .collect();
                    RowSet::CompositeKeys {
                        columns: referencing,
                        keys: keys.clone(),
                    }
                    .condition()
                }
                _ => Condition::row_in_select(
                    fk_columns,
                    Select::columns(
                        parent_table.name,
                        parent_columns.iter().map(|c| ColumnRef::new(*c)).collect(),
                    )
                    .filter(parent.condition()),
                ),
            },
            RowSet::KeyTable { column, name } => Condition::in_select(
                *column,
                Select::column(Name::Owned(name.clone()), KEY_COLUMN),
            ),
            RowSet::Filtered { rows, filter } => rows.condition().and(filter.clone()),
            RowSet::Tree { table, name, .. } => Condition::in_select(
                table.primary_key_column().name,
                Select::column(Name::Owned(name.clone()), KEY_COLUMN),
            ),
        }
    }
}

/// What a [`Step`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// `DELETE FROM table WHERE ...`.
    Delete,
    /// `UPDATE table SET column = NULL WHERE ...` (every column of a
    /// composite foreign key).
    SetNull {
        /// The foreign-key columns: one, or several.
        columns: &'static [&'static str],
    },
    /// `UPDATE table SET column = <default> WHERE ...` (every column of a
    /// composite foreign key).
    SetDefault {
        /// The foreign-key columns: one, or several.
        columns: &'static [&'static str],
    },
    /// `UPDATE table SET column = <stamp>` (a soft delete): the rows are
    /// marked deleted, not deleted.
    SoftDelete {
        /// The table's `soft_delete` column.
        column: &'static str,
    },
    /// `UPDATE table SET column = NULL` on the rows one soft delete marked
    /// (a restore).
    Restore {
        /// The table's `soft_delete` column.
        column: &'static str,
    },
    /// `UPDATE table SET column = NULL` on the rows of a self-referential
    /// tree about to be deleted, so that deleting them fires no database
    /// cascade from one to the next (SQLite stops such recursion at depth
    /// 1,000). Not reported: the rows are deleted by the next step.
    Unlink {
        /// The self-referential foreign-key column.
        column: &'static str,
    },
}

/// One write of a delete plan.
#[derive(Debug, Clone)]
pub struct Step {
    /// The table written.
    pub table: &'static str,
    /// The table written, its metadata (key columns, for a dry run).
    pub target: &'static TableDef,
    /// What the statement does.
    pub kind: StepKind,
    /// The statement.
    pub statement: Statement,
    /// The rows of `table` the statement writes (its `WHERE`): what a dry
    /// run counts.
    pub rows: Condition,
    /// `true` for a write the database carries out itself (a
    /// `passive_deletes` relationship, and what its `ON DELETE` leads to):
    /// only in a [`Purpose::DryRun`] plan, which counts it and never sends it.
    pub by_database: bool,
}

impl Step {
    /// What the step does to the rows it writes, as a report counts it:
    /// `None` for an [`Unlink`](StepKind::Unlink) (the rows are deleted next).
    pub fn effect(&self) -> Option<(super::EffectKind, &'static [&'static str])> {
        use super::EffectKind;
        match self.kind {
            StepKind::Unlink { .. } => None,
            StepKind::Delete => Some((EffectKind::Deleted, &[])),
            StepKind::SetNull { columns } => Some((EffectKind::SetNull, columns)),
            StepKind::SetDefault { columns } => Some((EffectKind::SetDefault, columns)),
            StepKind::SoftDelete { .. } => Some((EffectKind::SoftDeleted, &[])),
            StepKind::Restore { .. } => Some((EffectKind::Restored, &[])),
        }
    }
}

/// Whether a plan deletes rows of soft-delete tables, marks them, or
/// clears the marks of one soft delete.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SoftMode {
    /// Rows are deleted, soft-delete tables' too (a hard delete, `purge`).
    #[default]
    Hard,
    /// A soft delete: rows of soft-delete tables (`TableDef::soft_delete`)
    /// get their column set to the stamp `micros` (microseconds since the
    /// Unix epoch, as the column's type holds it); only live rows (column
    /// `NULL`) are marked, so older soft deletes keep their own stamp. The
    /// declared actions apply to the other tables: `SET NULL`, `SET
    /// DEFAULT`, checks of `RESTRICT` / `NO ACTION` (against live rows);
    /// a cascade into a table without the column does what its
    /// relationship's `on_soft_delete` says (rows deleted for real, or
    /// kept), and a cascade no relationship declares keeps them.
    /// `passive_deletes` does not apply: the database's `ON DELETE` never
    /// fires for an `UPDATE`.
    Mark(i64),
    /// A restore: rows of soft-delete tables reached by cascades whose
    /// column holds this stamp get it back to `NULL`; nothing else is
    /// touched.
    Restore(i64),
}

/// The stamp `micros` as the `soft_delete` column `column` of `table`
/// holds it.
fn stamp_for(table: &'static TableDef, column: &'static str, micros: i64) -> Result<Value> {
    table
        .column(column)
        .and_then(|c| crate::value::stamp::to_value(micros, c.ty))
        .ok_or_else(|| Error::InvalidSchema {
            table: table.name,
            column,
            reason: format!(
                "`{column}`, the `soft_delete` column of `{}`, must be an `Option` of `i64` (microseconds since the Unix epoch) or of a timestamp type (chrono `DateTime<Utc>` / `NaiveDateTime`, time `OffsetDateTime` / `PrimitiveDateTime`)",
                table.name
            ),
        })
}

/// What a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Purpose {
    /// Carrying out the delete: the plan holds the statements to send.
    #[default]
    Delete,
    /// A dry run that counts: besides the ORM's statements, the plan holds,
    /// as [`Step::by_database`] steps and checks, what the database's own
    /// `ON DELETE` actions will do for `passive_deletes` relationships (and
    /// further down), planned as the ORM would carry them out, so that they
    /// can be counted too.
    DryRun,
    /// Carrying out the delete, leaving to the database each `CASCADE` /
    /// `SET NULL` whose foreign key declares that very action, when a
    /// cascade's every foreign key further down does likewise (so the
    /// database's own `ON DELETE` ends where the ORM's would): such an
    /// action is not planned as statements but listed in
    /// [`DeletePlan::carried`]. Only for a hard delete, and only where the
    /// executor can verify those foreign keys in the database's catalog and
    /// count the rows they write ([`Dialect::counts_database_actions`]);
    /// when it cannot, it plans again with [`Delete`](Purpose::Delete).
    Carried,
}

/// A `RESTRICT` / `NO ACTION` relationship to verify before writing anything:
/// the delete is refused when the count is not zero.
#[derive(Debug, Clone)]
pub struct RestrictCheck {
    /// The table rows would be deleted from.
    pub parent_table: &'static str,
    /// The referencing table.
    pub table: &'static str,
    /// The referencing column (the first of a composite foreign key's).
    pub column: &'static str,
    /// `RESTRICT` or `NO ACTION`.
    pub action: Action,
    /// `SELECT COUNT(*) FROM table WHERE column IN (...)`.
    pub statement: Statement,
    /// `true` for a foreign key the database checks itself (under a
    /// `passive_deletes` relationship): only in a [`Purpose::DryRun`] plan.
    pub by_database: bool,
}

/// Everything one delete will do, in order: checks first, then writes
/// (children before parents).
#[derive(Debug, Clone, Default)]
pub struct DeletePlan {
    /// Statements that store the requested keys in a temporary table, run
    /// before anything else (only when there are more keys than one
    /// statement can bind and the plan must see them all at once, see
    /// [`plan_delete_all`]).
    pub keys: Vec<Statement>,
    /// Locks the rows to delete before anything else, where the dialect has
    /// row locks (`SELECT ... FOR UPDATE`) and the plan does more than one
    /// statement: concurrent inserts of children then wait for the delete.
    pub lock: Option<Statement>,
    /// Statements that prepare the plan without touching user tables: each
    /// self-referential tree's rows are collected once, with a recursive CTE,
    /// into a temporary table; each cascade cycle through several tables,
    /// into one temporary table per table, round after round.
    pub prepare: Vec<Prepare>,
    /// Restrict checks, run before any write.
    pub checks: Vec<RestrictCheck>,
    /// Writes, leaves first; the last one deletes the requested rows.
    pub steps: Vec<Step>,
    /// Relationships whose action the database applies (`passive_deletes`),
    /// with the model and field that declared them.
    pub passive: Vec<(DatabaseAction, &'static str, &'static str)>,
    /// In a [`Purpose::Carried`] plan: the foreign keys whose action
    /// (`CASCADE` or `SET NULL`) is left to the database because it
    /// declares the same (each once, outermost first, down to the leaves).
    /// The executor verifies them against the catalog before sending
    /// anything and counts their rows.
    pub carried: Vec<Edge>,
    /// Statements that drop the temporary tables of `keys` and `prepare`.
    pub cleanup: Vec<Statement>,
    /// Whether a `NO ACTION` check of the plan leaves out the rows the plan
    /// deletes itself (a self-referential foreign key, or a table the plan
    /// deletes from by another path). Such a check is only right when the
    /// plan holds every requested key: a reference from a row of another
    /// chunk would be counted (and the database, checking at the end of each
    /// statement, would refuse it too). Plan with [`plan_delete_all`] then.
    pub checks_own_deletes: bool,
}

/// A statement (or statements) of [`DeletePlan::prepare`].
#[derive(Debug, Clone)]
pub enum Prepare {
    /// Runs once.
    Once(Statement),
    /// The closure of a cascade cycle through several tables: the
    /// statements run in order, round after round, until a round adds no
    /// key (the rows changed by the statements marked `true`, each an
    /// `INSERT` skipping keys already collected). It terminates: every
    /// round that goes on adds a row to a finite set.
    Closure(Vec<(Statement, bool)>),
}

impl Prepare {
    /// The statements, once each.
    pub fn statements(&self) -> Vec<&Statement> {
        match self {
            Prepare::Once(statement) => vec![statement],
            Prepare::Closure(round) => round.iter().map(|(s, _)| s).collect(),
        }
    }
}

impl DeletePlan {
    /// The statements a delete sends for this plan, in order, each once (a
    /// cycle's rounds repeat until one adds no row): the key table, the
    /// lock, the preparation, the checks, the writes and the cleanup.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        let prepare = self.prepare.iter().flat_map(Prepare::statements);
        let checks = self
            .checks
            .iter()
            .filter(|c| !c.by_database)
            .map(|c| &c.statement);
        let steps = self
            .steps
            .iter()
            .filter(|s| !s.by_database)
            .map(|s| &s.statement);
        self.keys
            .iter()
            .chain(&self.lock)
            .chain(prepare)
            .chain(checks)
            .chain(steps)
            .chain(&self.cleanup)
    }

    /// The most bind parameters any one statement of the plan carries.
    pub fn widest_statement(&self) -> usize {
        let lock = self.lock.iter();
        let checks = self.checks.iter().map(|c| &c.statement);
        let steps = self.steps.iter().map(|s| &s.statement);
        let prepare = self.prepare.iter().flat_map(Prepare::statements);
        lock.chain(&self.keys)
            .chain(prepare)
            .chain(checks)
            .chain(steps)
            .chain(&self.cleanup)
            .map(|s| s.params.len())
            .max()
            .unwrap_or(0)
    }
}

struct Planner<'d> {
    dialect: &'d dyn Dialect,
    /// The registry the foreign keys into each table come from; without
    /// one, the parent-side relationships of each table.
    schema: Option<&'d Schema>,
    plan: DeletePlan,
    /// The tables being visited, outermost first, with the rows of each the
    /// plan deletes (after the rows of the tables below them).
    path: Vec<(&'static TableDef, Arc<RowSet>)>,
    trees: usize,
    chunk: usize,
    /// Every row set the plan deletes, by table.
    deleted: Vec<(&'static str, Arc<RowSet>)>,
    /// RESTRICT / NO ACTION relationships, rendered once every delete is known.
    pending_checks: Vec<PendingCheck>,
    purpose: Purpose,
    /// In a dry run, the `passive_deletes` foreign keys into the tables
    /// being visited, with the rows deleted there: planned as the database
    /// will carry them out once those rows are deleted.
    by_database: Vec<(&'static TableDef, Arc<RowSet>, Edge)>,
    /// Planning what the database does (below a `passive_deletes`
    /// relationship, in a dry run): every foreign key's own `ON DELETE`.
    database: bool,
    soft: SoftMode,
    /// Below a cascade a soft delete carries out for real
    /// (`on_soft_delete = "delete"`): an ordinary delete.
    hard: bool,
}

struct PendingCheck {
    by_database: bool,
    /// Only live rows of a soft-delete child count (a check of a soft delete;
    /// a restore makes none).
    live_only: bool,
    parent_table: &'static str,
    child: &'static TableDef,
    fk: &'static ForeignKeyDef,
    action: Action,
    children: Arc<RowSet>,
}

/// Plans the delete of the rows of `table` whose primary key is one of
/// `keys` (for a composite key: each key's column values in key order, key
/// after key): every statement, leaves first. `keys` must fit the dialect's
/// bind-parameter limit (the executor chunks); `chunk` numbers the plan so
/// that the temporary tables of several chunks do not collide.
///
/// With a `schema`, every foreign key into each table deleted from is
/// applied (see [`Schema`]); without one, the relationships declared on
/// the parent side.
pub fn plan_delete(
    dialect: &dyn Dialect,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
    chunk: usize,
) -> Result<DeletePlan> {
    plan_delete_for(
        Purpose::Delete,
        SoftMode::Hard,
        dialect,
        schema,
        table,
        keys,
        chunk,
    )
}

/// [`plan_delete`] for a [`Purpose`]: a dry run's plan also holds what the
/// database will do.
pub fn plan_delete_for(
    purpose: Purpose,
    soft: SoftMode,
    dialect: &dyn Dialect,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
    chunk: usize,
) -> Result<DeletePlan> {
    let rows = if table.has_composite_key() {
        RowSet::CompositeKeys {
            columns: table.key_columns().into_iter().map(|c| c.name).collect(),
            keys: keys.into(),
        }
    } else {
        RowSet::Keys {
            column: table.primary_key_column().name,
            keys: keys.into(),
        }
    };
    plan_rows(purpose, soft, dialect, schema, table, rows, chunk)
}

/// Plans the delete of the rows of `table` whose primary key is one of
/// `keys`, however many: the keys are first stored in a temporary table
/// (inserted `max_params` values at a time, the plan's
/// [`keys`](DeletePlan::keys)), and every statement reads them from there.
/// One plan sees every requested row, so `NO ACTION` references between
/// them are not counted (what [`plan_delete`] of each chunk cannot know).
pub fn plan_delete_all(
    dialect: &dyn Dialect,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
    max_params: usize,
) -> Result<DeletePlan> {
    plan_delete_all_for(
        Purpose::Delete,
        SoftMode::Hard,
        dialect,
        schema,
        table,
        keys,
        max_params,
    )
}

/// [`plan_delete_all`] for a [`Purpose`].
pub fn plan_delete_all_for(
    purpose: Purpose,
    soft: SoftMode,
    dialect: &dyn Dialect,
    schema: Option<&Schema>,
    table: &'static TableDef,
    keys: Vec<Value>,
    max_params: usize,
) -> Result<DeletePlan> {
    if table.has_composite_key() {
        return Err(composite_unsupported(
            table,
            "a key table of every requested key",
        ));
    }
    let key = table.primary_key_column();
    let name = "_orm_keys".to_owned();
    let table_name = Name::Owned(name.clone());
    let rows = RowSet::KeyTable {
        column: key.name,
        name,
    };
    let mut plan = plan_rows(purpose, soft, dialect, schema, table, rows, 0)?;
    let create = CreateKeyTable {
        name: table_name.clone(),
        kind: key.kind(),
    };
    let inserts = create.fill(keys, max_params);
    plan.keys.push(create.render(dialect));
    for insert in inserts {
        plan.keys.push(insert.render(dialect));
    }
    plan.cleanup
        .push(DropTable { name: table_name }.render(dialect));
    Ok(plan)
}

/// The planner keeps the keys of trees and cycles in one-column temporary
/// tables: a table with a composite key cannot take part (yet).
fn composite_unsupported(table: &'static TableDef, what: &str) -> Error {
    Error::InvalidSchema {
        table: table.name,
        column: table.primary_key_column().name,
        reason: format!(
            "`{}` has a composite primary key, which {what} does not support yet; give it a single-column key (and a unique index on the columns)",
            table.name
        ),
    }
}

fn plan_rows(
    purpose: Purpose,
    soft: SoftMode,
    dialect: &dyn Dialect,
    schema: Option<&Schema>,
    table: &'static TableDef,
    rows: RowSet,
    chunk: usize,
) -> Result<DeletePlan> {
    if let Some(schema) = schema
        && !schema.contains(table)
    {
        return Err(Error::NotInSchema {
            table: table.name,
            needed_by: format!("deleting from it (model {})", table.model),
        });
    }
    let mut planner = Planner {
        dialect,
        schema,
        plan: DeletePlan::default(),
        path: Vec::new(),
        trees: 0,
        chunk,
        deleted: Vec::new(),
        pending_checks: Vec::new(),
        purpose,
        by_database: Vec::new(),
        database: false,
        soft,
        hard: false,
    };
    let rows = Arc::new(rows);
    planner.visit(table, rows.clone())?;
    planner.render_checks();
    let plan = &mut planner.plan;
    if dialect.row_lock_clause().is_some() && (plan.steps.len() > 1 || !plan.checks.is_empty()) {
        let lock = Select::column(table.name, table.primary_key_column().name)
            .filter(rows.condition())
            .locked();
        plan.lock = Some(lock.render(dialect));
    }
    Ok(planner.plan)
}

impl Planner<'_> {
    /// Every foreign key into `table` the ORM applies itself: those of
    /// [`all_edges_into`](Self::all_edges_into) but the ones the database
    /// carries ([`carries`](Self::carries)).
    fn edges_into(&self, table: &'static TableDef) -> Result<Vec<Edge>> {
        let mut edges = self.all_edges_into(table)?;
        if self.carrying() {
            let mut own = Vec::with_capacity(edges.len());
            for edge in edges {
                if !self.carries(&edge)? {
                    own.push(edge);
                }
            }
            edges = own;
        }
        Ok(edges)
    }

    /// Whether this plan leaves matching actions to the database (a hard
    /// delete planned as [`Purpose::Carried`], outside what the database
    /// does below a `passive_deletes` relationship).
    fn carrying(&self) -> bool {
        self.purpose == Purpose::Carried && self.soft == SoftMode::Hard && !self.database
    }

    /// Whether the database carries out `edge`: it is a `CASCADE` or
    /// `SET NULL` (a single-column foreign key) the ORM would apply, its
    /// foreign key declares the same `ON DELETE`, and for a cascade every
    /// foreign key into the child does likewise, all the way down (so the
    /// database's cascade writes what the ORM's would, and nothing else
    /// the ORM knows of), through no self-referential foreign key or
    /// cycle of tables.
    fn carries(&self, edge: &Edge) -> Result<bool> {
        if !self.carrying() {
            return Ok(false);
        }
        let mut seen = vec![edge.parent.name];
        self.database_does_alike(edge, &mut seen)
    }

    fn database_does_alike(&self, edge: &Edge, seen: &mut Vec<&'static str>) -> Result<bool> {
        if edge.passive || edge.fk.on_delete != Some(edge.action) {
            return Ok(false);
        }
        match edge.action {
            Action::SetNull => Ok(edge.fk.columns.len() == 1),
            Action::Cascade => {
                // Not through a self-referential tree or a cycle: the
                // database's cascade recurses once per level (PostgreSQL
                // runs out of stack thousands of levels down), where the
                // ORM collects the rows with one recursive query.
                if edge.child.name == edge.parent.name || seen.contains(&edge.child.name) {
                    return Ok(false);
                }
                seen.push(edge.child.name);
                let mut alike = true;
                for below in self.all_edges_into(edge.child)? {
                    if !self.database_does_alike(&below, seen)? {
                        alike = false;
                        break;
                    }
                }
                seen.pop();
                Ok(alike)
            }
            _ => Ok(false),
        }
    }

    /// Records, in [`DeletePlan::carried`], the actions the database
    /// carries out on deleting rows of `table`, and (below a cascade) every
    /// one they lead to; each once.
    fn record_carried(&mut self, table: &'static TableDef) -> Result<()> {
        if !self.carrying() {
            return Ok(());
        }
        let mut pending = Vec::new();
        for edge in self.all_edges_into(table)? {
            if self.carries(&edge)? {
                pending.push(edge);
            }
        }
        while let Some(edge) = pending.pop() {
            let known = self
                .plan
                .carried
                .iter()
                .any(|c| std::ptr::eq(c.fk, edge.fk) && c.child.name == edge.child.name);
            if known {
                continue;
            }
            self.plan.carried.push(edge);
            if edge.action == Action::Cascade {
                pending.extend(self.all_edges_into(edge.child)?);
            }
        }
        Ok(())
    }

    /// Every foreign key into `table` the delete applies: the registry's,
    /// or the parent-side relationships of `table`.
    fn all_edges_into(&self, table: &'static TableDef) -> Result<Vec<Edge>> {
        let mut edges: Vec<Edge> = match self.schema {
            Some(schema) => schema.edges_into(table.name).to_vec(),
            None => table
                .relations
                .iter()
                .filter(|r| r.kind.is_parent_side())
                .map(|r| resolve_relation(table, r).map(Edge::of_parent_relation))
                .collect::<Result<_>>()?,
        };
        if self.database {
            // The database applies each foreign key's own `ON DELETE`
            // (NO ACTION when none is declared), whatever the relationship.
            for edge in &mut edges {
                edge.action = Self::database_action(edge);
                edge.passive = false;
            }
        }
        if let Some(restoring) = self.soft_here(table).map(|(_, r)| r) {
            // No database action fires for an UPDATE: the ORM applies them.
            for edge in &mut edges {
                edge.passive = false;
            }
            // The link rows of a `ManyToMany` stay (a restore finds them).
            edges.retain(|e| !matches!(e.declared, Declared::Parent(rel) if rel.kind == RelationKind::ManyToMany));
            if restoring {
                // A restore follows the cascades into soft-delete tables only.
                edges.retain(|e| e.action == Action::Cascade && e.child.soft_delete.is_some());
            }
        }
        Ok(edges)
    }

    /// Whether this plan marks rows (a soft delete) outside a cascade it
    /// carries out for real.
    fn marking(&self) -> bool {
        matches!(self.soft, SoftMode::Mark(_)) && !self.hard
    }

    /// For a soft-delete `table` whose rows this plan marks or restores
    /// (not below a cascade carried out for real): its column, and whether
    /// the plan restores.
    fn soft_here(&self, table: &'static TableDef) -> Option<(&'static str, bool)> {
        let column = table.soft_delete?;
        match self.soft {
            SoftMode::Hard => None,
            _ if self.hard => None,
            SoftMode::Mark(_) => Some((column, false)),
            SoftMode::Restore(_) => Some((column, true)),
        }
    }

    /// What the database does to the rows referencing a deleted row.
    fn database_action(edge: &Edge) -> Action {
        edge.fk.on_delete.unwrap_or(Action::NoAction)
    }

    /// Which referencing rows block the delete:
    ///
    /// * `NO ACTION` is checked at the end of the statement: only rows that
    ///   survive it count (rows the plan deletes anyway, through another
    ///   cascade or as part of the same set, do not).
    /// * `RESTRICT` is checked immediately: every referencing row counts
    ///   except a row that references itself (which counts too where the
    ///   dialect says so, InnoDB). (Where a referencing row is deleted by the
    ///   same statement, the database's own outcome depends on the order it
    ///   visits rows; the ORM refuses, deterministically.) Where the dialect
    ///   checks `NO ACTION` immediately (InnoDB), it is checked like
    ///   `RESTRICT`.
    fn render_checks(&mut self) {
        for check in std::mem::take(&mut self.pending_checks) {
            let mut filter = check.children.condition();
            if check.live_only
                && let Some(column) = check.child.soft_delete
            {
                filter = filter.and(Condition::is_null(column));
            }
            let immediate = check.action == Action::Restrict
                || (check.action == Action::NoAction && self.dialect.no_action_is_immediate());
            match check.action {
                Action::NoAction if !immediate => {
                    for (table, rows) in &self.deleted {
                        if *table == check.child.name {
                            self.plan.checks_own_deletes = true;
                            filter = filter.and(Condition::NotTrue(Box::new(rows.condition())));
                        }
                    }
                }
                _ => {
                    if check.child.name == check.parent_table
                        && !self.dialect.row_referencing_itself_restricts()
                    {
                        let itself = check
                            .fk
                            .columns
                            .iter()
                            .zip(check.fk.references_columns)
                            .map(|(column, referenced)| Condition::Columns {
                                left: ColumnRef::new(*column),
                                op: CompareOp::Eq,
                                right: ColumnRef::new(*referenced),
                            })
                            .collect();
                        filter = filter.and(Condition::NotTrue(Box::new(Condition::And(itself))));
                    }
                }
            }
            let statement = Select::count(check.child.name)
                .filter(filter)
                .render(self.dialect);
            self.plan.checks.push(RestrictCheck {
                parent_table: check.parent_table,
                table: check.child.name,
                column: check.fk.column(),
                action: check.action,
                statement,
                by_database: check.by_database,
            });
        }
    }

    /// Collects `base` and every row below it through `edges` into the
    /// temporary table `name`, with one recursive CTE (`UNION` makes cycles
    /// terminate).
    fn collect_tree(
        &mut self,
        table: &'static TableDef,
        base: &RowSet,
        edges: &[&'static ForeignKeyDef],
        name: &str,
    ) {
        let name = Name::Owned(name.to_owned());
        let create = CreateKeyTable {
            name: name.clone(),
            kind: table.primary_key_column().kind(),
        };
        self.plan
            .prepare
            .push(Prepare::Once(create.render(self.dialect)));
        let collect = CollectTree {
            into: name.clone(),
            table,
            base: base.condition(),
            edges: edges
                .iter()
                .map(|e| (e.column(), e.references_column()))
                .collect(),
        };
        self.plan
            .prepare
            .push(Prepare::Once(collect.render(self.dialect)));
        self.plan
            .cleanup
            .push(DropTable { name }.render(self.dialect));
    }

    /// An `Unlink` step: `UPDATE table SET column = NULL WHERE rows`.
    fn unlink(&mut self, table: &'static TableDef, column: &'static str, rows: Condition) {
        let statement = Update {
            table: table.name.into(),
            set: vec![(column.into(), Assign::Null)],
            filter: Some(rows.clone()),
        }
        .render(self.dialect);
        self.push_step(table, StepKind::Unlink { column }, statement, rows);
    }

    fn visit(&mut self, table: &'static TableDef, rows: Arc<RowSet>) -> Result<()> {
        if self.path.iter().any(|(t, _)| t.name == table.name) {
            let path: Vec<&str> = self.path.iter().map(|(t, _)| t.name).collect();
            return Err(Error::InvalidRelation {
                model: table.model,
                relation: "*",
                reason: format!(
                    "cascade cycle through tables {} -> {}: the planner could not close it",
                    path.join(" -> "),
                    table.name
                ),
            });
        }
        let soft = self.soft_here(table);
        let rows = match (soft, &self.soft) {
            (Some((column, false)), _) => Arc::new(RowSet::Filtered {
                rows,
                filter: Condition::is_null(column),
            }),
            (Some((column, true)), SoftMode::Restore(micros)) => Arc::new(RowSet::Filtered {
                rows,
                filter: Condition::Compare {
                    column: ColumnRef::new(column),
                    op: CompareOp::Eq,
                    value: stamp_for(table, column, *micros)?,
                },
            }),
            _ => rows,
        };
        let cycle = self.cycle_of(table)?;
        if cycle.len() > 1 {
            if soft.is_some() {
                return Err(Error::InvalidRelation {
                    model: table.model,
                    relation: "*",
                    reason: format!(
                        "a soft delete (or restore) through the cascade cycle of tables {} is not supported; purge instead",
                        cycle.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
            if let Some(member) = cycle.iter().find(|t| t.has_composite_key()) {
                return Err(composite_unsupported(
                    member,
                    "a cascade cycle through several tables",
                ));
            }
            return self.visit_cycle(table, rows, cycle);
        }
        let relations = self.edges_into(table)?;

        let is_tree_edge =
            |r: &Edge| r.child.name == table.name && r.action == Action::Cascade && !r.passive;
        let edges: Vec<&'static ForeignKeyDef> = relations
            .iter()
            .filter(|r| is_tree_edge(r))
            .map(|r| r.fk)
            .collect();
        let rows = if edges.is_empty() {
            rows
        } else if table.has_composite_key() {
            return Err(composite_unsupported(table, "a self-referential cascade"));
        } else {
            self.trees += 1;
            let name = format!("_orm_tree_{}_{}", self.chunk, self.trees);
            self.collect_tree(table, &rows, &edges, &name);
            Arc::new(RowSet::Tree { table, edges, name })
        };
        self.path.push((table, rows.clone()));
        let passive_from = self.by_database.len();

        for r in &relations {
            if !is_tree_edge(r) {
                self.apply_edge(table, &rows, r)?;
            }
        }
        self.record_carried(table)?;

        if let RowSet::Tree { edges, .. } = &*rows
            && soft.is_none()
        {
            for edge in edges {
                if !table.column(edge.column()).is_some_and(|c| c.nullable) {
                    continue;
                }
                self.unlink(table, edge.column(), rows.condition());
            }
        }
        match soft {
            Some((column, restoring)) => self.mark_rows(table, column, restoring, &rows)?,
            None => self.delete_rows(table, &rows),
        }
        self.path.pop();
        self.plan_database(passive_from)
    }

    /// `UPDATE table SET column = <stamp> WHERE <rows>` (a soft delete;
    /// remembered for the checks like a delete) or `SET column = NULL` (a
    /// restore).
    fn mark_rows(
        &mut self,
        table: &'static TableDef,
        column: &'static str,
        restoring: bool,
        rows: &Arc<RowSet>,
    ) -> Result<()> {
        let (value, kind) = match (&self.soft, restoring) {
            (SoftMode::Mark(micros), false) => (
                Assign::Value(stamp_for(table, column, *micros)?),
                StepKind::SoftDelete { column },
            ),
            _ => (Assign::Null, StepKind::Restore { column }),
        };
        if !restoring {
            self.deleted.push((table.name, rows.clone()));
        }
        let condition = rows.condition();
        let statement = Update {
            table: table.name.into(),
            set: vec![(column.into(), value)],
            filter: Some(condition.clone()),
        }
        .render(self.dialect);
        self.push_step(table, kind, statement, condition);
        Ok(())
    }

    /// Plans, as the database will carry them out, the `passive_deletes`
    /// foreign keys remembered since `from` (their parent rows are now
    /// deleted): each foreign key's own `ON DELETE`, and further down the
    /// same, as [`Step::by_database`] steps and checks.
    fn plan_database(&mut self, from: usize) -> Result<()> {
        let pending = self.by_database.split_off(from);
        if pending.is_empty() {
            return Ok(());
        }
        let outer = std::mem::replace(&mut self.database, true);
        let mut result = Ok(());
        for (table, rows, mut edge) in pending {
            edge.action = Self::database_action(&edge);
            edge.passive = false;
            result = self.apply_edge(table, &rows, &edge);
            if result.is_err() {
                break;
            }
        }
        self.database = outer;
        result
    }

    /// `DELETE FROM table WHERE <rows>`, remembered for the checks.
    fn delete_rows(&mut self, table: &'static TableDef, rows: &Arc<RowSet>) {
        self.deleted.push((table.name, rows.clone()));
        let condition = rows.condition();
        let statement = Delete {
            table: table.name.into(),
            filter: Some(condition.clone()),
        }
        .render(self.dialect);
        self.push_step(table, StepKind::Delete, statement, condition);
    }

    fn push_step(
        &mut self,
        table: &'static TableDef,
        kind: StepKind,
        statement: Statement,
        rows: Condition,
    ) {
        self.plan.steps.push(Step {
            table: table.name,
            target: table,
            kind,
            statement,
            rows,
            by_database: self.database,
        });
    }

    /// The foreign keys along which deleting a row of `table` makes the ORM
    /// delete rows of another table.
    fn cascades_from(&self, table: &'static TableDef) -> Result<Vec<Edge>> {
        Ok(self
            .edges_into(table)?
            .into_iter()
            .filter(|e| e.action == Action::Cascade && !e.passive)
            .collect())
    }

    /// The tables of the cascade cycle `table` is on: the tables its
    /// cascades reach that cascade back to it (just `table` when none do;
    /// a cascade into itself alone is a tree, see [`RowSet::Tree`]).
    fn cycle_of(&self, table: &'static TableDef) -> Result<Vec<&'static TableDef>> {
        let reach = |from: &'static TableDef| -> Result<Vec<&'static TableDef>> {
            let mut seen = vec![from];
            let mut next = 0;
            while next < seen.len() {
                for edge in self.cascades_from(seen[next])? {
                    if !seen.iter().any(|t| t.name == edge.child.name) {
                        seen.push(edge.child);
                    }
                }
                next += 1;
            }
            Ok(seen)
        };
        let mut cycle = vec![table];
        for other in reach(table)?.into_iter().skip(1) {
            if reach(other)?.iter().any(|t| t.name == table.name) {
                cycle.push(other);
            }
        }
        Ok(cycle)
    }

    /// Deletes `rows` of `table` and every row the cascades of the cycle
    /// `cycle` (tables whose cascades lead back to each other) reach: the
    /// rows of each table of the cycle are collected into a temporary key
    /// table, round after round until a round adds none ([`Prepare::Closure`]);
    /// then the other foreign keys into those tables are applied as
    /// anywhere else, the cycle's own foreign keys are set to `NULL` where
    /// they can be (so deleting fires no database cascade from one to the
    /// next), and the tables are deleted from.
    fn visit_cycle(
        &mut self,
        table: &'static TableDef,
        rows: Arc<RowSet>,
        cycle: Vec<&'static TableDef>,
    ) -> Result<()> {
        self.trees += 1;
        let prefix = format!("_orm_cycle_{}_{}", self.chunk, self.trees);
        let key_table = |i: usize| Name::Owned(format!("{prefix}_{i}"));
        let index = |t: &TableDef| cycle.iter().position(|c| c.name == t.name);
        for (i, member) in cycle.iter().enumerate() {
            let create = CreateKeyTable {
                name: key_table(i),
                kind: member.primary_key_column().kind(),
            };
            self.plan
                .prepare
                .push(Prepare::Once(create.render(self.dialect)));
            self.plan
                .cleanup
                .push(DropTable { name: key_table(i) }.render(self.dialect));
        }
        let seed = InsertKeys {
            into: key_table(0),
            select: Select::column(table.name, table.primary_key_column().name)
                .filter(rows.condition()),
        };
        self.plan
            .prepare
            .push(Prepare::Once(seed.render(self.dialect)));

        // One round: every cascade of the cycle adds the rows referencing
        // the rows collected so far. A table's cascade into itself reads a
        // copy of its key table (MySQL cannot read a temporary table in a
        // statement that writes it).
        let mut inner: Vec<Edge> = Vec::new();
        let mut copies: Vec<usize> = Vec::new();
        let mut round = Vec::new();
        for (p, parent) in cycle.iter().enumerate() {
            for edge in self.cascades_from(parent)? {
                let Some(c) = index(edge.child) else { continue };
                inner.push(edge);
                let mut source = key_table(p);
                if p == c {
                    let copy = Name::Owned(format!("{prefix}_{p}_copy"));
                    if !copies.contains(&p) {
                        copies.push(p);
                        let create = CreateKeyTable {
                            name: copy.clone(),
                            kind: parent.primary_key_column().kind(),
                        };
                        self.plan
                            .prepare
                            .push(Prepare::Once(create.render(self.dialect)));
                        self.plan
                            .cleanup
                            .push(DropTable { name: copy.clone() }.render(self.dialect));
                    }
                    let clear = Delete {
                        table: copy.clone(),
                        filter: None,
                    };
                    round.push((clear.render(self.dialect), false));
                    let fill = InsertKeys {
                        into: copy.clone(),
                        select: Select::column(key_table(p), KEY_COLUMN),
                    };
                    round.push((fill.render(self.dialect), false));
                    source = copy;
                }
                let parents = RowSet::KeyTable {
                    column: parent.primary_key_column().name,
                    name: source.to_string(),
                };
                let children = RowSet::Children {
                    fk_columns: edge.fk.columns,
                    parent_table: parent,
                    parent_columns: edge.fk.references_columns,
                    parent: Arc::new(parents),
                };
                let add = InsertKeys {
                    into: key_table(c),
                    select: Select::column(edge.child.name, edge.child.primary_key_column().name)
                        .filter(children.condition()),
                };
                round.push((add.render(self.dialect), true));
            }
        }
        self.plan.prepare.push(Prepare::Closure(round));

        let sets: Vec<Arc<RowSet>> = cycle
            .iter()
            .enumerate()
            .map(|(i, member)| {
                Arc::new(RowSet::KeyTable {
                    column: member.primary_key_column().name,
                    name: key_table(i).to_string(),
                })
            })
            .collect();
        for (member, set) in cycle.iter().zip(&sets) {
            self.path.push((member, set.clone()));
        }
        let is_inner = |e: &Edge| {
            inner
                .iter()
                .any(|i| i.child.name == e.child.name && i.fk.columns == e.fk.columns)
        };
        let passive_from = self.by_database.len();
        for (member, set) in cycle.iter().zip(&sets) {
            for edge in self.edges_into(member)? {
                if !is_inner(&edge) {
                    self.apply_edge(member, set, &edge)?;
                }
            }
        }
        for member in &cycle {
            self.record_carried(member)?;
        }
        for edge in &inner {
            let Some(c) = index(edge.child) else { continue };
            if !edge
                .child
                .column(edge.fk.column())
                .is_some_and(|col| col.nullable)
            {
                continue;
            }
            self.unlink(edge.child, edge.fk.column(), sets[c].condition());
        }
        // Children before parents along the foreign keys that stay set
        // (not nullable), so that enforcing databases find nothing to do.
        let mut order: Vec<usize> = Vec::new();
        while order.len() < cycle.len() {
            let ready = (0..cycle.len()).filter(|i| !order.contains(i)).find(|&i| {
                inner.iter().all(|e| {
                    let nullable = e.child.column(e.fk.column()).is_some_and(|c| c.nullable);
                    nullable
                        || index(e.parent) != Some(i)
                        || index(e.child).is_none_or(|c| c == i || order.contains(&c))
                })
            });
            // A cycle of foreign keys none of which can be NULL: any order.
            let next = ready.unwrap_or_else(|| {
                (0..cycle.len())
                    .find(|i| !order.contains(i))
                    .unwrap_or_default()
            });
            order.push(next);
        }
        for i in order {
            self.delete_rows(cycle[i], &sets[i]);
        }
        for _ in &cycle {
            self.path.pop();
        }
        self.plan_database(passive_from)
    }

    /// Applies one foreign key into `table` to the referencing rows of the
    /// `rows` being deleted: left to the database (passive), a cascade, an
    /// update, or a check.
    fn apply_edge(&mut self, table: &'static TableDef, rows: &Arc<RowSet>, r: &Edge) -> Result<()> {
        if r.passive {
            let action = r.fk.on_delete.unwrap_or(r.action);
            let (model, field) = r.origin();
            if !self.dialect.enforces(action) {
                return Err(Error::InvalidRelation {
                    model,
                    relation: field,
                    reason: format!(
                        "`passive_deletes` leaves ON DELETE {action} of `{}.{}` to the database, but {} does not carry it out; drop `passive_deletes` so the ORM does",
                        r.child.name,
                        r.fk.column(),
                        self.dialect.name()
                    ),
                });
            }
            self.plan.passive.push((
                DatabaseAction {
                    table: r.child.name,
                    column: r.fk.column(),
                    action,
                },
                model,
                field,
            ));
            if self.purpose == Purpose::DryRun {
                self.by_database.push((table, rows.clone(), *r));
            }
            return Ok(());
        }
        let children = RowSet::Children {
            fk_columns: r.fk.columns,
            parent_table: table,
            parent_columns: r.fk.references_columns,
            parent: rows.clone(),
        };
        if r.action == Action::Cascade && self.marking() && r.child.soft_delete.is_none() {
            return self.soft_into_hard(r, children);
        }
        match r.action {
            Action::Cascade => self.visit(r.child, Arc::new(children))?,
            Action::SetNull | Action::SetDefault => {
                // Every column of the foreign key: to NULL, or to its default.
                let set =
                    r.fk.columns
                        .iter()
                        .map(|c| {
                            let default = match r.action {
                                Action::SetDefault => r.child.column(c).and_then(|c| c.default),
                                _ => None,
                            };
                            (
                                Name::from(*c),
                                default.map_or(Assign::Null, Assign::Default),
                            )
                        })
                        .collect();
                let condition = children.condition();
                let statement = Update {
                    table: r.child.name.into(),
                    set,
                    filter: Some(condition.clone()),
                }
                .render(self.dialect);
                let columns = r.fk.columns;
                let kind = if r.action == Action::SetNull {
                    StepKind::SetNull { columns }
                } else {
                    StepKind::SetDefault { columns }
                };
                self.push_step(r.child, kind, statement, condition);
            }
            Action::Restrict | Action::NoAction => {
                self.unlink_from_ancestors(table, r, &children);
                self.pending_checks.push(PendingCheck {
                    by_database: self.database,
                    live_only: self.marking(),
                    parent_table: table.name,
                    child: r.child,
                    fk: r.fk,
                    action: r.action,
                    children: Arc::new(children),
                });
            }
        }
        Ok(())
    }

    /// A cascade from rows a soft delete marks into a table that has no
    /// `soft_delete` column: what the relationship's `on_soft_delete` says
    /// (deleted for real, with an ordinary delete's cascades, or kept); kept
    /// when no relationship declares the cascade.
    fn soft_into_hard(&mut self, r: &Edge, children: RowSet) -> Result<()> {
        let choice = match r.declared {
            Declared::Parent(rel) => match rel.on_soft_delete {
                Some(choice) => choice,
                None => {
                    let (model, field) = r.origin();
                    return Err(Error::InvalidRelation {
                        model,
                        relation: field,
                        reason: format!(
                            "soft-deleting cascades into `{}`, which has no `soft_delete` column: say what happens to its rows with `on_soft_delete = \"keep\"` or `\"delete\"`",
                            r.child.name
                        ),
                    });
                }
            },
            Declared::Child(_) | Declared::ForeignKey => OnSoftDelete::Keep,
        };
        match choice {
            OnSoftDelete::Keep => Ok(()),
            OnSoftDelete::Delete => {
                self.hard = true;
                let result = self.visit(r.child, Arc::new(children));
                self.hard = false;
                result
            }
        }
    }

    /// A `NO ACTION` foreign key from rows the plan deletes later (a table
    /// further up the cascade, e.g. `user.featured_post_id` while deleting
    /// a user's posts): the database checks it at the end of each
    /// statement, when those rows still exist, so their references to the
    /// rows deleted now are set to `NULL` first (not reported: they are
    /// deleted next). The check leaves those rows out, as the database's
    /// own cascade would. Where `NO ACTION` is checked immediately (InnoDB)
    /// the check refuses instead, as the database would.
    fn unlink_from_ancestors(&mut self, table: &'static TableDef, r: &Edge, children: &RowSet) {
        if r.action != Action::NoAction
            || self.dialect.no_action_is_immediate()
            || r.child.name == table.name
            || !r
                .fk
                .columns
                .iter()
                .all(|c| r.child.column(c).is_some_and(|c| c.nullable))
        {
            return;
        }
        let ancestors: Vec<Arc<RowSet>> = self
            .path
            .iter()
            .filter(|(t, _)| t.name == r.child.name)
            .map(|(_, rows)| rows.clone())
            .collect();
        for ancestor in ancestors {
            let condition = children.condition().and(ancestor.condition());
            let statement = Update {
                table: r.child.name.into(),
                set: r
                    .fk
                    .columns
                    .iter()
                    .map(|c| (Name::from(*c), Assign::Null))
                    .collect(),
                filter: Some(condition.clone()),
            }
            .render(self.dialect);
            let kind = StepKind::Unlink {
                column: r.fk.column(),
            };
            self.push_step(r.child, kind, statement, condition);
        }
    }
}
