use orm_core::prelude::*;

#[derive(Model, Debug, Clone)]
struct Team {
    #[field(primary_key)]
    id: Option<i64>,
    #[field(indx)]
    name: String,
}

// Every use of the model below compiles against the stub the derive emits
// next to its error: the misspelled key is the only error reported.
async fn uses<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    db.create_all(&[Team::TABLE]).await?;
    let team: Team = db.get(3).await?;
    let named = Team::query().filter(Team::NAME.eq("Z-Force")).all(db).await?;
    println!("{team:?} {named:?}");
    Ok(())
}

fn main() {
    let _ = uses::<orm_sqlite::Sqlite>;
}
