//! The GitHub Action: its lint step, `integrations/github-action/run.sh`, run as a script with
//! the built binary, and `action.yml` wired to it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{path, pull_request, repo, rolecall};

struct StepRun {
    code: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    sarif: Option<Value>,
    diff_sarif: Option<Value>,
}

fn run_step(inputs: &[(&str, &str)]) -> StepRun {
    run_step_in(repo(), inputs)
}

/// [`run_step`] in the checkout `checkout`.
fn run_step_in(checkout: &Path, inputs: &[(&str, &str)]) -> StepRun {
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("github_output");
    let sarif = dir.path().join("rolecall.sarif");
    let diff_sarif = dir.path().join("rolecall-diff.sarif");
    let mut cmd = Command::new("bash");
    cmd.arg(path("integrations/github-action/run.sh"))
        .current_dir(checkout)
        .env("ROLECALL", env!("CARGO_BIN_EXE_rolecall"))
        .env("GITHUB_OUTPUT", &outputs)
        .env("SARIF", &sarif)
        .env("DIFF_SARIF", &diff_sarif)
        .env("NO_COLOR", "1");
    for k in [
        "INPUT_PATHS",
        "INPUT_FAIL_ON",
        "INPUT_CONFIG",
        "INPUT_DIFF_BASE",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run run.sh");
    let outputs = std::fs::read_to_string(&outputs)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    StepRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        outputs,
        sarif: std::fs::read_to_string(&sarif)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok()),
        diff_sarif: std::fs::read_to_string(&diff_sarif)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok()),
    }
}

#[test]
fn writes_the_sarif_rolecall_prints_and_records_the_exit_code() {
    let run = run_step(&[("INPUT_PATHS", "corpus/policies/seed")]);
    // Findings do not fail this step: the upload comes first, the last step fails the job.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs.get("code").map(String::as_str), Some("1"));
    assert!(run.outputs["sarif"].ends_with("rolecall.sarif"));
    let sarif = run.sarif.expect("a SARIF file");
    let direct = rolecall(&["lint", "corpus/policies/seed", "--format", "sarif"], None);
    assert_eq!(
        sarif,
        serde_json::from_str::<Value>(&direct.stdout).unwrap()
    );
    assert_eq!(sarif["version"], "2.1.0");
    let rules = rule_ids(&sarif);
    assert!(rules.contains(&"missing-subject-condition"), "{rules:?}");
}

#[test]
fn fail_on_and_several_paths_reach_rolecall() {
    let run = run_step(&[
        (
            "INPUT_PATHS",
            "corpus/policies/seed/policy-repository.json\ncorpus/policies/seed/policy-console-default.json",
        ),
        ("INPUT_FAIL_ON", "error"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["code"], "0");
    let results = run.sarif.unwrap()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(results, 1, "the console-default warning, below fail-on");
}

#[test]
fn the_config_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rolecall.toml");
    std::fs::write(
        &config,
        "[rules]\nmissing-subject-condition = \"off\"\nshared-ci-ip-allowlist = \"off\"\n",
    )
    .unwrap();
    let run = run_step(&[
        ("INPUT_PATHS", "corpus/policies/seed"),
        ("INPUT_CONFIG", config.to_str().unwrap()),
    ]);
    assert_eq!(run.outputs["code"], "0", "{}", run.stdout);
    assert!(run.sarif.unwrap()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn a_file_error_beside_findings_still_writes_the_sarif_for_upload() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(path("corpus/policies/seed")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("broken.json"), "{\"Version\": \n").unwrap();
    let paths = dir.path().to_str().unwrap();
    let run = run_step(&[("INPUT_PATHS", paths), ("INPUT_FAIL_ON", "error")]);
    // The step passes so that the upload runs; the last step fails the job on code 2.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["code"], "2");
    assert!(run.outputs["sarif"].ends_with("rolecall.sarif"));
    assert!(
        run.stdout
            .contains("::error title=rolecall::rolecall lint exited 2: a file"),
        "{}",
        run.stdout
    );
    let sarif = run.sarif.expect("a SARIF file");
    let direct = rolecall(
        &["lint", paths, "--format", "sarif", "--fail-on", "error"],
        None,
    );
    assert_eq!(direct.code, 2);
    assert_eq!(
        sarif,
        serde_json::from_str::<Value>(&direct.stdout).unwrap()
    );
    let rules = rule_ids(&sarif);
    assert!(rules.contains(&"file-error"), "{rules:?}");
    assert!(rules.contains(&"missing-subject-condition"), "{rules:?}");
    let yaml = std::fs::read_to_string(path("action.yml")).unwrap();
    assert!(yaml.contains("if: inputs.sarif-upload == 'true' && steps.lint.outputs.sarif != ''"));
    assert!(yaml.contains("if: steps.lint.outputs.code != '0'"));
}

#[test]
fn an_error_with_nothing_to_upload_fails_the_step_with_an_annotation() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rolecall.toml");
    std::fs::write(&config, "nonsense = =\n").unwrap();
    let run = run_step(&[
        ("INPUT_PATHS", "corpus/policies/seed"),
        ("INPUT_CONFIG", config.to_str().unwrap()),
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.outputs["code"], "2");
    assert!(!run.outputs.contains_key("sarif"), "{:?}", run.outputs);
    assert!(
        run.stdout.contains("::error title=rolecall::"),
        "{}",
        run.stdout
    );
    let bad = run_step(&[("INPUT_FAIL_ON", "loud")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stdout.contains("fail-on"), "{}", bad.stdout);
}

/// The top-level keys under `inputs:` in action.yml.
fn action_inputs(yaml: &str) -> Vec<String> {
    yaml.split_once("\ninputs:\n")
        .unwrap()
        .1
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .map(|l| l.trim().trim_end_matches(':').to_string())
        .collect()
}

#[test]
fn action_yml_runs_this_script_with_its_inputs() {
    let yaml = std::fs::read_to_string(path("action.yml")).unwrap();
    assert_eq!(
        action_inputs(&yaml),
        ["paths", "fail-on", "config", "diff-base", "sarif-upload"]
    );
    for wired in [
        "using: composite",
        "cargo install --locked",
        "integrations/github-action/run.sh",
        "INPUT_PATHS: ${{ inputs.paths }}",
        "INPUT_FAIL_ON: ${{ inputs.fail-on }}",
        "INPUT_CONFIG: ${{ inputs.config }}",
        "INPUT_DIFF_BASE: ${{ inputs.diff-base }}",
        "default: ${{ github.event.pull_request.base.sha }}",
        "sarif_file: ${{ steps.lint.outputs.diff-sarif }}",
        "steps.lint.outputs.diff-code != '0'",
        "inputs.sarif-upload == 'true'",
        "github/codeql-action/upload-sarif@",
        "actions/cache@",
    ] {
        assert!(yaml.contains(wired), "action.yml lacks `{wired}`");
    }
}

#[test]
fn a_widening_pull_request_records_new_access_with_witness_annotations_and_sarif() {
    let (checkout, base) = pull_request("policy-environment.json", "policy-repository.json");
    let run = run_step_in(checkout.path(), &[("INPUT_DIFF_BASE", base.as_str())]);
    assert_eq!(run.code, 0, "the last step fails the job\n{}", run.stdout);
    assert_eq!(run.outputs["code"], "0", "lint-clean");
    assert_eq!(run.outputs["diff-code"], "1");
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=iam/role.json,line=1,title=new access::"))
        .collect();
    assert_eq!(annotations.len(), 2, "{}", run.stdout);
    assert!(
        annotations.iter().all(|a| a.contains("%0Awitness: {")),
        "{annotations:?}"
    );
    let direct = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(["diff", "--git", &base, ".", "--format", "sarif"])
        .current_dir(checkout.path())
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(1));
    let sarif = run.diff_sarif.expect("a diff SARIF file");
    assert_eq!(
        sarif,
        serde_json::from_slice::<Value>(&direct.stdout).unwrap()
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["ruleId"] == "new-access"));
    assert!(run.outputs["diff-sarif"].ends_with("rolecall-diff.sarif"));
}

#[test]
fn no_diff_without_a_base_and_a_narrowing_is_no_new_access() {
    let (checkout, base) = pull_request("policy-repository.json", "policy-environment.json");
    let push = run_step_in(checkout.path(), &[("INPUT_DIFF_BASE", "")]);
    assert_eq!(push.code, 0);
    assert!(!push.outputs.contains_key("diff-code"));
    assert!(push.diff_sarif.is_none());
    let run = run_step_in(checkout.path(), &[("INPUT_DIFF_BASE", base.as_str())]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["diff-code"], "0");
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert!(run.stdout.contains("title=narrowed::"), "{}", run.stdout);
}

#[test]
fn a_base_missing_from_the_checkout_is_a_diff_error_after_the_lint() {
    let (checkout, _) = pull_request("policy-repository.json", "policy-environment.json");
    let run = run_step_in(
        checkout.path(),
        &[(
            "INPUT_DIFF_BASE",
            "0000000000000000000000000000000000000001",
        )],
    );
    // The lint SARIF is still uploaded; the last step fails the job on diff-code 2.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.outputs["code"], "0");
    assert!(run.outputs.contains_key("sarif"));
    assert_eq!(run.outputs["diff-code"], "2");
    assert!(run.stdout.contains("fetch-depth: 0"), "{}", run.stdout);
}

/// The `files` regex of `.pre-commit-hooks.yaml`.
fn pre_commit_files() -> regex::Regex {
    let hooks = std::fs::read_to_string(path(".pre-commit-hooks.yaml")).unwrap();
    let line = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("files: "))
        .expect("a files: line");
    regex::Regex::new(line).unwrap()
}

#[test]
fn pre_commit_hook_runs_lint_on_the_formats_rolecall_reads() {
    let hooks = std::fs::read_to_string(path(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("language: rust"));
    assert!(hooks.contains("entry: rolecall lint\n"));
    let files = pre_commit_files();
    for yes in [
        "iam/role.json",
        "ROLE.JSON",
        "stack.yaml",
        "stack.YML",
        "app.template",
        "main.tf",
        "main.TF.JSON",
    ] {
        assert!(files.is_match(yes), "{yes} should be linted");
    }
    for no in [
        "README.md",
        "main.tfvars",
        "role.json.bak",
        "Cargo.toml",
        "yaml",
    ] {
        assert!(!files.is_match(no), "{no} should not be linted");
    }
}

/// The rule ids of a SARIF log's results, in order.
fn rule_ids(sarif: &Value) -> Vec<&str> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect()
}
