use orm_core::Model;

// SQLite and MySQL take `val` and `Val` for one column.
#[derive(Model)]
struct Reading {
    #[field(primary_key)]
    id: Option<i64>,
    val: i64,
    #[field(column = "Val")]
    val_again: i64,
}

fn main() {}
