//! Helpers shared by the behaviour tests and the examples: captured SQL
//! logs, database URLs, and the sections of the examples' output that the
//! book includes. (The examples print their SQL with
//! `orm_core::echo_sql()`, SQLAlchemy's `echo=True`.) [`private_server`]
//! starts PostgreSQL and MariaDB servers of a test's own, for tests that
//! pause or crash their server.

use std::io::Write;
use std::sync::{Arc, Mutex};

pub mod private_server;

/// Lets through the `orm::sql` events only (not the driver's own).
fn only_orm_sql() -> tracing_subscriber::filter::Targets {
    tracing_subscriber::filter::Targets::new().with_target("orm::sql", tracing::Level::DEBUG)
}

/// The database URL from `DATABASE_URL`, or `default`.
pub fn database_url(default: &str) -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| default.to_owned())
}

/// A buffer receiving the `orm::sql` log of the current thread.
#[derive(Clone, Default)]
pub struct SqlLog(Arc<Mutex<Vec<u8>>>);

impl SqlLog {
    /// The statements logged so far, one per entry.
    pub fn statements(&self) -> Vec<String> {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_owned())
            .collect()
    }

    /// Forgets what was logged.
    pub fn clear(&self) {
        if let Ok(mut b) = self.0.lock() {
            b.clear();
        }
    }
}

thread_local! {
    static CAPTURING: std::cell::RefCell<Option<SqlLog>> = const { std::cell::RefCell::new(None) };
}

/// Writes to the log the current thread is capturing into, if any.
pub struct ThreadLogWriter;

impl Write for ThreadLogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURING.with(|c| {
            if let Some(log) = c.borrow().as_ref()
                && let Ok(mut b) = log.0.lock()
            {
                b.extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Stops capturing when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURING.with(|c| c.borrow_mut().take());
    }
}

/// Captures the `orm::sql` log of the current thread until the guard drops.
/// Use with `#[tokio::test]` (a current-thread runtime).
///
/// One global subscriber is installed for the whole test binary and routes
/// each event to the capturing thread's buffer: a per-test scoped subscriber
/// would race with other test threads over tracing's cached callsite
/// interest and could miss events.
pub fn capture_sql() -> (CaptureGuard, SqlLog) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .without_time()
            .with_level(false)
            .with_target(false)
            .with_ansi(false)
            .with_writer(|| ThreadLogWriter)
            .finish()
            .with(only_orm_sql());
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
    let log = SqlLog::default();
    CAPTURING.with(|c| *c.borrow_mut() = Some(log.clone()));
    (CaptureGuard(()), log)
}

/// Marks a part of an example's console output for the book, until the
/// returned guard drops.
///
/// With the environment variable `ORM_BOOK_SECTIONS` set (`.ci/book.sh` sets
/// it when it records `docs/src/output/<example>.txt`), prints the line
/// `ANCHOR: <name>` now and `ANCHOR_END: <name>` when the guard drops. Both go
/// through `println!`, the same line-buffered stdout as the SQL log of
/// `orm_core::echo_sql()`, so they stay in order with it. A chapter then
/// includes that part alone with `{{#include output/<example>.txt:<name>}}`;
/// mdBook leaves the marker lines out. Without the variable nothing is
/// printed and the output is the example's own.
///
/// ```
/// # fn insert() {}
/// {
///     let _section = orm_tests::section("insert");
///     insert(); // what this prints is the section `insert`
/// }
/// ```
pub fn section(name: &'static str) -> Section {
    let name = std::env::var_os("ORM_BOOK_SECTIONS").map(|_| name);
    if let Some(name) = name {
        println!("ANCHOR: {name}");
    }
    Section { name }
}

/// The guard [`section`] returns: ends the section when dropped.
#[must_use = "the section ends when this guard drops; bind it with `let _section = ...`"]
pub struct Section {
    /// The section's name, when `ORM_BOOK_SECTIONS` is set.
    name: Option<&'static str>,
}

impl Drop for Section {
    fn drop(&mut self) {
        if let Some(name) = self.name {
            println!("ANCHOR_END: {name}");
        }
    }
}
