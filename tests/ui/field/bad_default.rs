use orm_core::Model;

#[derive(Model)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(default = 'x')]
    grade: String,
    #[field(default = "")]
    motto: String,
    #[field(default)]
    name: String,
}

fn main() {}
