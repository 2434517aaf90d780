use orm_core::Model;

#[derive(Model)]
struct Team;

fn main() {}
