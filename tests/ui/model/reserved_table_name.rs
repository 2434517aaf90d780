use orm_core::Model;

// `_orm_` names belong to the delete planner's temporary tables and CTEs.
#[derive(Model)]
#[model(table = "_orm_walk")]
struct Walk {
    #[field(primary_key)]
    id: Option<i64>,
}

fn main() {}
