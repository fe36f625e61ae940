//! Helpers and fixtures shared by the `lint_cli_*` test files: running the binary, reading
//! its JSON report, the seed policies they lint.

pub(crate) use std::collections::BTreeSet;

pub(crate) use regex::Regex;
pub(crate) use serde_json::{json, Value};
pub(crate) use tempfile::TempDir;

pub(crate) use crate::common::{self, Run};

pub(crate) const SEED_DIR: &str = "corpus/policies/seed/";
pub(crate) const CONSOLE_DEFAULT: &str = "corpus/policies/seed/policy-console-default.json";
pub(crate) const REPOSITORY: &str = "corpus/policies/seed/policy-repository.json";
pub(crate) const ENVIRONMENT: &str = "corpus/policies/seed/policy-environment.json";
pub(crate) const IP_RANGE: &str = "corpus/policies/seed/policy-ip-range.json";
/// The repository policy with an audience condition too: no rule has anything to say.
pub(crate) const CLEAN: &str = "tests/data/clean-policy.json";
/// The repository the seed policies name; a witness from any other one shows the breadth.
pub(crate) const SEED_REPOSITORY: &str = "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}";
pub(crate) const SARIF_SCHEMA: &str = "tests/data/sarif-schema-2.1.0.json";
/// The `language` pattern of the published SARIF schema, with a stray `]` (tests/data/README.md).
pub(crate) const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Run `rolecall` and check what holds for every run: it did not panic.
pub(crate) fn run(args: &[&str]) -> Run {
    let r = common::rolecall(args, None);
    assert!(
        !r.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        r.stderr
    );
    r
}

pub(crate) fn show(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

pub(crate) fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", show(r)))
}

pub(crate) fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().expect("findings is an array")
}

/// The findings of one rule.
pub(crate) fn of_rule<'a>(doc: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings(doc).iter().filter(|f| f["rule"] == rule).collect()
}

/// The one finding of `rule` in `file`.
pub(crate) fn the_finding<'a>(doc: &'a Value, rule: &str, file: &str) -> &'a Value {
    let found: Vec<&Value> = of_rule(doc, rule)
        .into_iter()
        .filter(|f| f["file"] == file)
        .collect();
    assert_eq!(found.len(), 1, "one {rule} finding in {file}: {doc:#}");
    found[0]
}

/// Findings that fail a run by default (warning or error), or that show a breadth (witness).
pub(crate) fn serious(f: &Value) -> bool {
    f["severity"] != "note" || !f["witness"].is_null()
}

/// The text summary line that `--format text` prints for the counts of a JSON report.
pub(crate) fn summary_line(doc: &Value) -> String {
    let s = &doc["summary"];
    format!(
        "{} error(s), {} warning(s), {} note(s)",
        s["errors"], s["warnings"], s["notes"]
    )
}

pub(crate) fn text_of(path: &str) -> String {
    std::fs::read_to_string(common::path(path)).expect("read corpus file")
}

pub(crate) fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write temp file");
    p.to_string_lossy().into_owned()
}

/// Percent-encode as the IAM API does for `AssumeRolePolicyDocument`.
pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn policy_json(path: &str) -> Value {
    serde_json::from_str(&text_of(path)).expect("corpus policy is JSON")
}

/// Stderr holds nothing but the run's summary line.
pub(crate) fn summary_only(stderr: &str) -> bool {
    stderr.lines().count() == 1 && stderr.starts_with("rolecall: ") && stderr.contains(" read, ")
}

/// `aws iam get-role` as the raw API returns it: the policy URL-encoded in a string.
pub(crate) fn write_get_role(dir: &TempDir) -> String {
    let doc = json!({
        "Role": {
            "Path": "/",
            "RoleName": "deploy",
            "RoleId": "AROAEXAMPLEEXAMPLE123",
            "Arn": "arn:aws:iam::123456789012:role/deploy",
            "CreateDate": "2026-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": url_encode(&text_of(CONSOLE_DEFAULT)),
            "MaxSessionDuration": 3600
        }
    });
    write(
        dir,
        "get-role.json",
        &serde_json::to_string_pretty(&doc).unwrap(),
    )
}

/// A GitHub role with only an audience condition: an error (the issuer is shared).
pub(crate) fn github_audience_only() -> String {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
        }]
    });
    serde_json::to_string_pretty(&policy).unwrap()
}
