use orm_core::Model;

#[derive(Model)]
struct Reservation {
    #[field(primary_key)]
    id: Option<i64>,
    // Its handle would be `Reservation::TABLE`, hiding `Model::TABLE`.
    table: i32,
}

fn main() {
    // The stub emitted next to the error keeps this from adding errors.
    let _ = <Reservation as Model>::TABLE;
}
