//! The typed statement tree: every statement the runtime sends is one of
//! these values, built from schema metadata and filters, and turned into SQL
//! text plus bound parameters only by [`render`](super::render) for one
//! [`Dialect`](crate::Dialect). Nothing outside this module writes SQL.

use std::borrow::Cow;

use crate::query::{CompareOp, Expr};
use crate::schema::{ColumnKind, TableDef};
use crate::value::Value;

/// An identifier: a table or column name, or a name the ORM makes up
/// (temporary tables, aliases). Always quoted when rendered.
pub type Name = Cow<'static, str>;

/// A column, optionally qualified by a table name or alias.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRef {
    /// The table or alias, for `"t"."c"`.
    pub table: Option<Name>,
    /// The column.
    pub column: Name,
}

impl ColumnRef {
    /// An unqualified column.
    pub fn new(column: impl Into<Name>) -> Self {
        ColumnRef {
            table: None,
            column: column.into(),
        }
    }

    /// `"table"."column"`.
    pub fn qualified(table: impl Into<Name>, column: impl Into<Name>) -> Self {
        ColumnRef {
            table: Some(table.into()),
            column: column.into(),
        }
    }
}

/// The most composite keys one statement selects rows by with
/// [`Condition::any_key`]: each is an `OR` term, and SQLite refuses an
/// expression nested deeper than 1,000.
pub const COMPOSITE_KEYS_PER_STATEMENT: usize = 400;

/// A boolean condition (`WHERE`).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `1 = 1` or `1 = 0`.
    Const(bool),
    /// `column <op> value`; with a `NULL` value, `=` is `IS NULL` and `<>`
    /// is `IS NOT NULL`.
    Compare {
        /// The column.
        column: ColumnRef,
        /// The operator.
        op: CompareOp,
        /// The bound value.
        value: Value,
    },
    /// `left <op> right`, two columns.
    Columns {
        /// The left column.
        left: ColumnRef,
        /// The operator.
        op: CompareOp,
        /// The right column.
        right: ColumnRef,
    },
    /// `column IN (values)` (`NOT IN` when negated); an empty list is
    /// rendered as a constant.
    In {
        /// The column.
        column: ColumnRef,
        /// The bound values.
        values: Vec<Value>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column IN (SELECT ...)`, or `(a, b) IN (SELECT x, y ...)` for
    /// several columns (a composite foreign key).
    InSelect {
        /// The columns (one, or several compared as a row value).
        columns: Vec<ColumnRef>,
        /// The subquery, selecting as many columns.
        select: Box<Select>,
    },
    /// `column IS NULL` (`IS NOT NULL` when negated).
    IsNull {
        /// The column.
        column: ColumnRef,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// All of these (`TRUE` when empty).
    And(Vec<Condition>),
    /// Any of these (`FALSE` when empty).
    Or(Vec<Condition>),
    /// `NOT (...)`.
    Not(Box<Condition>),
    /// `(...) IS NOT TRUE`: false or `NULL`.
    NotTrue(Box<Condition>),
}

impl Condition {
    /// `column = value` for one value, `column IN (...)` for several.
    pub fn any_of(column: impl Into<Name>, values: Vec<Value>) -> Condition {
        let column = ColumnRef::new(column);
        match <[Value; 1]>::try_from(values) {
            Ok([value]) => Condition::Compare {
                column,
                op: CompareOp::Eq,
                value,
            },
            Err(values) => Condition::In {
                column,
                values,
                negated: false,
            },
        }
    }

    /// `column IS NULL`.
    pub fn is_null(column: impl Into<Name>) -> Condition {
        Condition::IsNull {
            column: ColumnRef::new(column),
            negated: false,
        }
    }

    /// The live rows of a soft-delete table (its `soft_delete` column
    /// `NULL`); `None` for another table.
    pub fn live(table: &TableDef) -> Option<Condition> {
        table.soft_delete.map(Condition::is_null)
    }

    /// `column IN (SELECT ...)`.
    pub fn in_select(column: impl Into<Name>, select: Select) -> Condition {
        Condition::InSelect {
            columns: vec![ColumnRef::new(column)],
            select: Box::new(select),
        }
    }

    /// `(a = ? AND b = ?) OR ...`: the row of `columns` is one of `keys`
    /// (each key's values in column order, key after key). One term per
    /// key: at most [`COMPOSITE_KEYS_PER_STATEMENT`] keys per statement.
    pub fn any_key(columns: &[&'static str], keys: &[Value]) -> Condition {
        Condition::Or(
            keys.chunks(columns.len().max(1))
                .map(|key| {
                    Condition::And(
                        columns
                            .iter()
                            .zip(key)
                            .map(|(column, value)| Condition::Compare {
                                column: ColumnRef::new(*column),
                                op: CompareOp::Eq,
                                value: value.clone(),
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// `(a, b) IN (SELECT x, y ...)`: the row of `columns` is one of the
    /// rows `select` returns (a row with a `NULL` in it never is). One
    /// column renders as [`Condition::in_select`] does.
    pub fn row_in_select(columns: &[&'static str], select: Select) -> Condition {
        Condition::InSelect {
            columns: columns.iter().map(|c| ColumnRef::new(*c)).collect(),
            select: Box::new(select),
        }
    }

    /// A user filter (columns by index into `table`) as a condition.
    pub fn from_expr(table: &'static TableDef, expr: &Expr) -> Condition {
        let column = |i: usize| ColumnRef::new(table.columns[i].name);
        match expr {
            Expr::Compare {
                column: c,
                op,
                value,
            } => Condition::Compare {
                column: column(*c),
                op: *op,
                value: value.clone(),
            },
            Expr::In {
                column: c,
                values,
                negated,
            } => Condition::In {
                column: column(*c),
                values: values.clone(),
                negated: *negated,
            },
            Expr::IsNull { column: c, negated } => Condition::IsNull {
                column: column(*c),
                negated: *negated,
            },
            Expr::And(items) => {
                Condition::And(items.iter().map(|e| Self::from_expr(table, e)).collect())
            }
            Expr::Or(items) => {
                Condition::Or(items.iter().map(|e| Self::from_expr(table, e)).collect())
            }
            Expr::Not(inner) => Condition::Not(Box::new(Self::from_expr(table, inner))),
        }
    }

    /// Both conditions.
    pub fn and(self, other: Condition) -> Condition {
        match self {
            Condition::And(mut items) => {
                items.push(other);
                Condition::And(items)
            }
            first => Condition::And(vec![first, other]),
        }
    }
}

/// What a `SELECT` returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// These columns, in order.
    Columns(Vec<ColumnRef>),
    /// `COUNT(*)`.
    CountAll,
}

/// `SELECT ... FROM table [WHERE] [ORDER BY] [LIMIT] [OFFSET] [FOR UPDATE]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// The table read.
    pub from: Name,
    /// What is returned.
    pub projection: Projection,
    /// The rows kept.
    pub filter: Option<Condition>,
    /// `ORDER BY` terms: column and `true` for descending.
    pub order_by: Vec<(ColumnRef, bool)>,
    /// `LIMIT`.
    pub limit: Option<u64>,
    /// `OFFSET`.
    pub offset: Option<u64>,
    /// Lock the rows read until the transaction ends, where the dialect has
    /// row locks ([`Dialect::row_lock_clause`](crate::Dialect::row_lock_clause)).
    pub lock: bool,
}

impl Select {
    /// `SELECT columns FROM table`, nothing else yet.
    pub fn columns(from: impl Into<Name>, columns: Vec<ColumnRef>) -> Select {
        Select {
            from: from.into(),
            projection: Projection::Columns(columns),
            filter: None,
            order_by: Vec::new(),
            limit: None,
            offset: None,
            lock: false,
        }
    }

    /// `SELECT column FROM table`.
    pub fn column(from: impl Into<Name>, column: impl Into<Name>) -> Select {
        Select::columns(from, vec![ColumnRef::new(column)])
    }

    /// `SELECT <every column of the model> FROM table`, in column order.
    pub fn model(table: &'static TableDef) -> Select {
        let columns = table.columns.iter().map(|c| ColumnRef::new(c.name));
        Select::columns(table.name, columns.collect())
    }

    /// `SELECT COUNT(*) FROM table`.
    pub fn count(from: impl Into<Name>) -> Select {
        Select {
            projection: Projection::CountAll,
            ..Select::columns(from, Vec::new())
        }
    }

    /// Keeps the rows matching `filter`.
    pub fn filter(mut self, filter: Condition) -> Select {
        self.filter = Some(match self.filter.take() {
            None => filter,
            Some(previous) => previous.and(filter),
        });
        self
    }

    /// Locks the rows read (where the dialect can).
    pub fn locked(mut self) -> Select {
        self.lock = true;
        self
    }
}

/// `INSERT INTO table (columns) VALUES (...), ... [RETURNING column]`, or
/// the dialect's `DEFAULT VALUES` form when there are no columns (one row).
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// The table.
    pub table: Name,
    /// The columns given values.
    pub columns: Vec<Name>,
    /// `columns.len()` values per row, row after row.
    pub values: Vec<Value>,
    /// A column to return for every inserted row (the generated key).
    pub returning: Option<Name>,
}

/// The value an `UPDATE` assigns.
#[derive(Debug, Clone, PartialEq)]
pub enum Assign {
    /// A bound value.
    Value(Value),
    /// `NULL`.
    Null,
    /// The column's declared SQL default (`#[field(default = "...")]`),
    /// written as declared.
    Default(&'static str),
}

/// `UPDATE table SET column = ..., ... [WHERE ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The table.
    pub table: Name,
    /// The assignments.
    pub set: Vec<(Name, Assign)>,
    /// The rows changed.
    pub filter: Option<Condition>,
}

/// `DELETE FROM table [WHERE ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    /// The table.
    pub table: Name,
    /// The rows deleted.
    pub filter: Option<Condition>,
}

/// `CREATE TEMPORARY TABLE name (k <type> PRIMARY KEY)`: a set of keys the
/// delete planner collects once (a self-referential tree) and reads several
/// times.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateKeyTable {
    /// The temporary table.
    pub name: Name,
    /// The kind of the keys.
    pub kind: ColumnKind,
}

/// `CREATE TEMPORARY TABLE name (k <type>, k1 <type>, ..., PRIMARY KEY (k,
/// k1, ...))`: a key table with one column per column of a (composite)
/// primary key, named by [`key_column`]. With one column it is
/// [`CreateKeyTable`]. A dry run marks the rows it counts in such tables.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRowKeyTable {
    /// The temporary table.
    pub name: Name,
    /// The kind of each key column, in key order.
    pub kinds: Vec<ColumnKind>,
}

/// The `i`-th column of a key table: `k`, then `k1`, `k2`, ...
pub fn key_column(i: usize) -> Name {
    if i == 0 {
        Name::from(KEY_COLUMN)
    } else {
        Name::Owned(format!("{KEY_COLUMN}{i}"))
    }
}

/// `SELECT k, k1, ... FROM name`: every key of a key table with `width`
/// columns.
pub fn key_table_select(name: Name, width: usize) -> Select {
    Select::columns(
        name,
        (0..width).map(|i| ColumnRef::new(key_column(i))).collect(),
    )
}

/// Fills a key table with the primary keys of the rows of `table` matching
/// `base` and, recursively, of every row referencing one of them through
/// one of `edges` (self-referential foreign keys): one recursive CTE whose
/// `UNION` makes cycles terminate.
#[derive(Debug, Clone)]
pub struct CollectTree {
    /// The key table filled (see [`CreateKeyTable`]).
    pub into: Name,
    /// The self-referencing table.
    pub table: &'static TableDef,
    /// The rows the walk starts from.
    pub base: Condition,
    /// `(foreign-key column, referenced column)` pairs of `table`.
    pub edges: Vec<(&'static str, &'static str)>,
}

/// `INSERT INTO into (k) SELECT ...` (`(k, k1, ...)` when the `SELECT`
/// returns several columns, into a [`CreateRowKeyTable`]), skipping keys already in `into`
/// (see [`Dialect::insert_skipping_duplicates`](crate::Dialect::insert_skipping_duplicates)):
/// grows a key table; the rows changed are the keys added.
#[derive(Debug, Clone, PartialEq)]
pub struct InsertKeys {
    /// The key table filled (see [`CreateKeyTable`]).
    pub into: Name,
    /// The keys: a one-column `SELECT`.
    pub select: Select,
}

/// `DROP TABLE name` (a temporary table of the planner).
#[derive(Debug, Clone, PartialEq)]
pub struct DropTable {
    /// The table.
    pub name: Name,
}

/// The column of a key table (see [`CreateKeyTable`]).
pub const KEY_COLUMN: &str = "k";

impl CreateKeyTable {
    /// The `INSERT`s that store `keys` in this key table, at most
    /// `per_statement` values (bind parameters) each.
    pub fn fill(&self, keys: Vec<Value>, per_statement: usize) -> Vec<Insert> {
        let mut keys = keys.into_iter().peekable();
        let mut inserts = Vec::new();
        while keys.peek().is_some() {
            inserts.push(Insert {
                table: self.name.clone(),
                columns: vec![Name::from(KEY_COLUMN)],
                values: keys.by_ref().take(per_statement.max(1)).collect(),
                returning: None,
            });
        }
        inserts
    }
}
