//! CloudFormation nested stacks (`corpus/sources/cloudformation/stacks/`, `nested-errors/`):
//! a parent's `AWS::CloudFormation::Stack` and SAM `AWS::Serverless::Application` read their
//! local child with the parameters they pass, the child's roles at
//! `Resources.<Stack>.Resources.<Role>` with findings on the child's lines; a missing child, a
//! cycle, too deep a nesting and a malformed child are located errors; `lint DIR` lints a
//! child once; `check` and `diff --git` read a nested role as `lint` does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rolecall::json::line_col;
use rolecall::lint::{self, Config, Finding};
use rolecall::policy;
use rolecall::source::{cloudformation, Found, ReadOutput, SourceError};
use serde_json::Value;

use crate::common::{git, path, rolecall};

const STACKS: &str = "corpus/sources/cloudformation/stacks";
const ERRORS: &str = "corpus/sources/cloudformation/nested-errors";
const SUB: &str = "!Sub repo:${GitHubOrg}/${Repo}:*";

fn read(rel: &str) -> ReadOutput {
    let p = path(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    cloudformation::read(&p, &text)
}

fn role<'o>(out: &'o ReadOutput, address: &str) -> &'o Found {
    let all: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    out.found
        .iter()
        .find(|f| f.address == address)
        .unwrap_or_else(|| panic!("no {address} in {all:?}"))
}

fn lint_found(found: &Found) -> Vec<Finding> {
    let policy = policy::from_node(found.tree.as_ref().unwrap(), "").unwrap();
    lint::lint(&policy, &Config::default(), &found.address)
}

/// The file (by path) and 1-based line a span of `found` is in.
fn place(out: &ReadOutput, found: &Found, span: &std::ops::Range<usize>) -> (PathBuf, usize) {
    let file = &out.files[found.file];
    (file.path.clone(), line_col(&file.text, span.start).0)
}

fn line_in(file: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    line_col(&text, text.find(needle).unwrap()).0
}

#[test]
fn a_parent_binds_its_childs_parameters_and_the_finding_lands_in_the_child() {
    let out = read(&format!("{STACKS}/parent.yaml"));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let child = path(&format!("{STACKS}/ci/deploy-role.yaml"));
    // `Ci` passes `!Sub "${Org}*"`, the parent's default `acme` with a star: look-alikes.
    let ci = role(&out, "Resources.Ci.Resources.DeployRole");
    let findings = lint_found(ci);
    let f = findings
        .iter()
        .find(|f| f.rule == "cross-tenant-subject")
        .unwrap_or_else(|| panic!("{findings:?}"));
    let w = f.witness.as_ref().unwrap();
    assert!(
        w.claims["sub"]
            .as_str()
            .unwrap()
            .starts_with("repo:acme-lookalike/deploy:"),
        "{:?}",
        w.claims
    );
    assert_eq!(
        place(&out, ci, &f.loc.span),
        (child.clone(), line_in(&child, SUB))
    );
    assert_eq!(
        ci.labels,
        vec![(
            "nested-in".to_string(),
            path(&format!("{STACKS}/parent.yaml")).display().to_string()
        )]
    );
    // `Other` passes a parameter without default: one named placeholder, at the child's
    // reference, never a wildcard.
    let other = role(&out, "Resources.Other.Resources.DeployRole");
    let p = other
        .placeholders
        .iter()
        .find(|p| p.what == "!Ref Unset from Resources.Other")
        .unwrap_or_else(|| panic!("{:?}", other.placeholders));
    assert!(
        !p.text.is_empty() && !p.text.contains(['*', '?', '$']),
        "{p:?}"
    );
    assert_eq!(place(&out, other, &p.span).1, line_in(&child, SUB));
    assert!(lint_found(other)
        .iter()
        .all(|f| f.rule != "cross-tenant-subject"));
    // The child is one of the files read with the parent, named as it was joined.
    assert_eq!(out.nested, vec![child.clone(), child.clone()]);
    // The remote stack is a note at its URL, not an error and not silent.
    let note = out
        .notes
        .iter()
        .find(|n| n.message.contains("Resources.Shared"))
        .unwrap_or_else(|| panic!("{:?}", out.notes));
    assert_eq!(note.code, "not-followed");
    assert!(out.files[note.file].text[note.span.clone()].starts_with("https://"));
}

#[test]
fn the_child_alone_keeps_its_defaults_and_has_no_cross_tenant_finding() {
    let out = read(&format!("{STACKS}/ci/deploy-role.yaml"));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let findings = lint_found(role(&out, "Resources.DeployRole"));
    assert!(
        findings.iter().all(|f| f.rule != "cross-tenant-subject"),
        "{findings:?}"
    );
}

#[test]
fn a_sam_application_location_is_followed_and_a_sar_application_is_noted() {
    let out = read(&format!("{STACKS}/sam-parent.yaml"));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let deploy = role(&out, "Resources.Deploy.Resources.DeployRole");
    // `GitHubOrg: acme` is the owner meant: no look-alike gets in.
    let findings = lint_found(deploy);
    assert!(
        findings.iter().all(|f| f.rule != "cross-tenant-subject"),
        "{findings:?}"
    );
    assert!(out.files[deploy.file]
        .path
        .ends_with("stacks/ci/deploy-role.yaml"));
    assert_eq!(out.found.len(), 1);
    assert!(
        out.notes
            .iter()
            .any(|n| n.message.contains("Resources.Rotation")
                && n.message.contains("Serverless Application Repository")),
        "{:?}",
        out.notes
    );
}

#[test]
fn a_missing_child_is_an_error_at_its_template_url_and_the_parents_roles_are_read() {
    let out = read(&format!("{ERRORS}/missing.yaml"));
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!(e.code, "missing-nested-template");
    assert_eq!(e.file, 0);
    assert_eq!(&out.files[0].text[e.span.clone()], "./no-such-child.yaml");
    assert!(
        e.message.contains("nested-errors/no-such-child.yaml"),
        "{}",
        e.message
    );
    role(&out, "Resources.OwnRole");
}

#[test]
fn a_cycle_is_a_located_error_and_stops() {
    let out = read(&format!("{ERRORS}/cycle-a.yaml"));
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!(e.code, "nested-stack-cycle");
    // Found where the cycle closes: cycle-b.yaml's TemplateURL back to cycle-a.yaml.
    assert!(out.files[e.file].path.ends_with("cycle-b.yaml"));
    assert_eq!(
        &out.files[e.file].text[e.span.clone()],
        "../nested-errors/./cycle-a.yaml"
    );
    assert_eq!(out.files.len(), 2);
    assert!(out.found.is_empty());
}

#[test]
fn a_malformed_child_is_its_own_located_error_and_the_parents_roles_are_read() {
    let out = read(&format!("{ERRORS}/malformed-parent.yaml"));
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!(e.code, "invalid-yaml");
    assert!(out.files[e.file].path.ends_with("malformed-child.yaml"));
    role(&out, "Resources.OwnRole");
}

/// A stack nesting `t{i+1}.yaml`, `t{i}.yaml` in `dir`.
fn chain_link(dir: &Path, i: usize) {
    let text = format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Next:\n    Type: \
         AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./t{}.yaml\n",
        i + 1
    );
    std::fs::write(dir.join(format!("t{i}.yaml")), text).unwrap();
}

#[test]
fn nesting_deeper_than_the_cap_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..=cloudformation::MAX_DEPTH + 2 {
        chain_link(dir.path(), i);
    }
    let top = dir.path().join("t0.yaml");
    let out = cloudformation::read(&top, &std::fs::read_to_string(&top).unwrap());
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!(e.code, "nesting-too-deep");
    // The template named and MAX_DEPTH levels under it.
    assert_eq!(out.files.len(), cloudformation::MAX_DEPTH + 1);
    let last = format!("t{}.yaml", cloudformation::MAX_DEPTH);
    assert!(out.files[e.file].path.ends_with(&last));
}

#[test]
#[allow(
    clippy::result_large_err,
    reason = "a fetch's error is the source layer's located file error"
)]
fn children_come_from_the_fetch_given_not_the_disk() {
    let parent = path(&format!("{STACKS}/parent.yaml"));
    let text = std::fs::read_to_string(&parent).unwrap();
    let child = cloudformation::normalize(&path(&format!("{STACKS}/ci/deploy-role.yaml")));
    // Another child at the same path: its role is named `Pinned`.
    let other = std::fs::read_to_string(&child)
        .unwrap()
        .replace("DeployRole:", "Pinned:");
    let texts: HashMap<PathBuf, Arc<str>> = [(child.clone(), Arc::from(other))].into();
    let fetch = |p: &Path| {
        texts
            .get(p)
            .cloned()
            .ok_or_else(|| SourceError::unread(p, "not-found", "not in this revision"))
    };
    let out = cloudformation::read_with(&parent, &text, &fetch);
    role(&out, "Resources.Ci.Resources.Pinned");
    assert!(out.found.iter().all(|f| !f.address.ends_with("DeployRole")));
    let refuse = |p: &Path| Err(SourceError::unread(p, "not-found", "not in this revision"));
    let out = cloudformation::read_with(&parent, &text, &refuse);
    assert_eq!(out.errors.len(), 2, "{:?}", out.errors);
    assert!(
        out.errors
            .iter()
            .all(|e| e.code == "missing-nested-template"
                && e.message.contains("not in this revision"))
    );
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// `(role, rule)` of every finding of a `lint --format json` report.
fn roles_and_rules(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["role"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn lint_dir_lints_a_nested_child_once_with_its_bound_parameters() {
    let run = rolecall(&["lint", "-v", STACKS, "--format", "json"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = roles_and_rules(&json(&run.stdout));
    let cross: Vec<_> = found
        .iter()
        .filter(|(_, rule)| rule == "cross-tenant-subject")
        .collect();
    assert_eq!(
        cross,
        vec![&(
            "Resources.Ci.Resources.DeployRole".to_string(),
            "cross-tenant-subject".to_string()
        )]
    );
    // Not linted again on its own, with its defaults.
    assert!(
        found.iter().all(|(role, _)| role != "Resources.DeployRole"),
        "{found:?}"
    );
    let report = json(&run.stdout);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "cross-tenant-subject")
        .unwrap();
    assert_eq!(f["file"], format!("{STACKS}/ci/deploy-role.yaml"));
    assert_eq!(
        f["line"],
        line_in(&path(&format!("{STACKS}/ci/deploy-role.yaml")), SUB)
    );
    assert!(
        run.stderr.contains(&format!(
            "skipped {STACKS}/ci/deploy-role.yaml: read as the nested stack"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("3 polic"), "{}", run.stderr);
    // What was not followed is said under -v, located.
    assert!(
        run.stderr.contains(&format!(
            "note: {STACKS}/parent.yaml:33:20: the template of Resources.Shared is remote"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Resources.Rotation"), "{}", run.stderr);
    // A child no parent of the run nests is read on its own, as before.
    let alone = rolecall(&["lint", &format!("{STACKS}/ci"), "--format", "json"], None);
    let found = roles_and_rules(&json(&alone.stdout));
    assert!(
        found.iter().all(|(role, _)| role == "Resources.DeployRole"),
        "{found:?}"
    );
    assert!(!found.is_empty());
}

#[test]
fn lint_dir_reports_every_nested_error_and_still_lints_the_rest() {
    let run = rolecall(&["lint", ERRORS, "--format", "json"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for needle in [
        "missing.yaml:8:20: the template of Resources.Ci",
        "cycle-b.yaml:8:20: Resources.A nests",
        "cycle-a.yaml:8:20: Resources.B nests",
        "malformed-child.yaml:7:1: invalid YAML",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    // The malformed child is reported once, through its parent.
    assert_eq!(
        run.stderr.matches("invalid YAML").count(),
        1,
        "{}",
        run.stderr
    );
    let found = roles_and_rules(&json(&run.stdout));
    assert_eq!(
        found
            .iter()
            .filter(|(role, _)| role == "Resources.OwnRole")
            .count(),
        2,
        "{found:?}"
    );
}

#[test]
fn check_on_a_nested_role_decides_as_on_the_iam_json() {
    let dir = tempfile::tempdir().unwrap();
    let gh = |sub: &str| {
        serde_json::json!({"iss": "https://token.actions.githubusercontent.com",
                           "aud": "sts.amazonaws.com", "sub": sub})
    };
    let claims = [
        (
            "look-alike",
            gh("repo:acme-lookalike/deploy:ref:refs/heads/main"),
            0,
        ),
        ("insider", gh("repo:acme/deploy:ref:refs/heads/main"), 0),
        ("other repo", gh("repo:acme/web:ref:refs/heads/main"), 1),
        (
            "other owner",
            gh("repo:other/deploy:ref:refs/heads/main"),
            1,
        ),
    ];
    for (what, c, code) in claims {
        let file = dir.path().join("w.json");
        std::fs::write(&file, c.to_string()).unwrap();
        let claims = file.to_str().unwrap();
        let expected = rolecall(
            &[
                "check",
                "corpus/sources/cloudformation/equivalent/github-nested.json",
                "--claims",
                claims,
            ],
            None,
        );
        let got = rolecall(
            &[
                "check",
                &format!("{STACKS}/parent.yaml"),
                "--resource",
                "Resources.Ci.Resources.DeployRole",
                "--claims",
                claims,
            ],
            None,
        );
        assert_eq!(expected.code, code, "{what}: {}", expected.stdout);
        assert_eq!(got.code, code, "{what}: {}{}", got.stdout, got.stderr);
    }
}

const CHILD: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Owner:
    Type: String
    Default: nobody
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: !Sub repo:${Owner}/app:ref:refs/heads/main
"#;

fn parent(comment: &str) -> String {
    format!(
        "# {comment}\nAWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Ci:\n    Type: \
         AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./ci/child.yaml\n      \
         Parameters:\n        Owner: acme\n"
    )
}

#[test]
fn diff_git_reads_a_parents_child_at_the_revision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::create_dir_all(d.join("ci")).unwrap();
    std::fs::write(d.join("parent.yaml"), parent("base")).unwrap();
    std::fs::write(d.join("ci/child.yaml"), CHILD).unwrap();
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    // The child widens to any branch; the parent changes too, so both are read.
    std::fs::write(d.join("parent.yaml"), parent("head")).unwrap();
    std::fs::write(
        d.join("ci/child.yaml"),
        CHILD.replace("refs/heads/main", "refs/heads/*"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(["diff", "--git", "HEAD", "--format", "json"])
        .current_dir(d)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&stdout);
    let roles = doc["roles"].as_array().unwrap();
    // One role, the nested one, widened: BASE read the child at HEAD's commit (the working
    // tree's would show no change), and the child is not compared again on its own.
    assert_eq!(roles.len(), 1, "{roles:?}");
    let r = &roles[0];
    assert_eq!(r["role"], "Resources.Ci.Resources.DeployRole");
    assert_eq!(r["new_access"], true);
    assert_eq!(r["base"]["file"], "HEAD:ci/child.yaml");
    assert_eq!(r["head"]["file"], "ci/child.yaml");
}
