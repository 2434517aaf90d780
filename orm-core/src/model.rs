//! The traits `#[derive(Model)]` implements.

use crate::error::{Error, Result};
use crate::schema::TableDef;
use crate::value::{FieldType, KeyValue, Value, ValueType};

/// A struct mapped to a table. Implement it with `#[derive(Model)]`.
///
/// The implementation is metadata plus glue: [`TABLE`](Model::TABLE)
/// describes the table, and the methods move field values in and out of
/// [`Value`]s in column order.
pub trait Model: Sized + Send + Sync + Unpin + 'static {
    /// The type of the primary key: the key field's type without its
    /// `Option` (`i64` for `id: Option<i64>`, `Uuid` for `id: Uuid`), or
    /// the tuple of the key fields' types for a composite key (`(i64, i64)`).
    /// [`get`](crate::Executor::get) and [`find`](crate::Executor::find)
    /// take a value of this type, so a key of the wrong type does not
    /// compile.
    type Key: KeyValue;

    /// The table's metadata.
    const TABLE: &'static TableDef;

    /// Appends the value of every column, in column order.
    fn push_values(&self, out: &mut Vec<Value>);

    /// The value of the column at `index` (in `TABLE.columns`).
    fn column_value(&self, index: usize) -> Option<Value>;

    /// Sets the field of the column at `index` from a value.
    fn set_column_value(&mut self, index: usize, value: Value) -> Result<()>;

    /// Builds the struct from a row holding every column in column order.
    /// Relationship fields start out not loaded.
    fn decode(row: &mut dyn RowSource) -> Result<Self>;

    /// A query on every row of this model: `Hero::query().filter(...).all(&db)`.
    fn query() -> crate::Query<Self> {
        crate::Query::new()
    }

    /// The primary-key value (`NULL` before the row is inserted); the first
    /// key column's, for a composite key (see [`key_values`](Model::key_values)).
    fn primary_key(&self) -> Value {
        self.column_value(Self::TABLE.primary_key)
            .unwrap_or(Value::Null(Self::TABLE.primary_key_column().kind()))
    }

    /// The value of every primary-key column, in key order.
    fn key_values(&self) -> Vec<Value> {
        Self::TABLE
            .key_indexes()
            .into_iter()
            .map(|i| {
                self.column_value(i)
                    .unwrap_or(Value::Null(Self::TABLE.columns[i].kind()))
            })
            .collect()
    }
}

/// A row being read, column by column, by [`Model::decode`].
///
/// Backends implement it over their driver's row type.
pub trait RowSource {
    /// Reads the next column as a value of `ty` (or `NULL`), decoded with
    /// sqlx's `Decode` for that type.
    fn next_value(&mut self, ty: ValueType) -> Result<Value>;

    /// The number of columns of the row.
    fn column_count(&self) -> usize;

    /// The name of column `index`.
    fn column_name(&self, index: usize) -> Option<&str>;

    /// Makes column `index` the next one [`next_value`](RowSource::next_value) reads.
    fn seek(&mut self, index: usize);
}

/// Reads the next column of `row` into a field of type `T`.
///
/// Used by the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub fn read_column<T: FieldType>(
    row: &mut dyn RowSource,
    table: &'static TableDef,
    index: usize,
) -> Result<T> {
    let value = row.next_value(T::VALUE_TYPE)?;
    T::decode(value).map_err(|source| Error::Decode {
        table: table.name,
        column: table.columns[index].name,
        source,
    })
}

/// Sets a field of type `T` from a value.
///
/// Used by the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub fn write_column<T: FieldType>(
    field: &mut T,
    value: Value,
    table: &'static TableDef,
    index: usize,
) -> Result<()> {
    *field = T::decode(value).map_err(|source| Error::Decode {
        table: table.name,
        column: table.columns[index].name,
        source,
    })?;
    Ok(())
}

/// The error of `set_column_value` for an index the model does not have.
///
/// Used by the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub fn no_such_column(table: &'static TableDef, index: usize) -> Error {
    Error::NoSuchColumn {
        model: table.model,
        index,
        columns: table.columns.len(),
    }
}

/// Where each column of `table` is in the rows of a raw query (found by
/// name in the first row; every row of one query has the same columns), or
/// the first column the query does not return.
pub(crate) fn column_positions(
    table: &'static TableDef,
    row: &dyn RowSource,
) -> std::result::Result<Vec<usize>, &'static str> {
    table
        .columns
        .iter()
        .map(|column| {
            (0..row.column_count())
                .find(|&i| row.column_name(i) == Some(column.name))
                .ok_or(column.name)
        })
        .collect()
}

/// A row of a raw query read in the model's column order, through the
/// positions [`column_positions`] found.
pub(crate) struct Reordered<'r> {
    pub(crate) row: &'r mut dyn RowSource,
    pub(crate) positions: &'r [usize],
    pub(crate) next: usize,
}

impl RowSource for Reordered<'_> {
    fn next_value(&mut self, ty: ValueType) -> Result<Value> {
        let position = self.positions.get(self.next).copied();
        self.next += 1;
        match position {
            Some(index) => {
                self.row.seek(index);
                self.row.next_value(ty)
            }
            None => Err(Error::UnexpectedResult(format!(
                "a raw query's row was read past its {} columns",
                self.positions.len()
            ))),
        }
    }

    fn column_count(&self) -> usize {
        self.positions.len()
    }

    fn column_name(&self, index: usize) -> Option<&str> {
        let position = *self.positions.get(index)?;
        self.row.column_name(position)
    }

    fn seek(&mut self, index: usize) {
        self.next = index;
    }
}
