//! Relationship loading: one query per relationship per chunk of keys.

use std::collections::HashMap;
use std::future::Future;

use crate::backend::{Backend, Connection};
use crate::delete::{Through, resolve_relation, resolve_through};
use crate::error::Result;
use crate::model::{Model, RowSource};
use crate::relation::{BelongsTo, HasMany, HasOne, ManyToMany, Rel};
use crate::sql::{ColumnRef, Condition, Select};
use crate::value::{GroupKey, Value};

use super::run;

/// A relationship handle that can fill its field on a slice of models.
/// Implemented for `Rel<P, HasMany<C>>`, `Rel<P, HasOne<C>>`,
/// `Rel<C, BelongsTo<P>>` and `Rel<P, ManyToMany<T>>`.
pub trait LoadRelation<M: Model>: Send + Sync {
    /// Loads the relationship of every model in `models`.
    #[doc(hidden)]
    fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [M],
    ) -> impl Future<Output = Result<()>> + Send + 'a;
}

fn decode_model<M: Model>(row: &mut dyn RowSource) -> Result<M> {
    M::decode(row)
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

/// Every row of `T` whose column `index` is one of `keys`, one query per
/// chunk of keys.
async fn fetch_by_column<B: Backend, T: Model>(
    conn: &mut Connection<B>,
    index: usize,
    keys: Vec<Value>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let chunk = B::DIALECT.max_bind_parameters().max(1);
    let mut keys = keys.into_iter().peekable();
    while keys.peek().is_some() {
        let values = keys.by_ref().take(chunk).collect();
        let table = T::TABLE;
        let mut select = Select::model(table).filter(Condition::In {
            column: ColumnRef::new(table.columns[index].name),
            values,
            negated: false,
        });
        select.order_by = super::crud::key_order(table);
        out.extend(run::fetch::<B, T>(conn, select, &decode_model::<T>).await?);
    }
    Ok(out)
}

impl<P: Model, C: Model + Clone> LoadRelation<P> for Rel<P, HasMany<C>> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        let resolved = resolve_relation(P::TABLE, self.def())?;
        let parent_index = P::TABLE
            .column_index(resolved.fk.references_column)
            .unwrap_or(P::TABLE.primary_key);
        let child_index = C::TABLE
            .column_index(resolved.fk.column)
            .unwrap_or(C::TABLE.primary_key);
        let keys = distinct_keys(models, parent_index);
        let children = if keys.is_empty() {
            Vec::new()
        } else {
            fetch_by_column::<B, C>(conn, child_index, keys).await?
        };
        let mut groups: HashMap<GroupKey, Vec<C>> = HashMap::new();
        for child in children {
            if let Some(key) = child
                .column_value(child_index)
                .as_ref()
                .and_then(Value::group_key)
            {
                groups.entry(key).or_default().push(child);
            }
        }
        for model in models.iter_mut() {
            let items = model
                .column_value(parent_index)
                .as_ref()
                .and_then(Value::group_key)
                .and_then(|k| groups.get(&k).cloned())
                .unwrap_or_default();
            *self.field_mut(model) = HasMany::Loaded(items);
        }
        Ok(())
    }
}

impl<P: Model, C: Model + Clone> LoadRelation<P> for Rel<P, HasOne<C>> {
    async fn load_into<'a, B: Backend>(
        &'a self,
        conn: &'a mut Connection<B>,
        models: &'a mut [P],
    ) -> Result<()> {
        let resolved = resolve_relation(P::TABLE, self.def())?;
        let parent_index = P::TABLE
            .column_index(resolved.fk.references_column)
            .unwrap_or(P::TABLE.primary_key);
        let child_index = C::TABLE
            .column_index(resolved.fk.column)
            .unwrap_or(C::TABLE.primary_key);
        let keys = distinct_keys(models, parent_index);
        let children = if keys.is_empty() {
            Vec::new()
        } else {
            fetch_by_column::<B, C>(conn, child_index, keys).await?
        };
        // The foreign key is unique, so there is at most one child per key;
        // should the database hold several (a unique index dropped by hand),
        // the first in primary-key order is kept.
        let mut by_key: HashMap<GroupKey, C> = HashMap::new();
        for child in children {
            if let Some(key) = child
                .column_value(child_index)
                .as_ref()
                .and_then(Value::group_key)
            {
                by_key.entry(key).or_insert(child);
            }
        }
        for model in models.iter_mut() {
            let child = model
                .column_value(parent_index)
                .as_ref()
                .and_then(Value::group_key)
                .and_then(|k| by_key.get(&k).cloned())
                .map(Box::new);
            *self.field_mut(model) = HasOne::Loaded(child);
        }
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
        let fk_index = C::TABLE
            .column_index(resolved.fk.column)
            .unwrap_or(C::TABLE.primary_key);
        let parent_index = P::TABLE
            .column_index(resolved.fk.references_column)
            .unwrap_or(P::TABLE.primary_key);
        let keys = distinct_keys(models, fk_index);
        let parents = if keys.is_empty() {
            Vec::new()
        } else {
            fetch_by_column::<B, P>(conn, parent_index, keys).await?
        };
        let by_key: HashMap<GroupKey, P> = parents
            .into_iter()
            .filter_map(|p| Some((p.column_value(parent_index)?.group_key()?, p)))
            .collect();
        for model in models.iter_mut() {
            let parent = model
                .column_value(fk_index)
                .as_ref()
                .and_then(Value::group_key)
                .and_then(|k| by_key.get(&k).cloned())
                .map(Box::new);
            *self.field_mut(model) = BelongsTo::Loaded(parent);
        }
        Ok(())
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
        .column(through.owner_fk.column)
        .map_or(crate::ValueType::I64, |c| c.ty);
    let target_ty = link
        .column(through.target_fk.column)
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
            ColumnRef::new(through.owner_fk.column),
            ColumnRef::new(through.target_fk.column),
        ];
        let select = Select::columns(link.name, columns).filter(Condition::In {
            column: ColumnRef::new(through.owner_fk.column),
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
            .column_index(through.owner_fk.references_column)
            .unwrap_or(P::TABLE.primary_key);
        let target_index = T::TABLE
            .column_index(through.target_fk.references_column)
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
            fetch_by_column::<B, T>(conn, target_index, target_keys).await?
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
