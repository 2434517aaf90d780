use orm_core::ColumnValue;

#[derive(ColumnValue)]
struct Point {
    x: i64,
    y: i64,
}

fn main() {}
