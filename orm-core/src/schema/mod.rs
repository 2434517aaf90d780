//! Plain-data schema metadata.
//!
//! `#[derive(Model)]` emits one [`TableDef`] per struct as a `const`. Everything
//! else in the crate — DDL, queries, relationship loading and the delete
//! planner — reads these definitions; none of them contains SQL text except
//! the user's own `default = "..."` and `sql_type = "..."` values.

mod action;
mod table;

pub use action::Action;
pub use table::{
    ColumnDef, ColumnKind, ForeignKeyDef, OnSoftDelete, RelationDef, RelationKind, TableDef,
};
