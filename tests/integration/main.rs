//! The one integration-test binary. Each module says what belongs in it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a failing test should stop loudly"
)]

/// The command line: output formats, exit codes, token handling.
mod cli;
/// Shared helpers: paths into the repository, running the built binary.
#[allow(dead_code, reason = "not every module uses every helper")]
mod common;
/// Runs every declarative case under `corpus/eval/` and reports every mismatch.
mod corpus;
/// GitHub custom subject templates declared in `rolecall.toml`.
mod custom_template;
/// Generated README text (the rules table) matches the code.
mod docs;
/// Runs every lint case under `corpus/lint/` and re-checks every witness with the evaluator.
mod lint;
/// The `lint` command: formats (text, json, sarif, github, bitbucket), exit codes, config.
mod lint_cli;
/// Role listings and account dumps: split into roles, linted on several threads, same report.
mod listing;
/// Malformed inputs: each gives exit code 2, a located message, and no panic.
mod malformed;
/// The diff corpus (`corpus/diff/`): verdicts and replayable witnesses.
mod model_corpus;
/// Properties of the exact model (`who`, `diff`) against the evaluator.
mod model_properties;
/// Property tests: the matcher against a regex oracle, decision invariants, round trips.
mod properties;
/// The rule catalogue: `rules/<id>.md` one-to-one with the registry, every example executed.
mod rules;
