//! The async core of the ORM: schema metadata, SQL generation, CRUD,
//! relationship loading and the cascade-delete planner.
//!
//! Placeholder crate docs (the runnable example lives in orm-sqlite).

#![deny(missing_docs)]

mod backend;
pub mod check;
pub mod delete;
mod error;
mod exec;
mod model;
mod query;
mod relation;
pub mod schema;
pub mod sql;
mod value;

pub use backend::{Backend, Connection, Dialect};
pub use delete::{DatabaseAction, DeleteReport, Effect, EffectKind};
pub use error::{Error, Result};
pub use exec::{Db, Executor, LoadRelation, SQL_TARGET, SchemaReport, Transaction};
pub use exec::{UnmanagedForeignKey, unmanaged_foreign_keys};
pub use model::{Model, RowSource};
pub use query::{Column, CompareOp, Expr, Filter, Order, Query};
pub use relation::{BelongsTo, HasMany, Rel, Relationship};
pub use schema::{
    Action, ColumnDef, ColumnKind, ForeignKeyDef, RelationDef, RelationKind, TableDef,
};
pub use value::{ColumnValue, DecodeError, Params, Value};

#[cfg(feature = "derive")]
pub use orm_derive::Model;

/// The names most programs need: `use orm_core::prelude::*;`.
pub mod prelude {
    pub use crate::{
        BelongsTo, Db, DeleteReport, Error, Executor, Filter, HasMany, Model, Query, Transaction,
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::model::{read_column, write_column};
}
