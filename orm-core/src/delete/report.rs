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
/// computed in a transaction that is rolled back.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeleteReport {
    /// Per table (and column), in the order first touched.
    pub effects: Vec<Effect>,
    /// Actions carried out by the database (`passive_deletes`); the rows they
    /// touched are not counted in `effects`.
    pub left_to_database: Vec<DatabaseAction>,
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
        match self
            .effects
            .iter_mut()
            .find(|e| e.table == table && e.columns == columns && e.kind == kind)
        {
            Some(effect) => effect.rows += rows,
            None => self.effects.push(Effect {
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
            // `table.column`, or `table.(a, b)` for a composite foreign key.
            let columns = match e.columns {
                [one] => (*one).to_owned(),
                several => format!("({})", several.join(", ")),
            };
            match e.kind {
                EffectKind::Deleted => writeln!(f, "  deleted     {:>8}  {}", e.rows, e.table)?,
                EffectKind::SetNull => {
                    writeln!(f, "  set NULL    {:>8}  {}.{columns}", e.rows, e.table)?
                }
                EffectKind::SetDefault => {
                    writeln!(f, "  set DEFAULT {:>8}  {}.{columns}", e.rows, e.table)?
                }
            }
        }
        for a in &self.left_to_database {
            writeln!(
                f,
                "  database: ON DELETE {} on {}.{}",
                a.action, a.table, a.column
            )?;
        }
        write!(f, "  {} statement(s)", self.statements.len())
    }
}
