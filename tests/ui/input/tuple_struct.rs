use orm_core::Model;

#[derive(Model)]
struct Team(Option<i64>, String);

fn main() {}
