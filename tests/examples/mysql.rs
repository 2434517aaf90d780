//! MySQL / MariaDB: the DDL InnoDB gets, a cascade deeper than InnoDB's 15
//! levels, `ON DELETE SET DEFAULT` carried out by the ORM, and typed errors.
//!
//! Run: `cargo run --example mysql` (needs a server; `DATABASE_URL`
//! defaults to `mysql://root@127.0.0.1:3306/test`). It drops and recreates
//! its own tables (`node`, `office`, `clerk`) in that database.

// ANCHOR: models
use orm_core::prelude::*;

/// A tree: deleting a node deletes everything below it.
#[derive(Model, Debug, Clone)]
#[model(table = "node")]
pub struct Node {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(index)]
    pub label: String,
    #[field(foreign_key = "node.id", ondelete = "CASCADE")]
    pub parent_id: Option<i64>,
    #[relationship(back_populates = "parent", cascade_delete)]
    pub children: HasMany<Node>,
    #[relationship(back_populates = "children")]
    pub parent: BelongsTo<Node>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "office")]
pub struct Office {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub name: String,
    #[relationship(back_populates = "office")]
    pub clerks: HasMany<Clerk>,
}

/// When an office closes, its clerks move to office 1 (the head office).
#[derive(Model, Debug, Clone)]
#[model(table = "clerk")]
pub struct Clerk {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
    #[field(foreign_key = "office.id", ondelete = "SET DEFAULT", default = 1)]
    pub office_id: i64,
    #[relationship(back_populates = "clerks")]
    pub office: BelongsTo<Office>,
}
// ANCHOR_END: models

const TABLES: [&orm_core::TableDef; 3] = [Node::TABLE, Office::TABLE, Clerk::TABLE];

// ANCHOR: ddl
async fn create_tables(db: &orm_mysql::Db) -> Result<(), Error> {
    db.drop_all(&TABLES).await?;
    db.create_all(&TABLES).await?; // the SQL log shows the DDL

    Ok(())
}
// ANCHOR_END: ddl

// ANCHOR: deep
async fn delete_a_deep_tree(db: &orm_mysql::Db) -> Result<(), Error> {
    // A chain 100 nodes deep: each node the child of the one before (the
    // behaviour suite deletes one 10,000 deep).
    let mut chain: Vec<Node> = (1..=100)
        .map(|id| Node {
            id: Some(id),
            label: format!("level {id}"),
            parent_id: (id > 1).then_some(id - 1),
            children: HasMany::NotLoaded,
            parent: BelongsTo::NotLoaded,
        })
        .collect();
    db.insert_many(&mut chain).await?;

    // InnoDB's own ON DELETE CASCADE stops 15 levels down...
    match db
        .execute_sql("DELETE FROM node WHERE id = 1", vec![])
        .await
    {
        Err(Error::ForeignKeyViolation { message, .. }) => println!("InnoDB refused: {message}"),
        other => panic!("InnoDB should have stopped at 15 levels: {other:?}"),
    }
    // ... the ORM deletes the whole tree, set-based.
    let root: Node = db.get(1).await?;
    let report = db.delete(root).await?;
    println!("The ORM deleted:\n{report}");
    println!("nodes left: {}", Node::query().count(db).await?);
    Ok(())
}
// ANCHOR_END: deep

// ANCHOR: set_default
async fn close_an_office(db: &orm_mysql::Db) -> Result<(), Error> {
    let mut offices = ["Head office", "Branch"].map(|name| Office {
        id: None,
        name: name.into(),
        clerks: HasMany::NotLoaded,
    });
    db.insert_many(&mut offices).await?;
    let mut clerks = ["Ann", "Bob"].map(|name| Clerk {
        id: None,
        name: name.into(),
        office_id: 2,
        office: BelongsTo::NotLoaded,
    });
    db.insert_many(&mut clerks).await?;

    let branch: Office = db.get(2).await?;
    let report = db.delete(branch).await?;
    println!("Closing the branch:\n{report}");
    for clerk in Clerk::query().all(db).await? {
        println!("{} now works at office {}", clerk.name, clerk.office_id);
    }
    Ok(())
}
// ANCHOR_END: set_default

// ANCHOR: errors
async fn typed_errors(db: &orm_mysql::Db) -> Result<(), Error> {
    let mut again = Office {
        id: None,
        name: "Head office".into(),
        clerks: HasMany::NotLoaded,
    };
    let error = db.insert(&mut again).await.unwrap_err();
    println!("{error}");
    if let Error::UniqueViolation {
        table,
        columns,
        constraint,
        ..
    } = &error
    {
        println!("table {table:?}, columns {columns:?}, constraint {constraint:?}");
    }
    Ok(())
}
// ANCHOR_END: errors

#[tokio::main]
async fn main() -> Result<(), Error> {
    orm_core::echo_sql();
    let url = orm_tests::database_url("mysql://root@127.0.0.1:3306/test");
    let db = orm_mysql::connect(&url).await?;
    let section = orm_tests::section("ddl");
    create_tables(&db).await?;
    drop(section);
    let section = orm_tests::section("deep");
    delete_a_deep_tree(&db).await?;
    drop(section);
    let section = orm_tests::section("set_default");
    close_an_office(&db).await?;
    drop(section);
    let section = orm_tests::section("errors");
    typed_errors(&db).await?;
    drop(section);
    db.drop_all(&TABLES).await?;
    Ok(())
}
