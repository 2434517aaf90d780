use orm_core::ColumnValue;

#[derive(ColumnValue)]
enum Shape {
    Point,
    Circle { radius: f64 },
}

fn main() {}
