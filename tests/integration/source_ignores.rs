//! Reader problems are ignorable like rules where they say a value is known only at deploy or
//! apply time (`unknown-until-apply`, `unresolved-policy`, `unresolved-document`,
//! `unexpanded-statement`, `unexpanded-resource`), in `rolecall.toml` and in a template's
//! `Metadata` ignores; an ignore naming neither a rule nor such a problem is an error.

use std::path::Path;

use crate::common::{self, rolecall, Run};

const UNEXPANDED: &str = "corpus/sources/terraform/malformed/unexpanded";

fn lint_json(args: &[&str]) -> (Run, serde_json::Value) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let r = rolecall(&all, None);
    let v = serde_json::from_str(&r.stdout).unwrap_or(serde_json::Value::Null);
    (r, v)
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn config(dir: &Path, body: &str) -> String {
    let p = dir.join("rolecall.toml");
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn rolecall_toml_ignores_a_reader_problem_by_its_code() {
    let (r, report) = lint_json(&[UNEXPANDED]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(rules(&report), ["unexpanded-statement"]);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "[[ignore]]\nrule = \"unexpanded-statement\"\npath = \"*unexpanded/main.tf*\"\nreason = \"the subjects come from the pipeline and are reviewed there\"\n",
    );
    let (r, report) = lint_json(&[UNEXPANDED, "--config", &cfg]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(rules(&report).is_empty(), "{report}");
}

#[test]
fn rolecall_toml_refuses_an_ignore_of_an_unknown_id() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "[[ignore]]\nrule = \"unexpanded-statment\"\npath = \"*\"\nreason = \"typo\"\n",
    );
    let r = rolecall(&["lint", UNEXPANDED, "--config", &cfg], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("no rule is called `unexpanded-statment`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unknown-until-apply"), "{}", r.stderr);
    // A reader problem is not a rule: `[rules]` cannot turn it off.
    let cfg = config(dir.path(), "[rules]\nunexpanded-statement = \"off\"\n");
    let r = rolecall(&["lint", UNEXPANDED, "--config", &cfg], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

const DEPLOY_TIME: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Metadata:
      rolecall:
        ignore:
          - rule: RULE
            reason: the shared trust policy is linted where it is exported
    Properties:
      AssumeRolePolicyDocument: !ImportValue shared-trust
";

#[test]
fn a_metadata_ignore_takes_a_reader_problem_and_refuses_an_unknown_id() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.yaml");
    std::fs::write(
        &plain,
        DEPLOY_TIME.replace("    Metadata:\n      rolecall:\n        ignore:\n          - rule: RULE\n            reason: the shared trust policy is linted where it is exported\n", ""),
    )
    .unwrap();
    let (r, report) = lint_json(&[plain.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(rules(&report), ["unresolved-document"]);

    let ignored = dir.path().join("ignored.yaml");
    std::fs::write(&ignored, DEPLOY_TIME.replace("RULE", "unresolved-document")).unwrap();
    let (r, report) = lint_json(&[ignored.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(rules(&report).is_empty(), "{report}");

    let typo = dir.path().join("typo.yaml");
    std::fs::write(&typo, DEPLOY_TIME.replace("RULE", "unresolved-documnet")).unwrap();
    let (r, report) = lint_json(&[typo.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let e = &report["errors"][0];
    assert_eq!(e["code"], "unknown-rule", "{report}");
    assert_eq!(e["line"], 8, "{report}");
    // Not applied: the problem is still reported.
    assert_eq!(rules(&report), ["unresolved-document"]);
}

#[test]
fn a_plan_value_unknown_until_apply_is_ignorable() {
    let plan = common::path("corpus/sources/plan/plan.json");
    let plan = plan.to_str().unwrap();
    let (_, report) = lint_json(&[plan]);
    assert!(
        rules(&report).iter().any(|r| r == "unknown-until-apply"),
        "{report}"
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(
        dir.path(),
        "[[ignore]]\nrule = \"unknown-until-apply\"\npath = \"*plan.json*\"\nreason = \"applied roles are linted from the account dump\"\n",
    );
    let (_, report) = lint_json(&[plan, "--config", &cfg]);
    assert!(
        !rules(&report).iter().any(|r| r == "unknown-until-apply"),
        "{report}"
    );
}

const HCL_IGNORES: &str = "corpus/sources/terraform/ignore";

#[test]
fn a_comment_above_an_hcl_role_ignores_with_its_reason() {
    let (r, report) = lint_json(&[HCL_IGNORES]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let findings = report["findings"].as_array().unwrap();
    // The reasoned ignore suppresses the pinned role's note; the other role keeps its own.
    assert!(
        findings.iter().all(|f| f["role"] != "aws_iam_role.pinned"),
        "{report}"
    );
    assert!(findings
        .iter()
        .any(|f| f["role"] == "aws_iam_role.unreasoned" && f["rule"] == "mutable-subject-name"));
    // The ignore without a reason is a located error at its comment, and applies to nothing.
    let e = &report["errors"][0];
    assert_eq!(e["code"], "ignore-without-reason", "{report}");
    assert_eq!(e["line"], 26);
    assert!(e["file"].as_str().unwrap().ends_with("ignore/main.tf"));
}

#[test]
fn an_hcl_ignore_of_an_unknown_id_is_an_error_and_a_problem_code_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(common::path(UNEXPANDED).join("main.tf")).unwrap();
    let with = |line: &str| {
        src.replace(
            "resource \"aws_iam_role\" \"unexpanded\"",
            &format!("{line}\nresource \"aws_iam_role\" \"unexpanded\""),
        )
    };
    let ok = dir.path().join("ok");
    std::fs::create_dir(&ok).unwrap();
    std::fs::write(
        ok.join("main.tf"),
        with("// rolecall:ignore unexpanded-statement -- subjects are set per pipeline and reviewed there"),
    )
    .unwrap();
    let (r, report) = lint_json(&[ok.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(rules(&report).is_empty(), "{report}");

    let typo = dir.path().join("typo");
    std::fs::create_dir(&typo).unwrap();
    std::fs::write(
        typo.join("main.tf"),
        with("# rolecall:ignore unexpanded-statment -- typo"),
    )
    .unwrap();
    let (r, report) = lint_json(&[typo.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(report["errors"][0]["code"], "unknown-rule", "{report}");
    assert_eq!(rules(&report), ["unexpanded-statement"]);
}

#[test]
fn a_tf_json_role_ignores_with_a_comment_property() {
    let dir = tempfile::tempdir().unwrap();
    let role = |comment: &str| {
        format!(
            r#"{{"resource": {{"aws_iam_role": {{"pinned": {{
  "//": {comment},
  "assume_role_policy": "${{jsonencode({{Version = \"2012-10-17\", Statement = [{{Effect = \"Allow\", Principal = {{Federated = \"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"}}, Action = \"sts:AssumeRoleWithWebIdentity\", Condition = {{StringEquals = {{\"token.actions.githubusercontent.com:aud\" = \"sts.amazonaws.com\", \"token.actions.githubusercontent.com:sub\" = \"repo:acme/app:ref:refs/heads/main\"}}}}}}]}})}}"
}}}}}}}}
"#
        )
    };
    let plain = dir.path().join("plain.tf.json");
    std::fs::write(&plain, role("\"an ordinary comment\"")).unwrap();
    let (r, report) = lint_json(&[plain.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rules(&report), ["mutable-subject-name"]);

    let ignored = dir.path().join("ignored.tf.json");
    std::fs::write(
        &ignored,
        role("[\"why\", \"rolecall:ignore mutable-subject-name -- our names never change\"]"),
    )
    .unwrap();
    let (r, report) = lint_json(&[ignored.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(rules(&report).is_empty(), "{report}");

    let unreasoned = dir.path().join("unreasoned.tf.json");
    std::fs::write(
        &unreasoned,
        role("\"rolecall:ignore mutable-subject-name\""),
    )
    .unwrap();
    let (r, report) = lint_json(&[unreasoned.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let e = &report["errors"][0];
    assert_eq!(e["code"], "ignore-without-reason", "{report}");
    assert_eq!(e["line"], 2, "{report}");
    assert_eq!(rules(&report), ["mutable-subject-name"]);
}
