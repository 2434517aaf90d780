//! Async execution: connections, transactions and the [`Executor`] trait
//! whose methods are the ORM's whole runtime API.

mod crud;
mod delete;
mod load;
pub(crate) mod run;

use std::future::Future;
use std::ops::{Deref, DerefMut};

use sqlx::pool::PoolConnection;

use crate::backend::{Backend, Connection};
use crate::delete::DeleteReport;
use crate::error::Result;
use crate::query::{Filter, Query};
use crate::relation::Rel;
use crate::schema::TableDef;
use crate::sql::Statement;
use crate::value::{ColumnValue, Value};
use crate::{HasMany, Model};

pub use crud::{SchemaReport, UnmanagedForeignKey, unmanaged_foreign_keys};
pub use load::LoadRelation;
pub use run::SQL_TARGET;

/// A connection pool: the entry point. Cheap to clone.
///
/// Every operation is a method of [`Executor`], implemented for `&Db` (each
/// call takes a pooled connection) and `&mut Transaction` (calls share the
/// transaction).
pub struct Db<B: Backend> {
    pool: sqlx::Pool<B::Database>,
}

impl<B: Backend> Clone for Db<B> {
    fn clone(&self) -> Self {
        Db {
            pool: self.pool.clone(),
        }
    }
}

impl<B: Backend> std::fmt::Debug for Db<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("dialect", &B::DIALECT.name())
            .field("size", &self.pool.size())
            .finish()
    }
}

impl<B: Backend> Db<B> {
    /// Wraps a sqlx pool (backends provide `connect` functions that set it up).
    pub fn from_pool(pool: sqlx::Pool<B::Database>) -> Self {
        Db { pool }
    }

    /// The underlying sqlx pool, for raw sqlx queries.
    pub fn pool(&self) -> &sqlx::Pool<B::Database> {
        &self.pool
    }

    /// Starts a transaction. It rolls back when dropped without
    /// [`commit`](Transaction::commit).
    pub async fn begin(&self) -> Result<Transaction<'static, B>> {
        let inner = self.pool.begin().await.map_err(B::map_error)?;
        Ok(Transaction { inner })
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
pub struct Transaction<'c, B: Backend> {
    inner: sqlx::Transaction<'c, B::Database>,
}

impl<B: Backend> std::fmt::Debug for Transaction<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction").finish_non_exhaustive()
    }
}

impl<'c, B: Backend> Transaction<'c, B> {
    /// Commits.
    pub async fn commit(self) -> Result<()> {
        tracing::debug!(target: "orm::sql", "COMMIT");
        self.inner.commit().await.map_err(B::map_error)
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<()> {
        tracing::debug!(target: "orm::sql", "ROLLBACK");
        self.inner.rollback().await.map_err(B::map_error)
    }

    /// Starts a nested transaction (a savepoint) inside this one.
    pub async fn begin(&mut self) -> Result<Transaction<'_, B>> {
        let inner = sqlx::Connection::begin(&mut *self.inner)
            .await
            .map_err(B::map_error)?;
        Ok(Transaction { inner })
    }

    /// The underlying sqlx transaction, for raw sqlx queries.
    pub fn as_sqlx(&mut self) -> &mut sqlx::Transaction<'c, B::Database> {
        &mut self.inner
    }
}

/// A connection an operation runs on: taken from the pool, or borrowed from
/// a transaction.
#[doc(hidden)]
pub enum ConnRef<'e, B: Backend> {
    Pooled(PoolConnection<B::Database>),
    Borrowed(&'e mut Connection<B>),
}

impl<B: Backend> Deref for ConnRef<'_, B> {
    type Target = Connection<B>;
    fn deref(&self) -> &Connection<B> {
        match self {
            ConnRef::Pooled(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
}

impl<B: Backend> DerefMut for ConnRef<'_, B> {
    fn deref_mut(&mut self) -> &mut Connection<B> {
        match self {
            ConnRef::Pooled(c) => c,
            ConnRef::Borrowed(c) => c,
        }
    }
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
            let mut conn = self.connection().await?;
            crud::insert_many::<B, M>(&mut conn, std::slice::from_mut(model)).await
        }
    }

    /// Inserts many rows with one multi-row `INSERT` per chunk (as many rows
    /// as the bind-parameter limit allows), filling generated keys. Runs in
    /// one transaction: all rows or none.
    fn insert_many<M: Model>(self, models: &mut [M]) -> impl Future<Output = Result<()>> + Send {
        async move {
            let mut conn = self.connection().await?;
            let mut tx = sqlx::Connection::begin(&mut *conn)
                .await
                .map_err(B::map_error)?;
            crud::insert_many::<B, M>(&mut tx, models).await?;
            tx.commit().await.map_err(B::map_error)
        }
    }

    /// The row with this primary key, or `None`. The key has the model's
    /// key type ([`Model::Key`]): `db.find::<Team>(3)`, `db.find::<User>(uuid)`.
    fn find<M: Model>(
        self,
        key: impl Into<M::Key> + Send,
    ) -> impl Future<Output = Result<Option<M>>> + Send {
        async move {
            let key = ColumnValue::to_value(&key.into());
            let mut conn = self.connection().await?;
            crud::find::<B, M>(&mut conn, key).await
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
            let key = ColumnValue::to_value(&key.into());
            let mut conn = self.connection().await?;
            match crud::find::<B, M>(&mut conn, key.clone()).await? {
                Some(model) => Ok(model),
                None => Err(crud::not_found(M::TABLE, &key)),
            }
        }
    }

    /// Writes every column of `model` to its row (by primary key);
    /// [`Error::NotFound`](crate::Error::NotFound) when the row is gone.
    fn update<M: Model>(self, model: &M) -> impl Future<Output = Result<()>> + Send {
        async move {
            let mut conn = self.connection().await?;
            crud::update::<B, M>(&mut conn, model).await
        }
    }

    /// Every row matching `query`.
    fn fetch_all<M: Model, W>(
        self,
        query: &Query<M, W>,
    ) -> impl Future<Output = Result<Vec<M>>> + Send {
        async move {
            let mut conn = self.connection().await?;
            crud::fetch_all::<B, M, W>(&mut conn, query).await
        }
    }

    /// How many rows match `query`'s filter.
    fn count<M: Model, W>(self, query: &Query<M, W>) -> impl Future<Output = Result<u64>> + Send {
        async move {
            let mut conn = self.connection().await?;
            crud::count::<B, M, W>(&mut conn, query).await
        }
    }

    /// Deletes `model`'s row and applies every relationship's delete action
    /// (SPEC §3), all in one transaction. Takes the model by value: a deleted
    /// row cannot be used by accident afterwards.
    fn delete<M: Model>(self, model: M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::delete_model::<B, M>(&mut conn, &model, false).await
        }
    }

    /// What [`delete`](Executor::delete) would do: the same report and SQL,
    /// computed in a transaction that is always rolled back.
    fn plan_delete<M: Model>(self, model: &M) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::delete_model::<B, M>(&mut conn, model, true).await
        }
    }

    /// Deletes every row matching `filter`, cascading exactly as deleting
    /// each row would.
    fn delete_where<M: Model>(
        self,
        filter: Filter<M>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::delete_where::<B, M>(&mut conn, filter.expr, false).await
        }
    }

    /// What [`delete_where`](Executor::delete_where) would do, without writing.
    fn plan_delete_where<M: Model>(
        self,
        filter: Filter<M>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::delete_where::<B, M>(&mut conn, filter.expr, true).await
        }
    }

    /// Deletes the rows of `table` with these primary keys, cascading like
    /// [`delete`](Executor::delete) — the untyped form, for metadata built at
    /// run time (`&'static TableDef` with relationships). Keys that match no
    /// row are skipped.
    fn delete_rows(
        self,
        table: &'static TableDef,
        keys: Vec<Value>,
    ) -> impl Future<Output = Result<DeleteReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::delete_keys::<B>(&mut conn, table, keys, false).await
        }
    }

    /// Detaches every child of `parent` in `relation`: sets their foreign key
    /// to `NULL` with one `UPDATE` (the step before deleting a parent whose
    /// children are protected by `RESTRICT`). Returns how many rows changed;
    /// the relationship field becomes loaded and empty.
    fn detach<P: Model, C: Model>(
        self,
        parent: &mut P,
        relation: Rel<P, HasMany<C>>,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            let mut conn = self.connection().await?;
            delete::detach::<B, P, C>(&mut conn, parent, relation).await
        }
    }

    /// Loads one relationship of one model (one query).
    fn load<M: Model, R>(
        self,
        model: &mut M,
        relation: Rel<M, R>,
    ) -> impl Future<Output = Result<()>> + Send
    where
        Rel<M, R>: LoadRelation<M>,
    {
        async move {
            let mut conn = self.connection().await?;
            relation
                .load_into::<B>(&mut conn, std::slice::from_mut(model))
                .await
        }
    }

    /// Loads one relationship for many models with one query per chunk of
    /// keys (no N+1).
    fn load_many<M: Model, R>(
        self,
        models: &mut [M],
        relation: Rel<M, R>,
    ) -> impl Future<Output = Result<()>> + Send
    where
        Rel<M, R>: LoadRelation<M>,
    {
        async move {
            let mut conn = self.connection().await?;
            relation.load_into::<B>(&mut conn, models).await
        }
    }

    /// Creates the tables (and their indexes) that do not exist yet, in
    /// foreign-key order. Idempotent.
    fn create_all(
        self,
        tables: &[&'static TableDef],
    ) -> impl Future<Output = Result<SchemaReport>> + Send {
        async move {
            let mut conn = self.connection().await?;
            crud::create_all::<B>(&mut conn, tables).await
        }
    }

    /// Drops the tables if they exist, dependents first (for tests and
    /// examples that start from empty tables).
    fn drop_all(self, tables: &[&'static TableDef]) -> impl Future<Output = Result<()>> + Send {
        async move {
            let mut conn = self.connection().await?;
            for sql in crate::sql::drop_tables(B::DIALECT, tables) {
                run::execute::<B>(&mut conn, Statement::text(sql)).await?;
            }
            Ok(())
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
            let mut conn = self.connection().await?;
            let statement = Statement {
                sql: sql.to_owned(),
                params,
            };
            run::execute::<B>(&mut conn, statement).await
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
            let mut conn = self.connection().await?;
            let statement = Statement {
                sql: sql.to_owned(),
                params,
            };
            crud::fetch_sql::<B, M>(&mut conn, statement).await
        }
    }
}

impl<'e, B: Backend> Executor<'e, B> for &'e Db<B> {
    async fn connection(self) -> Result<ConnRef<'e, B>> {
        let conn = self.pool.acquire().await.map_err(B::map_error)?;
        Ok(ConnRef::Pooled(conn))
    }
}

impl<'e, 'c: 'e, B: Backend> Executor<'e, B> for &'e mut Transaction<'c, B> {
    async fn connection(self) -> Result<ConnRef<'e, B>> {
        Ok(ConnRef::Borrowed(&mut *self.inner))
    }
}
