//! The behaviour suite, run against every backend: CRUD, relationship
//! loading, one-to-one relationships, every row of the SPEC §3 cascade
//! table, delete plans, the tutorial steps, fault injection, hostile input,
//! concurrency, schema verification and the differential property test.
//!
//! ```text
//! cargo test -p orm-tests --test behaviour                 # SQLite; PostgreSQL ignored
//! ORM_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! ORM_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo test -p orm-tests --test behaviour             # all three
//! cargo test -p orm-tests --test behaviour -- postgres     # one backend
//! ```
//!
//! Tests are named `<backend>::<module>::<test>`.

mod backends;
mod harness;

mod blog;
mod cascade;
mod composite_fk;
mod concurrency;
mod crud;
mod delete;
mod differential;
mod faults;
mod hostile;
mod loading;
mod mysql_only;
mod one_to_one;
mod postgres_only;
mod registry;
mod relations;
mod reliability;
mod soft_delete;
mod sqlite_only;
mod tutorials;
mod types;
mod verify;

use std::process::ExitCode;

use libtest_mimic::{Arguments, Trial};
use orm_mysql::MySql;
use orm_postgres::Postgres;
use orm_sqlite::Sqlite;

use harness::TestBackend;

/// Registers every module's tests for backend `B`.
fn suite<B: TestBackend>(trials: &mut Vec<Trial>) {
    harness::add::<B>(trials, "blog", blog::tests());
    harness::add::<B>(trials, "cascade", cascade::tests());
    harness::add::<B>(trials, "composite_fk", composite_fk::tests());
    harness::add::<B>(trials, "concurrency", concurrency::tests());
    harness::add::<B>(trials, "crud", crud::tests());
    harness::add::<B>(trials, "delete", delete::tests());
    harness::add::<B>(trials, "differential", differential::tests());
    harness::add::<B>(trials, "faults", faults::tests());
    harness::add::<B>(trials, "hostile", hostile::tests());
    harness::add::<B>(trials, "loading", loading::tests());
    harness::add::<B>(trials, "one_to_one", one_to_one::tests());
    harness::add::<B>(trials, "registry", registry::tests());
    harness::add::<B>(trials, "relations", relations::tests());
    harness::add::<B>(trials, "reliability", reliability::tests());
    harness::add::<B>(trials, "soft_delete", soft_delete::tests());
    harness::add::<B>(trials, "tutorials", tutorials::tests());
    harness::add::<B>(trials, "types", types::tests());
    harness::add::<B>(trials, "verify", verify::tests());
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    harness::explain_skips();
    let mut trials = Vec::new();
    suite::<Sqlite>(&mut trials);
    harness::add::<Sqlite>(&mut trials, "sqlite_only", sqlite_only::tests());
    suite::<Postgres>(&mut trials);
    harness::add::<Postgres>(&mut trials, "postgres_only", postgres_only::tests());
    suite::<MySql>(&mut trials);
    harness::add::<MySql>(&mut trials, "mysql_only", mysql_only::tests());
    libtest_mimic::run(&args, trials).exit_code()
}
