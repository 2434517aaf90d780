//! Relationship loading: one query per relationship per chunk of keys;
//! filtered and ordered loads ([`Filtered`]) and nested loads ([`Then`]),
//! which load a relationship of every row a previous step loaded, still
//! with one query per step per chunk of keys.

use std::collections::HashMap;
use std::future::Future;

use crate::backend::{Backend, Connection};
use crate::delete::{Through, resolve_relation, resolve_through};
use crate::error::Result;
use crate::model::{Model, RowSource};
use crate::query::{Expr, Query, WholeRelation};
use crate::relation::{BelongsTo, HasMany, HasOne, ManyToMany, Rel, Relationship};
use crate::sql::{COMPOSITE_KEYS_PER_STATEMENT, ColumnRef, Condition, Select, binds_as_array};
use crate::value::{GroupKey, Value};

use super::{run, spill};

/// A relationship loader: fills a relationship field on a slice of models.
///
/// Implemented for the relationship handles the derive generates
/// (`Rel<P, HasMany<C>>`, `Rel<P, HasOne<C>>`, `Rel<C, BelongsTo<P>>`,
/// `Rel<P, ManyToMany<T>>`:
/// `Team::HEROES`, `Hero::TEAM`), for a filtered and ordered `HasMany`
/// ([`Filtered`], from [`Rel::filtered`]) and for nested loads ([`Then`],
/// from `.then(...)`). [`Executor::load`](crate::Executor::load) and
/// [`Executor::load_many`](crate::Executor::load_many) take any of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not load a relationship of `{M}`",
    label = "not a loader for `{M}`",
    note = "pass a relationship handle of `{M}` (`Parent::CHILDREN`), a filtered one (`Parent::CHILDREN.filtered(query)`), or a chain (`Parent::CHILDREN.then(Child::OTHER)`) in which each step starts at the model the previous step loads"
)]
pub trait LoadRelation<M: Model>: Send + Sync {
    /// Loads the relationship of every model in `models`.
    #[doc(hidden)]
    fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [M],
    ) -> impl Future<Output = Result<()>> + Send + 'a;
}

/// A loader whose loaded rows can be taken out of the field and put back:
/// the outer step of a nested load ([`Then`]). Implemented for the three
/// relationship handles and for [`Filtered`].
pub trait LoadOuter<M: Model>: LoadRelation<M> {
    /// The model this step loads (the inner step's model).
    type Target: Model;

    /// Takes the loaded rows out of `model`'s field (none when not loaded,
    /// or loaded and empty), leaving it loaded and empty.
    #[doc(hidden)]
    fn take_loaded(&self, model: &mut M) -> Vec<Self::Target>;

    /// Puts back rows [`take_loaded`](LoadOuter::take_loaded) took (for a
    /// `HasOne` or `BelongsTo`, zero or one).
    #[doc(hidden)]
    fn put_loaded(&self, model: &mut M, rows: Vec<Self::Target>);
}

/// A `HasMany` relationship loaded through a filter and an order:
/// `Post::COMMENTS.filtered(Comment::query().filter(...).order_by(...))`.
///
/// Each chunk of parent keys is one query,
/// `WHERE fk IN (...) AND <filter> ORDER BY <order>, pk`; each parent's
/// list keeps that order (primary-key order alone without `order_by`). A
/// parent none of whose children match gets `Loaded(vec![])`. Built by
/// [`Rel::filtered`]; load it with
/// [`Executor::load`](crate::Executor::load) / [`load_many`](crate::Executor::load_many)
/// or continue it with [`then`](Filtered::then).
pub struct Filtered<P, C> {
    relation: Rel<P, HasMany<C>>,
    filter: Option<Expr>,
    order: Vec<(usize, bool)>,
    with_deleted: bool,
}

impl<P, C> Clone for Filtered<P, C> {
    fn clone(&self) -> Self {
        Filtered {
            relation: self.relation,
            filter: self.filter.clone(),
            order: self.order.clone(),
            with_deleted: self.with_deleted,
        }
    }
}

impl<P: Model, C: Model> std::fmt::Debug for Filtered<P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Filtered");
        out.field("relation", &self.relation);
        if let Some(filter) = &self.filter {
            out.field("filter", &filter.display(C::TABLE).to_string());
        }
        let order: Vec<String> = self
            .order
            .iter()
            .map(|&(c, descending)| {
                let name = C::TABLE.columns.get(c).map_or("?", |c| c.name);
                format!("{name} {}", if descending { "DESC" } else { "ASC" })
            })
            .collect();
        out.field("order", &order).finish()
    }
}

/// A nested load: `outer.then(inner)` loads `outer` on the models, then
/// `inner` on **all** the rows `outer` loaded at once — one query per
/// step per chunk of keys, whatever the number of models
/// (`Post::COMMENTS.then(Comment::AUTHOR)`: posts' comments in one query,
/// the authors of all those comments in one more).
///
/// `a.then(b).then(c)` goes one level deeper each time: it is
/// `a.then(b.then(c))` (posts → comments → authors → their profiles).
/// Built by `.then` on a relationship handle ([`Rel::then`]), on a
/// [`Filtered`] or on a `Then`.
#[derive(Debug, Clone)]
pub struct Then<O, I> {
    outer: O,
    inner: I,
}

impl<O, I> Then<O, I> {
    /// Loads `next` on the rows the last step of this chain loads: one
    /// level deeper (`Post::COMMENTS.then(Comment::AUTHOR).then(User::PROFILE)`
    /// loads each comment author's profile).
    pub fn then<J>(self, next: J) -> Then<O, Then<I, J>> {
        Then {
            outer: self.outer,
            inner: Then {
                outer: self.inner,
                inner: next,
            },
        }
    }
}

impl<P: Model, R: Relationship> Rel<P, R> {
    /// A nested load: this relationship, then `inner` on every row it
    /// loaded, all of them at once (one query per step per chunk of keys).
    /// See [`Then`].
    ///
    /// ```ignore
    /// db.load_many(&mut posts, Post::COMMENTS.then(Comment::AUTHOR)).await?;
    /// ```
    pub fn then<I>(self, inner: I) -> Then<Self, I>
    where
        Self: LoadOuter<P>,
        I: LoadRelation<R::Target>,
    {
        Then { outer: self, inner }
    }
}

impl<P: Model, C: Model> Rel<P, HasMany<C>> {
    /// This relationship, loaded through `query`'s filter and order: only
    /// the children it matches, in its order (then primary-key order). See
    /// [`Filtered`].
    ///
    /// ```ignore
    /// let approved = Comment::query()
    ///     .filter(Comment::APPROVED.eq(true))
    ///     .order_by(Comment::ID.desc());
    /// db.load_many(&mut posts, Post::COMMENTS.filtered(approved)).await?;
    /// ```
    ///
    /// A query with `limit` or `offset` does not compile: one `LIMIT`
    /// would apply to the children of all the parents together, not to
    /// each parent's. (Per-parent top-N is not supported.)
    pub fn filtered<W: WholeRelation>(self, query: Query<C, W>) -> Filtered<P, C> {
        Filtered {
            relation: self,
            filter: query.filter,
            order: query.order,
            with_deleted: query.with_deleted,
        }
    }
}

impl<P: Model, C: Model> Filtered<P, C> {
    /// A nested load: these filtered children, then `inner` on all of them
    /// at once. See [`Then`].
    pub fn then<I: LoadRelation<C>>(self, inner: I) -> Then<Self, I> {
        Then { outer: self, inner }
    }
}

fn decode_model<M: Model>(row: &mut dyn RowSource) -> Result<M> {
    M::decode(row)
}

fn group_key_of<M: Model>(model: &M, index: usize) -> Option<GroupKey> {
    model
        .column_value(index)
        .as_ref()
        .and_then(Value::group_key)
}

/// The key a relationship groups rows by: one column's value, or several
/// (a composite foreign key and the composite key it references).
#[derive(Debug, Hash, PartialEq, Eq)]
enum RowKey {
    One(GroupKey),
    Many(Vec<GroupKey>),
}

/// The key of `model` at columns `indexes`; `None` when one of them is
/// `NULL` (such a row references nothing).
fn row_key<M: Model>(model: &M, indexes: &[usize]) -> Option<RowKey> {
    match indexes {
        [index] => group_key_of(model, *index).map(RowKey::One),
        _ => indexes
            .iter()
            .map(|&i| group_key_of(model, i))
            .collect::<Option<Vec<_>>>()
            .map(RowKey::Many),
    }
}

/// The distinct keys of `models` at columns `indexes` (none with a `NULL`),
/// each key's values in column order, key after key.
fn distinct_row_keys<M: Model>(models: &[M], indexes: &[usize]) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for model in models {
        let Some(key) = row_key(model, indexes) else {
            continue;
        };
        if seen.insert(key) {
            out.extend(indexes.iter().filter_map(|&i| model.column_value(i)));
        }
    }
    out
}

/// The positions of `columns` in `table` (the primary key for a name the
/// table does not have, which `resolve_relation` has ruled out).
fn column_indexes(table: &crate::TableDef, columns: &[&str]) -> Vec<usize> {
    columns
        .iter()
        .map(|c| table.column_index(c).unwrap_or(table.primary_key))
        .collect()
}

/// The distinct non-NULL values of column `index` of `models`.
fn distinct_keys<M: Model>(models: &[M], index: usize) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    models
        .iter()
        .filter_map(|m| m.column_value(index))
        .filter(|v| v.group_key().is_some_and(|k| seen.insert(k)))
        .collect()
}

/// The extra filter and the order of a [`Filtered`] load; a plain load has
/// neither (primary-key order).
#[derive(Clone, Copy, Default)]
struct Refine<'q> {
    filter: Option<&'q Expr>,
    order: &'q [(usize, bool)],
    /// Soft-deleted rows too ([`Query::with_deleted`]).
    with_deleted: bool,
}

/// Every row of `T` whose columns `indexes` hold one of `keys` (each key's
/// values in column order, key after key; and that `refine`'s filter
/// matches), one query per chunk of keys, in `refine`'s order then
/// primary-key order.
async fn fetch_by_columns<B: Backend, T: Model>(
    conn: &mut Connection<B>,
    indexes: &[usize],
    keys: Vec<Value>,
    refine: Refine<'_>,
) -> Result<Vec<T>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let table = T::TABLE;
    let max = B::DIALECT.max_bind_parameters().max(1);
    let mut filter = refine.filter.map(|expr| Condition::from_expr(table, expr));
    // Soft-deleted rows are left out unless asked for.
    if let Some(live) = Condition::live(table).filter(|_| !refine.with_deleted) {
        filter = Some(match filter {
            Some(filter) => filter.and(live),
            None => live,
        });
    }
    // Keys of one column the dialect binds as one array (PostgreSQL) take
    // one parameter: one statement for all of them.
    let one_array = indexes.len() == 1 && binds_as_array(B::DIALECT, &keys);
    // A filter with long `IN` lists leaves room for the keys: its lists go
    // into key tables when it would take more than half the statement.
    let reserved = if one_array {
        1
    } else {
        keys.len().min(max / 2)
    };
    let spilled = spill::spill::<B>(conn, filter.as_mut(), reserved).await?;
    let width = indexes.len().max(1);
    let mut chunk =
        (max.saturating_sub(filter.as_ref().map_or(0, |f| spill::params(f, B::DIALECT))) / width)
            .max(1);
    if width > 1 {
        chunk = chunk.min(COMPOSITE_KEYS_PER_STATEMENT);
    } else if one_array {
        chunk = keys.len();
    }
    let mut order_by: Vec<(ColumnRef, bool)> = refine
        .order
        .iter()
        .map(|&(c, descending)| (ColumnRef::new(table.columns[c].name), descending))
        .collect();
    // Then the primary key (every column of a composite one).
    for key in table.key_indexes() {
        if !refine.order.iter().any(|&(c, _)| c == key) {
            order_by.push((ColumnRef::new(table.columns[key].name), false));
        }
    }
    let mut out = Vec::new();
    let mut result = Ok(());
    let mut keys = keys.into_iter().peekable();
    while keys.peek().is_some() {
        let values: Vec<Value> = keys.by_ref().take(chunk * width).collect();
        let condition = match indexes {
            [index] => Condition::In {
                column: ColumnRef::new(table.columns[*index].name),
                values,
                negated: false,
            },
            // `(a = ? AND b = ?) OR ...`: one term per key.
            _ => {
                let columns: Vec<&'static str> =
                    indexes.iter().map(|&i| table.columns[i].name).collect();
                Condition::any_key(&columns, &values)
            }
        };
        let mut select = Select::model(table).filter(condition);
        if let Some(filter) = &filter {
            select = select.filter(filter.clone());
        }
        select.order_by.clone_from(&order_by);
        match run::fetch::<B, T>(conn, select, &decode_model::<T>).await {
            Ok(rows) => out.extend(rows),
            Err(error) => {
                result = Err(error);
                break;
            }
        }
    }
    spilled.drop::<B>(conn).await;
    result.map(|()| out)
}

/// Groups `rows` by their columns `indexes` (rows with a `NULL` there are
/// dropped), keeping their order.
fn group_by<T: Model>(rows: Vec<T>, indexes: &[usize]) -> HashMap<RowKey, Vec<T>> {
    let mut groups: HashMap<RowKey, Vec<T>> = HashMap::new();
    for row in rows {
        if let Some(key) = row_key(&row, indexes) {
            groups.entry(key).or_default().push(row);
        }
    }
    groups
}

/// Hands each model the group of its column `index` through `set` (an
/// empty one when it has none): moved to the last model with that key,
/// cloned for the others (the same parent twice in the slice).
fn distribute<M: Model, T: Clone>(
    models: &mut [M],
    indexes: &[usize],
    mut groups: HashMap<RowKey, Vec<T>>,
    mut set: impl FnMut(&mut M, Vec<T>),
) {
    let keys: Vec<Option<RowKey>> = models.iter().map(|m| row_key(m, indexes)).collect();
    let mut uses: HashMap<&RowKey, usize> = HashMap::new();
    for key in keys.iter().flatten() {
        *uses.entry(key).or_default() += 1;
    }
    for (model, key) in models.iter_mut().zip(&keys) {
        let rows = match key {
            None => Vec::new(),
            Some(key) => match uses.get_mut(key) {
                Some(left) if *left > 1 => {
                    *left -= 1;
                    groups.get(key).cloned().unwrap_or_default()
                }
                _ => groups.remove(key).unwrap_or_default(),
            },
        };
        set(model, rows);
    }
}

/// The children of `models` through `relation` (a parent-side one), grouped
/// by parent key, and the parent columns they are grouped by (several for
/// a composite foreign key).
async fn load_children<B: Backend, P: Model, C: Model>(
    conn: &mut Connection<B>,
    relation: &'static crate::schema::RelationDef,
    models: &[P],
    refine: Refine<'_>,
) -> Result<(Vec<usize>, HashMap<RowKey, Vec<C>>)> {
    let resolved = resolve_relation(P::TABLE, relation)?;
    let parent_indexes = column_indexes(P::TABLE, resolved.fk.references_columns);
    let child_indexes = column_indexes(C::TABLE, resolved.fk.columns);
    let keys = distinct_row_keys(models, &parent_indexes);
    let children = fetch_by_columns::<B, C>(conn, &child_indexes, keys, refine).await?;
    Ok((parent_indexes, group_by(children, &child_indexes)))
}

async fn load_has_many<B: Backend, P: Model, C: Model + Clone>(
    relation: Rel<P, HasMany<C>>,
    conn: &mut Connection<B>,
    models: &mut [P],
    refine: Refine<'_>,
) -> Result<()> {
    let (parent_index, groups) =
        load_children::<B, P, C>(conn, relation.def(), models, refine).await?;
    distribute(models, &parent_index, groups, |model, rows| {
        *relation.field_mut(model) = HasMany::Loaded(rows);
    });
    Ok(())
}

impl<P: Model, C: Model + Clone> LoadRelation<P> for Rel<P, HasMany<C>> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        load_has_many::<B, P, C>(*self, conn, models, Refine::default()).await
    }
}

impl<P: Model, C: Model + Clone> LoadRelation<P> for Filtered<P, C> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        let refine = Refine {
            filter: self.filter.as_ref(),
            order: &self.order,
            with_deleted: self.with_deleted,
        };
        load_has_many::<B, P, C>(self.relation, conn, models, refine).await
    }
}

impl<P: Model, C: Model + Clone> LoadRelation<P> for Rel<P, HasOne<C>> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        let (parent_index, groups) =
            load_children::<B, P, C>(conn, self.def(), models, Refine::default()).await?;
        // The foreign key is unique, so there is at most one child per key;
        // should the database hold several (a unique index dropped by hand),
        // the first in primary-key order is kept.
        distribute(models, &parent_index, groups, |model, rows| {
            *self.field_mut(model) = HasOne::Loaded(rows.into_iter().next().map(Box::new));
        });
        Ok(())
    }
}

impl<C: Model, P: Model + Clone> LoadRelation<C> for Rel<C, BelongsTo<P>> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [C],
    ) -> Result<()> {
        let resolved = resolve_relation(C::TABLE, self.def())?;
        let fk_indexes = column_indexes(C::TABLE, resolved.fk.columns);
        let parent_indexes = column_indexes(P::TABLE, resolved.fk.references_columns);
        let keys = distinct_row_keys(models, &fk_indexes);
        let parents =
            fetch_by_columns::<B, P>(conn, &parent_indexes, keys, Refine::default()).await?;
        distribute(
            models,
            &fk_indexes,
            group_by(parents, &parent_indexes),
            |model, rows| {
                *self.field_mut(model) = BelongsTo::Loaded(rows.into_iter().next().map(Box::new));
            },
        );
        Ok(())
    }
}

/// Rows out of a loaded `Option<Box<T>>` field, and back.
fn take_boxed<T>(loaded: Option<Box<T>>) -> Vec<T> {
    loaded.map(|boxed| vec![*boxed]).unwrap_or_default()
}

impl<P: Model, C: Model + Clone> LoadOuter<P> for Rel<P, HasMany<C>> {
    type Target = C;

    fn take_loaded(&self, model: &mut P) -> Vec<C> {
        match std::mem::replace(self.field_mut(model), HasMany::Loaded(Vec::new())) {
            HasMany::Loaded(rows) => rows,
            HasMany::NotLoaded => Vec::new(),
        }
    }

    fn put_loaded(&self, model: &mut P, rows: Vec<C>) {
        *self.field_mut(model) = HasMany::Loaded(rows);
    }
}

impl<P: Model, C: Model + Clone> LoadOuter<P> for Filtered<P, C> {
    type Target = C;

    fn take_loaded(&self, model: &mut P) -> Vec<C> {
        self.relation.take_loaded(model)
    }

    fn put_loaded(&self, model: &mut P, rows: Vec<C>) {
        self.relation.put_loaded(model, rows);
    }
}

impl<P: Model, C: Model + Clone> LoadOuter<P> for Rel<P, HasOne<C>> {
    type Target = C;

    fn take_loaded(&self, model: &mut P) -> Vec<C> {
        match std::mem::replace(self.field_mut(model), HasOne::Loaded(None)) {
            HasOne::Loaded(child) => take_boxed(child),
            HasOne::NotLoaded => Vec::new(),
        }
    }

    fn put_loaded(&self, model: &mut P, rows: Vec<C>) {
        *self.field_mut(model) = HasOne::Loaded(rows.into_iter().next().map(Box::new));
    }
}

impl<C: Model, P: Model + Clone> LoadOuter<C> for Rel<C, BelongsTo<P>> {
    type Target = P;

    fn take_loaded(&self, model: &mut C) -> Vec<P> {
        match std::mem::replace(self.field_mut(model), BelongsTo::Loaded(None)) {
            BelongsTo::Loaded(parent) => take_boxed(parent),
            BelongsTo::NotLoaded => Vec::new(),
        }
    }

    fn put_loaded(&self, model: &mut C, rows: Vec<P>) {
        *self.field_mut(model) = BelongsTo::Loaded(rows.into_iter().next().map(Box::new));
    }
}

impl<P, O, I> LoadRelation<P> for Then<O, I>
where
    P: Model,
    O: LoadOuter<P>,
    I: LoadRelation<O::Target>,
{
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        self.outer.load_into::<B>(conn, models).await?;
        // Every row the outer step loaded, in one slice: the inner step
        // loads them all at once, then they go back where they came from.
        let mut lengths = Vec::with_capacity(models.len());
        let mut rows = Vec::new();
        for model in models.iter_mut() {
            let taken = self.outer.take_loaded(model);
            lengths.push(taken.len());
            rows.extend(taken);
        }
        let result = self.inner.load_into::<B>(conn, &mut rows).await;
        let mut rows = rows.into_iter();
        for (model, n) in models.iter_mut().zip(lengths) {
            self.outer
                .put_loaded(model, rows.by_ref().take(n).collect());
        }
        result
    }
}

/// `(owner key, target key)` of every link row whose owner key is one of
/// `keys`, one query per chunk of keys.
async fn fetch_links<B: Backend>(
    conn: &mut Connection<B>,
    through: &Through,
    keys: Vec<Value>,
) -> Result<Vec<(Value, Value)>> {
    let link = through.link;
    let owner_ty = link
        .column(through.owner_fk.column())
        .map_or(crate::ValueType::I64, |c| c.ty);
    let target_ty = link
        .column(through.target_fk.column())
        .map_or(crate::ValueType::I64, |c| c.ty);
    let decode = move |row: &mut dyn RowSource| -> Result<(Value, Value)> {
        Ok((row.next_value(owner_ty)?, row.next_value(target_ty)?))
    };
    let mut out = Vec::new();
    let chunk = B::DIALECT.max_bind_parameters().max(1);
    let mut keys = keys.into_iter().peekable();
    while keys.peek().is_some() {
        let values = keys.by_ref().take(chunk).collect();
        let columns = vec![
            ColumnRef::new(through.owner_fk.column()),
            ColumnRef::new(through.target_fk.column()),
        ];
        let select = Select::columns(link.name, columns).filter(Condition::In {
            column: ColumnRef::new(through.owner_fk.column()),
            values,
            negated: false,
        });
        out.extend(run::fetch::<B, (Value, Value)>(conn, select, &decode).await?);
    }
    Ok(out)
}

impl<P: Model, T: Model + Clone> LoadRelation<P> for Rel<P, ManyToMany<T>> {
    /// Two queries per chunk of keys: the link rows, then the rows they
    /// point at (each once, however many owners share it).
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        let through = resolve_through(P::TABLE, self.def())?;
        let owner_index = P::TABLE
            .column_index(through.owner_fk.references_column())
            .unwrap_or(P::TABLE.primary_key);
        let target_index = T::TABLE
            .column_index(through.target_fk.references_column())
            .unwrap_or(T::TABLE.primary_key);
        let keys = distinct_keys(models, owner_index);
        let links = if keys.is_empty() {
            Vec::new()
        } else {
            fetch_links::<B>(conn, &through, keys).await?
        };
        let mut seen = std::collections::HashSet::new();
        let target_keys: Vec<Value> = links
            .iter()
            .map(|(_, target)| target.clone())
            .filter(|v| v.group_key().is_some_and(|k| seen.insert(k)))
            .collect();
        let targets = if target_keys.is_empty() {
            Vec::new()
        } else {
            fetch_by_columns::<B, T>(conn, &[target_index], target_keys, Refine::default()).await?
        };
        // Each target's position in key order, and each owner's targets.
        let position: HashMap<GroupKey, usize> = targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((t.column_value(target_index)?.group_key()?, i)))
            .collect();
        let mut by_owner: HashMap<GroupKey, Vec<usize>> = HashMap::new();
        for (owner, target) in &links {
            if let (Some(owner), Some(&i)) = (
                owner.group_key(),
                target.group_key().as_ref().and_then(|k| position.get(k)),
            ) {
                by_owner.entry(owner).or_default().push(i);
            }
        }
        for model in models.iter_mut() {
            let mut positions = model
                .column_value(owner_index)
                .as_ref()
                .and_then(Value::group_key)
                .and_then(|k| by_owner.get(&k).cloned())
                .unwrap_or_default();
            positions.sort_unstable();
            positions.dedup();
            let items = positions.into_iter().map(|i| targets[i].clone()).collect();
            *self.field_mut(model) = ManyToMany::Loaded(items);
        }
        Ok(())
    }
}

impl<P: Model, T: Model + Clone> LoadOuter<P> for Rel<P, ManyToMany<T>> {
    type Target = T;

    fn take_loaded(&self, model: &mut P) -> Vec<T> {
        match std::mem::replace(self.field_mut(model), ManyToMany::Loaded(Vec::new())) {
            ManyToMany::Loaded(rows) => rows,
            ManyToMany::NotLoaded => Vec::new(),
        }
    }

    fn put_loaded(&self, model: &mut P, rows: Vec<T>) {
        *self.field_mut(model) = ManyToMany::Loaded(rows);
    }
}
