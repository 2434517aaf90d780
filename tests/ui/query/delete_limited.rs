use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Hero {
    #[field(primary_key)]
    id: Option<i64>,
    name: String,
}

async fn delete_one<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    // `limit` cannot restrict a DELETE: deleting every match instead would
    // be a surprise, so this does not compile.
    Hero::query()
        .filter(Hero::NAME.eq("Deadpond"))
        .limit(1)
        .delete(db)
        .await?;
    Ok(())
}

fn main() {
    let _ = delete_one::<orm_sqlite::Sqlite>;
}
