use std::fmt;

use crate::schema::Action;
use crate::sql::Statement;

/// What one statement of a delete did to a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum EffectKind {
    /// Rows deleted.
    Deleted,
    /// Foreign keys set to `NULL` (SET NULL).
    SetNull,
    /// Foreign keys set to their default (SET DEFAULT).
    SetDefault,
    /// Rows marked deleted (`#[model(soft_delete = ...)]`): their column
    /// set to the time of the delete.
    SoftDeleted,
    /// Rows a restore brought back: the marks of one soft delete cleared.
    Restored,
}

/// Rows of one table (and column, for updates) affected by a delete.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Effect {
    /// The table.
    pub table: &'static str,
    /// The foreign-key columns, for `SetNull` / `SetDefault` (one, or
    /// several for a composite foreign key); empty for `Deleted`.
    pub columns: &'static [&'static str],
    /// What happened.
    pub kind: EffectKind,
    /// How many rows.
    pub rows: u64,
}

impl fmt::Display for Effect {
    /// `deleted  3  hero`, `set NULL  2  hero.team_id`, or
    /// `table.(a, b)` for a composite foreign key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = match self.columns {
            [one] => (*one).to_owned(),
            several => format!("({})", several.join(", ")),
        };
        match self.kind {
            EffectKind::Deleted => write!(f, "deleted     {:>8}  {}", self.rows, self.table),
            EffectKind::SetNull => {
                write!(f, "set NULL    {:>8}  {}.{columns}", self.rows, self.table)
            }
            EffectKind::SetDefault => {
                write!(f, "set DEFAULT {:>8}  {}.{columns}", self.rows, self.table)
            }
            EffectKind::SoftDeleted => write!(f, "soft-deleted {:>7}  {}", self.rows, self.table),
            EffectKind::Restored => write!(f, "restored    {:>8}  {}", self.rows, self.table),
        }
    }
}

/// A relationship whose delete action the database carried out
/// (`passive_deletes`): the ORM sent only the parent's `DELETE`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DatabaseAction {
    /// The child table.
    pub table: &'static str,
    /// The child's foreign-key column (the first of a composite foreign
    /// key's).
    pub column: &'static str,
    /// The declared `ON DELETE` action.
    pub action: Action,
}

/// The outcome of a delete: rows deleted and nullified per table, the
/// actions left to the database, and every statement run.
///
/// With the `serde` feature it implements `serde::Serialize` (JSON for an
/// "are you sure?" screen: effects, actions left to the database, and the
/// statements with their parameters).
///
/// A plan (`plan_delete`) returns the same report with `dry_run` set,
/// computed without writing a row: every count comes from a `SELECT` over
/// the rows each statement would write (see `Executor::plan_delete`), and a
/// plan also counts what the database will do itself
/// ([`database_effects`](DeleteReport::database_effects)).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeleteReport {
    /// Per table (and column), in the order first touched.
    pub effects: Vec<Effect>,
    /// Actions carried out by the database (`passive_deletes`); the rows they
    /// touched are not counted in `effects`.
    pub left_to_database: Vec<DatabaseAction>,
    /// Actions the database carried out although the relationship does not
    /// say `passive_deletes`, because its foreign key declares the very
    /// action the ORM applies (and, below a cascade, every foreign key
    /// does likewise): PostgreSQL, which counts the rows they wrote
    /// exactly. Their rows *are* counted in `effects`, as the ORM's own
    /// statements would have counted them; the ORM sent fewer statements
    /// and the database's triggers did the work once. Empty elsewhere,
    /// and in a plan.
    pub carried_by_database: Vec<DatabaseAction>,
    /// In a plan: the rows the database's own `ON DELETE` actions will
    /// delete or update (`passive_deletes`, and whatever those actions lead
    /// to further down), per table, in the order reached. Empty after a
    /// delete: the database does not say how many rows its actions touched.
    pub database_effects: Vec<Effect>,
    /// Every statement the ORM ran (or would run), in order.
    pub statements: Vec<Statement>,
    /// `true` for a plan: nothing was written.
    pub dry_run: bool,
}

impl DeleteReport {
    pub(crate) fn record(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        kind: EffectKind,
        rows: u64,
    ) {
        Self::add(&mut self.effects, table, columns, kind, rows);
    }

    pub(crate) fn record_database(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        kind: EffectKind,
        rows: u64,
    ) {
        Self::add(&mut self.database_effects, table, columns, kind, rows);
    }

    fn add(
        effects: &mut Vec<Effect>,
        table: &'static str,
        columns: &'static [&'static str],
        kind: EffectKind,
        rows: u64,
    ) {
        match effects
            .iter_mut()
            .find(|e| e.table == table && e.columns == columns && e.kind == kind)
        {
            Some(effect) => effect.rows += rows,
            None => effects.push(Effect {
                table,
                columns,
                kind,
                rows,
            }),
        }
    }

    fn sum(&self, table: &str, kind: EffectKind) -> u64 {
        self.effects
            .iter()
            .filter(|e| e.table == table && e.kind == kind)
            .map(|e| e.rows)
            .sum()
    }

    /// Rows deleted from `table` by the ORM.
    pub fn deleted(&self, table: &str) -> u64 {
        self.sum(table, EffectKind::Deleted)
    }

    /// Rows of `table` whose foreign key the ORM set to `NULL`.
    pub fn nullified(&self, table: &str) -> u64 {
        self.sum(table, EffectKind::SetNull)
    }

    /// Rows of `table` whose foreign key the ORM set to its default.
    pub fn defaulted(&self, table: &str) -> u64 {
        self.sum(table, EffectKind::SetDefault)
    }

    /// Rows of `table` a soft delete marked deleted.
    pub fn soft_deleted(&self, table: &str) -> u64 {
        self.sum(table, EffectKind::SoftDeleted)
    }

    /// Rows of `table` a restore brought back.
    pub fn restored(&self, table: &str) -> u64 {
        self.sum(table, EffectKind::Restored)
    }

    /// Rows deleted by the ORM, all tables together.
    pub fn total_deleted(&self) -> u64 {
        self.effects
            .iter()
            .filter(|e| e.kind == EffectKind::Deleted)
            .map(|e| e.rows)
            .sum()
    }
}

impl fmt::Display for DeleteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.dry_run {
            writeln!(f, "plan (nothing written):")?;
        }
        for e in &self.effects {
            writeln!(f, "  {e}")?;
        }
        for a in &self.left_to_database {
            writeln!(
                f,
                "  database: ON DELETE {} on {}.{}",
                a.action, a.table, a.column
            )?;
        }
        for e in &self.database_effects {
            writeln!(f, "  database: {e}")?;
        }
        write!(f, "  {} statement(s)", self.statements.len())
    }
}
