use std::fmt;

use crate::backend::Dialect;
use crate::value::{Params, Value};

/// A SQL statement and its bound parameters.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Statement {
    /// The SQL text, with the dialect's placeholders.
    pub sql: String,
    /// The parameters, in placeholder order.
    pub params: Vec<Value>,
}

impl Statement {
    /// A statement without parameters (DDL).
    pub fn text(sql: impl Into<String>) -> Statement {
        Statement {
            sql: sql.into(),
            params: Vec::new(),
        }
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.params.is_empty() {
            f.write_str(&self.sql)
        } else {
            write!(f, "{} -- {}", self.sql, Params(&self.params))
        }
    }
}

impl fmt::Debug for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// An already rendered statement renders as itself (raw SQL from the user,
/// or a plan's statements, rendered when it was planned).
impl super::Render for Statement {
    fn render(self, _: &dyn Dialect) -> Statement {
        self
    }
}

impl super::Render for &Statement {
    fn render(self, _: &dyn Dialect) -> Statement {
        self.clone()
    }
}

/// Builds SQL text, quoting identifiers and numbering placeholders as the
/// dialect wants. Values are always bound, never spliced into the text.
pub struct SqlBuilder<'d> {
    dialect: &'d dyn Dialect,
    sql: String,
    params: Vec<Value>,
    /// The table an `UPDATE` / `DELETE` writes, when the dialect cannot read
    /// it in a subquery of the same statement (see
    /// [`Dialect::same_table_subquery_needs_derived_table`]).
    pub(super) written: Option<String>,
}

impl<'d> SqlBuilder<'d> {
    /// An empty statement.
    pub fn new(dialect: &'d dyn Dialect) -> Self {
        SqlBuilder {
            dialect,
            sql: String::with_capacity(128),
            params: Vec::new(),
            written: None,
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> &'d dyn Dialect {
        self.dialect
    }

    /// Appends SQL text written by the ORM (keywords, punctuation).
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a quoted identifier.
    pub fn ident(&mut self, name: &str) -> &mut Self {
        self.dialect.push_identifier(&mut self.sql, name);
        self
    }

    /// Appends `"table"."column"`.
    pub fn qualified(&mut self, table: &str, column: &str) -> &mut Self {
        self.ident(table).push(".").ident(column)
    }

    /// Binds a value and appends its placeholder.
    pub fn bind(&mut self, value: Value) -> &mut Self {
        self.params.push(value);
        self.dialect
            .push_placeholder(&mut self.sql, self.params.len());
        self
    }

    /// Appends the items separated by `", "`.
    pub fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Self, T),
    ) -> &mut Self {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            each(self, item);
        }
        self
    }

    /// The number of values bound so far.
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    /// The finished statement.
    pub fn finish(self) -> Statement {
        Statement {
            sql: self.sql,
            params: self.params,
        }
    }
}
