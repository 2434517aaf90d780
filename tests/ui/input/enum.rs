use orm_core::Model;

#[derive(Model)]
enum Team {
    Red,
    Blue,
}

fn main() {}
