//! SeaORM 2 as a peer (cargo feature `seaorm`): entities mirroring
//! [`crate::models`] (the same tables; the tables are still created by the
//! ORM's `create_all`, so every variant runs on identical DDL and data), and
//! the SeaORM side of each comparison, written as a SeaORM user would.
//!
//! SeaORM runs on the ORM's own sqlx pool
//! ([`SqlxSqliteConnector::from_sqlx_sqlite_pool`],
//! [`SqlxPostgresConnector::from_sqlx_postgres_pool`]): the same connection
//! settings (SQLite's journal mode, `synchronous`, `foreign_keys`;
//! PostgreSQL's `search_path`), the same pool size, the same sqlx.
//!
//! Deletes, three ways:
//! - [`Who::SeaOrm`]: the cascade (or `SET NULL`) written in the application
//!   with SeaORM's query builder, level by level in one transaction: find
//!   the children that have children of their own, `delete_many` /
//!   `update_many` each level by foreign key, then the parent. Set-based,
//!   like the ORM's own cascade; what a SeaORM user writes by hand.
//! - [`Who::SeaOrmCascadeDelete`]: SeaORM 2's generated
//!   `Model::cascade_delete` (entities in the 2.0 `#[sea_orm::model]`
//!   format): it loads each `has_many` relation and deletes (or, for a
//!   nullable foreign key, updates to `NULL`) **row by row**, recursing into
//!   each child, in one transaction.
//! - [`Who::SeaOrmPassive`]: `Entity::delete_by_id`, the database applies
//!   `ON DELETE` (SeaORM relying on the schema's `ON DELETE CASCADE` / `SET
//!   NULL`), against the ORM's `passive_deletes`.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{
    DatabaseConnection, LoaderTrait, QueryOrder, Set, SqlxPostgresConnector, SqlxSqliteConnector,
    TransactionTrait,
};

use crate::cases::{Action, Who};
use crate::fixture::{BenchResult, expect};
use crate::models::item::Item;

/// A SeaORM connection on the ORM's SQLite pool.
pub fn on_sqlite(pool: &sqlx::SqlitePool) -> DatabaseConnection {
    SqlxSqliteConnector::from_sqlx_sqlite_pool(pool.clone())
}

/// A SeaORM connection on the ORM's PostgreSQL pool.
pub fn on_postgres(pool: &sqlx::PgPool) -> DatabaseConnection {
    SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone())
}

/// [`crate::models::cascade`]: one parent, many children, `ON DELETE CASCADE`.
pub mod cascade {
    /// The `parent` table.
    pub mod parent {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "parent")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            #[sea_orm(has_many)]
            pub children: HasMany<super::child::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `child` table.
    pub mod child {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "child")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub parent_id: i64,
            #[sea_orm(belongs_to, from = "parent_id", to = "id", on_delete = "Cascade")]
            pub parent: BelongsTo<super::parent::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

/// [`crate::models::set_null`]: one parent, many children, `ON DELETE SET NULL`.
pub mod set_null {
    /// The `parent` table.
    pub mod parent {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "parent")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            #[sea_orm(has_many)]
            pub children: HasMany<super::child::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `child` table (nullable foreign key).
    pub mod child {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "child")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub parent_id: Option<i64>,
            #[sea_orm(belongs_to, from = "parent_id", to = "id", on_delete = "SetNull")]
            pub parent: BelongsTo<Option<super::parent::Entity>>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

/// [`crate::models::tree`]: team → hero → power, `ON DELETE CASCADE` at both
/// levels.
pub mod tree {
    /// The `team` table.
    pub mod team {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "team")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            #[sea_orm(has_many)]
            pub heroes: HasMany<super::hero::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `hero` table.
    pub mod hero {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "hero")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub team_id: i64,
            #[sea_orm(belongs_to, from = "team_id", to = "id", on_delete = "Cascade")]
            pub team: BelongsTo<super::team::Entity>,
            #[sea_orm(has_many)]
            pub powers: HasMany<super::power::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// The `power` table.
    pub mod power {
        use sea_orm::entity::prelude::*;

        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "power")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
            pub hero_id: i64,
            #[sea_orm(belongs_to, from = "hero_id", to = "id", on_delete = "Cascade")]
            pub hero: BelongsTo<super::hero::Entity>,
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

/// [`crate::models::item`]: the flat row of insert and fetch.
pub mod item {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub name: String,
        pub secret_name: String,
        pub age: Option<i32>,
        pub rating: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// SeaORM's delete of parent 1 of a one-parent case (`action`), by `who`;
/// returns the seconds of the timed region. The untimed warm-up matches the
/// ORM variants': the spare parent ([`crate::fixture::SPARE`]) is deleted
/// the same way first, and the parent is fetched (through SeaORM).
pub async fn one_parent(
    conn: &DatabaseConnection,
    action: Action,
    who: Who,
    idle: impl std::future::Future<Output = ()>,
) -> BenchResult<f64> {
    let spare = find_parent(conn, action, crate::fixture::SPARE).await?;
    delete_parent(conn, who, spare).await?;
    let found = find_parent(conn, action, 1).await?;
    idle.await;
    let start = std::time::Instant::now();
    delete_parent(conn, who, found).await?;
    Ok(start.elapsed().as_secs_f64())
}

/// A parent of a one-parent case, fetched through SeaORM.
enum Parent {
    Cascade(cascade::parent::Model),
    SetNull(set_null::parent::Model),
}

async fn find_parent(conn: &DatabaseConnection, action: Action, id: i64) -> BenchResult<Parent> {
    let missing = || format!("no parent {id}");
    Ok(match action {
        Action::Cascade => Parent::Cascade(
            cascade::parent::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
        Action::SetNull => Parent::SetNull(
            set_null::parent::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
    })
}

/// Deletes `found` the way `who` does.
async fn delete_parent(conn: &DatabaseConnection, who: Who, found: Parent) -> BenchResult<()> {
    match found {
        Parent::Cascade(found) => {
            use cascade::{child, parent};
            let id = found.id;
            match who {
                Who::SeaOrm => {
                    let txn = conn.begin().await?;
                    child::Entity::delete_many()
                        .filter(child::Column::ParentId.eq(id))
                        .exec(&txn)
                        .await?;
                    parent::Entity::delete_by_id(id).exec(&txn).await?;
                    txn.commit().await?;
                }
                Who::SeaOrmCascadeDelete => {
                    found.cascade_delete(conn).await?;
                }
                Who::SeaOrmPassive => {
                    let done = parent::Entity::delete_by_id(id).exec(conn).await?;
                    expect("parents deleted", done.rows_affected.try_into()?, 1)?;
                }
                other => return Err(format!("`{}` is not a SeaORM variant", other.label()).into()),
            }
        }
        Parent::SetNull(found) => {
            use set_null::{child, parent};
            let id = found.id;
            match who {
                Who::SeaOrm => {
                    let txn = conn.begin().await?;
                    child::Entity::update_many()
                        .col_expr(child::Column::ParentId, Expr::value(Option::<i64>::None))
                        .filter(child::Column::ParentId.eq(id))
                        .exec(&txn)
                        .await?;
                    parent::Entity::delete_by_id(id).exec(&txn).await?;
                    txn.commit().await?;
                }
                Who::SeaOrmCascadeDelete => {
                    // A nullable foreign key: SeaORM sets it to NULL, row by row.
                    found.cascade_delete(conn).await?;
                }
                Who::SeaOrmPassive => {
                    let done = parent::Entity::delete_by_id(id).exec(conn).await?;
                    expect("parents deleted", done.rows_affected.try_into()?, 1)?;
                }
                other => return Err(format!("`{}` is not a SeaORM variant", other.label()).into()),
            }
        }
    }
    Ok(())
}

/// SeaORM's delete of team 1 of the team → hero → power tree, by `who`;
/// returns the seconds of the timed region. The spare team
/// ([`crate::fixture::SPARE`]) is deleted the same way first, untimed.
pub async fn three_levels(
    conn: &DatabaseConnection,
    who: Who,
    idle: impl std::future::Future<Output = ()>,
) -> BenchResult<f64> {
    use tree::team;
    let spare = team::Entity::find_by_id(crate::fixture::SPARE)
        .one(conn)
        .await?
        .ok_or("no spare team")?;
    delete_team(conn, who, spare).await?;
    let found = team::Entity::find_by_id(1_i64)
        .one(conn)
        .await?
        .ok_or("no team 1")?;
    idle.await;
    let start = std::time::Instant::now();
    delete_team(conn, who, found).await?;
    Ok(start.elapsed().as_secs_f64())
}

/// Deletes `found`, a team of the tree, the way `who` does.
async fn delete_team(
    conn: &DatabaseConnection,
    who: Who,
    found: tree::team::Model,
) -> BenchResult<()> {
    use tree::{hero, power, team};
    let id = found.id;
    match who {
        Who::SeaOrm => {
            // Level by level: the heroes (whose powers go first), their
            // powers by foreign key, the heroes, the team.
            let txn = conn.begin().await?;
            let heroes = found.find_related(hero::Entity).all(&txn).await?;
            power::Entity::delete_many()
                .filter(power::Column::HeroId.is_in(heroes.iter().map(|h| h.id)))
                .exec(&txn)
                .await?;
            hero::Entity::delete_many()
                .filter(hero::Column::TeamId.eq(id))
                .exec(&txn)
                .await?;
            team::Entity::delete_by_id(id).exec(&txn).await?;
            txn.commit().await?;
        }
        Who::SeaOrmCascadeDelete => {
            found.cascade_delete(conn).await?;
        }
        Who::SeaOrmPassive => {
            let done = team::Entity::delete_by_id(id).exec(conn).await?;
            expect("teams deleted", done.rows_affected.try_into()?, 1)?;
        }
        other => return Err(format!("`{}` is not a SeaORM variant", other.label()).into()),
    }
    Ok(())
}

/// `items` as SeaORM active models (key not set: generated), in chunks of
/// `per_statement` rows. Untimed: what the ORM variant gets as its `Vec<Item>`.
pub fn item_chunks(items: &[Item], per_statement: usize) -> Vec<Vec<item::ActiveModel>> {
    items
        .chunks(per_statement.max(1))
        .map(|chunk| {
            chunk
                .iter()
                .map(|i| item::ActiveModel {
                    name: Set(i.name.clone()),
                    secret_name: Set(i.secret_name.clone()),
                    age: Set(i.age),
                    rating: Set(i.rating),
                    ..Default::default()
                })
                .collect()
        })
        .collect()
}

/// SeaORM's `insert_many` of every chunk (it sends one statement per call
/// and does not split by the bind-parameter limit, so the caller chunks),
/// in one transaction, reading the generated keys back
/// (`exec_with_returning_keys`: `INSERT ... RETURNING "id"`) as the ORM's
/// `insert_many` does. Timed. Returns the keys.
pub async fn insert(
    conn: &DatabaseConnection,
    chunks: Vec<Vec<item::ActiveModel>>,
) -> BenchResult<Vec<i64>> {
    let txn = conn.begin().await?;
    let mut keys = Vec::new();
    for chunk in chunks {
        keys.extend(
            item::Entity::insert_many(chunk)
                .exec_with_returning_keys(&txn)
                .await?,
        );
    }
    txn.commit().await?;
    Ok(keys)
}

/// Every item, ordered by key (as the ORM's `query().all` orders), through
/// `Entity::find().all()`. Timed.
pub async fn fetch(conn: &DatabaseConnection) -> BenchResult<Vec<item::Model>> {
    Ok(item::Entity::find()
        .order_by_asc(item::Column::Id)
        .all(conn)
        .await?)
}

/// Whether SeaORM's row `got` is the ORM's `want`.
pub fn same_item(got: &item::Model, want: &Item) -> bool {
    Some(got.id) == want.id
        && got.name == want.name
        && got.secret_name == want.secret_name
        && got.age == want.age
        && got.rating == want.rating
}

/// Every team, by key (untimed, before [`load_heroes`]).
pub async fn teams(conn: &DatabaseConnection) -> BenchResult<Vec<tree::team::Model>> {
    Ok(tree::team::Entity::find()
        .order_by_asc(tree::team::Column::Id)
        .all(conn)
        .await?)
}

/// The heroes of every team in `teams`, with SeaORM's loader
/// (`LoaderTrait::load_many`: one `SELECT ... WHERE team_id IN (...)`).
/// Timed. One list per team, in `teams`' order.
pub async fn load_heroes(
    conn: &DatabaseConnection,
    teams: &[tree::team::Model],
) -> BenchResult<Vec<Vec<tree::hero::Model>>> {
    Ok(teams.load_many(tree::hero::Entity, conn).await?)
}
