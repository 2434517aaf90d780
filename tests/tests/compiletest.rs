//! Compile-time diagnostics of `#[derive(Model)]` (SPEC §4): every mistake
//! has a case in `ui/<topic>/<rule>.rs` (paths are relative to this crate, `tests/`) with its expected `.stderr`;
//! `ui-pass/` holds models that must compile and run.
//!
//! Regenerate the expectations with
//! `TRYBUILD=overwrite cargo test -p orm-tests --test compiletest`, then read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*/*.rs");
    cases.pass("ui-pass/*.rs");
}
