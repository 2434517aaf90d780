//! Questions to the database's own catalog, asked by `create_all` after its
//! `CREATE ... IF NOT EXISTS` statements: `IF NOT EXISTS` skips an object
//! whose *name* exists, whatever it is, so the ORM reads back what it found
//! under each name and refuses a mismatch instead of running on a schema it
//! did not declare. A delete on PostgreSQL also asks which foreign keys
//! lead into the tables it deletes from, and how many rows this
//! transaction has written ([`foreign_keys_into`], [`write_counts`]).
//!
//! Every query returns text and integer columns only, in the order given.

use crate::backend::Dialect;
use crate::value::Value;

use super::{Condition, SqlBuilder, Statement};

/// The system catalog a database answers schema questions from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Catalog {
    /// `sqlite_master` and the `pragma_*` table-valued functions.
    Sqlite,
    /// `pg_catalog`, in the schema `current_schema()` names (the first of
    /// `search_path`, where `CREATE TABLE` puts unqualified tables).
    Postgres,
    /// `information_schema`, in the database `DATABASE()` names.
    MySql,
}

fn text(b: &mut SqlBuilder<'_>, value: &str) {
    b.bind(Value::Text(value.to_owned()));
}

/// Rows `(index, table, column, is_unique)` of the indexes named one of
/// `indexes` (on MySQL, where index names are per table: of `table`), by
/// name and then in key order; no rows for a name no index has.
pub fn index_columns(
    dialect: &dyn Dialect,
    catalog: Catalog,
    table: &str,
    indexes: &[String],
) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    let names = |b: &mut SqlBuilder<'_>| {
        b.push(" IN (").list(indexes.iter(), |b, name| {
            text(b, name);
        });
        b.push(")");
    };
    match catalog {
        Catalog::Sqlite => {
            b.push(
                "SELECT m.name, m.tbl_name, i.name, l.\"unique\" FROM sqlite_master AS m \
                 JOIN pragma_index_list(m.tbl_name) AS l ON l.name = m.name \
                 JOIN pragma_index_info(m.name) AS i \
                 WHERE m.type = 'index' AND m.name",
            );
            names(&mut b);
            b.push(" ORDER BY m.name, i.seqno");
        }
        Catalog::Postgres => {
            b.push(
                "SELECT i.relname::text, t.relname::text, a.attname::text, \
                 ix.indisunique::int4::int8 \
                 FROM pg_index AS ix \
                 JOIN pg_class AS i ON i.oid = ix.indexrelid \
                 JOIN pg_class AS t ON t.oid = ix.indrelid \
                 JOIN pg_namespace AS n ON n.oid = i.relnamespace \
                 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
                 JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 WHERE n.nspname = current_schema() AND i.relname",
            );
            names(&mut b);
            b.push(" ORDER BY i.relname, k.ord");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(index_name AS CHAR), CAST(table_name AS CHAR), \
                 CAST(column_name AS CHAR), CAST(1 - non_unique AS SIGNED) \
                 FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND table_name = ",
            );
            text(&mut b, table);
            b.push(" AND index_name");
            names(&mut b);
            b.push(" ORDER BY index_name, seq_in_index");
        }
    }
    b.finish()
}

/// Rows `(name)`: the tables whose name equals `table` when letter case is
/// ignored (SQLite compares identifiers that way, so a model's table may be
/// another model's).
pub fn tables_named(dialect: &dyn Dialect, catalog: Catalog, table: &str) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => {
            b.push("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ");
            text(&mut b, table);
            b.push(" COLLATE NOCASE");
        }
        Catalog::Postgres => {
            b.push(
                "SELECT c.relname::text FROM pg_class AS c \
                 JOIN pg_namespace AS n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
                 AND lower(c.relname) = lower(",
            );
            text(&mut b, table);
            b.push(")");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND lower(table_name) = lower(",
            );
            text(&mut b, table);
            b.push(")");
        }
    }
    b.finish()
}

/// Rows `(column)`: the columns of `table` as the database names them.
pub fn table_columns(dialect: &dyn Dialect, catalog: Catalog, table: &str) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => {
            b.push("SELECT name FROM pragma_table_info(");
            text(&mut b, table);
            b.push(") ORDER BY cid");
        }
        Catalog::Postgres => {
            b.push(
                "SELECT a.attname::text FROM pg_attribute AS a \
                 JOIN pg_class AS c ON c.oid = a.attrelid \
                 JOIN pg_namespace AS n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relname = ",
            );
            text(&mut b, table);
            b.push(" AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND table_name = ",
            );
            text(&mut b, table);
            b.push(" ORDER BY ordinal_position");
        }
    }
    b.finish()
}

/// One row `(count)`: how many foreign-key constraints of `table` are
/// named `name` (0 or 1), so that `create_all` adds a deferred foreign key
/// (see [`deferred_foreign_keys`](super::deferred_foreign_keys)) only once.
/// `None` on SQLite, which has no such constraints.
pub fn foreign_key_count(
    dialect: &dyn Dialect,
    catalog: Catalog,
    table: &str,
    name: &str,
) -> Option<Statement> {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => return None,
        Catalog::Postgres => {
            b.push(
                "SELECT COUNT(*) FROM pg_constraint AS c \
                 JOIN pg_class AS t ON t.oid = c.conrelid \
                 JOIN pg_namespace AS n ON n.oid = t.relnamespace \
                 WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ",
            );
            text(&mut b, table);
            b.push(" AND c.conname = ");
            text(&mut b, name);
        }
        Catalog::MySql => {
            b.push(
                "SELECT COUNT(*) FROM information_schema.table_constraints \
                 WHERE constraint_type = 'FOREIGN KEY' AND constraint_schema = DATABASE() \
                 AND table_name = ",
            );
            text(&mut b, table);
            b.push(" AND constraint_name = ");
            text(&mut b, name);
        }
    }
    Some(b.finish())
}

/// Rows `(column, nullable)`: the columns of `table` and whether each
/// accepts `NULL` (1) or not (0), in column order; no rows for a table
/// that does not exist (SQLite: its rowid column, the one `INTEGER
/// PRIMARY KEY`, is `NOT NULL` however declared). Read by `verify`.
pub fn column_nullability(dialect: &dyn Dialect, catalog: Catalog, table: &str) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => {
            // The one `INTEGER PRIMARY KEY` column is the rowid: never
            // `NULL`, declared `NOT NULL` or not.
            b.push(
                "SELECT c.name, CASE WHEN c.\"notnull\" = 1 OR (c.pk = 1 \
                 AND upper(c.type) = 'INTEGER' AND (SELECT COUNT(*) FROM pragma_table_info(",
            );
            text(&mut b, table);
            b.push(") AS k WHERE k.pk > 0) = 1) THEN 0 ELSE 1 END FROM pragma_table_info(");
            text(&mut b, table);
            b.push(") AS c ORDER BY c.cid");
        }
        Catalog::Postgres => {
            b.push(
                "SELECT a.attname::text, (NOT a.attnotnull)::int4::int8 FROM pg_attribute AS a \
                 JOIN pg_class AS c ON c.oid = a.attrelid \
                 JOIN pg_namespace AS n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname = ",
            );
            text(&mut b, table);
            b.push(" AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(column_name AS CHAR), \
                 CAST(CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END AS SIGNED) \
                 FROM information_schema.columns \
                 WHERE table_schema = DATABASE() AND table_name = ",
            );
            text(&mut b, table);
            b.push(" ORDER BY ordinal_position");
        }
    }
    b.finish()
}

/// Rows `(index, column, is_unique)`: every index of `table` (whatever its
/// name, the primary key's and the ones SQLite creates for `UNIQUE`
/// included), by name and then in key order. Read by `verify`.
pub fn table_indexes(dialect: &dyn Dialect, catalog: Catalog, table: &str) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => {
            b.push("SELECT l.name, i.name, l.\"unique\" FROM pragma_index_list(");
            text(&mut b, table);
            b.push(
                ") AS l JOIN pragma_index_info(l.name) AS i \
                 ORDER BY l.name, i.seqno",
            );
        }
        Catalog::Postgres => {
            b.push(
                "SELECT i.relname::text, a.attname::text, ix.indisunique::int4::int8 \
                 FROM pg_index AS ix \
                 JOIN pg_class AS i ON i.oid = ix.indexrelid \
                 JOIN pg_class AS t ON t.oid = ix.indrelid \
                 JOIN pg_namespace AS n ON n.oid = t.relnamespace \
                 CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
                 JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 WHERE n.nspname = current_schema() AND t.relname = ",
            );
            text(&mut b, table);
            b.push(" ORDER BY i.relname, k.ord");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(index_name AS CHAR), CAST(column_name AS CHAR), \
                 CAST(1 - non_unique AS SIGNED) \
                 FROM information_schema.statistics \
                 WHERE table_schema = DATABASE() AND table_name = ",
            );
            text(&mut b, table);
            b.push(" ORDER BY index_name, seq_in_index");
        }
    }
    b.finish()
}

/// Rows `(constraint, column, referenced table, referenced column,
/// on delete, on update)`: the foreign keys of `table`, one row per column
/// (ordered by constraint, then position in the key), the
/// actions spelled as SQL (`NO ACTION`, `CASCADE`, ...) as the database
/// reports them (SQLite: `pragma_foreign_key_list`, whose constraint is
/// its `id`; PostgreSQL: `pg_constraint`; MySQL:
/// `information_schema.referential_constraints`). Read by `verify`.
pub fn foreign_keys(dialect: &dyn Dialect, catalog: Catalog, table: &str) -> Statement {
    let mut b = SqlBuilder::new(dialect);
    match catalog {
        Catalog::Sqlite => {
            b.push(
                "SELECT CAST(f.id AS TEXT), f.\"from\", f.\"table\", COALESCE(f.\"to\", ''), \
                 f.on_delete, f.on_update FROM pragma_foreign_key_list(",
            );
            text(&mut b, table);
            b.push(") AS f ORDER BY f.id, f.seq");
        }
        Catalog::Postgres => {
            let action = |column: &str| {
                format!(
                    "CASE c.{column} WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' \
                     WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' \
                     WHEN 'd' THEN 'SET DEFAULT' ELSE '' END"
                )
            };
            b.push("SELECT c.conname::text, a.attname::text, r.relname::text, ra.attname::text, ")
                .push(&action("confdeltype"))
                .push(", ")
                .push(&action("confupdtype"))
                .push(
                    " FROM pg_constraint AS c \
                 JOIN pg_class AS t ON t.oid = c.conrelid \
                 JOIN pg_namespace AS n ON n.oid = t.relnamespace \
                 JOIN pg_class AS r ON r.oid = c.confrelid \
                 CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, fattnum, pos) \
                 JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
                 JOIN pg_attribute AS ra ON ra.attrelid = c.confrelid AND ra.attnum = k.fattnum \
                 WHERE c.contype = 'f' \
                 AND n.nspname = current_schema() AND t.relname = ",
                );
            text(&mut b, table);
            b.push(" ORDER BY c.conname, k.pos");
        }
        Catalog::MySql => {
            b.push(
                "SELECT CAST(k.constraint_name AS CHAR), CAST(k.column_name AS CHAR), \
                 CAST(k.referenced_table_name AS CHAR), CAST(k.referenced_column_name AS CHAR), \
                 CAST(r.delete_rule AS CHAR), CAST(r.update_rule AS CHAR) \
                 FROM information_schema.key_column_usage AS k \
                 JOIN information_schema.referential_constraints AS r \
                 ON r.constraint_schema = k.constraint_schema \
                 AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name \
                 WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL \
                 AND k.table_name = ",
            );
            text(&mut b, table);
            b.push(" ORDER BY k.constraint_name, k.ordinal_position");
        }
    }
    b.finish()
}

/// The action letters of `pg_constraint.confdeltype` spelled as SQL.
const PG_ON_DELETE: &str = "CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' \
     WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE '' END";

/// The table names `tables` as one bound list (`$1`, a `text[]`).
fn table_list(b: &mut SqlBuilder<'_>, tables: &[&str]) {
    b.bind(Value::Array(
        tables
            .iter()
            .map(|t| Value::Text((*t).to_owned()))
            .collect(),
    ));
}

/// Rows `(child table, referenced table, columns, referenced columns, on
/// delete, carried, deleted, updated)`: every foreign key into one of
/// `tables` (each resolved as the ORM's statements resolve it, through
/// the `search_path`), read by a delete that leaves matching actions to
/// the database (see
/// [`Purpose::Carried`](crate::delete::Purpose::Carried)). The columns
/// are joined with `,` in key order; `on delete` is spelled as SQL;
/// `carried` is 1 when the database carries the action out in this
/// session and counts what it writes: the constraint's `ON DELETE`
/// trigger on the referenced table fires (it is not disabled, and the
/// session is not `session_replication_role = replica`, which turns
/// foreign keys off), the child is an ordinary table (a
/// partitioned one counts its rows per partition) that its name resolves
/// to, and the server counts rows (`track_counts`); else 0; `deleted` and
/// `updated` are the rows of the child this transaction has deleted and
/// updated so far (`pg_stat_get_xact_tuples_*`, exact within a
/// transaction: the counters are only flushed outside one). The foreign
/// keys are found through those triggers (`pg_trigger` is indexed by
/// table, `pg_constraint` not by referenced table). `None` where the
/// catalog has no such counters (all but PostgreSQL).
pub fn foreign_keys_into(
    dialect: &dyn Dialect,
    catalog: Catalog,
    tables: &[&str],
) -> Option<Statement> {
    if catalog != Catalog::Postgres {
        return None;
    }
    let columns = |key: &str, relation: &str| {
        format!(
            "array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.{key}) \
             WITH ORDINALITY AS k(attnum, pos) JOIN pg_attribute AS a \
             ON a.attrelid = c.{relation} AND a.attnum = k.attnum ORDER BY k.pos), ',')"
        )
    };
    let mut b = SqlBuilder::new(dialect);
    b.push("SELECT t.relname::text, p.relname::text, ")
        .push(&columns("conkey", "conrelid"))
        .push(", ")
        .push(&columns("confkey", "confrelid"))
        .push(", ")
        .push(PG_ON_DELETE)
        .push(
            ", CASE WHEN t.relkind = 'r' \
             AND to_regclass(quote_ident(t.relname::text)) = c.conrelid \
             AND current_setting('track_counts')::boolean \
             AND (g.tgenabled = 'A' OR g.tgenabled = CASE \
             WHEN current_setting('session_replication_role') = 'replica' THEN 'R' ELSE 'O' END) \
             THEN 1 ELSE 0 END::bigint, \
             pg_stat_get_xact_tuples_deleted(c.conrelid), \
             pg_stat_get_xact_tuples_updated(c.conrelid) \
             FROM pg_trigger AS g \
             JOIN pg_constraint AS c ON c.oid = g.tgconstraint \
             JOIN pg_class AS t ON t.oid = c.conrelid \
             JOIN pg_class AS p ON p.oid = c.confrelid \
             WHERE c.contype = 'f' AND c.confrelid = g.tgrelid AND (g.tgtype & 8) <> 0 \
             AND g.tgrelid IN (SELECT to_regclass(quote_ident(x)) FROM unnest(",
        );
    table_list(&mut b, tables);
    b.push("::text[]) AS x)");
    Some(b.finish())
}

/// Rows `(table, deleted, updated, counting)`: the rows of each of
/// `tables` this transaction has deleted and updated so far (see
/// [`foreign_keys_into`]), for the delete to count what the database's
/// own actions wrote; `counting` is 1 when the session fires foreign keys
/// (not `session_replication_role = replica`) and counts rows
/// (`track_counts`), else 0. `None` where there are no such counters.
pub fn write_counts(dialect: &dyn Dialect, catalog: Catalog, tables: &[&str]) -> Option<Statement> {
    if catalog != Catalog::Postgres {
        return None;
    }
    let mut b = SqlBuilder::new(dialect);
    b.push(
        "SELECT x, pg_stat_get_xact_tuples_deleted(to_regclass(quote_ident(x))), \
         pg_stat_get_xact_tuples_updated(to_regclass(quote_ident(x))), ",
    )
    .push(COUNTING)
    .push("::int4::int8 FROM unnest(");
    table_list(&mut b, tables);
    b.push("::text[]) AS x");
    Some(b.finish())
}

/// One row: per table of `tables`, the rows this transaction has deleted
/// and updated so far (the counters of [`write_counts`], in the order of
/// `tables`), the names written as literals: a statement without
/// parameters, for [`write_counts_then_commit`]. `None` where there are
/// no such counters, `tables` is empty, or a name cannot be written as a
/// PostgreSQL string literal (it holds a NUL).
pub fn write_counts_literal(
    dialect: &dyn Dialect,
    catalog: Catalog,
    tables: &[&str],
) -> Option<Statement> {
    if catalog != Catalog::Postgres || tables.is_empty() {
        return None;
    }
    let mut sql = String::from("SELECT ");
    counter_pairs(&mut sql, dialect, tables)?;
    let mut b = SqlBuilder::new(dialect);
    b.push(&sql);
    Some(b.finish())
}

/// Per table of `tables`, `pg_stat_get_xact_tuples_deleted(<t>),
/// pg_stat_get_xact_tuples_updated(<t>)`, the table written as a
/// `regclass` literal (resolved through the `search_path` as the ORM's
/// statements resolve it, when the statement is parsed).
fn counter_pairs(out: &mut String, dialect: &dyn Dialect, tables: &[&str]) -> Option<()> {
    for (i, table) in tables.iter().enumerate() {
        let mut ident = String::new();
        dialect.push_identifier(&mut ident, table);
        let mut class = String::new();
        push_pg_text_literal(&mut class, &ident)?;
        class.push_str("::regclass");
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!(
            "pg_stat_get_xact_tuples_deleted({class}), pg_stat_get_xact_tuples_updated({class})"
        ));
    }
    Some(())
}

/// The text of one PostgreSQL simple-query message that reads
/// [`write_counts_literal`]'s `counts` and commits the transaction the delete
/// opened, then opens an empty one: `<counts>; COMMIT; BEGIN`.
///
/// The delete's last round trip: the counters are read after its writes,
/// inside its transaction, and the commit goes in the same message. The
/// client's transaction (sqlx's) is still open when the answer comes, so
/// the message leaves the connection in a transaction, an empty one,
/// which the client then rolls back with the connection's next message.
/// If the count fails, the server skips the rest of the message: nothing
/// is committed.
pub fn write_counts_then_commit(counts: &Statement) -> String {
    debug_assert!(counts.params.is_empty(), "a simple query binds nothing");
    format!("{}; COMMIT; BEGIN", counts.sql)
}

/// Appends `text` as a PostgreSQL string literal that reads the same
/// whatever `standard_conforming_strings` says: `E'...'`, backslashes
/// and quotes doubled. `None` when `text` holds a NUL, which no
/// PostgreSQL text can.
fn push_pg_text_literal(out: &mut String, text: &str) -> Option<()> {
    if text.contains('\0') {
        return None;
    }
    out.push_str("E'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            c => out.push(c),
        }
    }
    out.push('\'');
    Some(())
}

/// Whether the session fires foreign keys (not `session_replication_role
/// = replica`) and counts rows (`track_counts`).
const COUNTING: &str = "(current_setting('track_counts')::boolean \
     AND current_setting('session_replication_role') <> 'replica')";

/// `DELETE FROM table WHERE <rows> AND <counting> RETURNING <counters>`:
/// per row it deleted, one row of the counters of `tables` (`table` not
/// among them) as [`write_counts_literal`] reads them, as they were before
/// the database's own `ON DELETE` actions (which run at the end of the
/// statement, after its rows are returned). It deletes only when the
/// session counts (see [`write_counts`]): where it returns no row, either
/// nothing matched or the session does not count, which [`write_counts`]
/// tells. A delete that leaves its actions to the database reads the
/// counters again after it, within the same transaction, to count what
/// they wrote, without a separate read before.
///
/// A plain `DELETE` with the tables named in its text, not bound: the
/// server plans it for the key bound, each time (its first executions on
/// a connection), about as fast as the `DELETE` alone. `None` where there
/// are no such counters, `tables` is empty (no row would tell what was
/// deleted), or a name cannot be written as a literal.
pub fn counted_delete(
    dialect: &dyn Dialect,
    catalog: Catalog,
    table: &str,
    rows: Condition,
    tables: &[&str],
) -> Option<Statement> {
    if catalog != Catalog::Postgres || tables.is_empty() || tables.contains(&table) {
        return None;
    }
    let mut returning = String::from(" RETURNING ");
    counter_pairs(&mut returning, dialect, tables)?;
    let mut b = SqlBuilder::new(dialect);
    b.push("DELETE FROM ").ident(table).push(" WHERE (");
    b.condition(rows);
    b.push(") AND ").push(COUNTING).push(&returning);
    Some(b.finish())
}
