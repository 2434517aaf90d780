//! `verify`: the live database compared with the models, read from the
//! database's own catalog (see [`sql::catalog`]).

use std::fmt;

use crate::backend::{Backend, Connection, Dialect};
use crate::error::{Error, Result};
use crate::model::RowSource;
use crate::registry::Schema;
use crate::schema::{Action, ForeignKeyDef, TableDef};
use crate::sql::{self, catalog::Catalog};

use super::run;

/// Which of a foreign key's two actions a [`DifferenceKind::ForeignKeyAction`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum ActionClause {
    /// `ON DELETE`.
    OnDelete,
    /// `ON UPDATE`.
    OnUpdate,
}

impl fmt::Display for ActionClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ActionClause::OnDelete => "ON DELETE",
            ActionClause::OnUpdate => "ON UPDATE",
        })
    }
}

/// What differs between the models and the live database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum DifferenceKind {
    /// The table does not exist (nothing else of it is compared).
    MissingTable,
    /// The column does not exist.
    MissingColumn,
    /// The column accepts `NULL` where the model does not, or the reverse.
    Nullability {
        /// `true` when the model's field is an `Option`.
        declared_nullable: bool,
        /// `true` when the live column accepts `NULL`.
        live_nullable: bool,
    },
    /// The column has no foreign key at all.
    MissingForeignKey {
        /// The table the model's foreign key references.
        references_table: &'static str,
        /// The column it references.
        references_column: &'static str,
    },
    /// The column's foreign key references another table or column.
    ForeignKeyTarget {
        /// `(table, column)` the model references.
        declared: (&'static str, &'static str),
        /// `(table, column)` the live foreign key references.
        live: (String, String),
    },
    /// The foreign key's `ON DELETE` or `ON UPDATE` action is not the one
    /// the DDL declares (what [`create_all`](super::Executor::create_all)
    /// would create: no clause is `NO ACTION`; an action the database does
    /// not enforce, see [`Dialect::enforces`], is left out). On MySQL /
    /// MariaDB, where `NO ACTION` is `RESTRICT`, the two are the same.
    ForeignKeyAction {
        /// `ON DELETE` or `ON UPDATE`.
        clause: ActionClause,
        /// What the DDL declares.
        declared: Action,
        /// What the database reports.
        live: Action,
    },
    /// A composite foreign key (`#[model(foreign_key(columns = [...]))]`)
    /// does not exist: no foreign key on exactly these columns references
    /// these columns of that table.
    MissingCompositeForeignKey {
        /// The referencing columns, in order.
        columns: &'static [&'static str],
        /// The table the model's foreign key references.
        references_table: &'static str,
        /// The columns it references, in order.
        references_columns: &'static [&'static str],
    },
    /// A composite foreign key's `ON DELETE` or `ON UPDATE` action is not
    /// the one the DDL declares (as [`DifferenceKind::ForeignKeyAction`]).
    CompositeForeignKeyAction {
        /// The referencing columns, in order.
        columns: &'static [&'static str],
        /// `ON DELETE` or `ON UPDATE`.
        clause: ActionClause,
        /// What the DDL declares.
        declared: Action,
        /// What the database reports.
        live: Action,
    },
    /// No index on the column, which the ORM creates for `#[field(index)]`
    /// and for every foreign-key column (the delete planner looks children
    /// up by it on every parent delete). Any index whose first column is
    /// this one counts, whatever its name.
    MissingIndex {
        /// The name `create_all` gives it ([`sql::index_name`]).
        index: String,
    },
    /// No unique index on exactly this column (`#[field(unique)]`).
    MissingUnique {
        /// The name `create_all` gives it ([`sql::index_name`]).
        index: String,
    },
    /// The connection does not enforce foreign keys (SQLite: `PRAGMA
    /// foreign_keys` is off; PostgreSQL: `session_replication_role` is
    /// `replica`; MySQL: `foreign_key_checks` is 0), so no `ON DELETE` runs
    /// and `passive_deletes` leaves orphans. Reported when the schema has
    /// a foreign key. A setting of the connection verify ran on, not of the
    /// database: configure it on the pool (`foreign_keys(true)` on the
    /// backend's options).
    ForeignKeysNotEnforced,
}

/// How a [`Difference`] can be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Fix {
    /// These DDL statements, in order, fix it (they are also in
    /// [`VerifyReport::fixes`]). Review them before running them: adding a
    /// `NOT NULL` column or a constraint fails on rows that break it.
    Ddl(Vec<String>),
    /// No DDL statement fixes it; the reason, and what to do instead.
    NotFixable(&'static str),
}

/// One difference between the models and the live database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Difference {
    /// The table (`None` for a setting of the connection,
    /// [`DifferenceKind::ForeignKeysNotEnforced`]).
    pub table: Option<&'static str>,
    /// The column, when the difference is about one.
    pub column: Option<&'static str>,
    /// What differs, with the declared and live values.
    pub kind: DifferenceKind,
    /// How to fix it.
    pub fix: Fix,
}

impl Difference {
    /// `true` when [`fix`](Difference::fix) is DDL.
    pub fn is_fixable(&self) -> bool {
        matches!(self.fix, Fix::Ddl(_))
    }
}

fn nullability(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.table, self.column) {
            (Some(table), Some(column)) => write!(f, "{table}.{column}: ")?,
            (Some(table), None) => write!(f, "{table}: ")?,
            _ => {}
        }
        match &self.kind {
            DifferenceKind::MissingTable => f.write_str("missing table")?,
            DifferenceKind::MissingColumn => f.write_str("missing column")?,
            DifferenceKind::Nullability {
                declared_nullable,
                live_nullable,
            } => write!(
                f,
                "declared {}, live {}",
                nullability(*declared_nullable),
                nullability(*live_nullable)
            )?,
            DifferenceKind::MissingForeignKey {
                references_table,
                references_column,
            } => write!(
                f,
                "missing foreign key to {references_table}.{references_column}"
            )?,
            DifferenceKind::ForeignKeyTarget { declared, live } => write!(
                f,
                "foreign key declared to {}.{}, live to {}.{}",
                declared.0, declared.1, live.0, live.1
            )?,
            DifferenceKind::ForeignKeyAction {
                clause,
                declared,
                live,
            } => write!(f, "{clause} declared {declared}, live {live}")?,
            DifferenceKind::MissingCompositeForeignKey {
                columns,
                references_table,
                references_columns,
            } => write!(
                f,
                "missing foreign key ({}) to {references_table}({})",
                columns.join(", "),
                references_columns.join(", ")
            )?,
            DifferenceKind::CompositeForeignKeyAction {
                columns,
                clause,
                declared,
                live,
            } => write!(
                f,
                "foreign key ({}): {clause} declared {declared}, live {live}",
                columns.join(", ")
            )?,
            DifferenceKind::MissingIndex { index } => write!(f, "missing index {index}")?,
            DifferenceKind::MissingUnique { index } => write!(f, "missing unique index {index}")?,
            DifferenceKind::ForeignKeysNotEnforced => {
                f.write_str("foreign keys are not enforced on this connection")?
            }
        }
        match &self.fix {
            Fix::Ddl(_) => f.write_str(" (fixable)"),
            Fix::NotFixable(why) => write!(f, " (not fixable: {why})"),
        }
    }
}

/// What [`verify`](super::Executor::verify) found: every difference
/// between the models and the live database, and the DDL that fixes the
/// fixable ones. Verify only reads the catalog: it changes nothing. With
/// the `serde` feature it implements `serde::Serialize` (each difference's
/// kind under `"type"`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VerifyReport {
    /// Every difference, table by table (in foreign-key order), the
    /// connection's foreign-key setting first.
    pub differences: Vec<Difference>,
    /// The DDL of every fixable difference, in an order it can run in
    /// (each statement once).
    pub fixes: Vec<String>,
}

impl VerifyReport {
    /// `true` when the live database is what the models declare.
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }

    /// The differences no DDL fixes.
    pub fn not_fixable(&self) -> impl Iterator<Item = &Difference> {
        self.differences.iter().filter(|d| !d.is_fixable())
    }
}

impl fmt::Display for VerifyReport {
    /// One line per difference; `schema verified: no differences` when clean.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_clean() {
            return f.write_str("schema verified: no differences");
        }
        writeln!(f, "{} difference(s):", self.differences.len())?;
        for (i, difference) in self.differences.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {difference}")?;
        }
        Ok(())
    }
}

/// The next column of a catalog row, as text (`NULL` as empty).
fn text_at(row: &mut dyn RowSource) -> Result<String> {
    match row.next_value(crate::ValueType::Text)? {
        crate::Value::Text(text) => Ok(text),
        crate::Value::Null(_) => Ok(String::new()),
        other => Err(Error::UnexpectedResult(format!(
            "expected a name from the catalog, got {other}"
        ))),
    }
}

fn int_at(row: &mut dyn RowSource) -> Result<i64> {
    let value = row.next_value(crate::ValueType::I64)?;
    value.as_i64().ok_or_else(|| {
        Error::UnexpectedResult(format!("expected an integer from the catalog, got {value}"))
    })
}

/// A live foreign key.
struct LiveForeignKey {
    name: String,
    columns: Vec<String>,
    references_table: String,
    references_columns: Vec<String>,
    on_delete: String,
    on_update: String,
}

/// The action the DDL declares for `action`: none, or one the dialect does
/// not enforce, is `NO ACTION`.
fn declared_action(dialect: &dyn Dialect, action: Option<Action>) -> Action {
    action
        .filter(|a| dialect.enforces(*a))
        .unwrap_or(Action::NoAction)
}

fn same_action(dialect: &dyn Dialect, declared: Action, live: Action) -> bool {
    declared == live
        || (dialect.no_action_is_immediate() && declared.is_restrictive() && live.is_restrictive())
}

const SQLITE_REBUILD: &str =
    "SQLite cannot change a table's foreign keys or NOT NULL with ALTER TABLE: rebuild the table";

pub(crate) async fn verify<B: Backend>(
    conn: &mut Connection<B>,
    schema: &Schema,
) -> Result<VerifyReport> {
    let dialect = B::DIALECT;
    let Some(catalog) = dialect.catalog() else {
        return Err(Error::UnexpectedResult(format!(
            "verify: the {} backend has no catalog to read",
            dialect.name()
        )));
    };
    let sqlite = catalog == Catalog::Sqlite;
    let mut report = VerifyReport::default();
    let tables = sql::dependency_order(schema.tables());
    let has_foreign_keys = tables.iter().any(|t| !t.foreign_keys.is_empty());
    if has_foreign_keys && !run::foreign_keys_enforced::<B>(conn).await? {
        report.differences.push(Difference {
            table: None,
            column: None,
            kind: DifferenceKind::ForeignKeysNotEnforced,
            fix: Fix::NotFixable(
                "a setting of the connection: enable foreign keys on the pool's options (`foreign_keys(true)`)",
            ),
        });
    }
    for &table in &tables {
        verify_table::<B>(conn, catalog, sqlite, table, &mut report.differences).await?;
    }
    for difference in &report.differences {
        if let Fix::Ddl(statements) = &difference.fix {
            for statement in statements {
                if !report.fixes.contains(statement) {
                    report.fixes.push(statement.clone());
                }
            }
        }
    }
    Ok(report)
}

async fn verify_table<B: Backend>(
    conn: &mut Connection<B>,
    catalog: Catalog,
    sqlite: bool,
    table: &'static TableDef,
    out: &mut Vec<Difference>,
) -> Result<()> {
    use sql::catalog;
    let dialect = B::DIALECT;
    let difference = |column: Option<&'static str>, kind, fix| Difference {
        table: Some(table.name),
        column,
        kind,
        fix,
    };
    let decode = |row: &mut dyn RowSource| Ok((text_at(row)?, int_at(row)? != 0));
    let columns = run::fetch::<B, (String, bool)>(
        conn,
        catalog::column_nullability(dialect, catalog, table.name),
        &decode,
    )
    .await?;
    if columns.is_empty() {
        let mut ddl = vec![sql::create_table(dialect, table)];
        ddl.extend(sql::create_index_statements(dialect, table));
        out.push(difference(
            None,
            DifferenceKind::MissingTable,
            Fix::Ddl(ddl),
        ));
        return Ok(());
    }
    let mut missing_columns = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        match columns.iter().find(|(name, _)| name == column.name) {
            None => {
                let fix = if column.primary_key {
                    Fix::NotFixable("a primary-key column cannot be added: rebuild the table")
                } else if sqlite && !column.nullable && column.default.is_none() {
                    Fix::NotFixable(
                        "SQLite cannot add a NOT NULL column without a default: rebuild the table",
                    )
                } else {
                    Fix::Ddl(vec![sql::add_column(dialect, table, i)])
                };
                if !matches!(fix, Fix::Ddl(_)) {
                    // Its index and foreign key come with the table's rebuild.
                    missing_columns.push(column.name);
                }
                out.push(difference(
                    Some(column.name),
                    DifferenceKind::MissingColumn,
                    fix,
                ));
            }
            Some(&(_, live_nullable)) if live_nullable != column.nullable => {
                let fix = match catalog {
                    Catalog::Postgres => Fix::Ddl(vec![sql::alter_column_nullability(
                        dialect,
                        table.name,
                        column.name,
                        column.nullable,
                    )]),
                    Catalog::Sqlite => Fix::NotFixable(SQLITE_REBUILD),
                    _ => Fix::NotFixable(
                        "change the column with ALTER TABLE ... MODIFY, spelling its whole type",
                    ),
                };
                out.push(difference(
                    Some(column.name),
                    DifferenceKind::Nullability {
                        declared_nullable: column.nullable,
                        live_nullable,
                    },
                    fix,
                ));
            }
            Some(_) => {}
        }
    }

    // Indexes: `(index, columns in key order, unique)`.
    let decode = |row: &mut dyn RowSource| Ok((text_at(row)?, text_at(row)?, int_at(row)? != 0));
    let rows = run::fetch::<B, (String, String, bool)>(
        conn,
        catalog::table_indexes(dialect, catalog, table.name),
        &decode,
    )
    .await?;
    let mut live_indexes: Vec<(String, Vec<String>, bool)> = Vec::new();
    for (name, column, unique) in rows {
        match live_indexes.last_mut() {
            Some((last, columns, _)) if *last == name => columns.push(column),
            _ => live_indexes.push((name, vec![column], unique)),
        }
    }
    for (name, columns, unique) in sql::declared_indexes(table) {
        if columns.iter().any(|c| missing_columns.contains(c)) {
            continue;
        }
        let found = live_indexes.iter().any(|(_, live, live_unique)| {
            if unique {
                *live_unique && *live == columns
            } else {
                // Any index that starts with the columns serves.
                live.len() >= columns.len() && live.iter().zip(&columns).all(|(l, c)| l == c)
            }
        });
        if found {
            continue;
        }
        let fix = Fix::Ddl(vec![sql::create_index(
            dialect, table.name, &name, &columns, unique,
        )]);
        let kind = if unique {
            DifferenceKind::MissingUnique { index: name }
        } else {
            DifferenceKind::MissingIndex { index: name }
        };
        let column = match columns[..] {
            [one] => Some(one),
            _ => None,
        };
        out.push(difference(column, kind, fix));
    }

    // Foreign keys: one row per column, in key order.
    let decode = |row: &mut dyn RowSource| {
        Ok((
            text_at(row)?,
            text_at(row)?,
            text_at(row)?,
            text_at(row)?,
            text_at(row)?,
            text_at(row)?,
        ))
    };
    let rows = run::fetch::<B, (String, String, String, String, String, String)>(
        conn,
        catalog::foreign_keys(dialect, catalog, table.name),
        &decode,
    )
    .await?;
    let mut live_fks: Vec<LiveForeignKey> = Vec::new();
    for (name, column, references_table, references_column, on_delete, on_update) in rows {
        match live_fks.last_mut() {
            Some(last) if last.name == name => {
                last.columns.push(column);
                last.references_columns.push(references_column);
            }
            _ => live_fks.push(LiveForeignKey {
                name,
                columns: vec![column],
                references_table,
                references_columns: vec![references_column],
                on_delete,
                on_update,
            }),
        }
    }
    for fk in table.foreign_keys {
        if fk.columns.iter().any(|c| missing_columns.contains(c)) {
            continue;
        }
        let replace = |live: &LiveForeignKey| {
            if sqlite {
                Fix::NotFixable(SQLITE_REBUILD)
            } else {
                Fix::Ddl(vec![
                    sql::drop_foreign_key(dialect, table.name, &live.name),
                    sql::add_foreign_key(dialect, table, fk),
                ])
            }
        };
        let on_columns: Vec<&LiveForeignKey> = live_fks
            .iter()
            .filter(|l| l.columns == fk.columns)
            .collect();
        let Some(live) = on_columns.iter().copied().find(|l| targets(l, fk)) else {
            let column = (!fk.is_composite()).then(|| fk.column());
            match on_columns.first() {
                Some(&live) if !fk.is_composite() => out.push(difference(
                    column,
                    DifferenceKind::ForeignKeyTarget {
                        declared: (fk.references_table, fk.references_column()),
                        live: (
                            live.references_table.clone(),
                            live.references_columns[0].clone(),
                        ),
                    },
                    replace(live),
                )),
                _ => {
                    let fix = if sqlite {
                        Fix::NotFixable(SQLITE_REBUILD)
                    } else {
                        Fix::Ddl(vec![sql::add_foreign_key(dialect, table, fk)])
                    };
                    let kind = if fk.is_composite() {
                        DifferenceKind::MissingCompositeForeignKey {
                            columns: fk.columns,
                            references_table: fk.references_table,
                            references_columns: fk.references_columns,
                        }
                    } else {
                        DifferenceKind::MissingForeignKey {
                            references_table: fk.references_table,
                            references_column: fk.references_column(),
                        }
                    };
                    out.push(difference(column, kind, fix));
                }
            }
            continue;
        };
        for (clause, declared, live_text) in [
            (ActionClause::OnDelete, fk.on_delete, &live.on_delete),
            (ActionClause::OnUpdate, fk.on_update, &live.on_update),
        ] {
            let declared = declared_action(dialect, declared);
            let Some(live_action) = Action::from_sql(live_text) else {
                return Err(Error::UnexpectedResult(format!(
                    "verify: {}.{}: the database reports the action `{live_text}`",
                    table.name,
                    fk.columns_text()
                )));
            };
            if same_action(dialect, declared, live_action) {
                continue;
            }
            // Both clauses differing have the same fix, listed once in
            // the report's fixes.
            let (column, kind) = if fk.is_composite() {
                (
                    None,
                    DifferenceKind::CompositeForeignKeyAction {
                        columns: fk.columns,
                        clause,
                        declared,
                        live: live_action,
                    },
                )
            } else {
                (
                    Some(fk.column()),
                    DifferenceKind::ForeignKeyAction {
                        clause,
                        declared,
                        live: live_action,
                    },
                )
            };
            out.push(difference(column, kind, replace(live)));
        }
    }
    Ok(())
}

/// `true` when the live foreign key references what `fk` declares (table
/// names compared ignoring case where the database does).
fn targets(live: &LiveForeignKey, fk: &ForeignKeyDef) -> bool {
    live.references_table
        .eq_ignore_ascii_case(fk.references_table)
        && live.references_columns == fk.references_columns
}

#[cfg(test)]
mod tests {
    use super::*;

    struct InnoDb;
    impl Dialect for InnoDb {
        fn name(&self) -> &'static str {
            "innodb"
        }
        fn type_name(&self, _: crate::ColumnKind) -> &'static str {
            "INT"
        }
        fn max_bind_parameters(&self) -> usize {
            100
        }
        fn enforces(&self, action: Action) -> bool {
            action != Action::SetDefault
        }
        fn no_action_is_immediate(&self) -> bool {
            true
        }
    }

    struct Standard;
    impl Dialect for Standard {
        fn name(&self) -> &'static str {
            "standard"
        }
        fn type_name(&self, _: crate::ColumnKind) -> &'static str {
            "INT"
        }
        fn max_bind_parameters(&self) -> usize {
            100
        }
    }

    /// What the DDL declares is compared, and `NO ACTION` is `RESTRICT`
    /// only where the database checks it row by row.
    #[test]
    fn actions_compare_as_the_ddl_declares_them() {
        assert_eq!(declared_action(&Standard, None), Action::NoAction);
        assert_eq!(
            declared_action(&Standard, Some(Action::SetDefault)),
            Action::SetDefault
        );
        assert_eq!(
            declared_action(&InnoDb, Some(Action::SetDefault)),
            Action::NoAction
        );
        assert!(same_action(&InnoDb, Action::NoAction, Action::Restrict));
        assert!(!same_action(&Standard, Action::NoAction, Action::Restrict));
        assert!(!same_action(&InnoDb, Action::Cascade, Action::Restrict));
    }

    #[test]
    fn a_report_prints_one_line_per_difference() {
        assert_eq!(
            VerifyReport::default().to_string(),
            "schema verified: no differences"
        );
        let report = VerifyReport {
            differences: vec![
                Difference {
                    table: None,
                    column: None,
                    kind: DifferenceKind::ForeignKeysNotEnforced,
                    fix: Fix::NotFixable("enable them"),
                },
                Difference {
                    table: Some("pet"),
                    column: Some("owner_id"),
                    kind: DifferenceKind::ForeignKeyAction {
                        clause: ActionClause::OnDelete,
                        declared: Action::Cascade,
                        live: Action::NoAction,
                    },
                    fix: Fix::Ddl(vec!["ALTER TABLE ...".into()]),
                },
                Difference {
                    table: Some("pet"),
                    column: Some("name"),
                    kind: DifferenceKind::Nullability {
                        declared_nullable: false,
                        live_nullable: true,
                    },
                    fix: Fix::NotFixable("rebuild"),
                },
            ],
            fixes: vec!["ALTER TABLE ...".into()],
        };
        assert_eq!(
            report.to_string(),
            "3 difference(s):\n  \
             foreign keys are not enforced on this connection (not fixable: enable them)\n  \
             pet.owner_id: ON DELETE declared CASCADE, live NO ACTION (fixable)\n  \
             pet.name: declared NOT NULL, live NULL (not fixable: rebuild)"
        );
        assert_eq!(report.not_fixable().count(), 2);
        assert!(!report.is_clean());
    }
}
