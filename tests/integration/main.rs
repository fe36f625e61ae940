//! The one integration-test binary. Each module says what belongs in it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a failing test should stop loudly"
)]

/// The GitHub Action's lint step (run.sh) and action.yml's wiring to it.
mod action;
/// `check FILE --resource ROLE` on every template form decides as on the same IAM JSON.
mod check_forms;
/// `check POLICY` reads what `lint` reads; `--resource` picks one role.
mod check_resource;
/// The command line: output formats, exit codes, token handling.
mod cli;
/// Colour: `--color`, `NO_COLOR`, and no escape codes in piped output.
mod color;
/// Shared helpers: paths into the repository, running the built binary.
#[allow(dead_code, reason = "not every module uses every helper")]
mod common;
/// Shell completions, man pages and `--version`, for every subcommand clap knows.
mod completions;
/// Runs every declarative case under `corpus/eval/` and reports every mismatch.
mod corpus;
/// GitHub custom subject templates declared in `rolecall.toml`.
mod custom_template;
/// Custom subject templates on the exact model: `who`, `diff`, breadth, coherent witnesses.
mod custom_template_model;
/// Diagnostic codes, `--context` validation, and the exit codes the README states.
mod diagnostics;
/// `rolecall diff`: exit codes, formats, and `diff --git` over every source format.
mod diff_cli;
/// `lint PATH...`: directory walks, skipped files, the run summary, one bad file among many.
mod discovery;
/// Generated README text (the rules table) matches the code.
mod docs;
/// `lint --fix` on the command line: exit codes, stdin, SARIF fixes, atomic writes, BOM.
mod fix_cli;
/// `lint --fix` corpus cases: exact output, the diff verdict, `--dry-run`.
mod fix_corpus;
/// Each rule doc's `## Fix` example is what `lint --fix` does.
mod fix_docs;
/// Property: no `lint --fix` edit ever widens access, by the exact model.
mod fix_properties;
/// Snapshots of `lint --fix --dry-run` for every `corpus/fix` case.
mod fix_snapshots;
/// `lint --format html`: self-contained, agrees with the JSON report, replayable, escaped.
mod html;
/// `lint --format html`'s `who` summary per role: as `rolecall who`, replayable, refusals shown.
mod html_who;
/// Runs every lint case under `corpus/lint/` and re-checks every witness with the evaluator.
mod lint;
/// `lint --format github|bitbucket`: workflow commands and Code Insights payloads.
mod lint_cli_ci_formats;
/// Helpers shared by the `lint_cli_*` files.
#[allow(dead_code, reason = "not every file uses every helper")]
mod lint_cli_common;
/// `lint` configuration (`rolecall.toml`) and baselines.
mod lint_cli_config;
/// `lint` over the seed: exit codes and the text format.
mod lint_cli_exit;
/// One bad file among good ones: every format carries its error, the rest is reported.
mod lint_cli_file_errors;
/// `lint` on IAM API input: `get-role` output and account dumps.
mod lint_cli_iam_input;
/// `lint` on files that are not policies, invalid JSON, missing paths, declared instances.
mod lint_cli_inputs;
/// `lint --format json`: fields, counts, witnesses.
mod lint_cli_json;
/// `rolecall rules`: the registry listing and rule docs.
mod lint_cli_rules;
/// `lint --format sarif`: schema-valid, rules listed, results placed.
mod lint_cli_sarif;
/// Memoized answers keyed by document and configuration.
mod lint_memo;
/// Role listings and account dumps: split into roles, linted on several threads, same report.
mod listing;
/// Malformed inputs: each gives exit code 2, a located message, and no panic.
mod malformed;
/// The diff corpus (`corpus/diff/`): verdicts and replayable witnesses.
mod model_corpus;
/// Properties of the exact model (`who`, `diff`) against the evaluator.
mod model_properties;
/// The Bitbucket Pipe's pipe.sh with a stub curl: the Code Insights payloads it sends.
mod pipe;
/// `rolecall policy --from-token` for HCP Terraform, CircleCI, Buildkite and Semaphore tokens.
mod policy_from_token;
/// `rolecall policy`: every provider scope in every form, read back, linted, and proven by the model.
mod policy_gen;
/// The provider scopes `policy_gen` proves, one per provider scope.
mod policy_gen_cases;
/// Quiet on the policies the providers recommend, loud on over-broad and broken ones.
mod precision;
/// Property tests: the matcher against a regex oracle, decision invariants, round trips.
mod properties;
/// The rule catalogue: `rules/<id>.md` one-to-one with the registry, every example executed.
mod rules;
/// `docs/semantics.md` defines every rule number the code cites, with AWS pages and cases.
mod semantics_doc;
/// Snapshots of `check`'s text and JSON output over the decision corpus.
mod snapshots_check;
/// Snapshot helpers (run in a scratch directory, compare, refuse orphans).
mod snapshots_common;
/// Snapshots of `lint`'s text and JSON output over the lint corpus and the rule examples.
mod snapshots_lint;
/// The CloudFormation, SAM, CDK and Terraform plan readers, their corpus and malformed input.
mod source_cfn;
/// CloudFormation nested stacks: parameters bound, child lines, errors, runs, check, diff.
mod source_cfn_nested;
/// Terraform HCL: each style located at its `.tf` line, modules, malformed files.
mod source_hcl;
/// Reader problems about deploy-time values are ignorable; unknown ignore ids are errors.
mod source_ignores;
/// Size caps: a 50 MB `.tf` or YAML file is one located error; the rest is still linted.
mod source_size_caps;
/// Terraform's JSON syntax (`.tf.json`): read with its module, located at the `.tf.json` line.
mod source_tf_json;
/// Registry and remote modules: read from `.terraform/modules` after `terraform init`, or noted.
mod source_tf_registry;
/// Token algorithms and time formats STS refuses; wrapped tokens (`Bearer `, quotes, JSON).
mod token_alg;
/// `lint --witness-dir`: witness claims files named from fingerprints, written all or nothing.
mod witness_dir;
