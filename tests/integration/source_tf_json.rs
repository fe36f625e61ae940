//! Terraform's JSON syntax (`.tf.json`) on `corpus/sources/terraform/json/`: one module with a
//! native `variables.tf`; `"${jsonencode(...)}"`, a literal policy string and
//! `aws_iam_policy_document` blocks (with `dynamic`) in JSON form; every finding and error at
//! its `.tf.json` line; discovery and `check` read it like a `.tf` file.

use std::path::PathBuf;

use rolecall::lint::{self, Config, Finding};
use rolecall::policy;
use rolecall::source::terraform_hcl::{read_roots, read_text};
use rolecall::source::{Found, ReadOutput};

use crate::common::{self, found, line, line_of, rolecall};

const DIR: &str = "corpus/sources/terraform/json";
const MAIN: &str = "corpus/sources/terraform/json/main.tf.json";

fn read() -> ReadOutput {
    read_roots(&[
        common::path(MAIN),
        common::path(&format!("{DIR}/variables.tf")),
    ])
}

fn lint_found(f: &Found) -> Vec<Finding> {
    let tree = f.tree.as_ref().unwrap();
    let policy = policy::from_node(tree, "").unwrap();
    lint::lint(&policy, &Config::default(), "main.tf.json")
}

fn finding<'f>(findings: &'f [Finding], rule: &str) -> &'f Finding {
    findings.iter().find(|f| f.rule == rule).unwrap()
}

#[test]
fn the_files_keep_their_json_text_and_every_role_is_read() {
    let out = read();
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let main = out
        .files
        .iter()
        .find(|f| f.path.ends_with("main.tf.json"))
        .unwrap();
    assert_eq!(
        &*main.text,
        std::fs::read_to_string(common::path(MAIN)).unwrap()
    );
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(
        addresses,
        [
            "aws_iam_role.deploy",
            "aws_iam_role.string",
            "aws_iam_role.github",
            "aws_iam_role.bitbucket",
            "aws_iam_role.pinned"
        ]
    );
    for f in &out.found {
        assert!(out.files[f.file].path.ends_with("main.tf.json"));
        let role = format!("\"{}\": {{", f.address.trim_start_matches("aws_iam_role."));
        assert_eq!(
            line(&out, f.file, f.span.start),
            line_of(&out, f.file, &role)
        );
    }
}

#[test]
fn a_jsonencode_template_points_at_the_subject_inside_the_string() {
    let out = read();
    let f = found(&out, "aws_iam_role.deploy");
    let findings = lint_found(f);
    let hit = finding(&findings, "cross-tenant-subject");
    let text = &out.files[f.file].text;
    // The span is the escaped string in the `.tf.json` itself, byte for byte.
    assert_eq!(
        &text[hit.loc.span.clone()],
        "\\\"repo:acme*/app:ref:refs/heads/main\\\""
    );
    assert_eq!(
        line(&out, f.file, hit.loc.span.start),
        line_of(&out, f.file, "\"assume_role_policy\": \"${jsonencode")
    );
    // local.account and local.github come from the native variables.tf of the same module.
    let tree = f.tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Principal"]["Federated"],
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    );
}

#[test]
fn a_literal_policy_string_points_into_the_string() {
    let out = read();
    let f = found(&out, "aws_iam_role.string");
    let findings = lint_found(f);
    let hit = finding(&findings, "cross-tenant-subject");
    // From the quote of the escape `\"` to the end of the closing one.
    assert_eq!(
        &out.files[f.file].text[hit.loc.span.clone()],
        "\"repo:acme*/app:ref:refs/heads/main\\\""
    );
}

#[test]
fn policy_documents_in_json_form_expand_dynamic_blocks() {
    let out = read();
    let gh = found(&out, "aws_iam_role.github");
    assert_eq!(
        gh.labels,
        [(
            "policy-document".to_string(),
            "data.aws_iam_policy_document.github".to_string()
        )]
    );
    let tree = gh.tree.as_ref().unwrap().to_value();
    assert_eq!(tree["Statement"][0]["Effect"], "Allow");
    assert_eq!(
        tree["Statement"][0]["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"],
        "repo:acme*/app:ref:refs/heads/main"
    );
    // The subjects are a local of variables.tf: the finding is at the reference that brings
    // them into the `.tf.json` file, the dynamic block's `for_each`.
    let findings = lint_found(gh);
    let hit = finding(&findings, "cross-tenant-subject");
    assert_eq!(
        line(&out, gh.file, hit.loc.span.start),
        line_of(&out, gh.file, "\"for_each\": \"${local.subjects}\"")
    );
    // A dynamic `statement` with an iterator, its `${ws.value}` resolved.
    let bb = found(&out, "aws_iam_role.bitbucket");
    let tree = bb.tree.as_ref().unwrap().to_value();
    assert!(tree["Statement"][0]["Principal"]["Federated"]
        .as_str()
        .unwrap()
        .contains("/workspaces/bbcitest/"));
    let findings = lint_found(bb);
    let hit = finding(&findings, "missing-subject-condition");
    assert!(line(&out, bb.file, hit.loc.span.start) > line_of(&out, bb.file, "\"bitbucket\": {"));
}

#[test]
fn an_unknown_variable_is_a_placeholder_at_its_json_line() {
    let out = read();
    let f = found(&out, "aws_iam_role.pinned");
    let repo = f
        .placeholders
        .iter()
        .find(|p| p.what == "var.repo")
        .unwrap();
    assert!(!repo.text.contains(['*', '?', '$']));
    assert_eq!(&out.files[f.file].text[repo.span.clone()], "var.repo");
    let tree = f.tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Condition"]["StringEquals"]
            ["token.actions.githubusercontent.com:sub"],
        "repo:acme/<var.repo>:ref:refs/heads/main"
    );
}

fn text(src: &str) -> ReadOutput {
    read_text(&PathBuf::from("t.tf.json"), src.as_bytes().to_vec())
}

#[test]
fn a_json_syntax_error_is_located() {
    let out = text("{\n  \"resource\": {\n    \"aws_iam_role\": {,\n  }\n}\n");
    assert_eq!(out.errors[0].code, "invalid-json");
    assert_eq!(line(&out, 0, out.errors[0].span.start), 3);
    let out = text("[1]");
    assert_eq!(out.errors[0].code, "invalid-terraform-json");
    let src = "{\"resource\": {\"aws_iam_role\": \"x\"}}";
    let out = text(src);
    assert_eq!(out.errors[0].code, "invalid-terraform-json");
    let x = src.find("\"x\"").unwrap();
    assert_eq!(out.errors[0].span, x..x + 3);
}

#[test]
fn a_bad_expression_inside_a_string_is_located_in_that_string() {
    let src = "{\"resource\": {\"aws_iam_role\": {\"r\": {\n  \"assume_role_policy\": \"${jsonencode({a = })}\"\n}}}}\n";
    let out = text(src);
    let e = &out.errors[0];
    assert_eq!(e.code, "invalid-hcl", "{e:?}");
    assert_eq!(line(&out, 0, e.span.start), 2, "{e:?}");
    assert_eq!(&*out.files[0].text, src);
}

#[test]
fn literal_strings_escapes_variables_and_arrays_of_blocks() {
    // A variable default is literal (its `${` is not a template); `count` expands the role;
    // an array of bodies is several blocks; `//` comments are ignored.
    let src = r#"{
  "//": "comment",
  "variable": {"sub": {"default": "repo:acme/${x}:*"}},
  "resource": [{"aws_iam_role": {"r": [{
    "count": 2,
    "assume_role_policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Action = \"sts:AssumeRoleWithWebIdentity\", Principal = {Federated = \"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"}, Condition = {StringLike = {\"token.actions.githubusercontent.com:sub\" = var.sub, \"token.actions.githubusercontent.com:aud\" = \"sts.amazonaws.com\"}}}]})}"
  }]}}]
}"#;
    let out = text(src);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(addresses, ["aws_iam_role.r[0]", "aws_iam_role.r[1]"]);
    let tree = out.found[0].tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"],
        "repo:acme/${x}:*"
    );
}

#[test]
fn lint_walks_tf_json_files_with_their_module() {
    let run = rolecall(&["lint", DIR, "--format", "json"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings
        .iter()
        .all(|f| f["file"].as_str().unwrap().ends_with("main.tf.json")));
    let deploy = findings
        .iter()
        .find(|f| f["role"] == "aws_iam_role.deploy" && f["rule"] == "cross-tenant-subject")
        .unwrap();
    assert_eq!(deploy["line"], 7);
    assert!(
        run.stderr.contains("2 file(s) read, 5 policies linted"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_terraform_json_file_under_another_name_is_read_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::path(MAIN))
        .unwrap()
        .replace("${local.account}", "111122223333")
        .replace("${local.github}", "token.actions.githubusercontent.com");
    let file = dir.path().join("roles.json");
    std::fs::write(&file, text).unwrap();
    let run = rolecall(&["lint", file.to_str().unwrap(), "--format", "json"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["role"] == "aws_iam_role.deploy" && f["rule"] == "cross-tenant-subject"));
}

#[test]
fn the_name_in_any_case_finds_it_and_the_content_picks_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let main = std::fs::read_to_string(common::path(MAIN)).unwrap();
    std::fs::write(dir.path().join("Roles.TF.JSON"), main).unwrap();
    std::fs::copy(
        common::path(&format!("{DIR}/variables.tf")),
        dir.path().join("variables.tf"),
    )
    .unwrap();
    // An IAM policy someone named `.tf.json` holds no Terraform block: read as a policy.
    std::fs::copy(
        common::path("corpus/sources/terraform/equivalent/github.json"),
        dir.path().join("policy.tf.json"),
    )
    .unwrap();
    let run = rolecall(
        &["lint", dir.path().to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    files.dedup();
    assert_eq!(files, ["Roles.TF.JSON", "policy.tf.json"], "{}", run.stdout);
    assert!(
        run.stderr.contains("3 file(s) read, 6 policies linted"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_truncation_of_the_corpus_file_is_read_without_a_panic_and_spans_stay_inside() {
    let full = std::fs::read_to_string(common::path(MAIN)).unwrap();
    let within = |len: usize, s: &std::ops::Range<usize>| s.start <= s.end && s.end <= len;
    for cut in (0..full.len()).step_by(13) {
        let Some(prefix) = full.get(..cut) else {
            continue;
        };
        // A cut JSON file is a syntax error; with its end closed early, a bad expression.
        for src in [prefix.to_string(), format!("{prefix}\"}}}}}}}}")] {
            let out = text(&src);
            let len = out.files[0].text.len();
            assert_eq!(len, src.len());
            for e in &out.errors {
                assert!(within(len, &e.span), "{e:?}");
            }
            for f in &out.found {
                assert!(within(len, &f.span));
                for p in &f.placeholders {
                    assert!(within(len, &p.span), "{p:?}");
                }
            }
        }
    }
}

#[test]
fn single_byte_mutations_of_the_corpus_file_never_panic_and_spans_stay_inside() {
    let full = std::fs::read_to_string(common::path(MAIN)).unwrap();
    let within = |len: usize, s: &std::ops::Range<usize>| s.start <= s.end && s.end <= len;
    let bytes = full.as_bytes();
    for at in (0..bytes.len()).step_by(29) {
        for b in [b'"', b'\\', b'$', b'{', b'}', b'~', b'%', b'\n'] {
            let mut mutated = bytes.to_vec();
            mutated[at] = b;
            let out = read_text(&PathBuf::from("m.tf.json"), mutated);
            let len = out.files[0].text.len();
            for e in &out.errors {
                assert!(within(len, &e.span), "{e:?}");
            }
            for f in &out.found {
                assert!(within(len, &f.span));
                for p in &f.placeholders {
                    assert!(within(len, &p.span), "{p:?}");
                    assert!(!p.text.contains(['*', '?', '$']), "{p:?}");
                }
                if let Err(e) = &f.tree {
                    assert!(within(len, &e.span), "{e:?}");
                }
            }
        }
    }
}
