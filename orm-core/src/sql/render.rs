//! Rendering the statement tree as SQL text plus bound parameters, for one
//! dialect: identifiers quoted, values always bound, never spliced.

use crate::backend::Dialect;
use crate::query::CompareOp;

use super::ast::{
    Assign, CollectTree, ColumnRef, Condition, CreateKeyTable, CreateRowKeyTable, Delete,
    DropTable, Insert, InsertKeys, KEY_COLUMN, Projection, Select, Update, key_column,
};
use super::{SqlBuilder, Statement};
use crate::value::Value;

/// `true` when `values` of an `IN` list go as one array parameter
/// ([`Value::Array`], `= ANY($1)`) in `dialect`: several of them, none
/// `NULL`, all of one type the dialect binds as an array. Such a list counts
/// as one bind parameter, however long.
pub fn binds_as_array(dialect: &dyn Dialect, values: &[Value]) -> bool {
    let Some(ty) = values.first().and_then(Value::value_type) else {
        return false;
    };
    values.len() > 1
        && dialect.binds_array_of(ty)
        && values.iter().all(|v| v.value_type() == Some(ty))
}

/// A statement of the tree, turned into SQL text for a dialect. The tree is
/// consumed, so bound values move into the statement without a copy.
pub trait Render {
    /// The SQL text and its parameters.
    fn render(self, dialect: &dyn Dialect) -> Statement;
}

impl SqlBuilder<'_> {
    fn column(&mut self, column: &ColumnRef) -> &mut Self {
        if let Some(table) = &column.table {
            self.ident(table).push(".");
        }
        self.ident(&column.column)
    }

    /// ` WHERE <condition>`; a top-level `AND` needs no parentheses.
    fn where_clause(&mut self, filter: Option<Condition>) {
        let Some(filter) = filter else { return };
        self.push(" WHERE ");
        match filter {
            Condition::And(items) if items.len() > 1 => {
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        self.push(" AND ");
                    }
                    self.condition(item);
                }
            }
            other => self.condition(other),
        }
    }

    /// `condition`, its terms parenthesised where they need it.
    pub(super) fn condition(&mut self, condition: Condition) {
        match condition {
            Condition::Const(true) => {
                self.push("1 = 1");
            }
            Condition::Const(false) => {
                self.push("1 = 0");
            }
            Condition::Compare { column, op, value } => {
                self.column(&column);
                match (op, value.is_null()) {
                    (CompareOp::Eq, true) => {
                        self.push(" IS NULL");
                    }
                    (CompareOp::Ne, true) => {
                        self.push(" IS NOT NULL");
                    }
                    (op, _) => {
                        self.push(operator(op)).bind(value);
                    }
                }
            }
            Condition::Columns { left, op, right } => {
                self.column(&left).push(operator(op)).column(&right);
            }
            Condition::In {
                column,
                values,
                negated,
            } => {
                if values.is_empty() {
                    self.push(if negated { "1 = 1" } else { "1 = 0" });
                } else if binds_as_array(self.dialect(), &values) {
                    // The same meaning as `IN` / `NOT IN`, `NULL` included.
                    self.column(&column)
                        .push(if negated { " <> ALL(" } else { " = ANY(" })
                        .bind(Value::Array(values))
                        .push(")");
                } else {
                    self.column(&column)
                        .push(if negated { " NOT IN (" } else { " IN (" })
                        .list(values, |b, v| {
                            b.bind(v);
                        })
                        .push(")");
                }
            }
            Condition::InSelect { columns, select } => {
                if let [column] = &columns[..] {
                    self.column(column);
                } else {
                    self.push("(")
                        .list(&columns, |b, c| {
                            b.column(c);
                        })
                        .push(")");
                }
                self.push(" IN (");
                if self
                    .written
                    .as_deref()
                    .is_some_and(|table| reads(&select, table))
                {
                    // A derived table the server materialises before the
                    // write; DISTINCT keeps MySQL from merging it back.
                    self.push("SELECT * FROM (SELECT DISTINCT ");
                    self.select_body(*select);
                    self.push(") AS ").ident("_orm_derived");
                } else {
                    self.push("SELECT ");
                    self.select_body(*select);
                }
                self.push(")");
            }
            Condition::IsNull { column, negated } => {
                self.column(&column)
                    .push(if negated { " IS NOT NULL" } else { " IS NULL" });
            }
            Condition::And(items) => self.joined(items, " AND ", "1 = 1"),
            Condition::Or(items) => self.joined(items, " OR ", "1 = 0"),
            Condition::Not(inner) => {
                self.push("NOT (");
                self.condition(*inner);
                self.push(")");
            }
            Condition::NotTrue(inner) => {
                self.push("(");
                self.condition(*inner);
                self.push(") IS NOT TRUE");
            }
        }
    }

    /// `(a AND b)`; one item alone; `empty` for none.
    fn joined(&mut self, items: Vec<Condition>, separator: &str, empty: &str) {
        match items.len() {
            0 => {
                self.push(empty);
            }
            1 => items.into_iter().for_each(|item| self.condition(item)),
            _ => {
                self.push("(");
                for (i, item) in items.into_iter().enumerate() {
                    if i > 0 {
                        self.push(separator);
                    }
                    self.condition(item);
                }
                self.push(")");
            }
        }
    }

    /// What follows `SELECT `: the projection, `FROM`, and the clauses.
    fn select_body(&mut self, select: Select) {
        match &select.projection {
            Projection::Columns(columns) => {
                self.list(columns, |b, c| {
                    b.column(c);
                });
            }
            Projection::CountAll => {
                self.push("COUNT(*)");
            }
        }
        self.push(" FROM ").ident(&select.from);
        self.where_clause(select.filter);
        if !select.order_by.is_empty() {
            self.push(" ORDER BY ");
            self.list(&select.order_by, |b, (column, descending)| {
                b.column(column)
                    .push(if *descending { " DESC" } else { " ASC" });
            });
        }
        if select.limit.is_some() || select.offset.is_some() {
            // SQLite needs a LIMIT before OFFSET; i64::MAX means "no limit"
            // in every dialect (PostgreSQL rejects SQLite's -1).
            let n = select
                .limit
                .map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX));
            self.push(" LIMIT ").bind(n.into());
        }
        if let Some(n) = select.offset {
            self.push(" OFFSET ")
                .bind(i64::try_from(n).unwrap_or(i64::MAX).into());
        }
        if select.lock
            && let Some(clause) = self.dialect().row_lock_clause()
        {
            self.push(clause);
        }
    }
}

fn operator(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => " = ",
        CompareOp::Ne => " <> ",
        CompareOp::Lt => " < ",
        CompareOp::Le => " <= ",
        CompareOp::Gt => " > ",
        CompareOp::Ge => " >= ",
        CompareOp::Like => " LIKE ",
    }
}

impl Render for Select {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        b.push("SELECT ");
        b.select_body(self);
        b.finish()
    }
}

/// Whether `select`, or a subquery of it, reads `table`.
fn reads(select: &Select, table: &str) -> bool {
    fn condition_reads(condition: &Condition, table: &str) -> bool {
        match condition {
            Condition::InSelect { select, .. } => reads(select, table),
            Condition::And(items) | Condition::Or(items) => {
                items.iter().any(|c| condition_reads(c, table))
            }
            Condition::Not(inner) | Condition::NotTrue(inner) => condition_reads(inner, table),
            _ => false,
        }
    }
    select.from == table
        || select
            .filter
            .as_ref()
            .is_some_and(|f| condition_reads(f, table))
}

impl Render for Insert {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        b.push("INSERT INTO ").ident(&self.table);
        if self.columns.is_empty() {
            // Every column takes its default (a model whose only column is
            // its generated key): one row.
            b.push(dialect.default_values_clause());
        } else {
            b.push(" (")
                .list(&self.columns, |b, c| {
                    b.ident(c);
                })
                .push(") VALUES ");
            let width = self.columns.len();
            let mut values = self.values.into_iter().peekable();
            let mut row = 0;
            while values.peek().is_some() {
                if row > 0 {
                    b.push(", ");
                }
                row += 1;
                b.push("(")
                    .list(values.by_ref().take(width), |b, v| {
                        b.bind(v);
                    })
                    .push(")");
            }
        }
        if let Some(column) = &self.returning {
            b.push(" RETURNING ").ident(column);
        }
        b.finish()
    }
}

impl Render for Update {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        if dialect.same_table_subquery_needs_derived_table() {
            b.written = Some(self.table.to_string());
        }
        b.push("UPDATE ").ident(&self.table).push(" SET ");
        b.list(self.set, |b, (column, value)| {
            b.ident(&column).push(" = ");
            match value {
                Assign::Value(value) => {
                    b.bind(value);
                }
                Assign::Null => {
                    b.push("NULL");
                }
                Assign::Default(sql) => {
                    b.push(sql);
                }
            }
        });
        b.where_clause(self.filter);
        b.finish()
    }
}

impl Render for Delete {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        if dialect.same_table_subquery_needs_derived_table() {
            b.written = Some(self.table.to_string());
        }
        b.push("DELETE FROM ").ident(&self.table);
        b.where_clause(self.filter);
        b.finish()
    }
}

impl Render for CreateKeyTable {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        CreateRowKeyTable {
            name: self.name,
            kinds: vec![self.kind],
        }
        .render(dialect)
    }
}

impl Render for CreateRowKeyTable {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        b.push("CREATE TEMPORARY TABLE ")
            .ident(&self.name)
            .push(" (");
        for (i, kind) in self.kinds.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.ident(&key_column(i))
                .push(" ")
                .push(dialect.key_type_name(*kind));
            if self.kinds.len() == 1 {
                b.push(" PRIMARY KEY");
            }
        }
        if self.kinds.len() > 1 {
            b.push(", PRIMARY KEY (");
            for i in 0..self.kinds.len() {
                if i > 0 {
                    b.push(", ");
                }
                b.ident(&key_column(i));
            }
            b.push(")");
        }
        b.push(")").push(dialect.table_options());
        b.finish()
    }
}

impl Render for CollectTree {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        const WALK: &str = "_orm_walk";
        let table = self.table;
        let pk = table.primary_key_column().name;
        let mut b = SqlBuilder::new(dialect);
        b.push("INSERT INTO ")
            .ident(&self.into)
            .push(" (")
            .ident(KEY_COLUMN)
            .push(") WITH RECURSIVE ")
            .ident(WALK)
            .push(" (")
            .ident(KEY_COLUMN)
            .push(") AS (SELECT ")
            .ident(pk)
            .push(" FROM ")
            .ident(table.name);
        b.where_clause(Some(self.base));
        b.push(" UNION SELECT ")
            .qualified("c", pk)
            .push(" FROM ")
            .ident(table.name)
            .push(" AS ")
            .ident("c")
            .push(" JOIN ")
            .ident(table.name)
            .push(" AS ")
            .ident("p")
            .push(" ON ");
        for (i, (column, referenced)) in self.edges.iter().enumerate() {
            if i > 0 {
                b.push(" OR ");
            }
            b.qualified("c", column)
                .push(" = ")
                .qualified("p", referenced);
        }
        b.push(" JOIN ")
            .ident(WALK)
            .push(" ON ")
            .qualified("p", pk)
            .push(" = ")
            .qualified(WALK, KEY_COLUMN)
            .push(") SELECT ")
            .ident(KEY_COLUMN)
            .push(" FROM ")
            .ident(WALK);
        b.finish()
    }
}

impl Render for InsertKeys {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let (insert, on_duplicate) = dialect.insert_skipping_duplicates();
        let width = match &self.select.projection {
            Projection::Columns(columns) => columns.len().max(1),
            _ => 1,
        };
        let mut b = SqlBuilder::new(dialect);
        b.push(insert).ident(&self.into).push(" (");
        for i in 0..width {
            if i > 0 {
                b.push(", ");
            }
            b.ident(&key_column(i));
        }
        b.push(") SELECT ");
        b.select_body(self.select);
        b.push(on_duplicate);
        b.finish()
    }
}

impl Render for DropTable {
    fn render(self, dialect: &dyn Dialect) -> Statement {
        let mut b = SqlBuilder::new(dialect);
        b.push(dialect.drop_temporary_table()).ident(&self.name);
        b.finish()
    }
}
