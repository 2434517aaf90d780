//! The MySQL / MariaDB backend of the ORM: the same models, CRUD, loading
//! and cascade deletes as on SQLite and PostgreSQL, on InnoDB.
//!
//! ```no_run
//! use orm_core::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! #[model(table = "team")]
//! pub struct Team {
//!     #[field(primary_key)]
//!     pub id: Option<i64>,
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
//!     #[field(foreign_key = "team.id", ondelete = "CASCADE")]
//!     pub team_id: Option<i64>,
//!     #[relationship(back_populates = "heroes")]
//!     pub team: BelongsTo<Team>,
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), orm_core::Error> {
//!     let db = orm_mysql::connect("mysql://root@127.0.0.1:3306/test").await?;
//!     db.create_all(&[Team::TABLE, Hero::TABLE]).await?; // InnoDB tables
//!     let team: Team = db.get(3).await?;
//!     let report = db.delete(team).await?; // the heroes first, then the team
//!     println!("{report}");
//!     Ok(())
//! }
//! ```
//!
//! [`connect`] takes a `mysql://` (or `mariadb://`) URL; [`MySqlOptions`]
//! adjusts the pool and foreign-key enforcement. The SQL it writes is
//! MySQL's (see [`MySqlDialect`]): backtick-quoted identifiers, InnoDB
//! tables with a case-sensitive `utf8mb4_bin` collation, indexes declared in
//! `CREATE TABLE`. Where InnoDB falls short of what a schema declares, the
//! ORM keeps the promise when it carries out a delete:
//!
//! * **cascades deeper than InnoDB's 15 levels**: the ORM deletes a
//!   self-referential tree of any depth with set-based statements;
//! * **`ON DELETE SET DEFAULT`**, which InnoDB parses and ignores
//!   (enforcing `RESTRICT`), is left out of the DDL and carried out by the
//!   ORM; with `passive_deletes` it is an error, since the database would
//!   refuse the delete.
//!
//! InnoDB checks `NO ACTION` immediately, like `RESTRICT`, and the ORM
//! follows that rule here. Generated keys are read back with
//! `INSERT ... RETURNING`, which MariaDB (10.5 and later) has and MySQL
//! does not: on MySQL, set keys before inserting. Errors are classified by
//! MySQL's error numbers into the typed [`orm_core::Error`]s
//! (`UniqueViolation`, `NotNullViolation`, `ForeignKeyViolation` naming the
//! table and constraint, `CheckViolation`, the retryable `Deadlock` and
//! `LockTimeout`).

#![deny(missing_docs)]

mod backend;
mod connect;
mod error;

pub use backend::{MySql, MySqlDialect};
pub use connect::{MySqlOptions, connect, connect_with};

/// A pool on a MySQL / MariaDB database.
pub type Db = orm_core::Db<MySql>;
/// A transaction on a MySQL / MariaDB database.
pub type Transaction<'c> = orm_core::Transaction<'c, MySql>;
