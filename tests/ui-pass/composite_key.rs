//! Several `#[field(primary_key)]` fields make a composite key: the key
//! type is the tuple of their types, nothing is generated.
use orm_core::{Model, TableDef};

#[derive(Model, Debug, Clone)]
struct Membership {
    #[field(primary_key)]
    team_id: i64,
    #[field(primary_key)]
    hero_id: i64,
    role: String,
}

fn key_of<M: Model>(_: &M) -> std::marker::PhantomData<M::Key> {
    std::marker::PhantomData
}

fn main() {
    let table: &TableDef = Membership::TABLE;
    let key: Vec<&str> = table.key_columns().iter().map(|c| c.name).collect();
    assert_eq!(key, ["team_id", "hero_id"]);
    assert!(table.has_composite_key());
    assert!(table.columns.iter().all(|c| !c.auto_increment));
    let m = Membership {
        team_id: 1,
        hero_id: 2,
        role: "lead".into(),
    };
    let _: std::marker::PhantomData<(i64, i64)> = key_of(&m);
    assert_eq!(m.key_values(), vec![1i64.into(), 2i64.into()]);
}
