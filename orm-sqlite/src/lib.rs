//! The embedded SQLite backend of the ORM: connection options with foreign
//! keys **on** by default, the SQLite dialect, and typed errors.
//!
//! ```
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
//!     // One connection, kept open; foreign keys enforced.
//!     let db = orm_sqlite::connect("sqlite::memory:").await?;
//!     db.create_all(&[Team::TABLE, Hero::TABLE]).await?;
//!
//!     let mut wakaland = Team { id: None, name: "Wakaland".into(), heroes: HasMany::NotLoaded };
//!     db.insert(&mut wakaland).await?; // fills the generated key
//!     let mut heroes: Vec<Hero> = ["Black Lion", "Princess Sure-E"]
//!         .into_iter()
//!         .map(|name| Hero { id: None, name: name.into(), team_id: wakaland.id, team: BelongsTo::NotLoaded })
//!         .collect();
//!     db.insert_many(&mut heroes).await?; // one multi-row INSERT
//!
//!     // Load a relationship explicitly (one query).
//!     db.load(&mut wakaland, Team::HEROES).await?;
//!     assert_eq!(wakaland.heroes.get().map(<[Hero]>::len), Some(2));
//!
//!     // What would deleting the team do? A plan writes nothing.
//!     let plan = db.plan_delete(&wakaland).await?;
//!     assert_eq!((plan.deleted("hero"), plan.deleted("team")), (2, 1));
//!
//!     // Delete it: `DELETE FROM hero ...`, then `DELETE FROM team ...`, in
//!     // one transaction. The model is consumed.
//!     let report = db.delete(wakaland).await?;
//!     println!("{report}");
//!     assert_eq!(Hero::query().count(&db).await?, 0);
//!     Ok(())
//! }
//! ```
//!
//! [`connect`] takes an sqlx SQLite URL (`sqlite::memory:`,
//! `sqlite://file.db`, `sqlite:///absolute/path.db`) and applies the
//! defaults of [`SqliteOptions`]: foreign keys enforced on every connection
//! (SQLite's own default is off), the file created if missing, WAL journal
//! with `synchronous = NORMAL` and a 5 s busy timeout for files, and a pool
//! of one connection kept open for an in-memory database. Change any of them
//! with [`SqliteOptions`] and [`connect_with`]:
//!
//! ```no_run
//! # async fn demo() -> Result<(), orm_core::Error> {
//! use std::time::Duration;
//! use orm_sqlite::SqliteOptions;
//!
//! let options = SqliteOptions::from_url("sqlite://app.db")?
//!     .busy_timeout(Duration::from_secs(30))
//!     .max_connections(8);
//! let db = orm_sqlite::connect_with(options).await?;
//! # drop(db);
//! # Ok(())
//! # }
//! ```
//!
//! [`Db`] and [`Transaction`] are [`orm_core::Db`] and
//! [`orm_core::Transaction`] on the [`Sqlite`] backend; every operation is a
//! method of [`orm_core::Executor`]. SQLite's constraint errors become typed
//! [`orm_core::Error`]s (`UniqueViolation` and `NotNullViolation` with the
//! table and columns, `ForeignKeyViolation`, `CheckViolation`).

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
