//! `lint --fix` on the command line: exit codes after fixing, several fixes in one file,
//! standard input, SARIF `fixes` against the schema, atomic writes, a BOM kept, and a `.tf`
//! module whose other files are left alone.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{path, rolecall};

fn copy(case: &str, file: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(file);
    std::fs::copy(path(&format!("corpus/fix/{case}/{file}")), &to).unwrap();
    (tmp, to)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn after_fixing_the_remaining_findings_decide_the_exit_code() {
    // `repo:acme*` becomes `repo:acme/*`, which still admits every repository of `acme`: a
    // `tenant-wide-subject` warning remains.
    let (_tmp, file) = copy("cross-tenant-subject", "input.json");
    let dry = rolecall(&["lint", "--fix", "--dry-run", s(&file)], None);
    assert_eq!(dry.code, 1, "{}", dry.stderr);
    let dry = rolecall(
        &["lint", "--fix", "--dry-run", "--fail-on", "error", s(&file)],
        None,
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let fixed = rolecall(&["lint", "--fix", "--fail-on", "error", s(&file)], None);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert!(
        fixed.stderr.contains("fixed 1 finding(s) in 1 file(s)"),
        "{}",
        fixed.stderr
    );
    assert!(
        !fixed.stdout.contains("cross-tenant-subject"),
        "{}",
        fixed.stdout
    );
    assert!(
        fixed.stdout.contains("tenant-wide-subject"),
        "{}",
        fixed.stdout
    );
    // Nothing left to fix: a second run changes nothing.
    let before = std::fs::read(&file).unwrap();
    let again = rolecall(&["lint", "--fix", s(&file)], None);
    assert!(
        again.stderr.contains("fixed 0 finding(s)"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn several_fixes_in_one_file_are_applied_one_proof_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("role.json");
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "ForAllValues:StringLike": { "token.actions.githubusercontent.com:sub": "repo:acme*" }
      }
    }
  ]
}
"#;
    std::fs::write(&file, text).unwrap();
    let run = rolecall(&["lint", "--fix", s(&file)], None);
    assert!(run.stderr.contains("fixed 3 finding(s)"), "{}", run.stderr);
    let want = text
        .replace("\"ForAllValues:StringLike\"", "\"StringLike\"")
        .replace("repo:acme*", "repo:acme/*")
        .replace(
            "      \"Condition\": {\n",
            "      \"Condition\": {\n        \"StringEquals\": { \"token.actions.githubusercontent.com:aud\": \"sts.amazonaws.com\" },\n",
        );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), want);
    let base_dir = tempfile::tempdir().unwrap();
    let base = base_dir.path().join("role.json");
    std::fs::write(&base, text).unwrap();
    let diff = rolecall(&["diff", s(&base), s(&file)], None);
    assert_eq!(diff.code, 0, "{}", diff.stdout);
    assert!(diff.stdout.contains("no new access"), "{}", diff.stdout);
}

#[test]
fn standard_input_is_fixed_only_dry() {
    let text = std::fs::read(path("corpus/fix/cross-tenant-subject/input.json")).unwrap();
    let wet = rolecall(&["lint", "--fix", "-"], Some(&text));
    assert_eq!(wet.code, 2, "{}", wet.stderr);
    assert!(wet.stderr.contains("--fix --dry-run"), "{}", wet.stderr);
    let dry = rolecall(&["lint", "--fix", "--dry-run", "-"], Some(&text));
    assert!(dry.stdout.contains("+++ b/<stdin>"), "{}", dry.stdout);
    assert!(dry.stdout.contains("+        \"StringLike\": { \"token.actions.githubusercontent.com:sub\": \"repo:acme/*\" }"), "{}", dry.stdout);
}

#[test]
fn suggestions_are_schema_valid_sarif_fixes() {
    let (_tmp, file) = copy("wildcard-under-exact-operator", "input.json");
    let run = rolecall(&["lint", "--fix", "--format", "sarif", s(&file)], None);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = crate::lint_cli_sarif::sarif_validator();
    crate::lint_cli_sarif::assert_valid_sarif(&validator, &doc, "lint --fix --format sarif");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let fixed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    assert_eq!(fixed.len(), 1, "{}", run.stdout);
    assert_eq!(fixed[0]["ruleId"], "wildcard-under-exact-operator");
    let fix = &fixed[0]["fixes"][0];
    assert!(fix["description"]["text"]
        .as_str()
        .unwrap()
        .contains("not applied"));
    let change = &fix["artifactChanges"][0];
    let uri = change["artifactLocation"]["uri"].as_str().unwrap();
    assert!(uri.ends_with("/input.json"), "{uri}");
    // The replacements, made in the file, give the suggested policy.
    let mut text = std::fs::read(&file).unwrap();
    let mut replacements: Vec<&Value> = change["replacements"].as_array().unwrap().iter().collect();
    replacements.sort_by_key(|r| std::cmp::Reverse(r["deletedRegion"]["byteOffset"].as_u64()));
    for r in replacements {
        let at = usize::try_from(r["deletedRegion"]["byteOffset"].as_u64().unwrap()).unwrap();
        let len = usize::try_from(r["deletedRegion"]["byteLength"].as_u64().unwrap()).unwrap();
        let with = r["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .as_bytes()
            .to_vec();
        text.splice(at..at + len, with);
    }
    assert_eq!(
        String::from_utf8(text).unwrap(),
        std::fs::read_to_string(path(
            "corpus/fix/wildcard-under-exact-operator/suggested.json"
        ))
        .unwrap()
    );
    // The JSON report carries the same offer.
    let json = rolecall(&["lint", "--fix", "--format", "json", s(&file)], None);
    assert!(json.stdout.contains("\"proven\": false"), "{}", json.stdout);
}

#[test]
fn a_file_changed_since_it_was_read_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.json");
    std::fs::write(&file, "new text").unwrap();
    let err = rolecall::lint::fix::write_atomically(&file, "old text", "fixed").unwrap_err();
    assert!(
        matches!(err, rolecall::lint::fix::WriteError::Changed),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "new text");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");
    rolecall::lint::fix::write_atomically(&file, "new text", "fixed").unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "fixed");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("p.json");
    let text = std::fs::read_to_string(path("corpus/fix/missing-audience-condition/input.json"))
        .unwrap()
        .replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(&file, &bytes).unwrap();
    let run = rolecall(&["lint", "--fix", s(&file)], None);
    assert!(run.stderr.contains("fixed 1 finding(s)"), "{}", run.stderr);
    let out = std::fs::read(&file).unwrap();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let want = std::fs::read_to_string(path("corpus/fix/missing-audience-condition/expected.json"))
        .unwrap()
        .replace('\n', "\r\n");
    assert_eq!(String::from_utf8_lossy(&out[3..]), want);
}

#[test]
fn a_terraform_module_keeps_its_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let main = tmp.path().join("main.tf");
    std::fs::copy(
        path("corpus/fix/cross-tenant-subject-terraform/input.tf"),
        &main,
    )
    .unwrap();
    let other = tmp.path().join("versions.tf");
    let versions = "terraform {\n  required_version = \">= 1.5\"   # pinned\n}\n";
    std::fs::write(&other, versions).unwrap();
    let run = rolecall(&["lint", "--fix", s(tmp.path())], None);
    assert!(
        run.stderr.contains("fixed 1 finding(s) in 1 file(s)"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&main).unwrap(),
        std::fs::read_to_string(path(
            "corpus/fix/cross-tenant-subject-terraform/expected.tf"
        ))
        .unwrap()
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), versions);
}

#[test]
fn rules_lists_what_fix_can_do() {
    let run = rolecall(&["rules"], None);
    let line = |id: &str| {
        run.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("{id} not listed"))
            .split_whitespace()
            .nth(2)
            .unwrap()
            .to_string()
    };
    assert_eq!(line("cross-tenant-subject"), "auto");
    assert_eq!(line("missing-audience-condition"), "auto");
    assert_eq!(line("set-operator-on-single-valued-key"), "auto");
    assert_eq!(line("wildcard-under-exact-operator"), "auto");
    assert_eq!(line("unmatchable-subject"), "suggestion");
    assert_eq!(line("duplicate-sid"), "none");
}

#[test]
fn generated_files_are_never_edited() {
    // A Terraform plan and a CDK synthesis are rewritten by the next `terraform plan` or
    // `cdk synth`: the fix belongs in their sources, so `--fix` leaves them as they are.
    for rel in [
        "corpus/sources/plan/plan.json",
        "corpus/sources/cdk/cdk.out/GithubDeployStack.template.json",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(Path::new(rel).file_name().unwrap());
        std::fs::copy(path(rel), &file).unwrap();
        let before = rolecall(&["lint", "--format", "json", s(&file)], None);
        assert!(
            before.stdout.contains("cross-tenant-subject"),
            "{rel}: the case lost its fixable finding"
        );
        let original = std::fs::read(&file).unwrap();
        let run = rolecall(&["lint", "--fix", s(&file)], None);
        assert!(
            run.stderr.contains("fixed 0 finding(s)"),
            "{rel}: {}",
            run.stderr
        );
        assert_eq!(std::fs::read(&file).unwrap(), original, "{rel}: edited");
    }
}

#[test]
fn a_policy_the_model_cannot_decide_is_left_as_it_is() {
    // A numeric operator on a token claim (`repository_id`) is outside the exact model: it
    // refuses, so no breadth is guessed (and no fix offered for one); the statement is
    // undecided, and says why.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("role.json");
    let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        "StringLike": { "token.actions.githubusercontent.com:sub": "repo:acme*" },
        "NumericEquals": { "token.actions.githubusercontent.com:repository_id": "98765432" }
      }
    }
  ]
}
"#;
    std::fs::write(&file, text).unwrap();
    let run = rolecall(&["lint", "--fix", s(&file)], None);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "applied");
    assert!(run.stdout.contains("undecided-breadth"), "{}", run.stdout);
    assert!(run.stdout.contains("NumericEquals"), "{}", run.stdout);
    assert!(!run.stdout.contains("suggested fix"), "{}", run.stdout);
    assert_eq!(run.code, 1);
}
