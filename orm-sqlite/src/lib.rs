//! The embedded SQLite backend of the ORM: connection options with foreign
//! keys **on** by default, the SQLite dialect, and typed errors.
//!
//! Placeholder docs; the runnable example is added with the tutorial.

#![deny(missing_docs)]

mod backend;
mod connect;
mod error;

pub use backend::{Sqlite, SqliteDialect};
pub use connect::{SqliteOptions, connect, connect_with};

/// A pool on a SQLite database.
pub type Db = orm_core::Db<Sqlite>;
/// A transaction on a SQLite database.
pub type Transaction<'c> = orm_core::Transaction<'c, Sqlite>;
