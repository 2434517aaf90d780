//! The typed query builder: [`Column`] handles, [`Filter`]s and [`Query`].

use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use crate::Model;
use crate::schema::ColumnDef;
use crate::value::{FieldType, TextValue, Value};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `=` (`IS NULL` when the value is `NULL`).
    Eq,
    /// `<>` (`IS NOT NULL` when the value is `NULL`).
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `LIKE`.
    Like,
}

/// An untyped boolean expression over the columns of one table (by index).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `column <op> value`.
    Compare {
        /// Column index.
        column: usize,
        /// Operator.
        op: CompareOp,
        /// Bound value.
        value: Value,
    },
    /// `column IN (values)`, or `NOT IN` when `negated`.
    In {
        /// Column index.
        column: usize,
        /// Bound values (an empty list matches nothing, or everything when negated).
        values: Vec<Value>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `column IS NULL`, or `IS NOT NULL` when `negated`.
    IsNull {
        /// Column index.
        column: usize,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// All of these (`TRUE` when empty).
    And(Vec<Expr>),
    /// Any of these (`FALSE` when empty).
    Or(Vec<Expr>),
    /// The negation.
    Not(Box<Expr>),
}

impl Expr {
    /// The expression as SQL would print it, with `table`'s column names and
    /// the values inline (for messages, never for execution).
    pub fn display(&self, table: &'static crate::TableDef) -> impl std::fmt::Display + '_ {
        ExprDisplay { expr: self, table }
    }
}

struct ExprDisplay<'a> {
    expr: &'a Expr,
    table: &'static crate::TableDef,
}

impl std::fmt::Display for ExprDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |i: usize| self.table.columns.get(i).map_or("?", |c| c.name);
        let nested = |expr| ExprDisplay {
            expr,
            table: self.table,
        };
        match self.expr {
            Expr::Compare { column, op, value } => {
                let op = match (op, value.is_null()) {
                    (CompareOp::Eq, true) => return write!(f, "{} IS NULL", name(*column)),
                    (CompareOp::Ne, true) => return write!(f, "{} IS NOT NULL", name(*column)),
                    (CompareOp::Eq, _) => "=",
                    (CompareOp::Ne, _) => "<>",
                    (CompareOp::Lt, _) => "<",
                    (CompareOp::Le, _) => "<=",
                    (CompareOp::Gt, _) => ">",
                    (CompareOp::Ge, _) => ">=",
                    (CompareOp::Like, _) => "LIKE",
                };
                write!(f, "{} {op} {value}", name(*column))
            }
            Expr::In {
                column,
                values,
                negated,
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(
                    f,
                    "{} {not}IN {}",
                    name(*column),
                    crate::value::Params(values)
                )
            }
            Expr::IsNull { column, negated } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{} IS {not}NULL", name(*column))
            }
            Expr::And(items) | Expr::Or(items) => {
                let (separator, empty) = match self.expr {
                    Expr::And(_) => (" AND ", "TRUE"),
                    _ => (" OR ", "FALSE"),
                };
                if items.is_empty() {
                    return f.write_str(empty);
                }
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(separator)?;
                    }
                    write!(f, "{}", nested(item))?;
                }
                f.write_str(")")
            }
            Expr::Not(inner) => write!(f, "NOT ({})", nested(inner)),
        }
    }
}

/// A typed filter on the rows of `M`, built from [`Column`] handles.
///
/// ```
/// # use orm_core::{Column, Filter};
/// # fn demo<M: orm_core::Model>(name: Column<M, String>, age: Column<M, Option<i32>>) -> Filter<M> {
/// name.eq("Deadpond").or(age.gt(30).and(age.is_not_null()))
/// # }
/// ```
pub struct Filter<M> {
    pub(crate) expr: Expr,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Filter<M> {
    fn clone(&self) -> Self {
        Filter::from_expr(self.expr.clone())
    }
}

impl<M> std::fmt::Debug for Filter<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.expr.fmt(f)
    }
}

impl<M> Filter<M> {
    /// Wraps an untyped expression.
    pub fn from_expr(expr: Expr) -> Self {
        Filter {
            expr,
            _model: PhantomData,
        }
    }

    /// The untyped expression.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Both filters.
    pub fn and(self, other: Filter<M>) -> Filter<M> {
        let exprs = match (self.expr, other.expr) {
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                a
            }
            (Expr::And(mut a), b) => {
                a.push(b);
                a
            }
            (a, b) => vec![a, b],
        };
        Filter::from_expr(Expr::And(exprs))
    }

    /// Either filter.
    pub fn or(self, other: Filter<M>) -> Filter<M> {
        let exprs = match (self.expr, other.expr) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                a
            }
            (Expr::Or(mut a), b) => {
                a.push(b);
                a
            }
            (a, b) => vec![a, b],
        };
        Filter::from_expr(Expr::Or(exprs))
    }

    /// Matches every row.
    pub fn all() -> Filter<M> {
        Filter::from_expr(Expr::And(Vec::new()))
    }
}

impl<M> BitAnd for Filter<M> {
    type Output = Filter<M>;
    fn bitand(self, rhs: Filter<M>) -> Filter<M> {
        self.and(rhs)
    }
}

impl<M> BitOr for Filter<M> {
    type Output = Filter<M>;
    fn bitor(self, rhs: Filter<M>) -> Filter<M> {
        self.or(rhs)
    }
}

impl<M> Not for Filter<M> {
    type Output = Filter<M>;
    fn not(self) -> Filter<M> {
        Filter::from_expr(Expr::Not(Box::new(self.expr)))
    }
}

/// A typed handle on one column of `M` holding a `T`, generated by the derive
/// as an associated constant (`Hero::NAME`, `Hero::TEAM_ID`).
pub struct Column<M, T> {
    index: usize,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Column<M, T> {}

impl<M, T> Column<M, T> {
    /// Used by the stub `#[derive(Model)]` emits next to its errors.
    #[doc(hidden)]
    pub const fn __unchecked(index: usize) -> Self {
        Column {
            index,
            _marker: PhantomData,
        }
    }
}

impl<M: Model, T: FieldType> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", M::TABLE.name, self.def().name)
    }
}

impl<M: Model, T: FieldType> Column<M, T> {
    /// Used by `#[derive(Model)]`: the column at `index` in `M::TABLE.columns`.
    #[doc(hidden)]
    pub const fn new(index: usize) -> Self {
        Column {
            index,
            _marker: PhantomData,
        }
    }

    /// The position in `M::TABLE.columns`.
    pub const fn index(&self) -> usize {
        self.index
    }

    /// The column's metadata.
    pub fn def(&self) -> &'static ColumnDef {
        &M::TABLE.columns[self.index]
    }

    fn compare(self, op: CompareOp, value: impl Into<T>) -> Filter<M> {
        Filter::from_expr(Expr::Compare {
            column: self.index,
            op,
            value: value.into().encode(),
        })
    }

    /// `column = value`; with a `None` value, `column IS NULL`.
    pub fn eq(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Eq, value)
    }
    /// `column <> value`; with a `None` value, `column IS NOT NULL`.
    pub fn ne(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Ne, value)
    }
    /// `column < value`.
    pub fn lt(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Lt, value)
    }
    /// `column <= value`.
    pub fn le(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Le, value)
    }
    /// `column > value`.
    pub fn gt(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Gt, value)
    }
    /// `column >= value`.
    pub fn ge(self, value: impl Into<T>) -> Filter<M> {
        self.compare(CompareOp::Ge, value)
    }
    /// `column IN (values)`; an empty list matches no row.
    pub fn is_in<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        Filter::from_expr(Expr::In {
            column: self.index,
            values: values.into_iter().map(|v| v.into().encode()).collect(),
            negated: false,
        })
    }
    /// `column NOT IN (values)`; an empty list matches every row.
    pub fn not_in<V: Into<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        Filter::from_expr(Expr::In {
            column: self.index,
            values: values.into_iter().map(|v| v.into().encode()).collect(),
            negated: true,
        })
    }
    /// `column IS NULL`.
    pub fn is_null(self) -> Filter<M> {
        Filter::from_expr(Expr::IsNull {
            column: self.index,
            negated: false,
        })
    }
    /// `column IS NOT NULL`.
    pub fn is_not_null(self) -> Filter<M> {
        Filter::from_expr(Expr::IsNull {
            column: self.index,
            negated: true,
        })
    }
    /// Ascending order on this column.
    pub fn asc(self) -> Order<M> {
        Order {
            column: self.index,
            descending: false,
            _model: PhantomData,
        }
    }
    /// Descending order on this column.
    pub fn desc(self) -> Order<M> {
        Order {
            column: self.index,
            descending: true,
            _model: PhantomData,
        }
    }
}

impl<M: Model, T: FieldType> Column<M, T>
where
    T::Base: TextValue,
{
    /// `column LIKE pattern` (`%` any text, `_` one character); text
    /// columns only.
    pub fn like(self, pattern: impl Into<String>) -> Filter<M> {
        Filter::from_expr(Expr::Compare {
            column: self.index,
            op: CompareOp::Like,
            value: Value::Text(pattern.into()),
        })
    }
}

/// An `ORDER BY` term.
pub struct Order<M> {
    pub(crate) column: usize,
    pub(crate) descending: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Order<M> {
    fn clone(&self) -> Self {
        Order {
            column: self.column,
            descending: self.descending,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Order<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "column #{} {}",
            self.column,
            if self.descending { "DESC" } else { "ASC" }
        )
    }
}

/// The marker of a [`Query`] without `limit` or `offset`: it selects every
/// row its filter matches, so it can also be deleted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unlimited;

/// The marker of a [`Query`] with a `limit` or an `offset`: it reads a
/// window of the matching rows, and cannot be deleted (a `DELETE` has no
/// portable `LIMIT`; deleting every matching row instead would be a
/// surprise, so it does not compile).
#[derive(Debug, Clone, Copy, Default)]
pub struct Limited;

/// Implemented by [`Unlimited`] only: what [`Query::delete`] requires.
#[diagnostic::on_unimplemented(
    message = "a query with `limit` or `offset` cannot be deleted",
    label = "this query reads a window of the matching rows",
    note = "`delete` removes every row the filter matches (and cascades); drop `limit`/`offset`, or select the keys first and delete with `Column::is_in`"
)]
pub trait WholeSet {}

impl WholeSet for Unlimited {}

/// Implemented by [`Unlimited`] only: what [`Rel::filtered`](crate::Rel::filtered)
/// requires. A `LIMIT` on a relationship load would apply to the children
/// of all the parents together, not to each parent's.
#[diagnostic::on_unimplemented(
    message = "a query with `limit` or `offset` cannot filter a relationship load",
    label = "this query reads a window of the matching rows",
    note = "one `LIMIT` would apply to the children of all the parents together, not to each parent's; drop `limit`/`offset` (per-parent top-N is not supported)"
)]
pub trait WholeRelation {}

impl WholeRelation for Unlimited {}

/// A `SELECT` on the rows of `M`: filter, order, limit and offset.
/// Run it with [`all`](Query::all), [`first`](Query::first),
/// [`one`](Query::one), [`count`](Query::count) or [`delete`](Query::delete).
///
/// The second parameter records whether a `limit` or `offset` was set
/// ([`Limited`]); only a query without ([`Unlimited`], the default) can be
/// deleted.
pub struct Query<M, W = Unlimited> {
    pub(crate) filter: Option<Expr>,
    pub(crate) order: Vec<(usize, bool)>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
    /// Soft-deleted rows too (see [`Query::with_deleted`]).
    pub(crate) with_deleted: bool,
    _model: PhantomData<fn() -> (M, W)>,
}

impl<M, W> Clone for Query<M, W> {
    fn clone(&self) -> Self {
        Query {
            filter: self.filter.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            with_deleted: self.with_deleted,
            _model: PhantomData,
        }
    }
}

impl<M, W> std::fmt::Debug for Query<M, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("filter", &self.filter)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("with_deleted", &self.with_deleted)
            .finish()
    }
}

impl<M: Model> Default for Query<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Query<M> {
    /// Every row of `M`.
    pub fn new() -> Self {
        Query {
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            with_deleted: false,
            _model: PhantomData,
        }
    }
}

impl<M: Model, W> Query<M, W> {
    /// Keeps the rows matching `filter` (and any previous filter).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            None => filter.expr,
            Some(prev) => Filter::<M>::from_expr(prev).and(filter).expr,
        });
        self
    }

    /// Adds an `ORDER BY` term; without any, rows come in primary-key order.
    pub fn order_by(mut self, order: Order<M>) -> Self {
        self.order.push((order.column, order.descending));
        self
    }

    /// At most `n` rows.
    pub fn limit(self, n: u64) -> Query<M, Limited> {
        Query {
            limit: Some(n),
            ..self.into_limited()
        }
    }

    /// Skips the first `n` rows.
    pub fn offset(self, n: u64) -> Query<M, Limited> {
        Query {
            offset: Some(n),
            ..self.into_limited()
        }
    }

    fn into_limited(self) -> Query<M, Limited> {
        Query {
            filter: self.filter,
            order: self.order,
            limit: self.limit,
            offset: self.offset,
            with_deleted: self.with_deleted,
            _model: PhantomData,
        }
    }

    /// Soft-deleted rows too. On a model with `#[model(soft_delete =
    /// "...")]`, a query (and loading a relationship to it, see
    /// `Rel::filtered`) leaves out the rows whose column is set; this keeps
    /// them. No effect on other models.
    pub fn with_deleted(mut self) -> Self {
        self.with_deleted = true;
        self
    }

    /// The filter, if any.
    pub fn filter_expr(&self) -> Option<&Expr> {
        self.filter.as_ref()
    }

    /// Every matching row (one `SELECT`).
    pub async fn all<'e, B: crate::Backend>(
        &self,
        exec: impl crate::Executor<'e, B>,
    ) -> crate::Result<Vec<M>> {
        exec.fetch_all(self).await
    }

    /// The first matching row, if any (`LIMIT 1`).
    pub async fn first<'e, B: crate::Backend>(
        &self,
        exec: impl crate::Executor<'e, B>,
    ) -> crate::Result<Option<M>> {
        let query = self.clone().limit(1);
        Ok(exec.fetch_all(&query).await?.into_iter().next())
    }

    /// The first matching row, or [`Error::NoMatch`](crate::Error::NoMatch)
    /// naming the table and the filter when there is none.
    pub async fn one<'e, B: crate::Backend>(
        &self,
        exec: impl crate::Executor<'e, B>,
    ) -> crate::Result<M> {
        match self.first(exec).await? {
            Some(row) => Ok(row),
            None => Err(crate::Error::NoMatch {
                table: M::TABLE.name,
                filter: self.filter.as_ref().map_or_else(
                    || "the query (the table is empty)".to_owned(),
                    |expr| expr.display(M::TABLE).to_string(),
                ),
            }),
        }
    }

    /// The number of matching rows (`SELECT COUNT(*)`); order, limit and
    /// offset are ignored.
    pub async fn count<'e, B: crate::Backend>(
        &self,
        exec: impl crate::Executor<'e, B>,
    ) -> crate::Result<u64> {
        exec.count(self).await
    }

    /// Deletes every matching row, cascading exactly like deleting each row
    /// (see [`Executor::delete_where`](crate::Executor::delete_where)).
    /// Only a query without `limit` / `offset` can be deleted: on a
    /// [`Limited`] query this does not compile.
    pub fn delete<'e, B: crate::Backend>(
        &self,
        exec: impl crate::Executor<'e, B> + 'e,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = crate::Result<crate::DeleteReport>> + Send + 'e>,
    >
    where
        W: WholeSet,
    {
        // A boxed future: an opaque one would repeat the `WholeSet` error at
        // every use of it.
        let filter = Filter::<M>::from_expr(self.filter.clone().unwrap_or(Expr::And(Vec::new())));
        Box::pin(exec.delete_where(filter))
    }
}
