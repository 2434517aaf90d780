//! Compile-time diagnostics of `#[derive(Model)]` (SPEC §4): every mistake
//! has a case in `tests/ui/<topic>/<rule>.rs` with its expected `.stderr`;
//! `tests/ui-pass/` holds models that must compile and run.
//!
//! Regenerate the expectations with
//! `TRYBUILD=overwrite cargo test -p orm-tests --test compiletest`, then read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
    cases.pass("tests/ui-pass/*.rs");
}
