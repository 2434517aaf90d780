//! The traits `#[derive(Model)]` implements.

use crate::error::{Error, Result};
use crate::schema::{ColumnKind, TableDef};
use crate::value::{ColumnValue, Value};

/// A struct mapped to a table. Implement it with `#[derive(Model)]`.
///
/// The implementation is metadata plus glue: [`TABLE`](Model::TABLE)
/// describes the table, and the methods move field values in and out of
/// [`Value`]s in column order.
pub trait Model: Sized + Send + Sync + Unpin + 'static {
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

    /// The primary-key value (`NULL` before the row is inserted).
    fn primary_key(&self) -> Value {
        self.column_value(Self::TABLE.primary_key)
            .unwrap_or(Value::Null(Self::TABLE.primary_key_column().kind))
    }
}

/// A row being read, column by column, by [`Model::decode`].
///
/// Backends implement it over their driver's row type.
pub trait RowSource {
    /// Reads the next column as a value of `kind` (or `NULL`).
    fn next_value(&mut self, kind: ColumnKind) -> Result<Value>;
}

/// Reads the next column of `row` into a field of type `T`.
///
/// Used by the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub fn read_column<T: ColumnValue>(
    row: &mut dyn RowSource,
    table: &'static TableDef,
    index: usize,
) -> Result<T> {
    let value = row.next_value(T::KIND)?;
    T::from_value(value).map_err(|source| Error::Decode {
        table: table.name,
        column: table.columns[index].name,
        source,
    })
}

/// Sets a field of type `T` from a value.
///
/// Used by the code `#[derive(Model)]` generates.
#[doc(hidden)]
pub fn write_column<T: ColumnValue>(
    field: &mut T,
    value: Value,
    table: &'static TableDef,
    index: usize,
) -> Result<()> {
    *field = T::from_value(value).map_err(|source| Error::Decode {
        table: table.name,
        column: table.columns[index].name,
        source,
    })?;
    Ok(())
}
