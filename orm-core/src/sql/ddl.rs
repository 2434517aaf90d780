use crate::backend::Dialect;
use crate::schema::{ForeignKeyDef, TableDef};

use super::SqlBuilder;

/// One index of a table: declared `unique` / `index` columns, and every
/// foreign key's columns (neither SQLite, PostgreSQL nor MySQL without it
/// would have one the planner can use on every parent delete).
struct IndexDef {
    name: String,
    columns: Vec<&'static str>,
    unique: bool,
}

fn indexes(table: &TableDef) -> Vec<IndexDef> {
    let mut out = Vec::new();
    for (i, column) in table.columns.iter().enumerate() {
        let is_fk = table.foreign_key_on(column.name).is_some();
        let unique = column.unique && !column.primary_key;
        let plain = !unique && (column.index || is_fk) && i != table.primary_key;
        if !unique && !plain {
            continue;
        }
        out.push(IndexDef {
            name: index_name(table.name, column.name, unique),
            columns: vec![column.name],
            unique,
        });
    }
    // A composite foreign key: one index on its columns, unless the primary
    // key starts with them (its index serves).
    let key: Vec<&str> = table.key_columns().iter().map(|c| c.name).collect();
    for fk in table.foreign_keys.iter().filter(|fk| fk.is_composite()) {
        if key.starts_with(fk.columns) {
            continue;
        }
        let name = composite_index_name(table.name, fk.columns);
        if out.iter().any(|index| index.name == name) {
            continue;
        }
        out.push(IndexDef {
            name,
            columns: fk.columns.to_vec(),
            unique: false,
        });
    }
    out
}

/// The longest identifier every supported database keeps whole
/// (PostgreSQL truncates after 63 bytes, MySQL refuses more than 64
/// characters).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// The name of the index the ORM creates on `table.column`:
/// `ux_<table>_<column>_<hash>` for a unique one, `ix_...` otherwise.
///
/// The hash (FNV-1a of table and column, 32 bits in hex) tells apart the
/// pairs whose readable parts are equal (`a_b.c` and `a.b_c` both read
/// `a_b_c`); the readable part is cut so the whole name fits in
/// [`MAX_IDENTIFIER_BYTES`], where PostgreSQL would otherwise truncate two
/// long names into one. `create_all` still checks that the index it finds
/// under this name is the one it declares.
pub fn index_name(table: &str, column: &str, unique: bool) -> String {
    object_name(if unique { "ux" } else { "ix" }, table, &[column])
}

/// The name of the index the ORM creates on the columns of a composite
/// foreign key: `ix_<table>_<a>_<b>_<hash>`, the hash taken over the
/// table and every column (so that it differs from a single column named
/// `a_b`).
pub fn composite_index_name(table: &str, columns: &[&str]) -> String {
    object_name("ix", table, columns)
}

/// The name of the constraint `ALTER TABLE ... ADD CONSTRAINT` gives a
/// foreign key that cannot be declared inside `CREATE TABLE` (it references
/// a table created later, in a cycle of foreign keys; see
/// [`deferred_foreign_keys`]): `fk_<table>_<column>_<hash>`, built like
/// [`index_name`].
pub fn foreign_key_name(table: &str, fk: &ForeignKeyDef) -> String {
    object_name("fk", table, fk.columns)
}

fn object_name(prefix: &str, table: &str, columns: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut bytes: Vec<u8> = table.bytes().collect();
    for column in columns {
        bytes.push(0);
        bytes.extend(column.bytes());
    }
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let hash = (hash ^ (hash >> 32)) as u32;
    let mut readable = format!("{prefix}_{table}_{}", columns.join("_"));
    let room = MAX_IDENTIFIER_BYTES - 9; // "_" and 8 hex digits
    if readable.len() > room {
        let cut = (0..=room)
            .rev()
            .find(|&i| readable.is_char_boundary(i))
            .unwrap_or(0);
        readable.truncate(cut);
    }
    format!("{readable}_{hash:08x}")
}

/// Every index the ORM declares on `table`: `(name, columns, unique)`.
pub fn declared_indexes(table: &TableDef) -> Vec<(String, Vec<&'static str>, bool)> {
    indexes(table)
        .into_iter()
        .map(|i| (i.name, i.columns, i.unique))
        .collect()
}

/// `true` when the column is part of an index (key types differ on MySQL).
fn is_indexed(table: &TableDef, index: usize) -> bool {
    let column = &table.columns[index];
    index == table.primary_key
        || column.primary_key
        || column.unique
        || column.index
        || table
            .foreign_keys
            .iter()
            .any(|fk| fk.has_column(column.name))
}

/// `CREATE TABLE IF NOT EXISTS` for one table: columns, primary key and every
/// foreign key with its `ON DELETE` / `ON UPDATE` exactly as declared (an
/// action the database does not carry out, see
/// [`Dialect::enforces`](crate::Dialect::enforces), is left out: the DDL says
/// what the database enforces). Where the dialect declares indexes inline,
/// they are part of it.
pub fn create_table(dialect: &dyn Dialect, table: &TableDef) -> String {
    create_table_deferring(dialect, table, &[])
}

/// [`create_table`] without the foreign keys on the columns `deferred`
/// (added afterwards with [`add_foreign_key`]).
pub fn create_table_deferring(
    dialect: &dyn Dialect,
    table: &TableDef,
    deferred: &[&ForeignKeyDef],
) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push("CREATE TABLE IF NOT EXISTS ")
        .ident(table.name)
        .push(" (");
    for i in 0..table.columns.len() {
        b.push("\n    ");
        column_definition(&mut b, table, i);
        b.push(",");
    }
    b.push("\n    PRIMARY KEY (")
        .list(table.key_columns(), |b, c| {
            b.ident(c.name);
        })
        .push(")");
    for fk in table.foreign_keys {
        if deferred.iter().any(|d| d.columns == fk.columns) {
            continue;
        }
        b.push(",\n    ");
        foreign_key_clause(&mut b, fk);
    }
    if dialect.inline_indexes() {
        for index in indexes(table) {
            b.push(if index.unique {
                ",\n    UNIQUE INDEX "
            } else {
                ",\n    INDEX "
            })
            .ident(&index.name)
            .push(" (")
            .list(&index.columns, |b, c| {
                b.ident(c);
            })
            .push(")");
        }
    }
    b.push("\n)").push(dialect.table_options());
    b.finish().sql
}

/// `name TYPE [NOT NULL] [DEFAULT ...]` of the `i`-th column of `table`.
fn column_definition(b: &mut SqlBuilder<'_>, table: &TableDef, i: usize) {
    let dialect = b.dialect();
    let column = &table.columns[i];
    b.ident(column.name).push(" ");
    let auto = if column.auto_increment && column.sql_type.is_none() {
        dialect.auto_increment_type(column.kind())
    } else {
        None
    };
    match (column.sql_type, auto) {
        (Some(name), _) => b.push(name),
        (None, Some(name)) => b.push(name),
        (None, None) if is_indexed(table, i) => b.push(dialect.key_type_name(column.kind())),
        (None, None) => b.push(dialect.type_name(column.kind())),
    };
    if !column.nullable {
        b.push(" NOT NULL");
    }
    if let Some(default) = column.default {
        b.push(" DEFAULT ").push(default);
    }
}

/// `ALTER TABLE table ADD COLUMN ...`: the `i`-th column of `table`, as
/// `CREATE TABLE` declares it (without its foreign key or index).
pub fn add_column(dialect: &dyn Dialect, table: &TableDef, i: usize) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push("ALTER TABLE ")
        .ident(table.name)
        .push(" ADD COLUMN ");
    column_definition(&mut b, table, i);
    b.finish().sql
}

/// `CREATE [UNIQUE] INDEX name ON table (columns)`: one of the indexes of
/// [`declared_indexes`], on its own (without `IF NOT EXISTS`, which MySQL
/// does not have).
pub fn create_index(
    dialect: &dyn Dialect,
    table: &str,
    name: &str,
    columns: &[&str],
    unique: bool,
) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push(if unique {
        "CREATE UNIQUE INDEX "
    } else {
        "CREATE INDEX "
    })
    .ident(name)
    .push(" ON ")
    .ident(table)
    .push(" (")
    .list(columns, |b, c| {
        b.ident(c);
    })
    .push(")");
    b.finish().sql
}

/// `ALTER TABLE IF EXISTS table DROP CONSTRAINT IF EXISTS name` (MySQL:
/// `DROP FOREIGN KEY`): drops the foreign-key constraint `name`.
pub fn drop_foreign_key(dialect: &dyn Dialect, table: &str, name: &str) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push("ALTER TABLE IF EXISTS ")
        .ident(table)
        .push(dialect.drop_foreign_key_if_exists())
        .ident(name);
    b.finish().sql
}

/// `ALTER TABLE table ALTER COLUMN column SET NOT NULL` (or `DROP NOT
/// NULL`), the standard spelling PostgreSQL has.
pub fn alter_column_nullability(
    dialect: &dyn Dialect,
    table: &str,
    column: &str,
    nullable: bool,
) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push("ALTER TABLE ")
        .ident(table)
        .push(" ALTER COLUMN ")
        .ident(column)
        .push(if nullable {
            " DROP NOT NULL"
        } else {
            " SET NOT NULL"
        });
    b.finish().sql
}

/// `FOREIGN KEY (columns) REFERENCES table (columns) [ON DELETE ...] [ON UPDATE ...]`.
fn foreign_key_clause(b: &mut SqlBuilder<'_>, fk: &ForeignKeyDef) {
    let dialect = b.dialect();
    b.push("FOREIGN KEY (")
        .list(fk.columns, |b, c| {
            b.ident(c);
        })
        .push(") REFERENCES ")
        .ident(fk.references_table)
        .push(" (")
        .list(fk.references_columns, |b, c| {
            b.ident(c);
        })
        .push(")");
    if let Some(action) = fk.on_delete.filter(|a| dialect.enforces(*a)) {
        b.push(" ON DELETE ").push(action.as_sql());
    }
    if let Some(action) = fk.on_update.filter(|a| dialect.enforces(*a)) {
        b.push(" ON UPDATE ").push(action.as_sql());
    }
}

/// `ALTER TABLE table ADD CONSTRAINT fk_... FOREIGN KEY ...`: a foreign key
/// of a cycle, added once every table of the cycle exists.
pub fn add_foreign_key(dialect: &dyn Dialect, table: &TableDef, fk: &ForeignKeyDef) -> String {
    let mut b = SqlBuilder::new(dialect);
    b.push("ALTER TABLE ")
        .ident(table.name)
        .push(" ADD CONSTRAINT ")
        .ident(&foreign_key_name(table.name, fk))
        .push(" ");
    foreign_key_clause(&mut b, fk);
    b.finish().sql
}

/// The foreign keys that reference a table created later (in
/// [`dependency_order`]), which `CREATE TABLE` cannot declare where the
/// database checks the referenced table exists (PostgreSQL, MySQL): they
/// are added with [`add_foreign_key`] once every table exists. Empty
/// without a cycle of foreign keys, and on SQLite, which resolves
/// references when it enforces them.
pub fn deferred_foreign_keys<'t>(
    dialect: &dyn Dialect,
    ordered: &[&'t TableDef],
) -> Vec<(&'t TableDef, &'t ForeignKeyDef)> {
    if dialect.foreign_keys_may_reference_later_tables() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, table) in ordered.iter().enumerate() {
        for fk in table.foreign_keys {
            if ordered[i + 1..]
                .iter()
                .any(|later| later.name == fk.references_table && later.name != table.name)
            {
                out.push((*table, fk));
            }
        }
    }
    out
}

/// The `CREATE [UNIQUE] INDEX IF NOT EXISTS` statements of one table (none
/// where the dialect declares indexes inside `CREATE TABLE`).
pub fn create_index_statements(dialect: &dyn Dialect, table: &TableDef) -> Vec<String> {
    if dialect.inline_indexes() {
        return Vec::new();
    }
    indexes(table)
        .into_iter()
        .map(|index| {
            let mut b = SqlBuilder::new(dialect);
            b.push(if index.unique {
                "CREATE UNIQUE INDEX IF NOT EXISTS "
            } else {
                "CREATE INDEX IF NOT EXISTS "
            })
            .ident(&index.name)
            .push(" ON ")
            .ident(table.name)
            .push(" (")
            .list(&index.columns, |b, c| {
                b.ident(c);
            })
            .push(")");
            b.finish().sql
        })
        .collect()
}

/// Tables ordered so that every table comes after the tables it references
/// (self-references and cycles do not block: the remaining tables keep their
/// given order).
pub fn dependency_order<'t>(tables: &[&'t TableDef]) -> Vec<&'t TableDef> {
    let mut placed: Vec<&TableDef> = Vec::with_capacity(tables.len());
    let mut pending: Vec<&TableDef> = tables.to_vec();
    while !pending.is_empty() {
        let ready = pending.iter().position(|t| {
            t.foreign_keys.iter().all(|fk| {
                fk.references_table == t.name
                    || placed.iter().any(|p| p.name == fk.references_table)
                    || !pending.iter().any(|p| p.name == fk.references_table)
            })
        });
        // A cycle: take the first pending table as is.
        let next = pending.remove(ready.unwrap_or(0));
        placed.push(next);
    }
    placed
}

/// The whole DDL for a set of tables, in dependency order: each table's
/// `CREATE TABLE` followed by its indexes. Paste it into a migration.
pub fn ddl_for(dialect: &dyn Dialect, tables: &[&TableDef]) -> Vec<String> {
    let mut out = Vec::new();
    let ordered = dependency_order(tables);
    let deferred = deferred_foreign_keys(dialect, &ordered);
    for table in &ordered {
        let own: Vec<&ForeignKeyDef> = deferred
            .iter()
            .filter(|(t, _)| t.name == table.name)
            .map(|(_, fk)| *fk)
            .collect();
        out.push(create_table_deferring(dialect, table, &own));
        out.extend(create_index_statements(dialect, table));
    }
    for (table, fk) in deferred {
        out.push(add_foreign_key(dialect, table, fk));
    }
    out
}

/// `DROP TABLE IF EXISTS` for each table, dependents first.
///
/// The foreign keys of a cycle (see [`deferred_foreign_keys`]) are dropped
/// first, so that no table is still referenced when it is dropped.
pub fn drop_tables(dialect: &dyn Dialect, tables: &[&TableDef]) -> Vec<String> {
    let ordered = dependency_order(tables);
    let mut out = Vec::new();
    for (table, fk) in deferred_foreign_keys(dialect, &ordered) {
        let mut b = SqlBuilder::new(dialect);
        b.push("ALTER TABLE IF EXISTS ")
            .ident(table.name)
            .push(dialect.drop_foreign_key_if_exists())
            .ident(&foreign_key_name(table.name, fk));
        out.push(b.finish().sql);
    }
    for table in ordered.into_iter().rev() {
        let mut b = SqlBuilder::new(dialect);
        b.push("DROP TABLE IF EXISTS ").ident(table.name);
        out.push(b.finish().sql);
    }
    out
}
