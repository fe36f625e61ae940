//! The generators the properties draw from reach both outcomes.

use proptest::prelude::*;

use super::decision::{claims, doc, render, verdict};
use super::matcher::{oracle_raw, raw_pattern_and_value};
use rolecall::Verdict;

// ---------------------------------------------------------------------------------------------
// The generators themselves
// ---------------------------------------------------------------------------------------------

/// Draw `n` values from a strategy with a fixed seed.
fn sample<S: Strategy>(s: S, n: usize) -> Vec<S::Value> {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..n)
        .map(|_| s.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// The properties above are only as good as their inputs: near-miss values must both match and
/// miss often, and generated requests must be both allowed and denied often.
#[test]
fn generators_reach_both_outcomes() {
    let pairs = sample(raw_pattern_and_value(), 2000);
    let matched = pairs
        .iter()
        .filter(|(p, v)| oracle_raw(p).is_match(v))
        .count();
    eprintln!("matcher: {matched} of {} pairs match", pairs.len());
    assert!((400..=1600).contains(&matched), "{matched} of 2000 match");

    let cases = sample((doc(), claims()), 400);
    let allowed = cases
        .iter()
        .filter(|(d, c)| verdict(&render(d), c) == Verdict::Allow)
        .count();
    eprintln!("policies: {allowed} of {} requests allowed", cases.len());
    assert!((60..=340).contains(&allowed), "{allowed} of 400 allowed");
}
