use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
}

async fn get<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    // The key of `Team` is an `i64`.
    let _team: Team = db.get("three").await?;
    Ok(())
}

fn main() {
    let _ = get::<orm_sqlite::Sqlite>;
}
