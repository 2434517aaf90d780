//! The async core of the ORM: schema metadata, SQL generation, CRUD,
//! relationship loading and the cascade-delete planner.
//!
//! Put `#[derive(Model)]` on plain structs; the derive turns their attributes
//! into a [`TableDef`] constant (plain data, no SQL), typed column handles
//! for queries and relationship handles for loading, and checks at compile
//! time that related models agree on how deletes cascade.
//!
//! ```
//! use orm_core::{Action, BelongsTo, HasMany, Limited, Model, Query};
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "team")]
//! pub struct Team {
//!     #[field(primary_key)]
//!     pub id: Option<i64>,
//!     #[field(index)]
//!     pub name: String,
//!     #[relationship(back_populates = "team", cascade_delete)]
//!     pub heroes: HasMany<Hero>,
//! }
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Hero {
//!     #[field(primary_key)]
//!     pub id: Option<i64>,
//!     pub name: String,
//!     pub age: Option<i32>, // Option<T>: a nullable column
//!     #[field(foreign_key = "team.id", ondelete = "CASCADE")]
//!     pub team_id: Option<i64>,
//!     #[relationship(back_populates = "heroes")]
//!     pub team: BelongsTo<Team>,
//! }
//!
//! // The metadata is a constant: inspect it without a database.
//! let hero = Hero::TABLE;
//! assert_eq!(hero.name, "hero"); // default: the struct name in snake_case
//! let columns: Vec<&str> = hero.columns.iter().map(|c| c.name).collect();
//! assert_eq!(columns, ["id", "name", "age", "team_id"]); // relationships are not columns
//! let fk = hero.foreign_key_on("team_id").expect("declared above");
//! assert_eq!((fk.references_table, fk.on_delete), ("team", Some(Action::Cascade)));
//! assert!(Team::HEROES.def().cascade_delete);
//!
//! // Queries are typed values built from the generated column handles.
//! let query: Query<Hero, Limited> = Hero::query()
//!     .filter(Hero::AGE.gt(30) & Hero::TEAM_ID.eq(3))
//!     .order_by(Hero::NAME.asc())
//!     .limit(10);
//! assert!(query.filter_expr().is_some());
//!
//! // Running them needs a backend; code written against any backend compiles
//! // here. Deleting a team deletes its heroes first, with one statement per
//! // table, in one transaction, and reports what it did.
//! async fn delete_team<B: orm_core::Backend>(db: &orm_core::Db<B>) -> orm_core::Result<u64> {
//!     use orm_core::Executor;
//!     let team: Team = db.get(3i64).await?;
//!     let report = db.delete(team).await?;
//!     Ok(report.deleted("hero"))
//! }
//! ```
//!
//! The backends open databases: `orm-sqlite` (embedded, foreign keys on),
//! which has the same program running end to end in its crate documentation,
//! and `orm-postgres`. Code written against [`Db<B>`](Db) with
//! `B:` [`Backend`] runs on either. The book in `docs/` (`mdbook build
//! docs`) is the tutorial.
//!
//! # Where things are
//!
//! * [`Executor`]: every runtime operation (insert, get, query, update,
//!   load, delete, plan, detach, `create_all`), implemented for [`&Db`](Db)
//!   and for `&mut` [`Transaction`], so the same code runs in or out of a
//!   transaction.
//! * [`Query`], [`Filter`], [`Column`]: the typed query builder.
//! * [`ColumnValue`] (and `#[derive(ColumnValue)]` for newtypes and enums),
//!   [`FieldType`], [`Value`]: column types. Integers, floats, `bool`,
//!   `String` and `Vec<u8>` always; behind the features `chrono`, `time`,
//!   `uuid`, `json` and `rust_decimal` (enable them on the backend crate),
//!   the types of those crates, each bound with sqlx's own implementation.
//!   [`Model::Key`] is the primary key's type: `get` and `find` take it
//!   (a tuple, [`KeyValue`], for a composite key: several
//!   `#[field(primary_key)]` fields).
//! * [`HasMany`], [`HasOne`], [`BelongsTo`], [`ManyToMany`], [`Rel`]:
//!   relationship fields and handles (one-to-many: `HasMany` on the parent,
//!   `BelongsTo` on the child; one-to-one: `HasOne` on the parent, whose
//!   child's foreign key is unique; many-to-many: `ManyToMany` on both
//!   sides, `through` a link model); a relationship is
//!   [`NotLoaded`](HasMany::NotLoaded) until loaded. [`Filtered`]
//!   (`Post::COMMENTS.filtered(query)`) and [`Then`]
//!   (`Post::COMMENTS.then(Comment::AUTHOR)`) load filtered and nested
//!   relationships, one query per step ([`LoadRelation`]).
//! * [`Schema`]: the registry of every model; attached with
//!   [`Db::with_schema`], deletes apply every foreign key into a table,
//!   with or without a relationship, and cascade through cycles of tables.
//!   [`Executor::verify`] compares the live database with it: a typed
//!   [`VerifyReport`] of every [`Difference`] and the DDL that fixes it.
//! * [`DeleteReport`]: what a delete did, or (from a plan) would do: rows
//!   deleted and set to `NULL` per table, and every statement.
//! * [`Error`]: typed errors (`Restricted`, `ForeignKeyViolation`,
//!   `NotFound`, ...), never a bare string.
//! * [`schema`], [`sql`], [`delete`], [`check`]: the metadata, the SQL
//!   layer (a typed statement tree rendered per dialect, the only place SQL
//!   text is written; [`sql::ddl_for`] gives the DDL as text for
//!   migrations), the delete planner and the compile-time checks.
//! * [`Backend`], [`Dialect`]: what a database backend implements.
//!
//! Every statement is logged on the `orm::sql` [`tracing`](https://docs.rs/tracing)
//! target ([`SQL_TARGET`]) at `DEBUG`, with its parameters; `echo_sql()`
//! (feature `echo`) prints them on stdout, like SQLAlchemy's `echo=True`.

#![deny(missing_docs)]

mod backend;
pub mod check;
pub mod delete;
mod error;
mod exec;
mod model;
mod query;
mod registry;
mod relation;
pub mod schema;
pub mod sql;
mod value;

pub use backend::{Backend, Connection, Decoder, Dialect};
pub use delete::{DatabaseAction, DeleteReport, Effect, EffectKind};
pub use error::{Error, Result, TimeoutKind};
pub use exec::current_statement_timeout;
pub use exec::{ActionClause, Difference, DifferenceKind, Fix, VerifyReport};
pub use exec::{
    Db, Executor, Filtered, LoadOuter, LoadRelation, SQL_TARGET, SchemaReport, Then, Transaction,
};
pub use exec::{UnmanagedForeignKey, unmanaged_foreign_keys};
pub use model::{Model, RowSource};
pub use query::{
    Column, CompareOp, Expr, Filter, Limited, Order, Query, Unlimited, WholeRelation, WholeSet,
};
pub use registry::{Declared, Edge, Schema};
pub use relation::{BelongsTo, HasMany, HasOne, ManyToMany, ParentSide, Rel, Relationship};
pub use schema::{
    Action, ColumnDef, ColumnKind, ForeignKeyDef, OnSoftDelete, RelationDef, RelationKind, TableDef,
};
#[cfg(feature = "json")]
pub use sqlx::types::Json;
pub use value::{
    ColumnValue, DecodeError, FieldType, InvalidValue, KeyValue, Params, TextValue, Value,
    ValueType,
};

#[cfg(feature = "derive")]
pub use orm_derive::{ColumnValue, Model};

/// Fails the build of a backend crate (named by the literal) that lacks one
/// of the value-type features `orm-core` was built with: the backend could
/// not bind those values. Expanded in the backend, so `cfg!` reads the
/// backend's own features; each backend forwards its features to orm-core.
#[doc(hidden)]
#[macro_export]
macro_rules! check_backend_features {
    ($backend:literal) => {
        const _: () = {
            use $crate::__private::features;
            if features::CHRONO && !cfg!(feature = "chrono") {
                panic!(concat!(
                    "orm-core has the `chrono` feature: enable `chrono` on ",
                    $backend,
                    " too"
                ));
            }
            if features::TIME && !cfg!(feature = "time") {
                panic!(concat!(
                    "orm-core has the `time` feature: enable `time` on ",
                    $backend,
                    " too"
                ));
            }
            if features::UUID && !cfg!(feature = "uuid") {
                panic!(concat!(
                    "orm-core has the `uuid` feature: enable `uuid` on ",
                    $backend,
                    " too"
                ));
            }
            if features::JSON && !cfg!(feature = "json") {
                panic!(concat!(
                    "orm-core has the `json` feature: enable `json` on ",
                    $backend,
                    " too"
                ));
            }
            if features::RUST_DECIMAL && !cfg!(feature = "rust_decimal") {
                panic!(concat!(
                    "orm-core has the `rust_decimal` feature: enable `rust_decimal` on ",
                    $backend,
                    " too"
                ));
            }
        };
    };
}

#[cfg(feature = "echo")]
mod echo;
#[cfg(feature = "echo")]
pub use echo::echo_sql;

/// The names most programs need: `use orm_core::prelude::*;`.
pub mod prelude {
    pub use crate::{
        Backend, BelongsTo, Db, DeleteReport, Error, Executor, Filter, HasMany, HasOne, ManyToMany,
        Model, Query, Transaction,
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::model::{no_such_column, read_column, write_column};

    /// The key type of the stub `impl Model` that `#[derive(Model)]` emits
    /// next to its errors for a model without a primary key. Never built.
    #[derive(Debug, Clone, Copy)]
    pub enum NoKey {}

    impl crate::ColumnValue for NoKey {
        const TYPE: crate::ValueType = crate::ValueType::I64;
        fn to_value(&self) -> crate::Value {
            match *self {}
        }
        fn from_value(_: crate::Value) -> Result<Self, crate::DecodeError> {
            Err(crate::DecodeError::Invalid(
                "a model without a primary key has no key".into(),
            ))
        }
    }

    /// The value-type features this build of `orm-core` has. A backend
    /// checks them against its own at compile time
    /// ([`check_backend_features!`](crate::check_backend_features)), so that
    /// a value type orm-core knows is never one the backend's sqlx cannot
    /// bind.
    pub mod features {
        /// `chrono`.
        pub const CHRONO: bool = cfg!(feature = "chrono");
        /// `time`.
        pub const TIME: bool = cfg!(feature = "time");
        /// `uuid`.
        pub const UUID: bool = cfg!(feature = "uuid");
        /// `json`.
        pub const JSON: bool = cfg!(feature = "json");
        /// `rust_decimal`.
        pub const RUST_DECIMAL: bool = cfg!(feature = "rust_decimal");
    }
}
