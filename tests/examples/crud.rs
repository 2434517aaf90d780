//! CRUD and queries: the DDL of two models as text, `create_all`, insert
//! (one row and many), `get` / `find`, the typed query builder, `update`,
//! transactions and typed errors. The book's "CRUD and queries" chapter
//! includes this file.
//!
//! Run: `cargo run --example crud` (`DATABASE_URL` overrides the default
//! in-memory SQLite database).

// ANCHOR: models
use orm_core::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "team")]
pub struct Team {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub name: String,
    pub headquarters: String,
    #[relationship(back_populates = "team", cascade_delete)]
    pub heroes: HasMany<Hero>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "hero")]
pub struct Hero {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(index)]
    pub name: String,
    pub secret_name: String,
    pub age: Option<i32>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE")]
    pub team_id: Option<i64>,
    #[relationship(back_populates = "heroes")]
    pub team: BelongsTo<Team>,
}
// ANCHOR_END: models

fn team(name: &str, headquarters: &str) -> Team {
    Team {
        id: None,
        name: name.into(),
        headquarters: headquarters.into(),
        heroes: HasMany::NotLoaded,
    }
}

fn hero(name: &str, secret_name: &str, age: Option<i32>, team_id: Option<i64>) -> Hero {
    Hero {
        id: None,
        name: name.into(),
        secret_name: secret_name.into(),
        age,
        team_id,
        team: BelongsTo::NotLoaded,
    }
}

fn names(heroes: &[Hero]) -> Vec<&str> {
    heroes.iter().map(|h| h.name.as_str()).collect()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    // ANCHOR: ddl
    // The DDL as text, without a database: paste it into a migration.
    for statement in orm_core::sql::ddl_for(&orm_sqlite::SqliteDialect, &[Team::TABLE, Hero::TABLE])
    {
        println!("{statement};");
    }
    // ANCHOR_END: ddl

    // ANCHOR: connect
    orm_core::echo_sql(); // print every statement, like SQLAlchemy's echo=True
    let url = orm_tests::database_url("sqlite::memory:");
    // The same models and code on every backend.
    if url.starts_with("postgres") {
        run(&orm_postgres::connect(&url).await?).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        run(&orm_mysql::connect(&url).await?).await
    } else {
        run(&orm_sqlite::connect(&url).await?).await
    }
}

/// The example itself, on any backend.
pub async fn run<B: Backend>(db: &Db<B>) -> Result<(), Error> {
    let tables = [Team::TABLE, Hero::TABLE];
    db.drop_all(&tables).await?; // start from empty tables
    let schema = db.create_all(&tables).await?; // idempotent: CREATE ... IF NOT EXISTS
    println!("create_all ran {} statements", schema.statements.len());
    // ANCHOR_END: connect

    let section = orm_tests::section("insert"); // marks each part of the output for the book
    // ANCHOR: insert
    let mut preventers = team("Preventers", "Sharp Tower");
    db.insert(&mut preventers).await?; // fills the generated key
    println!("Preventers got id {:?}", preventers.id);

    let mut heroes = vec![
        hero("Deadpond", "Dive Wilson", None, None),
        hero("Rusty-Man", "Tommy Sharp", Some(48), preventers.id),
        hero("Spider-Boy", "Pedro Parqueador", None, preventers.id),
        hero("Black Lion", "Trevor Challa", Some(35), None),
        hero("Captain North America", "Esteban Rogelios", Some(93), None),
    ];
    db.insert_many(&mut heroes).await?; // one multi-row INSERT, keys filled
    let ids: Vec<Option<i64>> = heroes.iter().map(|h| h.id).collect();
    println!("hero ids: {ids:?}");
    // ANCHOR_END: insert
    drop(section);

    let section = orm_tests::section("get");
    // ANCHOR: get
    let rusty: Hero = db.get(2i64).await?; // Error::NotFound if missing
    println!("got {} (team {:?})", rusty.name, rusty.team_id);
    let nobody: Option<Hero> = db.find(99i64).await?; // None if missing
    println!("find(99): {nobody:?}");
    match db.get::<Hero>(99i64).await {
        Err(Error::NotFound { table, column, key }) => {
            println!("not found: {table}.{column} = {key}");
        }
        other => println!("unexpected: {other:?}"),
    }
    // ANCHOR_END: get
    drop(section);

    let section = orm_tests::section("query");
    // ANCHOR: query
    let older = Hero::query()
        .filter(Hero::AGE.gt(40))
        .order_by(Hero::AGE.desc())
        .all(db)
        .await?;
    println!("older than 40: {:?}", names(&older));

    let no_age = Hero::query().filter(Hero::AGE.is_null()).count(db).await?;
    println!("without an age: {no_age}");

    let either = Hero::query()
        .filter(Hero::NAME.eq("Deadpond") | (Hero::AGE.ge(35) & Hero::AGE.lt(48)))
        .all(db)
        .await?;
    println!("Deadpond or 35..48: {:?}", names(&either));

    let chosen = Hero::query()
        .filter(Hero::NAME.is_in(["Deadpond", "Black Lion", "nobody"]))
        .all(db)
        .await?;
    println!("by name: {:?}", names(&chosen));

    let page = Hero::query()
        .order_by(Hero::NAME.asc())
        .offset(1)
        .limit(2)
        .all(db)
        .await?;
    println!("second page of two: {:?}", names(&page));

    let spider = Hero::query()
        .filter(Hero::NAME.like("%Boy"))
        .first(db)
        .await?;
    println!("first %Boy: {:?}", spider.map(|h| h.name));
    // ANCHOR_END: query
    drop(section);

    let section = orm_tests::section("update");
    // ANCHOR: update
    let mut deadpond: Hero = db.get(1i64).await?;
    deadpond.age = Some(32);
    deadpond.team_id = preventers.id;
    db.update(&deadpond).await?; // writes every column, by primary key
    // ANCHOR_END: update
    drop(section);

    let section = orm_tests::section("transaction");
    // ANCHOR: transaction
    let mut tx = db.begin().await?;
    let mut z_force = team("Z-Force", "Sister Margaret's Bar");
    tx.insert(&mut z_force).await?;
    let mut domino = hero("Domino", "Neena Thurman", None, z_force.id);
    tx.insert(&mut domino).await?;
    tx.commit().await?; // both rows, or (on drop / rollback) neither

    let mut tx = db.begin().await?;
    tx.insert(&mut team("Short-lived", "Nowhere")).await?;
    tx.rollback().await?;
    println!("teams: {}", Team::query().count(db).await?);
    // ANCHOR_END: transaction
    drop(section);

    let section = orm_tests::section("errors");
    // ANCHOR: errors
    match db.insert(&mut team("Preventers", "Elsewhere")).await {
        Err(Error::UniqueViolation { table, columns, .. }) => {
            println!("duplicate: table {table:?}, columns {columns:?}");
        }
        other => println!("unexpected: {other:?}"),
    }
    match db
        .insert(&mut hero("Orphan", "Nobody", None, Some(77)))
        .await
    {
        Err(error @ Error::ForeignKeyViolation { .. }) => println!("refused: {error}"),
        other => println!("unexpected: {other:?}"),
    }
    // ANCHOR_END: errors
    drop(section);

    assert_eq!(Team::query().count(db).await?, 2);
    assert_eq!(Hero::query().count(db).await?, 6);
    Ok(())
}
