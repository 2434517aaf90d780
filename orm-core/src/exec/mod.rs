//! Async execution: connections, transactions and the [`Executor`] trait
//! whose methods are the ORM's whole runtime API.

mod carry;
mod crud;
mod delete;
mod dry_run;
mod limits;
mod load;
pub(crate) mod run;
mod spill;
mod verify;

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::pool::PoolConnection;

use crate::Model;
use crate::backend::{Backend, Connection};
use crate::delete::DeleteReport;
use crate::error::{Error, Result, TimeoutKind};
use crate::query::{Filter, Query};
use crate::registry::Schema;
use crate::relation::{ManyToMany, ParentSide, Rel};
use crate::schema::TableDef;
use crate::sql::Statement;
use crate::value::{KeyValue, Value};

pub(crate) use crud::check_names;
pub use crud::{SchemaReport, UnmanagedForeignKey, unmanaged_foreign_keys};
pub use limits::current_statement_timeout;
pub use load::{Filtered, LoadOuter, LoadRelation, Then};
pub use run::SQL_TARGET;
pub use verify::{ActionClause, Difference, DifferenceKind, Fix, VerifyReport};

/// A connection pool: the entry point. Cheap to clone.
///
/// Every operation is a method of [`Executor`], implemented for `&Db` (each
/// call takes a pooled connection) and `&mut Transaction` (calls share the
/// transaction).
pub struct Db<B: Backend> {
    pool: sqlx::Pool<B::Database>,
    statement_timeout: Option<Duration>,
    schema: Option<Arc<Schema>>,
    /// The foreign keys deletes on this pool found in the catalog.
    foreign_keys: Arc<carry::ForeignKeyCache>,
}

impl<B: Backend> Clone for Db<B> {
    fn clone(&self) -> Self {
        Db {
            pool: self.pool.clone(),
            statement_timeout: self.statement_timeout,
            schema: self.schema.clone(),
            foreign_keys: self.foreign_keys.clone(),
        }
    }
}

impl<B: Backend> std::fmt::Debug for Db<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &B::DIALECT.name())
            .field("size", &self.pool.size())
            .field("statement_timeout", &self.statement_timeout)
            .field(
                "schema",
                &self
                    .schema
                    .as_ref()
                    .map(|s| s.tables().iter().map(|t| t.name).collect::<Vec<_>>()),
            )
            .finish()
    }
}

impl<B: Backend> Db<B> {
    /// Wraps a sqlx pool (backends provide `connect` functions that set it up).
    pub fn from_pool(pool: sqlx::Pool<B::Database>) -> Self {
        Db {
            pool,
            statement_timeout: None,
            schema: None,
            foreign_keys: Arc::default(),
        }
    }

    /// Bounds every round trip of every operation on this pool (each
    /// statement, `BEGIN`, `COMMIT`, `ROLLBACK`, savepoint) by `timeout`, on
    /// the client: when the database does not answer in time, the operation
    /// fails with [`Error::Timeout`] ([`TimeoutKind::Statement`]) instead of
    /// waiting, even when the server stopped answering altogether. The
    /// connection is then not reused as it is (a pooled one is closed, see
    /// [`Backend::CLOSE_AFTER_TIMEOUT`]; a [`Transaction`] refuses every
    /// later statement). Transactions begun on this pool inherit it.
    ///
    /// The backends' `statement_timeout` options set this, and the
    /// server's own statement timeout where there is one.
    pub fn with_statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// Attaches the application's [`Schema`] registry: every delete on this
    /// pool, and in the transactions begun on it, then applies every
    /// foreign key into the tables it deletes from, with the action
    /// declared for it (on the parent's relationship, on the child's
    /// `BelongsTo`, or on the foreign key alone; `NO ACTION` when none), so
    /// that the ORM's end state is the database's even where foreign keys
    /// are not enforced. Without it, a delete follows the relationships
    /// declared on the parent side only. An operation on a model outside
    /// the schema fails with [`Error::NotInSchema`].
    ///
    /// This is the recommended way to delete: build the schema once at
    /// start-up, from every model.
    ///
    /// ```ignore
    /// let schema = Schema::new(&[Team::TABLE, Hero::TABLE, Audit::TABLE])?;
    /// db.create_all(schema.tables()).await?;
    /// let db = db.with_schema(schema);
    /// ```
    pub fn with_schema(mut self, schema: impl Into<Arc<Schema>>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// The schema attached with [`with_schema`](Db::with_schema).
    pub fn schema(&self) -> Option<&Schema> {
        self.schema.as_deref()
    }

    /// The bound set by [`with_statement_timeout`](Db::with_statement_timeout).
    pub fn statement_timeout(&self) -> Option<Duration> {
        self.statement_timeout
    }

    /// The underlying sqlx pool, for raw sqlx queries.
    pub fn pool(&self) -> &sqlx::Pool<B::Database> {
        &self.pool
    }

    /// Starts a transaction. It rolls back when dropped without
    /// [`commit`](Transaction::commit).
    pub async fn begin(&self) -> Result<Transaction<'static, B>> {
        let conn = acquire::<B>(&self.pool).await?;
        // `Pool::begin` without its acquire, so that only the BEGIN counts
        // against the statement timeout.
        let mut begin = sqlx::Transaction::begin(conn, None);
        let inner = match self.statement_timeout {
            None => begin.await.map_err(B::map_error)?,
            Some(bound) => match tokio::time::timeout(bound, &mut begin).await {
                Ok(inner) => inner.map_err(B::map_error)?,
                Err(_) => {
                    // Dropped now, the connection would go back to the pool
                    // with its BEGIN perhaps still to be answered, and then
                    // run the next user's statements in that transaction.
                    // Let the BEGIN finish instead: the transaction it opens
                    // is dropped, so rolled back, and the connection goes
                    // back clean (or is closed if it breaks).
                    tokio::spawn(async move { drop(begin.await) });
                    return Err(limits::statement_timeout(bound));
                }
            },
        };
        Ok(Transaction {
            inner,
            statement_timeout: self.statement_timeout,
            timed_out: Arc::default(),
            schema: self.schema.clone(),
            foreign_keys: self.foreign_keys.clone(),
        })
    }

    /// The DDL [`create_all`](Executor::create_all) runs for these tables, as
    /// text in this backend's dialect — ready to paste into a migration.
    /// [`Error::InvalidSchema`](crate::Error::InvalidSchema) when a column
    /// cannot be stored as declared on this database.
    pub fn ddl(&self, tables: &[&'static TableDef]) -> Result<Vec<String>> {
        crud::check_columns(B::DIALECT, tables)?;
        Ok(crate::sql::ddl_for(B::DIALECT, tables))
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A database transaction (or, inside another, a savepoint).
///
/// Dropping it without [`commit`](Transaction::commit) rolls it back.
///
/// With a statement timeout ([`Db::with_statement_timeout`]), a round trip
/// of the transaction that runs out of time leaves it unusable: its outcome
/// is unknown, so every later statement, nested transaction and
/// [`commit`](Transaction::commit) (of it, and of the transactions it is
/// nested in) fails with the same [`Error::Timeout`] without sending
/// anything; dropping it (or [`rollback`](Transaction::rollback)) rolls it
/// back.
pub struct Transaction<'c, B: Backend> {
    inner: sqlx::Transaction<'c, B::Database>,
    statement_timeout: Option<Duration>,
    /// The bound, once a round trip of this transaction (or of one nested
    /// in it) ran out of time. Shared with the nested transactions.
    timed_out: Arc<OnceLock<Duration>>,
    /// The registry of the pool the transaction was begun on.
    schema: Option<Arc<Schema>>,
    /// The foreign keys found in the catalog, the pool's.
    foreign_keys: Arc<carry::ForeignKeyCache>,
}

impl<B: Backend> std::fmt::Debug for Transaction<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").finish_non_exhaustive()
    }
}

impl<'c, B: Backend> Transaction<'c, B> {
    /// Commits. After a statement timeout in this transaction, commits
    /// nothing and fails with that [`Error::Timeout`] again (the
    /// transaction is rolled back).
    pub async fn commit(self) -> Result<()> {
        self.check()?;
        tracing::debug!(target: "orm::sql", "COMMIT");
        let timed_out = self.timed_out.clone();
        let result = limits::bounded_by(self.statement_timeout, async move {
            self.inner.commit().await.map_err(B::map_error)
        })
        .await;
        record_timeout(&result, &timed_out);
        result
    }

    /// Rolls back. After a statement timeout in this transaction, the
    /// rollback is queued on the connection (sent before anything else)
    /// instead of waited for.
    pub async fn rollback(self) -> Result<()> {
        if self.check().is_err() {
            // Dropping the sqlx transaction queues its rollback.
            return Ok(());
        }
        tracing::debug!(target: "orm::sql", "ROLLBACK");
        let timed_out = self.timed_out.clone();
        let result = limits::bounded_by(self.statement_timeout, async move {
            self.inner.rollback().await.map_err(B::map_error)
        })
        .await;
        record_timeout(&result, &timed_out);
        result
    }

    /// Starts a nested transaction (a savepoint) inside this one.
    pub async fn begin(&mut self) -> Result<Transaction<'_, B>> {
        self.check()?;
        let timed_out = &self.timed_out;
        let result = limits::bounded_by(self.statement_timeout, async {
            sqlx::Connection::begin(&mut *self.inner)
                .await
                .map_err(B::map_error)
        })
        .await;
        record_timeout(&result, timed_out);
        Ok(Transaction {
            inner: result?,
            statement_timeout: self.statement_timeout,
            timed_out: timed_out.clone(),
            schema: self.schema.clone(),
            foreign_keys: self.foreign_keys.clone(),
        })
    }

    /// [`Error::Timeout`] once a round trip of this transaction ran out of time.
    fn check(&self) -> Result<()> {
        match self.timed_out.get() {
            Some(&bound) => Err(limits::statement_timeout(bound)),
            None => Ok(()),
        }
    }

    /// The underlying sqlx transaction, for raw sqlx queries.
    pub fn as_sqlx(&mut self) -> &mut sqlx::Transaction<'c, B::Database> {
        &mut self.inner
    }
}

/// Records a client-side statement timeout of a transaction's own round trip.
fn record_timeout<T>(result: &Result<T>, timed_out: &OnceLock<Duration>) {
    if let Err(Error::Timeout {
        what: TimeoutKind::Statement,
        after: Some(bound),
    }) = result
    {
        let _ = timed_out.set(*bound);
    }
}

/// A connection from the pool, [`Error::Timeout`] ([`TimeoutKind::Acquire`])
/// when the pool's acquire timeout runs out.
async fn acquire<B: Backend>(
    pool: &sqlx::Pool<B::Database>,
) -> Result<PoolConnection<B::Database>> {
    pool.acquire().await.map_err(|error| match error {
        sqlx::Error::PoolTimedOut => Error::Timeout {
            what: TimeoutKind::Acquire,
            after: Some(pool.options().get_acquire_timeout()),
        },
        error => B::map_error(error),
    })
}

/// A connection an operation runs on: taken from the pool, or borrowed from
/// a transaction, with the statement timeout its round trips are bounded by.
#[doc(hidden)]
pub struct ConnRef<'e, B: Backend> {
    conn: Conn<'e, B>,
    statement_timeout: Option<Duration>,
    schema: Option<Arc<Schema>>,
    foreign_keys: Arc<carry::ForeignKeyCache>,
}

enum Conn<'e, B: Backend> {
    Pooled(PoolConnection<B::Database>),
    /// A transaction's connection, and where the transaction records that a
    /// round trip ran out of time.
    Borrowed(&'e mut Connection<B>, &'e OnceLock<Duration>),
}

impl<B: Backend> ConnRef<'_, B> {
    /// A round trip on this connection ran out of time, so its state is
    /// unknown (an answer may still come): a pooled connection is closed
    /// rather than returned to the pool (where the backend asks for it,
    /// [`Backend::CLOSE_AFTER_TIMEOUT`]); a transaction is marked unusable.
    fn abandon(&mut self) {
        let Some(bound) = self.statement_timeout else {
            return;
        };
        match &mut self.conn {
            Conn::Pooled(conn) => {
                if B::CLOSE_AFTER_TIMEOUT {
                    conn.close_on_drop();
                }
            }
            Conn::Borrowed(_, timed_out) => {
                let _ = timed_out.set(bound);
            }
        }
    }
}

impl<B: Backend> Deref for ConnRef<'_, B> {
    type Target = Connection<B>;
    fn deref(&self) -> &Connection<B> {
        match &self.conn {
            Conn::Pooled(c) => c,
            Conn::Borrowed(c, _) => c,
        }
    }
}

impl<B: Backend> DerefMut for ConnRef<'_, B> {
    fn deref_mut(&mut self) -> &mut Connection<B> {
        match &mut self.conn {
            Conn::Pooled(c) => c,
            Conn::Borrowed(c, _) => c,
        }
    }
}

/// Runs `$op` on the executor's connection (`$conn`), every round trip of
/// it bounded by the statement timeout; after one ran out of time, the
/// connection is abandoned ([`ConnRef::abandon`]).
macro_rules! on_connection {
    ($executor:expr, |$conn:ident| $op:expr) => {{
        let mut $conn = $executor.connection().await?;
        let bound = $conn.statement_timeout;
        let foreign_keys = $conn.foreign_keys.clone();
        let (result, timed_out) = limits::scope(bound, foreign_keys, async { $op }).await;
        if timed_out {
            $conn.abandon();
        }
        result
    }};
}

/// Where statements run: `&Db` or `&mut Transaction`. Every ORM operation is
/// a method of this trait, so the same code works on both.
///
/// ```ignore
/// db.insert(&mut hero).await?;              // on the pool
/// let mut tx = db.begin().await?;
/// tx.insert(&mut other).await?;             // in the transaction
/// tx.commit().await?;
/// ```
pub trait Executor<'e, B: Backend>: Send + Sized {
    /// The connection to run on.
    #[doc(hidden)]
    fn connection(self) -> impl Future<Output = Result<ConnRef<'e, B>>> + Send;

    /// Inserts `model`, filling its generated primary key.
    fn insert<M: Model>(self, model: &mut M) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                crud::insert_many::<B, M>(&mut conn, std::slice::from_mut(model)).await
            })
        }
    }

    /// Inserts many rows with one multi-row `INSERT` per chunk (as many rows
    /// as the bind-parameter limit allows), filling generated keys. Runs in
    /// one transaction: all rows or none.
    fn insert_many<M: Model>(self, models: &mut [M]) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                let mut tx = run::begin::<B>(&mut conn).await?;
                crud::insert_many::<B, M>(&mut tx, models).await?;
                run::commit::<B>(tx).await
            })
        }
    }

    /// The row with this primary key, or `None`. The key has the model's
    /// key type ([`Model::Key`]): `db.find::<Team>(3)`, `db.find::<User>(uuid)`.
    fn find<M: Model>(
        self,
        key: impl Into<M::Key> + Send,
    ) -> impl Future<Output = Result<Option<M>>> + Send {
        async move {
            let key = KeyValue::key_values(&key.into());
            on_connection!(self, |conn| crud::find::<B, M>(&mut conn, key).await)
        }
    }

    /// The row with this primary key, or [`Error::NotFound`](crate::Error::NotFound).
    /// The key has the model's key type ([`Model::Key`]), so
    /// `db.get::<Team>("three")` does not compile.
    fn get<M: Model>(
        self,
        key: impl Into<M::Key> + Send,
    ) -> impl Future<Output = Result<M>> + Send {
        async move {
            let key = KeyValue::key_values(&key.into());
            on_connection!(self, |conn| {
                match crud::find::<B, M>(&mut conn, key.clone()).await? {
                    Some(model) => Ok(model),
                    None => Err(crud::not_found(M::TABLE, &key)),
                }
            })
        }
    }

    /// Writes every column of `model` to its row (by primary key);
    /// [`Error::NotFound`](crate::Error::NotFound) when the row is gone.
    fn update<M: Model>(self, model: &M) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                crud::update::<B, M>(&mut conn, model).await
            })
        }
    }

    /// Every row matching `query`.
    fn fetch_all<M: Model, W>(
        self,
        query: &Query<M, W>,
    ) -> impl Future<Output = Result<Vec<M>>> + Send {
        async move {
            on_connection!(self, |conn| {
                crud::fetch_all::<B, M, W>(&mut conn, query).await
            })
        }
    }

    /// How many rows match `query`'s filter.
    fn count<M: Model, W>(self, query: &Query<M, W>) -> impl Future<Output = Result<u64>> + Send {
        async move {
            on_connection!(self, |conn| {
                crud::count::<B, M, W>(&mut conn, query).await
            })
        }
    }

    /// Deletes `model`'s row and applies every relationship's delete action
    /// (SPEC §3), all in one transaction. Takes the model by value: a deleted
    /// row cannot be used by accident afterwards.
    ///
    /// On a model with `#[model(soft_delete = "...")]` it is a soft delete:
    /// the row and every row of a soft-delete model its cascades reach are
    /// stamped, not deleted (see [`restore`](Executor::restore) and
    /// [`purge`](Executor::purge); the book's *Soft delete* chapter).
    fn delete<M: Model>(self, model: M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_model::<B, M>(&mut conn, schema.as_deref(), &model, false).await
            })
        }
    }

    /// What [`delete`](Executor::delete) would do, without writing a row: a
    /// dry run for an "are you sure?" screen.
    ///
    /// The report counts, per table, the rows the delete would delete, set
    /// to `NULL` or to their default, each computed with a `SELECT` over the
    /// rows the delete's statement would write (a row two statements reach
    /// counts once, as the delete would); it lists the statements the delete
    /// would send; and, in [`database_effects`](DeleteReport::database_effects),
    /// it counts what the database's own `ON DELETE` actions will do for
    /// `passive_deletes` relationships, all the way down. A `RESTRICT` /
    /// `NO ACTION` that would refuse the delete fails the plan with the same
    /// [`Error::Restricted`](crate::Error::Restricted).
    ///
    /// Nothing is written and no row is locked: the counts are read in one
    /// transaction (a consistent snapshot where the database gives one), and
    /// the only writes are to temporary tables (the keys of self-referential
    /// trees and cycles, and of rows already counted in a table reached
    /// twice), dropped before it ends. The delete, run later, sees the
    /// database as it is then.
    fn plan_delete<M: Model>(self, model: &M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_model::<B, M>(&mut conn, schema.as_deref(), model, true).await
            })
        }
    }

    /// Deletes every row matching `filter`, cascading exactly as deleting
    /// each row would. The matching keys are read (and locked, where the
    /// database has row locks) first, so that the cascade's own writes
    /// cannot change which rows the filter selects; on PostgreSQL, where
    /// the database carries every action below those rows alike (see the
    /// book's *Choosing ORM or database execution*), the delete is one
    /// `DELETE` that takes the filter itself instead.
    fn delete_where<M: Model>(
        self,
        filter: Filter<M>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_where::<B, M>(
                    &mut conn,
                    schema.as_deref(),
                    filter.expr,
                    false,
                    delete::How::Delete,
                )
                .await
            })
        }
    }

    /// What [`delete_where`](Executor::delete_where) would do, without writing
    /// or locking a row: a dry run, as [`plan_delete`](Executor::plan_delete).
    fn plan_delete_where<M: Model>(
        self,
        filter: Filter<M>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_where::<B, M>(
                    &mut conn,
                    schema.as_deref(),
                    filter.expr,
                    true,
                    delete::How::Delete,
                )
                .await
            })
        }
    }

    /// Deletes the rows of `table` with these primary keys, cascading like
    /// [`delete`](Executor::delete) — the untyped form, for metadata built at
    /// run time (`&'static TableDef` with relationships). Keys that match no
    /// row are skipped. For a composite key, `keys` holds each key's column
    /// values in key order, key after key.
    fn delete_rows(
        self,
        table: &'static TableDef,
        keys: Vec<Value>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_keys::<B>(&mut conn, schema.as_deref(), table, keys, false).await
            })
        }
    }

    /// Deletes `model`'s row for real, with every cascade, whether or not it
    /// (or any row below it) was soft-deleted: [`delete`](Executor::delete)
    /// as if no model had a `soft_delete` column. For a model without one
    /// it is `delete`.
    fn purge<M: Model>(self, model: M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::model_root::<B, M>(
                    &mut conn,
                    schema.as_deref(),
                    &model,
                    false,
                    delete::How::Purge,
                )
                .await
            })
        }
    }

    /// Deletes for real every row matching `filter` (soft-deleted or not),
    /// cascading like [`purge`](Executor::purge): e.g. the rows
    /// soft-deleted before some date.
    fn purge_where<M: Model>(
        self,
        filter: Filter<M>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_where::<B, M>(
                    &mut conn,
                    schema.as_deref(),
                    filter.expr,
                    false,
                    delete::How::Purge,
                )
                .await
            })
        }
    }

    /// Undoes the soft delete that marked `model`'s row (read it with
    /// [`Query::with_deleted`](crate::Query::with_deleted)): clears the
    /// mark on the row and on every row that same soft delete marked through
    /// cascades, and on no other — rows an earlier soft delete marked stay
    /// deleted. What it cannot undo stays done: rows deleted for real
    /// (`on_soft_delete = "delete"`) and foreign keys set to `NULL`.
    /// [`Error::NotFound`](crate::Error::NotFound) when the row is gone or
    /// not soft-deleted.
    fn restore<M: Model>(self, model: &M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::model_root::<B, M>(
                    &mut conn,
                    schema.as_deref(),
                    model,
                    false,
                    delete::How::Restore,
                )
                .await
            })
        }
    }

    /// [`restore`](Executor::restore) for the row of `table` with this
    /// primary key (its key columns' values): the untyped form, for
    /// metadata built at run time.
    fn restore_row(
        self,
        table: &'static TableDef,
        key: Vec<Value>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::restore_key::<B>(&mut conn, schema.as_deref(), table, key).await
            })
        }
    }

    /// What [`delete_rows`](Executor::delete_rows) would do, without writing
    /// or locking a row: a dry run, as [`plan_delete`](Executor::plan_delete).
    fn plan_delete_rows(
        self,
        table: &'static TableDef,
        keys: Vec<Value>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::delete_keys::<B>(&mut conn, schema.as_deref(), table, keys, true).await
            })
        }
    }

    /// Detaches every child of `parent` in `relation`, a [`HasMany`](crate::HasMany) or
    /// [`HasOne`](crate::HasOne) field, and marks the field loaded and empty
    /// (SQLAlchemy's `team.heroes.clear()` and a commit). What happens to the
    /// children depends on the relationship:
    ///
    /// * **With `cascade_delete`**, the children are *deleted* (SQLAlchemy's
    ///   `cascade="all, delete-orphan"`, which SQLModel's `cascade_delete`
    ///   is): a child without its parent has no reason to exist. They go
    ///   through the delete planner like [`delete_where`](Executor::delete_where),
    ///   so their own relationships' delete actions run too, all in one
    ///   transaction (a savepoint inside yours).
    /// * **Otherwise**, their foreign key is set to `NULL` with one `UPDATE`
    ///   and they are kept: the step before deleting a parent whose children
    ///   a `RESTRICT` foreign key protects. A foreign key that is not an
    ///   `Option` cannot be `NULL`: that fails with [`Error::CannotDetach`]
    ///   before anything is sent.
    ///
    /// Returns how many children were detached: the rows deleted from the
    /// child table (with a self-referential child table, the deleted
    /// children's descendants there count too), or the rows set to `NULL`.
    /// A `parent` without a key is [`Error::MissingPrimaryKey`].
    fn detach<P: Model, R: ParentSide>(
        self,
        parent: &mut P,
        relation: Rel<P, R>,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                delete::detach::<B, P, R>(&mut conn, schema.as_deref(), parent, relation).await
            })
        }
    }

    /// Links `owner` and `target` in a `ManyToMany` relationship: inserts
    /// the link row (its two foreign keys; other columns of the link model
    /// take their defaults). A link already there is refused by the link
    /// table's key ([`Error::UniqueViolation`](crate::Error::UniqueViolation)).
    /// Both rows need their keys.
    fn link<P: Model, T: Model>(
        self,
        owner: &P,
        relation: Rel<P, ManyToMany<T>>,
        target: &T,
    ) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                crud::link::<B, P, T>(&mut conn, owner, relation, target).await
            })
        }
    }

    /// Unlinks `owner` and `target` in a `ManyToMany` relationship: deletes
    /// their link row with one `DELETE`. Returns how many link rows went
    /// (0 when they were not linked). Neither side is deleted. When foreign
    /// keys reference the link table (in the [`Schema`], or through a
    /// relationship on the link model: a composite foreign key to a link
    /// row, say), the link row is deleted through the delete planner, in a
    /// transaction, so that each of them applies.
    fn unlink<P: Model, T: Model>(
        self,
        owner: &P,
        relation: Rel<P, ManyToMany<T>>,
        target: &T,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                crud::unlink::<B, P, T>(&mut conn, schema.as_deref(), owner, relation, target).await
            })
        }
    }

    /// Loads one relationship of one model (one query; a nested load, one
    /// per step). `relation` is any [`LoadRelation`]: a relationship handle
    /// (`Team::HEROES`), a filtered one (`Post::COMMENTS.filtered(query)`),
    /// or a chain (`Post::COMMENTS.then(Comment::AUTHOR)`).
    fn load<M: Model, L: LoadRelation<M>>(
        self,
        model: &mut M,
        relation: L,
    ) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                relation
                    .load_into::<B>(&mut conn, std::slice::from_mut(model))
                    .await
            })
        }
    }

    /// Loads one relationship for many models with one query per chunk of
    /// keys (no N+1); a nested load (`Post::COMMENTS.then(Comment::AUTHOR)`)
    /// with one query per step per chunk of keys, the inner step run on
    /// every row the outer one loaded at once. See [`LoadRelation`].
    fn load_many<M: Model, L: LoadRelation<M>>(
        self,
        models: &mut [M],
        relation: L,
    ) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                relation.load_into::<B>(&mut conn, models).await
            })
        }
    }

    /// Creates the tables (and their indexes) that do not exist yet, in
    /// foreign-key order. Idempotent. The report lists the foreign keys a
    /// delete would leave to the database
    /// ([`SchemaReport::unmanaged_foreign_keys`]): none when the executor
    /// has a [`Schema`] holding every table (see [`Db::with_schema`]).
    fn create_all(
        self,
        tables: &[&'static TableDef],
    ) -> impl Future<Output = Result<SchemaReport>> + Send {
        async move {
            on_connection!(self, |conn| {
                let schema = conn.schema.clone();
                crud::create_all::<B>(&mut conn, schema.as_deref(), tables).await
            })
        }
    }

    /// Compares the live database with the models of `schema`, reading only
    /// the database's catalog (it changes nothing): every table and column,
    /// each column's nullability, each foreign key, its target and its
    /// `ON DELETE` / `ON UPDATE` action (as the DDL would declare it, see
    /// [`DifferenceKind::ForeignKeyAction`]), the index on every
    /// foreign-key and `index` column, the unique index of every `unique`
    /// column, and whether this connection enforces foreign keys. The
    /// report names each difference (table, column, declared and live) and
    /// gives the DDL that fixes what DDL can fix ([`VerifyReport::fixes`]).
    ///
    /// Run it at start-up, before relying on the database's `ON DELETE`
    /// (`passive_deletes`): a database migrated by hand may not do what the
    /// models declare.
    ///
    /// ```ignore
    /// let report = db.verify(&schema).await?;
    /// if !report.is_clean() {
    ///     panic!("the database is not what the models declare:\n{report}");
    /// }
    /// ```
    fn verify(self, schema: &Schema) -> impl Future<Output = Result<VerifyReport>> + Send {
        async move { on_connection!(self, |conn| verify::verify::<B>(&mut conn, schema).await) }
    }

    /// Drops the tables if they exist, dependents first (for tests and
    /// examples that start from empty tables).
    fn drop_all(self, tables: &[&'static TableDef]) -> impl Future<Output = Result<()>> + Send {
        async move {
            on_connection!(self, |conn| {
                for sql in crate::sql::drop_tables(B::DIALECT, tables) {
                    run::execute::<B>(&mut conn, Statement::text(sql)).await?;
                }
                Ok(())
            })
        }
    }

    /// Runs SQL text with bound parameters (for DDL or statements the ORM
    /// does not build). Returns the rows changed. Logged like every statement.
    fn execute_sql(
        self,
        sql: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            on_connection!(self, |conn| {
                let statement = Statement {
                    sql: sql.to_owned(),
                    params,
                };
                run::execute::<B>(&mut conn, statement).await
            })
        }
    }

    /// Runs a raw query and decodes every row into `M`, reading the model's
    /// columns **by name** (as sqlx's `query_as` does), so `SELECT *`, a
    /// join or a CTE works as long as it returns a column named like each
    /// of the model's. Parameters are bound in the dialect's placeholder
    /// syntax (`?` on SQLite, `$1` on PostgreSQL). SeaORM's `from_raw_sql`.
    ///
    /// ```ignore
    /// let old: Vec<Hero> = db
    ///     .fetch_sql("SELECT * FROM hero WHERE age > ? ORDER BY age", vec![40.into()])
    ///     .await?;
    /// ```
    fn fetch_sql<M: Model>(
        self,
        sql: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = Result<Vec<M>>> + Send {
        async move {
            on_connection!(self, |conn| {
                let statement = Statement {
                    sql: sql.to_owned(),
                    params,
                };
                crud::fetch_sql::<B, M>(&mut conn, statement).await
            })
        }
    }
}

impl<'e, B: Backend> Executor<'e, B> for &'e Db<B> {
    async fn connection(self) -> Result<ConnRef<'e, B>> {
        let conn = acquire::<B>(&self.pool).await?;
        Ok(ConnRef {
            conn: Conn::Pooled(conn),
            statement_timeout: self.statement_timeout,
            schema: self.schema.clone(),
            foreign_keys: self.foreign_keys.clone(),
        })
    }
}

impl<'e, 'c: 'e, B: Backend> Executor<'e, B> for &'e mut Transaction<'c, B> {
    async fn connection(self) -> Result<ConnRef<'e, B>> {
        self.check()?;
        let Transaction {
            inner,
            statement_timeout,
            timed_out,
            schema,
            foreign_keys,
        } = self;
        Ok(ConnRef {
            conn: Conn::Borrowed(&mut **inner, timed_out),
            statement_timeout: *statement_timeout,
            schema: schema.clone(),
            foreign_keys: foreign_keys.clone(),
        })
    }
}
