//! The Terraform HCL reader (`source::terraform_hcl`) on `corpus/sources/terraform/`: each
//! style's address, file and the `.tf` line of the deciding value; placeholders; malformed
//! files as located errors; and the same insecure policy in every style linting the same.

use std::path::{Path, PathBuf};

use rolecall::lint::{self, Config, Finding};
use rolecall::policy;
use rolecall::source::terraform_hcl::{read_roots, read_text, sniff};
use rolecall::source::{Found, ReadOutput};

use crate::common::{self, found, line};

const DIR: &str = "corpus/sources/terraform";

/// The `.tf` and `.tf.json` files under `rel`, read as Terraform reads a module tree.
fn read(rel: &str) -> ReadOutput {
    let dir = common::path(&format!("{DIR}/{rel}"));
    let mut files = common::files(&dir, ".tf");
    files.extend(common::files(&dir, ".tf.json"));
    files.sort();
    assert!(!files.is_empty(), "no .tf under {rel}");
    read_roots(&files)
}

fn lint_found(out: &ReadOutput, f: &Found) -> Vec<Finding> {
    let tree = f
        .tree
        .as_ref()
        .unwrap_or_else(|e| panic!("{}: {e:?}", f.address));
    let policy = policy::from_node(tree, "")
        .unwrap_or_else(|e| panic!("{}: {e:?}\n{}", f.address, tree.to_value()));
    lint::lint(
        &policy,
        &Config::default(),
        &out.files[f.file].path.to_string_lossy(),
    )
}

fn file_name(out: &ReadOutput, f: &Found) -> String {
    let p = &out.files[f.file].path;
    let parent = p.parent().and_then(Path::file_name).unwrap_or_default();
    format!(
        "{}/{}",
        parent.to_string_lossy(),
        p.file_name().unwrap_or_default().to_string_lossy()
    )
}

/// The rule and line of the finding for `rule`.
fn finding_line(out: &ReadOutput, f: &Found, rule: &str) -> usize {
    let findings = lint_found(out, f);
    let hit = findings.iter().find(|x| x.rule == rule).unwrap_or_else(|| {
        panic!(
            "{}: no {rule} in {:?}",
            f.address,
            findings.iter().map(|x| x.rule).collect::<Vec<_>>()
        )
    });
    line(out, f.file, hit.loc.span.start)
}

/// The 1-based line in `file` of the first line containing `needle` (after line `after`).
fn line_of(out: &ReadOutput, file: usize, needle: &str, after: usize) -> usize {
    out.files[file]
        .text
        .lines()
        .enumerate()
        .skip(after)
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in file"))
}

#[test]
fn jsonencode_points_at_the_subject_line() {
    let out = read("jsonencode");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let f = found(&out, "aws_iam_role.deploy");
    assert_eq!(file_name(&out, f), "jsonencode/main.tf");
    assert_eq!(
        line(&out, f.file, f.span.start),
        line_of(&out, f.file, "resource \"aws_iam_role\" \"deploy\"", 0)
    );
    let want = line_of(&out, f.file, "\"repo:acme*/app", 0);
    assert_eq!(finding_line(&out, f, "cross-tenant-subject"), want);
    assert!(f.placeholders.is_empty(), "{:?}", f.placeholders);
    // local.account was resolved into the provider ARN.
    let tree = f.tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Principal"]["Federated"],
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    );
}

#[test]
fn unknown_values_are_named_placeholders_never_wildcards() {
    let out = read("jsonencode");
    let f = found(&out, "aws_iam_role.pinned");
    let whats: Vec<&str> = f.placeholders.iter().map(|p| p.what.as_str()).collect();
    assert_eq!(
        whats,
        ["aws_iam_openid_connect_provider.github.arn", "var.repo"]
    );
    for p in &f.placeholders {
        assert!(!p.text.contains(['*', '?', '$']), "{p:?}");
    }
    let repo = f
        .placeholders
        .iter()
        .find(|p| p.what == "var.repo")
        .unwrap();
    assert_eq!(
        line(&out, f.file, repo.span.start),
        line_of(&out, f.file, "repo:acme/${var.repo}", 0)
    );
    let tree = f.tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Condition"]["StringEquals"]
            ["token.actions.githubusercontent.com:sub"],
        "repo:acme/<var.repo>:ref:refs/heads/main"
    );
}

#[test]
fn heredocs_and_strings_point_into_the_tf_file() {
    let out = read("heredoc");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let bb = found(&out, "aws_iam_role.bitbucket");
    let findings = lint_found(&out, bb);
    assert!(!findings.is_empty());
    let gh = found(&out, "aws_iam_role.github");
    let want = line_of(&out, gh.file, "repo:${local.owner}*", 0);
    assert_eq!(finding_line(&out, gh, "cross-tenant-subject"), want);
    let s = found(&out, "aws_iam_role.string");
    let want = line_of(&out, s.file, "assume_role_policy = \"{", 0);
    assert_eq!(finding_line(&out, s, "cross-tenant-subject"), want);
}

#[test]
fn an_indented_heredoc_maps_each_json_line_to_its_tf_line() {
    let out = read("heredoc");
    let bb = found(&out, "aws_iam_role.bitbucket");
    let tree = bb.tree.as_ref().unwrap();
    let aud = tree.get("Statement").unwrap().as_array().unwrap()[0]
        .get("Condition")
        .unwrap()
        .get("StringEquals")
        .unwrap()
        .as_object()
        .unwrap()[0]
        .value
        .clone();
    assert_eq!(
        line(&out, bb.file, aud.span.start),
        line_of(&out, bb.file, "\"ari:cloud:bitbucket::workspace", 0)
    );
    assert_eq!(
        &out.files[bb.file].text[aud.span.clone()],
        "\"ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d\""
    );
}

#[test]
fn policy_documents_expand_dynamic_blocks_and_point_at_values() {
    let out = read("policy_document");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let gh = found(&out, "aws_iam_role.github");
    assert_eq!(
        gh.labels,
        [(
            "policy-document".to_string(),
            "data.aws_iam_policy_document.github".to_string()
        )]
    );
    // The deciding value is the element of `subjects`, where the dynamic block's values come from.
    let want = line_of(&out, gh.file, "subjects = [\"repo:acme*", 0);
    assert_eq!(finding_line(&out, gh, "cross-tenant-subject"), want);
    let tree = gh.tree.as_ref().unwrap().to_value();
    assert_eq!(tree["Version"], "2012-10-17");
    assert_eq!(tree["Statement"][0]["Effect"], "Allow");
    assert_eq!(
        tree["Statement"][0]["Action"],
        "sts:AssumeRoleWithWebIdentity"
    );
    let bb = found(&out, "aws_iam_role.bitbucket");
    let tree = bb.tree.as_ref().unwrap().to_value();
    assert!(tree["Statement"][0]["Principal"]["Federated"]
        .as_str()
        .unwrap()
        .contains("/workspaces/bbcitest/"));
}

#[test]
fn a_local_module_is_read_with_the_callers_arguments_not_as_a_root() {
    let out = read("module");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(addresses, ["module.ci.aws_iam_role.deploy"]);
    let f = found(&out, "module.ci.aws_iam_role.deploy");
    assert_eq!(file_name(&out, f), "ci/main.tf");
    // The argument comes from the caller's file: it is located at `var.subject` in the module.
    let want = line_of(&out, f.file, "values   = [var.subject]", 0);
    assert_eq!(finding_line(&out, f, "cross-tenant-subject"), want);
}

#[test]
fn a_module_directory_alone_is_a_root_with_its_defaults() {
    let out = read("module/modules/ci");
    let f = found(&out, "aws_iam_role.deploy");
    let findings = lint_found(&out, f);
    assert!(
        findings.iter().all(|x| x.rule != "cross-tenant-subject"),
        "{findings:?}"
    );
}

#[test]
fn override_documents_replace_statements_by_sid() {
    let out = read("merge");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let f = found(&out, "aws_iam_role.merged");
    let tree = f.tree.as_ref().unwrap().to_value();
    let statements = tree["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1, "{tree}");
    assert_eq!(statements[0]["Sid"], "GitHub");
    let want = line_of(&out, f.file, "values   = [\"repo:acme*", 0);
    assert_eq!(finding_line(&out, f, "cross-tenant-subject"), want);
}

/// Rule ids and witnesses of a policy, sorted, for comparing forms.
fn verdict(findings: &[Finding]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            let w = f
                .witness
                .as_ref()
                .map(|w| format!("{:?} {}", w.claims, w.principal))
                .unwrap_or_default();
            (f.rule.to_string(), w)
        })
        .collect();
    v.sort();
    v
}

fn json_verdict(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(common::path(&format!("{DIR}/equivalent/{name}"))).unwrap();
    let policy = policy::parse(&text).unwrap();
    verdict(&lint::lint(&policy, &Config::default(), name))
}

#[test]
fn the_same_insecure_policy_lints_the_same_in_every_style() {
    let github = json_verdict("github.json");
    assert!(
        github
            .iter()
            .any(|(r, w)| r == "cross-tenant-subject" && !w.is_empty()),
        "{github:?}"
    );
    for (dir, address) in [
        ("jsonencode", "aws_iam_role.deploy"),
        ("heredoc", "aws_iam_role.github"),
        ("heredoc", "aws_iam_role.string"),
        ("policy_document", "aws_iam_role.github"),
        ("module", "module.ci.aws_iam_role.deploy"),
        ("merge", "aws_iam_role.merged"),
        // Terraform's JSON syntax: jsonencode in a template, a literal string, a document.
        ("json", "aws_iam_role.deploy"),
        ("json", "aws_iam_role.string"),
        ("json", "aws_iam_role.github"),
    ] {
        let out = read(dir);
        let f = found(&out, address);
        assert_eq!(verdict(&lint_found(&out, f)), github, "{dir} {address}");
    }
    let bitbucket = json_verdict("bitbucket.json");
    assert!(!bitbucket.is_empty());
    for (dir, address) in [
        ("heredoc", "aws_iam_role.bitbucket"),
        ("policy_document", "aws_iam_role.bitbucket"),
        ("json", "aws_iam_role.bitbucket"),
    ] {
        let out = read(dir);
        let f = found(&out, address);
        assert_eq!(verdict(&lint_found(&out, f)), bitbucket, "{dir} {address}");
    }
}

#[test]
fn a_syntax_error_is_located_and_never_hides_the_other_files() {
    let mut files = common::files(&common::path(&format!("{DIR}/malformed/syntax")), ".tf");
    files.extend(common::files(
        &common::path(&format!("{DIR}/jsonencode")),
        ".tf",
    ));
    let out = read_roots(&files);
    let e = out.errors.iter().find(|e| e.code == "invalid-hcl").unwrap();
    assert_eq!(line(&out, e.file, e.span.start), 3);
    assert!(out.found.iter().any(|f| f.address == "aws_iam_role.deploy"));
}

#[test]
fn a_cyclic_local_is_a_located_error() {
    let out = read("malformed/cyclic");
    let f = found(&out, "aws_iam_role.cyclic");
    let e = f.tree.as_ref().unwrap_err();
    assert_eq!(e.code, "cyclic-local");
    assert!([2, 3].contains(&line(&out, e.file, e.span.start)), "{e:?}");
}

#[test]
fn an_unknown_for_each_is_one_unexpanded_statement_with_its_line() {
    let out = read("malformed/unexpanded");
    let f = found(&out, "aws_iam_role.unexpanded");
    let e = f.tree.as_ref().unwrap_err();
    assert_eq!(e.code, "unexpanded-statement");
    assert_eq!(line(&out, e.file, e.span.start), 12);
    assert!(e.message.contains("var.subjects"), "{}", e.message);
}

fn text(src: &str) -> ReadOutput {
    read_text(&PathBuf::from("t.tf"), src.as_bytes().to_vec())
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_before_parsing() {
    let src = format!(
        "resource \"aws_iam_role\" \"r\" {{\n  assume_role_policy = jsonencode({}1{})\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let out = text(&src);
    assert_eq!(out.errors[0].code, "too-deep");
    assert_eq!(line(&out, 0, out.errors[0].span.start), 2);
}

#[test]
fn a_file_over_the_size_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.tf");
    let mut src = String::from("resource \"aws_iam_role\" \"r\" {\n  description = \"");
    src.push_str(&"x".repeat(rolecall::source::MAX_TEMPLATE_BYTES));
    src.push_str("\"\n}\n");
    std::fs::write(&path, &src).unwrap();
    let out = read_roots(&[path]);
    assert_eq!(out.errors[0].code, "too-large");
    assert!(out.found.is_empty());
}

#[test]
fn non_utf8_is_a_located_error() {
    let out = read_text(
        &PathBuf::from("t.tf"),
        b"locals {\n  a = \"\xff\"\n}\n".to_vec(),
    );
    assert_eq!(out.errors[0].code, "not-utf8");
    // The bad byte (offset 16) is kept as U+FFFD, three bytes, so the span lies in the text.
    assert_eq!(out.errors[0].span, 16..19);
    assert_eq!(&out.files[0].text[16..19], "\u{FFFD}");
}

#[test]
fn sniff_finds_roles_documents_and_module_calls() {
    assert!(sniff("resource  \"aws_iam_role\" \"x\" {}"));
    assert!(sniff("data \"aws_iam_policy_document\" \"x\" {}"));
    assert!(sniff("module \"ci\" {\n  source = \"./modules/ci\"\n}"));
    assert!(!sniff("resource \"aws_iam_role_policy\" \"x\" {}"));
    // A registry module is read from .terraform/modules, or noted as not read: never silence.
    assert!(sniff(
        "module \"x\" { source = \"terraform-aws-modules/iam/aws\" }"
    ));
    assert!(!sniff("module \"x\" {}"));
}

#[test]
fn resource_for_each_gives_one_role_per_key() {
    let out = text(
        r#"
resource "aws_iam_role" "r" {
  for_each = toset(["a", "b"])
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/${each.key}:ref:refs/heads/main" } } }]
  })
}
"#,
    );
    let addresses: Vec<&str> = out.found.iter().map(|f| f.address.as_str()).collect();
    assert_eq!(
        addresses,
        [r#"aws_iam_role.r["a"]"#, r#"aws_iam_role.r["b"]"#]
    );
    let tree = out.found[1].tree.as_ref().unwrap().to_value();
    assert_eq!(
        tree["Statement"][0]["Condition"]["StringEquals"]
            ["token.actions.githubusercontent.com:sub"],
        "repo:acme/b:ref:refs/heads/main"
    );
}

#[test]
fn the_provider_renders_sets_sorted_in_reverse_and_single_values_as_strings() {
    let out = text(
        r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["sts:TagSession", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::1:oidc-provider/a"]
    }
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::1:oidc-provider/b"]
    }
    condition {
      test     = "StringLike"
      variable = "a:sub"
      values   = ["z", "a"]
    }
    condition {
      test     = "StringEquals"
      variable = "a:aud"
      values   = ["x"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#,
    );
    let tree = out.found[0].tree.as_ref().unwrap().to_value();
    let s = &tree["Statement"][0];
    assert_eq!(
        s["Action"],
        serde_json::json!(["sts:TagSession", "sts:AssumeRoleWithWebIdentity"])
    );
    assert_eq!(
        s["Principal"]["Federated"],
        serde_json::json!([
            "arn:aws:iam::1:oidc-provider/a",
            "arn:aws:iam::1:oidc-provider/b"
        ])
    );
    assert_eq!(
        s["Condition"]["StringLike"]["a:sub"],
        serde_json::json!(["z", "a"])
    );
    assert_eq!(s["Condition"]["StringEquals"]["a:aud"], "x");
}

#[test]
fn a_source_document_statement_is_replaced_by_the_current_one_with_its_sid() {
    let out = text(
        r#"
data "aws_iam_policy_document" "d" {
  source_policy_documents = [jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "A", Effect = "Deny", Action = "sts:AssumeRoleWithWebIdentity", Principal = "*" },
                 { Effect = "Allow", Action = "sts:TagSession", Principal = "*" }]
  })]
  statement {
    sid     = "A"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.d.json
}
"#,
    );
    let tree = out.found[0].tree.as_ref().unwrap().to_value();
    let st = tree["Statement"].as_array().unwrap();
    assert_eq!(st.len(), 2);
    assert_eq!(st[0]["Sid"], "A");
    assert_eq!(st[0]["Effect"], "Allow");
    assert_eq!(st[0]["Principal"], "*");
    assert_eq!(st[1]["Action"], "sts:TagSession");
}

/// Found by the fuzz target: a bad byte after valid blocks gave a span into an empty text.
#[test]
fn a_late_non_utf8_byte_is_located_inside_the_kept_text() {
    let bytes = std::fs::read(common::path(
        "tests/data/fuzz/terraform_hcl-not-utf8-after-a-block.bin",
    ))
    .unwrap();
    let out = read_text(Path::new("fuzz.tf"), bytes);
    let text = &out.files[0].text;
    let e = out.errors.iter().find(|e| e.code == "not-utf8").unwrap();
    assert!(
        e.span.start > 0 && e.span.end <= text.len(),
        "{e:?} in {} bytes",
        text.len()
    );
    assert_eq!(&text[e.span.clone()], "\u{FFFD}");
}
