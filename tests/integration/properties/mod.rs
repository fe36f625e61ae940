//! Property tests: the matcher against a regex oracle, decision invariants over generated
//! policies and claims, and the canonical JSON round trip.
//!
//! Case counts are kept low enough for a debug `cargo test` on two cores. Set `PROPTEST_CASES`
//! to run every property with that many cases instead (e.g. `PROPTEST_CASES=300000` in release).
//!
//! One file per concern: `matcher` (the StringLike matcher against a regex oracle), `decision`
//! (invariants of decisions over generated policies and requests), `round_trip` (canonical
//! JSON, by example and over the corpus), `generators` (the generators reach both outcomes).

mod decision;
mod generators;
mod matcher;
mod round_trip;

use proptest::test_runner::Config as ProptestConfig;

/// `default` cases, or `PROPTEST_CASES` when set.
pub(super) fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}
