//! SQL generation: pure functions from schema metadata and a
//! [`Dialect`](crate::Dialect) to SQL text plus bound [`Value`](crate::Value)s.
//! Nothing here touches a database, so all of it is unit-tested as text.
//!
//! The runtime never writes SQL: CRUD, loading, `detach`, bulk deletes and
//! the delete planner build a typed statement ([`Select`], [`Insert`],
//! [`Update`], [`Delete`], and the planner's [`CreateKeyTable`],
//! [`CollectTree`] and [`DropTable`]) over [`TableDef`](crate::TableDef)
//! names and [`Condition`]s, and [`Render`] turns it into a [`Statement`]
//! for the backend's dialect. DDL comes from [`ddl_for`].

mod ast;
mod builder;
pub mod catalog;
mod ddl;
mod render;

pub use ast::{
    Assign, COMPOSITE_KEYS_PER_STATEMENT, CollectTree, ColumnRef, Condition, CreateKeyTable,
    CreateRowKeyTable, Delete, DropTable, Insert, InsertKeys, KEY_COLUMN, Name, Projection, Select,
    Update, key_column, key_table_select,
};
pub use builder::{SqlBuilder, Statement};
pub use ddl::{
    MAX_IDENTIFIER_BYTES, add_column, add_foreign_key, alter_column_nullability,
    composite_index_name, create_index, create_index_statements, create_table,
    create_table_deferring, ddl_for, declared_indexes, deferred_foreign_keys, dependency_order,
    drop_foreign_key, drop_tables, foreign_key_name, index_name,
};
pub use render::{Render, binds_as_array};

#[cfg(test)]
mod tests;
