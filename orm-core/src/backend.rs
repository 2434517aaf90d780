//! The contract between the core and a database backend.

use std::future::Future;

use crate::error::{Error, Result};
use crate::model::RowSource;
use crate::schema::{Action, ColumnDef, ColumnKind};
use crate::value::Value;

/// Builds one value from one row.
pub type Decoder<T> = dyn Fn(&mut dyn RowSource) -> Result<T> + Send + Sync;

/// The driver connection of backend `B`.
pub type Connection<B> = <<B as Backend>::Database as sqlx::Database>::Connection;

/// Answers the dialect questions SQL generation asks: quoting, placeholders,
/// type names, key generation and limits. Every method has the ANSI default
/// where one exists; a backend overrides what differs (as `sqlx::Arguments`
/// does for placeholders).
pub trait Dialect: Send + Sync + 'static {
    /// A short name (`"sqlite"`, `"postgres"`).
    fn name(&self) -> &'static str;

    /// Appends `ident` quoted (`"name"`, with embedded quotes doubled).
    fn push_identifier(&self, out: &mut String, ident: &str) {
        out.push('"');
        for ch in ident.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    }

    /// Appends the placeholder of the `index`-th (1-based) parameter.
    fn push_placeholder(&self, out: &mut String, index: usize) {
        let _ = index;
        out.push('?');
    }

    /// The column type name for a kind.
    fn type_name(&self, kind: ColumnKind) -> &'static str;

    /// The type name of a column of `kind` that is indexed (a primary,
    /// foreign or unique key, an index, a planner key table). MySQL cannot
    /// index `TEXT` / `BLOB` without a prefix length, so it answers
    /// `VARCHAR(255)` / `VARBINARY(255)`; elsewhere the same as
    /// [`type_name`](Dialect::type_name).
    fn key_type_name(&self, kind: ColumnKind) -> &'static str {
        self.type_name(kind)
    }

    /// Written after the closing parenthesis of every `CREATE TABLE` and
    /// `CREATE TEMPORARY TABLE` (MySQL: the engine and a case-sensitive
    /// collation, so text compares as it does elsewhere).
    fn table_options(&self) -> &'static str {
        ""
    }

    /// `true` when indexes are declared inside `CREATE TABLE` rather than
    /// with `CREATE INDEX IF NOT EXISTS` (MySQL has no `IF NOT EXISTS` for
    /// indexes; with the indexes inside, `CREATE TABLE IF NOT EXISTS` keeps
    /// `create_all` idempotent).
    fn inline_indexes(&self) -> bool {
        false
    }

    /// Whether the database carries out `action` when declared in
    /// `ON DELETE` / `ON UPDATE`. InnoDB accepts `SET DEFAULT` and silently
    /// enforces `RESTRICT` instead, so the DDL leaves it out (the database
    /// then refuses, as it would anyway) and the ORM carries it out;
    /// `passive_deletes` on such an action is an error.
    fn enforces(&self, action: Action) -> bool {
        let _ = action;
        true
    }

    /// `true` when `NO ACTION` is checked row by row, like `RESTRICT`
    /// (InnoDB), rather than at the end of the statement (the standard,
    /// SQLite and PostgreSQL): the planner then counts every referencing row.
    fn no_action_is_immediate(&self) -> bool {
        false
    }

    /// `true` when a row referencing itself through a `RESTRICT` (or
    /// immediate `NO ACTION`) foreign key blocks its own delete (InnoDB);
    /// PostgreSQL and SQLite let it go with the row.
    fn row_referencing_itself_restricts(&self) -> bool {
        false
    }

    /// `true` when an `UPDATE` / `DELETE` cannot read its own table in a
    /// subquery (MySQL's error 1093): such subqueries are then wrapped in a
    /// derived table, which the server materialises first.
    fn same_table_subquery_needs_derived_table(&self) -> bool {
        false
    }

    /// The start of the statement dropping one of the planner's temporary
    /// tables. MySQL needs `DROP TEMPORARY TABLE`: a plain `DROP TABLE`
    /// commits the transaction implicitly.
    fn drop_temporary_table(&self) -> &'static str {
        "DROP TABLE "
    }

    /// How an `INSERT ... SELECT` skips rows whose key is there already
    /// (filling the planner's key tables): the words before the table name
    /// and the clause after the rows. The default, `INSERT INTO ... ON
    /// CONFLICT DO NOTHING`, is SQLite's and PostgreSQL's; MySQL has
    /// `INSERT IGNORE INTO`.
    fn insert_skipping_duplicates(&self) -> (&'static str, &'static str) {
        ("INSERT INTO ", " ON CONFLICT DO NOTHING")
    }

    /// `true` where `CREATE TABLE` may declare a foreign key to a table
    /// that does not exist yet (SQLite). Elsewhere the foreign keys of a
    /// cycle are added with `ALTER TABLE` once both tables exist (see
    /// [`sql::deferred_foreign_keys`](crate::sql::deferred_foreign_keys)).
    fn foreign_keys_may_reference_later_tables(&self) -> bool {
        false
    }

    /// What follows `ALTER TABLE IF EXISTS <table>` to drop a named foreign
    /// key if it exists, up to its name (MySQL / MariaDB:
    /// ` DROP FOREIGN KEY IF EXISTS `).
    fn drop_foreign_key_if_exists(&self) -> &'static str {
        " DROP CONSTRAINT IF EXISTS "
    }

    /// The column type and clause of a generated integer primary key, when it
    /// differs from the plain type (PostgreSQL: `BIGINT GENERATED BY DEFAULT AS IDENTITY`).
    fn auto_increment_type(&self, kind: ColumnKind) -> Option<&'static str> {
        let _ = kind;
        None
    }

    /// The clause appended to a `SELECT` to lock the rows it reads until the
    /// transaction ends (PostgreSQL: `FOR UPDATE`), or `None` where the
    /// database locks coarsely anyway (SQLite serialises writers).
    ///
    /// An ORM-executed delete locks its root rows with it before anything
    /// else, so that a child inserted concurrently waits for the delete and
    /// then fails its foreign-key check instead of surviving as an orphan.
    fn row_lock_clause(&self) -> Option<&'static str> {
        None
    }

    /// `true` when a delete may leave to the database each `CASCADE` /
    /// `SET NULL` its foreign key declares alike (see
    /// [`Purpose::Carried`](crate::delete::Purpose::Carried)): the executor
    /// verifies those foreign keys in the catalog, in the delete's
    /// transaction, and counts the rows they write exactly from the
    /// transaction's own statistics (PostgreSQL's
    /// `pg_stat_get_xact_tuples_deleted` / `_updated`; see
    /// [`sql::catalog::foreign_keys_into`](crate::sql::catalog::foreign_keys_into)).
    /// The default, `false`: the ORM sends every action's statement, and
    /// the database's own `ON DELETE` finds nothing left to do.
    fn counts_database_actions(&self) -> bool {
        false
    }

    /// The system catalog `create_all` reads back what it created from (see
    /// [`sql::catalog`](crate::sql::catalog)); `None` skips those checks.
    fn catalog(&self) -> Option<crate::sql::catalog::Catalog> {
        None
    }

    /// `true` when the database takes identifiers that differ only in
    /// letter case for the same one (SQLite, even quoted): `create_all`
    /// then checks that each model's table is not another model's.
    fn folds_identifier_case(&self) -> bool {
        false
    }

    /// The most bind parameters one statement may carry.
    fn max_bind_parameters(&self) -> usize;

    /// `true` when the backend binds a list of values of type `ty` as one
    /// array parameter ([`Value::Array`]): `column IN (...)` over several
    /// such values is then rendered `column = ANY($1)` (`<> ALL` for `NOT
    /// IN`), with the same meaning, one parameter and one statement text
    /// whatever the number of values (PostgreSQL). The default, `false`,
    /// binds each value in the list.
    fn binds_array_of(&self, ty: crate::value::ValueType) -> bool {
        let _ = ty;
        false
    }

    /// What follows `INSERT INTO "table"` to insert one row of defaults
    /// only (a model whose only column is its generated key): ANSI's
    /// `DEFAULT VALUES`; MySQL spells it `() VALUES ()`.
    fn default_values_clause(&self) -> &'static str {
        " DEFAULT VALUES"
    }

    /// Why this database cannot store `column` as declared, if it cannot
    /// (SQLite: a decimal in a `NUMERIC` column, which SQLite converts to a
    /// float). Checked by `create_all` and `Db::ddl` before anything is
    /// created.
    fn column_problem(&self, column: &ColumnDef) -> Option<String> {
        let _ = column;
        None
    }
}

/// A database backend: a unit type tying the core to one sqlx driver, in the
/// spirit of `sqlx::Database`.
///
/// The core builds every statement as SQL text plus [`Value`] parameters and
/// hands it to these few primitives; everything else (CRUD, loading, the
/// delete planner) is written once, in the core.
pub trait Backend: Sized + Send + Sync + 'static {
    /// The sqlx database type.
    type Database: sqlx::Database;

    /// The SQL dialect.
    const DIALECT: &'static dyn Dialect;

    /// Runs a statement, returning the number of rows it changed. The
    /// parameters are handed over, so text and bytes are moved, not copied.
    fn execute<'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<u64>> + Send + 'c;

    /// Runs a query and decodes every row with `decode`.
    fn fetch_all<'c, T: Send + 'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        params: Vec<Value>,
        decode: &'c Decoder<T>,
    ) -> impl Future<Output = Result<Vec<T>>> + Send + 'c;

    /// Runs `sql`, text without parameters that may hold several
    /// statements, as one message (PostgreSQL's simple query protocol),
    /// and decodes with `decode` the rows of those that return some.
    ///
    /// The core sends such a message only where the dialect reads
    /// PostgreSQL's catalog ([`Dialect::catalog`]). The default runs `sql`
    /// as [`fetch_all`](Backend::fetch_all) does, which holds one
    /// statement only.
    fn fetch_script<'c, T: Send + 'c>(
        conn: &'c mut Connection<Self>,
        sql: &'c str,
        decode: &'c Decoder<T>,
    ) -> impl Future<Output = Result<Vec<T>>> + Send + 'c {
        Self::fetch_all(conn, sql, Vec::new(), decode)
    }

    /// Whether this connection enforces foreign keys right now
    /// (SQLite: `PRAGMA foreign_keys`).
    fn foreign_keys_enforced<'c>(
        conn: &'c mut Connection<Self>,
    ) -> impl Future<Output = Result<bool>> + Send + 'c;

    /// Classifies a driver error into a typed [`Error`].
    fn map_error(error: sqlx::Error) -> Error;

    /// Whether a pooled connection is closed, rather than returned to the
    /// pool, after one of its round trips ran out of the statement timeout
    /// ([`Db::with_statement_timeout`](crate::Db::with_statement_timeout)).
    ///
    /// `true` by default: the answer to an abandoned request may still
    /// arrive, so a network connection is in an unknown state. SQLite says
    /// `false`: its statements run on a worker thread that finishes (or
    /// interrupts) them before taking the next one, and closing the one
    /// connection of an in-memory database would lose the database.
    const CLOSE_AFTER_TIMEOUT: bool = true;
}
