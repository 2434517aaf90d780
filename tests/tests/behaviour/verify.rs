//! `db.verify(&schema)`: a fresh `create_all` verifies clean, and each
//! kind of drift made by hand (a changed `ON DELETE`, a dropped index, a
//! missing column or table, a `NOT NULL` mismatch, foreign keys off) is
//! reported exactly, verify itself changing nothing; the fix DDL, where
//! the report gives one, makes verify clean again.

use crate::harness::{Ctx, Test, TestBackend};
use orm_core::{
    Action, ActionClause, Db, Difference, DifferenceKind, Executor, Fix, Model, Schema, TableDef,
    VerifyReport, sql,
};

/// A cycle of foreign keys (club -> captain -> club), a self-reference, a
/// unique column, an index, a composite key and every kind of action.
#[derive(Model, Debug, Clone)]
#[model(table = "vf_club")]
pub struct VfClub {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(unique)]
    pub name: String,
    #[field(index)]
    pub rank: i64,
    #[field(foreign_key = "vf_member.id", ondelete = "SET NULL")]
    pub captain_id: Option<i64>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "vf_member")]
pub struct VfMember {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "vf_club.id", ondelete = "CASCADE", onupdate = "CASCADE")]
    pub club_id: i64,
    #[field(foreign_key = "vf_member.id")]
    pub mentor_id: Option<i64>,
}

#[derive(Model, Debug, Clone)]
#[model(table = "vf_badge")]
pub struct VfBadge {
    #[field(primary_key, foreign_key = "vf_member.id", ondelete = "CASCADE")]
    pub member_id: i64,
    #[field(primary_key, foreign_key = "vf_club.id", ondelete = "RESTRICT")]
    pub club_id: i64,
    #[field(foreign_key = "vf_club.id", ondelete = "SET DEFAULT", default = 1)]
    pub origin_id: i64,
}

/// The table drift is made on.
#[derive(Model, Debug, Clone)]
#[model(table = "vf_owner")]
pub struct VfOwner {
    #[field(primary_key)]
    pub id: Option<i64>,
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[model(table = "vf_pet")]
pub struct VfPet {
    #[field(primary_key)]
    pub id: Option<i64>,
    #[field(foreign_key = "vf_owner.id", ondelete = "CASCADE")]
    pub owner_id: i64,
    pub name: String,
    pub nickname: Option<String>,
    #[field(unique)]
    pub tag: String,
}

fn pets() -> Schema {
    Schema::new(&[VfOwner::TABLE, VfPet::TABLE]).unwrap()
}

fn difference(
    column: &'static str,
    kind: DifferenceKind,
) -> (Option<&'static str>, Option<&'static str>, DifferenceKind) {
    (Some("vf_pet"), Some(column), kind)
}

/// `(table, column, kind)` of every difference.
fn kinds(
    report: &VerifyReport,
) -> Vec<(Option<&'static str>, Option<&'static str>, DifferenceKind)> {
    report
        .differences
        .iter()
        .map(|d| (d.table, d.column, d.kind.clone()))
        .collect()
}

/// What the catalog holds, to check verify changes nothing: the tables,
/// and what verify itself reports (run twice, the same).
async fn verify_unchanged<B: TestBackend>(db: &Db<B>, schema: &Schema) -> VerifyReport {
    let tables = B::table_names(db).await;
    let report = db.verify(schema).await.unwrap();
    assert_eq!(B::table_names(db).await, tables);
    assert_eq!(db.verify(schema).await.unwrap(), report);
    report
}

/// Runs the report's fixes, then verify must be clean.
async fn fix_and_reverify<B: TestBackend>(db: &Db<B>, schema: &Schema, report: &VerifyReport) {
    assert!(!report.fixes.is_empty(), "{report}");
    for statement in &report.fixes {
        db.execute_sql(statement, Vec::new()).await.unwrap();
    }
    let again = db.verify(schema).await.unwrap();
    assert!(again.is_clean(), "after {:?}:\n{again}", report.fixes);
}

/// `CREATE TABLE` of `table` as `create_all` writes it, edited line by line
/// by `edit` (each column is on a line of its own), then its indexes.
async fn create_by_hand<B: TestBackend>(
    db: &Db<B>,
    table: &'static TableDef,
    edit: impl Fn(&str) -> Option<String>,
) {
    let create = sql::create_table(B::DIALECT, table);
    let create: Vec<String> = create.lines().filter_map(&edit).collect();
    db.execute_sql(&create.join("\n"), Vec::new())
        .await
        .unwrap();
    for index in sql::create_index_statements(B::DIALECT, table) {
        db.execute_sql(&index, Vec::new()).await.unwrap();
    }
}

fn quoted<B: TestBackend>(name: &str) -> String {
    let mut out = String::new();
    B::DIALECT.push_identifier(&mut out, name);
    out
}

fn is_mysql<B: TestBackend>() -> bool {
    B::NAME == "mysql"
}

pub async fn a_fresh_create_all_verifies_clean<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = Schema::new(&[VfClub::TABLE, VfMember::TABLE, VfBadge::TABLE]).unwrap();
    db.create_all(schema.tables()).await.unwrap();
    let report = verify_unchanged(&db, &schema).await;
    assert!(report.is_clean(), "{report}");
    assert!(report.fixes.is_empty());
    assert_eq!(report.to_string(), "schema verified: no differences");
    let pets = pets();
    db.create_all(pets.tables()).await.unwrap();
    assert!(db.verify(&pets).await.unwrap().is_clean());
    // In a transaction too.
    let mut tx = db.begin().await.unwrap();
    assert!(tx.verify(&schema).await.unwrap().is_clean());
    tx.rollback().await.unwrap();
}

pub async fn a_changed_on_delete_is_reported<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(&[VfOwner::TABLE]).await.unwrap();
    create_by_hand(&db, VfPet::TABLE, |line| {
        Some(line.replace("ON DELETE CASCADE", "ON DELETE RESTRICT"))
    })
    .await;
    let report = verify_unchanged(&db, &schema).await;
    assert_eq!(
        kinds(&report),
        [difference(
            "owner_id",
            DifferenceKind::ForeignKeyAction {
                clause: ActionClause::OnDelete,
                declared: Action::Cascade,
                live: Action::Restrict,
            }
        )],
        "{report}"
    );
    assert_eq!(
        report.to_string(),
        format!(
            "1 difference(s):\n  vf_pet.owner_id: ON DELETE declared CASCADE, live RESTRICT {}",
            if B::NAME == "sqlite" {
                "(not fixable: SQLite cannot change a table's foreign keys or NOT NULL with ALTER TABLE: rebuild the table)"
            } else {
                "(fixable)"
            }
        )
    );
    if B::NAME == "sqlite" {
        assert!(report.fixes.is_empty());
    } else {
        fix_and_reverify(&db, &schema, &report).await;
    }
}

pub async fn a_dropped_index_is_reported_and_fixed<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(schema.tables()).await.unwrap();
    let unique = sql::index_name("vf_pet", "tag", true);
    let fk_index = sql::index_name("vf_pet", "owner_id", false);
    // InnoDB refuses to drop the index a foreign key uses.
    let dropped: Vec<&String> = if is_mysql::<B>() {
        vec![&unique]
    } else {
        vec![&fk_index, &unique]
    };
    for index in &dropped {
        let sql = if is_mysql::<B>() {
            format!(
                "DROP INDEX {} ON {}",
                quoted::<B>(index),
                quoted::<B>("vf_pet")
            )
        } else {
            format!("DROP INDEX {}", quoted::<B>(index))
        };
        db.execute_sql(&sql, Vec::new()).await.unwrap();
    }
    let report = verify_unchanged(&db, &schema).await;
    let mut expected = Vec::new();
    if !is_mysql::<B>() {
        expected.push(difference(
            "owner_id",
            DifferenceKind::MissingIndex {
                index: fk_index.clone(),
            },
        ));
    }
    expected.push(difference(
        "tag",
        DifferenceKind::MissingUnique {
            index: unique.clone(),
        },
    ));
    assert_eq!(kinds(&report), expected, "{report}");
    assert!(report.differences.iter().all(Difference::is_fixable));
    fix_and_reverify(&db, &schema, &report).await;
}

pub async fn a_missing_column_is_reported_and_fixed<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(&[VfOwner::TABLE]).await.unwrap();
    let nickname = quoted::<B>("nickname");
    create_by_hand(&db, VfPet::TABLE, |line| {
        (!line.trim_start().starts_with(&nickname)).then(|| line.to_owned())
    })
    .await;
    let report = verify_unchanged(&db, &schema).await;
    assert_eq!(
        kinds(&report),
        [difference("nickname", DifferenceKind::MissingColumn)],
        "{report}"
    );
    assert_eq!(report.fixes.len(), 1);
    assert!(report.fixes[0].contains("ADD COLUMN"), "{:?}", report.fixes);
    fix_and_reverify(&db, &schema, &report).await;
}

pub async fn a_not_null_mismatch_is_reported<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(&[VfOwner::TABLE]).await.unwrap();
    let name = quoted::<B>("name");
    create_by_hand(&db, VfPet::TABLE, |line| {
        Some(if line.trim_start().starts_with(&name) {
            line.replace(" NOT NULL", "")
        } else {
            line.to_owned()
        })
    })
    .await;
    let report = verify_unchanged(&db, &schema).await;
    assert_eq!(
        kinds(&report),
        [difference(
            "name",
            DifferenceKind::Nullability {
                declared_nullable: false,
                live_nullable: true,
            }
        )],
        "{report}"
    );
    if B::NAME == "postgres" {
        fix_and_reverify(&db, &schema, &report).await;
    } else {
        assert!(matches!(report.differences[0].fix, Fix::NotFixable(_)));
        assert!(report.fixes.is_empty());
    }
}

/// A primary key is never `NULL`, declared `NOT NULL` or not (SQLite: the
/// `INTEGER PRIMARY KEY` is the rowid).
pub async fn a_primary_key_without_not_null_verifies_clean<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(&[VfOwner::TABLE]).await.unwrap();
    let id = quoted::<B>("id");
    create_by_hand(&db, VfPet::TABLE, |line| {
        Some(if line.trim_start().starts_with(&id) {
            line.replace(" NOT NULL", "")
        } else {
            line.to_owned()
        })
    })
    .await;
    let report = verify_unchanged(&db, &schema).await;
    assert!(report.is_clean(), "{report}");
}

pub async fn a_missing_table_is_reported_and_fixed<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(true).await;
    let schema = pets();
    db.create_all(&[VfOwner::TABLE]).await.unwrap();
    let report = verify_unchanged(&db, &schema).await;
    assert_eq!(
        kinds(&report),
        [(Some("vf_pet"), None, DifferenceKind::MissingTable)],
        "{report}"
    );
    assert_eq!(
        report.to_string(),
        "1 difference(s):\n  vf_pet: missing table (fixable)"
    );
    fix_and_reverify(&db, &schema, &report).await;
}

pub async fn foreign_keys_off_are_reported<B: TestBackend>(ctx: Ctx<B>) {
    let db = ctx.db(false).await;
    let schema = pets();
    db.create_all(schema.tables()).await.unwrap();
    let report = verify_unchanged(&db, &schema).await;
    assert_eq!(
        kinds(&report),
        [(None, None, DifferenceKind::ForeignKeysNotEnforced)],
        "{report}"
    );
    assert!(report.fixes.is_empty());
    // A schema without foreign keys does not depend on them.
    let owners = Schema::new(&[VfOwner::TABLE]).unwrap();
    assert!(db.verify(&owners).await.unwrap().is_clean());
}

pub fn tests<B: TestBackend>() -> Vec<Test<B>> {
    crate::tests![
        a_fresh_create_all_verifies_clean,
        a_changed_on_delete_is_reported,
        a_dropped_index_is_reported_and_fixed,
        a_missing_column_is_reported_and_fixed,
        a_not_null_mismatch_is_reported,
        a_primary_key_without_not_null_verifies_clean,
        a_missing_table_is_reported_and_fixed,
        foreign_keys_off_are_reported,
    ]
}
