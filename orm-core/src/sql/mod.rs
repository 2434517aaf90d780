//! SQL generation: pure functions from schema metadata and a [`Dialect`](crate::Dialect) to
//! SQL text plus bound [`Value`](crate::Value)s. Nothing here touches a database, so all of
//! it is unit-tested as text.

mod builder;
mod ddl;
mod dml;

pub use builder::{SqlBuilder, Statement};
pub use ddl::{create_index_statements, create_table, ddl_for, dependency_order, drop_tables};
pub use dml::{count, delete_by_key, insert, push_condition, select, select_columns, update};

#[cfg(test)]
mod tests;
