//! The statement timeout: every round trip an operation makes (statements,
//! `BEGIN`, `COMMIT`, `ROLLBACK`, savepoints) is bounded on the client, so a
//! server that stops answering (a paused process, a dead network path whose
//! TCP connection stays open) cannot make an operation wait forever.
//!
//! The bound of the operation running on this task is a task-local value,
//! set by the [`Executor`](super::Executor) method around the whole
//! operation; the primitives read it. A round trip that runs out of time
//! marks the operation, which then makes sure its connection is not reused
//! in an unknown state (see [`ConnRef::abandon`](super::ConnRef)).

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::carry::ForeignKeyCache;

use crate::error::{Error, Result, TimeoutKind};

struct Limits {
    statement: Option<Duration>,
    timed_out: Cell<bool>,
    /// The foreign keys the operation's pool found in the catalog.
    foreign_keys: Arc<ForeignKeyCache>,
}

tokio::task_local! {
    static LIMITS: Limits;
}

/// Runs `op` with `statement` as the bound of each of its round trips.
/// Returns its result, and whether one of its round trips ran out of time
/// on the client (the connection is then in an unknown state).
pub(crate) async fn scope<F: Future>(
    statement: Option<Duration>,
    foreign_keys: Arc<ForeignKeyCache>,
    op: F,
) -> (F::Output, bool) {
    let limits = Limits {
        statement,
        timed_out: Cell::new(false),
        foreign_keys,
    };
    LIMITS
        .scope(limits, async move {
            let out = op.await;
            let timed_out = LIMITS.with(|l| l.timed_out.get());
            (out, timed_out)
        })
        .await
}

/// The foreign keys the pool of the ORM operation running on this task
/// found in the catalog (`None` outside one).
pub(crate) fn foreign_key_cache() -> Option<Arc<ForeignKeyCache>> {
    LIMITS.try_with(|l| l.foreign_keys.clone()).ok()
}

/// The statement timeout ([`Db::with_statement_timeout`](crate::Db::with_statement_timeout))
/// of the ORM operation running on this task, if any (`None` outside one).
///
/// For backends that can also stop a statement themselves, with the same
/// bound (SQLite's progress handler).
pub fn current_statement_timeout() -> Option<Duration> {
    LIMITS.try_with(|l| l.statement).ok().flatten()
}

/// One round trip, bounded by the current statement timeout. When the
/// bound runs out the round trip is abandoned (its future dropped) and the
/// operation is marked as timed out.
pub(crate) async fn bounded<T>(round_trip: impl Future<Output = Result<T>>) -> Result<T> {
    bounded_by(current_statement_timeout(), round_trip).await
}

/// `round_trip` bounded by `bound` when there is one.
pub(crate) async fn bounded_by<T>(
    bound: Option<Duration>,
    round_trip: impl Future<Output = Result<T>>,
) -> Result<T> {
    match bound {
        None => round_trip.await,
        Some(bound) => within(bound, round_trip).await,
    }
}

/// `round_trip` bounded by `bound`: [`Error::Timeout`] when it runs out,
/// the operation (if one is running on this task) marked as timed out.
pub(crate) async fn within<T>(
    bound: Duration,
    round_trip: impl Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(bound, round_trip).await {
        // The backend stopped the statement at the same bound (SQLite's
        // progress handler): the same as the client giving up, for what
        // happens to the connection and its transaction next.
        Ok(Err(Error::Timeout {
            what: TimeoutKind::Statement,
            after: Some(after),
        })) => {
            mark_timed_out();
            Err(statement_timeout(after))
        }
        Ok(result) => result,
        Err(_) => {
            mark_timed_out();
            tracing::debug!(target: "orm::timeout", "statement timed out after {bound:?}");
            Err(statement_timeout(bound))
        }
    }
}

fn mark_timed_out() {
    let _ = LIMITS.try_with(|l| l.timed_out.set(true));
}

/// The error of a round trip that ran out of `bound`.
pub(crate) fn statement_timeout(bound: Duration) -> Error {
    Error::Timeout {
        what: TimeoutKind::Statement,
        after: Some(bound),
    }
}
