//! `echo_sql()`: SQLAlchemy's `echo=True`.

/// Prints every statement the ORM runs, with its parameters, on stdout —
/// what `create_engine(..., echo=True)` does in SQLAlchemy. Only the
/// [`SQL_TARGET`](crate::SQL_TARGET) events are shown (not the driver's own).
///
/// It installs a global [`tracing`](https://docs.rs/tracing) subscriber, so
/// call it once, early in `main`; it does nothing if the program already
/// installed one. Programs with their own subscriber enable the
/// `orm::sql=debug` target instead. Needs the `echo` feature.
///
/// ```
/// orm_core::echo_sql();
/// ```
pub fn echo_sql() {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .finish()
        .with(
            tracing_subscriber::filter::Targets::new()
                .with_target(crate::SQL_TARGET, tracing::Level::DEBUG),
        );
    let _ = tracing::subscriber::set_global_default(subscriber);
}
