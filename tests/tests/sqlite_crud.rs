//! CRUD, the query builder, DDL, transactions and typed errors on SQLite.

mod common;

use common::{count, memory_db};
use orm_core::{BelongsTo, Error, Executor, HasMany, Model};

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

/// One foreign key per action, plus every other field key.
#[derive(Model, Debug, Clone)]
#[model(table = "mission")]
pub struct Mission {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(column = "title", unique)]
    pub name: String,
    #[field(default = "'planned'")]
    pub status: String,
    #[field(sql_type = "NUMERIC")]
    pub budget: f64,
    pub secret: bool,
    pub payload: Vec<u8>,
    #[field(foreign_key = "team.id", ondelete = "CASCADE", onupdate = "CASCADE")]
    pub team_id: i64,
    #[field(foreign_key = "hero.id", ondelete = "SET NULL")]
    pub lead_id: Option<i64>,
    #[field(foreign_key = "hero.id", ondelete = "SET DEFAULT", default = 0)]
    pub backup_id: Option<i64>,
    #[field(foreign_key = "hero.id", ondelete = "RESTRICT")]
    pub sponsor_id: Option<i64>,
    #[field(foreign_key = "hero.id", ondelete = "NO ACTION")]
    pub witness_id: Option<i64>,
}

fn team(name: &str) -> Team {
    Team {
        id: None,
        name: name.into(),
        headquarters: format!("{name} HQ"),
        heroes: HasMany::NotLoaded,
    }
}

fn hero(name: &str, age: Option<i32>, team: Option<i64>) -> Hero {
    Hero {
        id: None,
        name: name.into(),
        secret_name: format!("secret {name}"),
        age,
        team_id: team,
        team: BelongsTo::NotLoaded,
    }
}

async fn setup() -> orm_sqlite::Db {
    let db = memory_db(true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    db
}

#[test]
fn ddl_text_of_a_model_with_foreign_keys_of_every_action() {
    let ddl = orm_core::sql::ddl_for(&orm_sqlite::SqliteDialect, &[Mission::TABLE]);
    assert_eq!(
        ddl,
        vec![
            r#"CREATE TABLE IF NOT EXISTS "mission" (
    "id" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "budget" NUMERIC NOT NULL,
    "secret" BOOLEAN NOT NULL,
    "payload" BLOB NOT NULL,
    "team_id" INTEGER NOT NULL,
    "lead_id" INTEGER,
    "backup_id" INTEGER DEFAULT 0,
    "sponsor_id" INTEGER,
    "witness_id" INTEGER,
    PRIMARY KEY ("id"),
    FOREIGN KEY ("team_id") REFERENCES "team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY ("lead_id") REFERENCES "hero" ("id") ON DELETE SET NULL,
    FOREIGN KEY ("backup_id") REFERENCES "hero" ("id") ON DELETE SET DEFAULT,
    FOREIGN KEY ("sponsor_id") REFERENCES "hero" ("id") ON DELETE RESTRICT,
    FOREIGN KEY ("witness_id") REFERENCES "hero" ("id") ON DELETE NO ACTION
)"#,
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "ux_mission_title" ON "mission" ("title")"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_mission_team_id" ON "mission" ("team_id")"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_mission_lead_id" ON "mission" ("lead_id")"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_mission_backup_id" ON "mission" ("backup_id")"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_mission_sponsor_id" ON "mission" ("sponsor_id")"#,
            r#"CREATE INDEX IF NOT EXISTS "ix_mission_witness_id" ON "mission" ("witness_id")"#,
        ]
    );
}

#[test]
fn create_all_orders_tables_by_foreign_keys() {
    let ddl = orm_core::sql::ddl_for(
        &orm_sqlite::SqliteDialect,
        &[Mission::TABLE, Hero::TABLE, Team::TABLE],
    );
    let tables: Vec<&str> = ddl
        .iter()
        .filter(|s| s.starts_with("CREATE TABLE"))
        .map(|s| s.split('"').nth(1).unwrap())
        .collect();
    assert_eq!(tables, ["team", "hero", "mission"]);
}

#[tokio::test]
async fn create_all_is_idempotent_and_reports_unmanaged_foreign_keys() {
    let db = memory_db(true).await;
    let tables = [Mission::TABLE, Hero::TABLE, Team::TABLE];
    let first = db.create_all(&tables).await.unwrap();
    let second = db.create_all(&tables).await.unwrap();
    assert_eq!(first.statements, second.statements);
    let unmanaged: Vec<_> = second
        .unmanaged_foreign_keys
        .iter()
        .map(|f| (f.table, f.column))
        .collect();
    // hero.team_id is covered by Team::heroes; mission's keys have no relationship.
    assert_eq!(
        unmanaged,
        [
            ("mission", "team_id"),
            ("mission", "lead_id"),
            ("mission", "backup_id"),
            ("mission", "sponsor_id"),
            ("mission", "witness_id")
        ]
    );
    let tables_in_db: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(tables_in_db, ["hero", "mission", "team"]);
}

#[tokio::test]
async fn insert_fills_the_generated_key_and_get_reads_it_back() {
    let db = setup().await;
    let mut t = team("Preventers");
    db.insert(&mut t).await.unwrap();
    assert_eq!(t.id, Some(1));
    let mut h = hero("Rusty-Man", Some(48), t.id);
    db.insert(&mut h).await.unwrap();
    assert_eq!(h.id, Some(1));
    let read: Hero = db.get(1i64).await.unwrap();
    assert_eq!(read, h);
    assert!(!read.team.is_loaded());
    assert_eq!(db.find::<Hero>(2i64).await.unwrap(), None);
    let err = db.get::<Hero>(2i64).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                table: "hero",
                column: "id",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn insert_with_an_explicit_key_keeps_it() {
    let db = setup().await;
    let mut t = team("A");
    t.id = Some(42);
    db.insert(&mut t).await.unwrap();
    assert_eq!(db.get::<Team>(42i64).await.unwrap().name, "A");
}

#[tokio::test]
async fn insert_many_chunks_past_the_bind_limit_and_fills_every_key() {
    let db = setup().await;
    // 4 columns per row: 20,000 rows need 80,000 parameters, over SQLite's 32,766.
    let mut heroes: Vec<Hero> = (0..20_000)
        .map(|i| hero(&format!("h{i}"), Some(i % 90), None))
        .collect();
    let (_guard, log) = orm_tests::capture_sql();
    db.insert_many(&mut heroes).await.unwrap();
    let inserts = log
        .statements()
        .iter()
        .filter(|s| s.starts_with("INSERT"))
        .count();
    assert_eq!(inserts, 3, "one statement per chunk of 8,191 rows");
    assert_eq!(count(&db, "hero").await, 20_000);
    for (i, h) in heroes.iter().enumerate() {
        assert_eq!(h.id, Some(i as i64 + 1));
    }
    let back: Hero = db.get(12_345i64).await.unwrap();
    assert_eq!(back.name, "h12344");
}

#[tokio::test]
async fn insert_many_is_all_or_nothing() {
    let db = setup().await;
    let mut teams = vec![team("A"), team("B"), team("A")];
    let err = db.insert_many(&mut teams).await.unwrap_err();
    assert!(matches!(err, Error::UniqueViolation { .. }), "{err:?}");
    assert_eq!(count(&db, "team").await, 0);
}

#[tokio::test]
async fn query_builder_filters_orders_limits_and_counts() {
    let db = setup().await;
    let mut heroes = vec![
        hero("Deadpond", None, None),
        hero("Rusty-Man", Some(48), None),
        hero("Spider-Boy", None, None),
        hero("Black Lion", Some(35), None),
        hero("Princess Sure-E", None, None),
        hero("Captain North America", Some(93), None),
    ];
    db.insert_many(&mut heroes).await.unwrap();
    let names = |hs: Vec<Hero>| hs.into_iter().map(|h| h.name).collect::<Vec<_>>();

    let older = Hero::query()
        .filter(Hero::AGE.gt(40))
        .order_by(Hero::AGE.desc())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(older), ["Captain North America", "Rusty-Man"]);

    let no_age = Hero::query()
        .filter(Hero::AGE.is_null())
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(no_age), ["Deadpond", "Spider-Boy", "Princess Sure-E"]);
    assert_eq!(
        Hero::query()
            .filter(Hero::AGE.eq(None))
            .count(&db)
            .await
            .unwrap(),
        3
    );

    let chosen = Hero::query()
        .filter(Hero::NAME.is_in(["Deadpond", "Black Lion", "nobody"]))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(chosen), ["Deadpond", "Black Lion"]);
    assert_eq!(
        Hero::query()
            .filter(Hero::NAME.is_in(Vec::<String>::new()))
            .count(&db)
            .await
            .unwrap(),
        0
    );

    let either = Hero::query()
        .filter(
            Hero::NAME
                .eq("Deadpond")
                .or(Hero::AGE.ge(35).and(Hero::AGE.lt(48))),
        )
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(either), ["Deadpond", "Black Lion"]);

    let not_young = Hero::query()
        .filter(!Hero::AGE.lt(40) & Hero::AGE.is_not_null())
        .count(&db)
        .await
        .unwrap();
    assert_eq!(not_young, 2);

    let page = Hero::query()
        .order_by(Hero::NAME.asc())
        .offset(1)
        .limit(2)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(page), ["Captain North America", "Deadpond"]);
    let rest = Hero::query()
        .order_by(Hero::NAME.asc())
        .offset(4)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(names(rest), ["Rusty-Man", "Spider-Boy"]);

    assert_eq!(Hero::query().count(&db).await.unwrap(), 6);
    assert_eq!(
        Hero::query()
            .filter(Hero::NAME.like("%Boy"))
            .first(&db)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Spider-Boy"
    );
}

#[tokio::test]
async fn update_writes_every_column_and_reports_missing_rows() {
    let db = setup().await;
    let mut h = hero("Spider-Boy", None, None);
    db.insert(&mut h).await.unwrap();
    h.age = Some(16);
    h.secret_name = "Pedro Parqueador".into();
    db.update(&h).await.unwrap();
    assert_eq!(db.get::<Hero>(h.id.unwrap()).await.unwrap(), h);

    let ghost = Hero {
        id: Some(99),
        ..h.clone()
    };
    assert!(matches!(
        db.update(&ghost).await.unwrap_err(),
        Error::NotFound { table: "hero", .. }
    ));
    let unsaved = hero("x", None, None);
    assert!(matches!(
        db.update(&unsaved).await.unwrap_err(),
        Error::MissingPrimaryKey { model: "Hero" }
    ));
}

#[tokio::test]
async fn constraint_violations_are_typed_and_name_the_table() {
    let db = setup().await;
    let mut a = team("A");
    db.insert(&mut a).await.unwrap();
    match db.insert(&mut team("A")).await.unwrap_err() {
        Error::UniqueViolation { table, columns, .. } => {
            assert_eq!(table.as_deref(), Some("team"));
            assert_eq!(columns, ["name"]);
        }
        other => panic!("{other:?}"),
    }
    let err = db
        .insert(&mut hero("orphan", None, Some(77)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ForeignKeyViolation { .. }), "{err:?}");
    let err = db
        .execute_sql(
            "INSERT INTO hero (name, secret_name) VALUES (NULL, 'x')",
            vec![],
        )
        .await
        .unwrap_err();
    match err {
        Error::NotNullViolation { table, columns, .. } => {
            assert_eq!(
                (table.as_deref(), columns.as_slice()),
                (Some("hero"), &["name".to_owned()][..])
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&db, "team").await, 1);
    assert_eq!(count(&db, "hero").await, 0);
}

#[tokio::test]
async fn decode_errors_name_the_column() {
    let db = setup().await;
    db.execute_sql(
        "INSERT INTO hero (name, secret_name, age) VALUES ('x', 'y', 9999999999)",
        vec![],
    )
    .await
    .unwrap();
    let err = db.get::<Hero>(1i64).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                table: "hero",
                column: "age",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn transactions_commit_roll_back_and_roll_back_on_drop() {
    let db = setup().await;
    let mut tx = db.begin().await.unwrap();
    tx.insert(&mut team("committed")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    tx.insert(&mut team("rolled back")).await.unwrap();
    tx.rollback().await.unwrap();

    {
        let mut tx = db.begin().await.unwrap();
        tx.insert(&mut team("dropped")).await.unwrap();
    }

    let mut tx = db.begin().await.unwrap();
    tx.insert(&mut team("outer")).await.unwrap();
    {
        let mut inner = tx.begin().await.unwrap();
        inner.insert(&mut team("savepoint")).await.unwrap();
        inner.rollback().await.unwrap();
    }
    tx.commit().await.unwrap();

    let names: Vec<String> = Team::query()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["committed", "outer"]);
}

#[tokio::test]
async fn foreign_keys_are_enforced_by_default_with_an_opt_out() {
    let on = orm_sqlite::connect("sqlite::memory:").await.unwrap();
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(on.pool())
        .await
        .unwrap();
    assert_eq!(enforced, 1);
    let off = memory_db(false).await;
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(off.pool())
        .await
        .unwrap();
    assert_eq!(enforced, 0);
}

#[tokio::test]
async fn file_urls_create_the_file_when_missing() {
    let (db, path) = common::file_db("create-if-missing", true).await;
    db.create_all(&[Team::TABLE, Hero::TABLE]).await.unwrap();
    db.insert(&mut team("A")).await.unwrap();
    db.close().await;
    assert!(path.exists());
    let again = orm_sqlite::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(Team::query().count(&again).await.unwrap(), 1);
    let err = orm_sqlite::connect("postgres://nope").await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

#[tokio::test]
async fn every_statement_is_logged_with_its_parameters() {
    let db = setup().await;
    let (_guard, log) = orm_tests::capture_sql();
    db.insert(&mut team("O'Brien's")).await.unwrap();
    let logged = log.statements();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(
        logged[0].starts_with(
            r#"INSERT INTO "team" ("name", "headquarters") VALUES (?, ?) RETURNING "id""#
        ),
        "{logged:?}"
    );
    assert!(
        logged[0].contains("params=('O''Brien''s', 'O''Brien''s HQ')"),
        "{logged:?}"
    );
}
