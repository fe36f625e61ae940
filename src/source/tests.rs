#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a failing test should stop loudly"
)]

use std::path::PathBuf;
use std::sync::Arc;

use super::*;
use crate::json;

fn text_file(name: &str, text: &str) -> Arc<SourceText> {
    Arc::new(SourceText::new(PathBuf::from(name), Arc::from(text)))
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}
  }]
}"#;

#[test]
fn a_bare_policy_is_one_document_without_an_address() {
    let src = open(text_file("p.json", POLICY), true).unwrap();
    let (docs, errors) = src.documents();
    assert!(errors.is_empty());
    assert_eq!(docs.len(), 1);
    assert!(docs[0].policy.is_ok());
    assert_eq!(docs[0].origin.address, None);
    assert_eq!(docs[0].origin.line_col(), (1, 1));
}

#[test]
fn a_listing_locates_each_role_by_name_pointer_and_line() {
    let text = format!(
        "{{\"Roles\": [\n{{\"RoleName\": \"a\", \"AssumeRolePolicyDocument\": {POLICY}}},\n\
         {{\"RoleName\": \"b\", \"AssumeRolePolicyDocument\": {POLICY}}}]}}"
    );
    let src = open(text_file("roles.json", &text), false).unwrap();
    let (docs, _) = src.documents();
    let names: Vec<_> = docs
        .iter()
        .map(|d| d.origin.address.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(docs[1].origin.pointer, "/Roles/1/AssumeRolePolicyDocument");
    assert_eq!(docs[1].origin.line_col().0, 11);
    assert_eq!(docs[1].origin.key(), "roles.json#b");
}

#[test]
fn json_that_holds_no_policy_yields_nothing_when_found_by_walking() {
    let src = open(text_file("package.json", r#"{"name": "x"}"#), false).unwrap();
    assert!(src.documents().0.is_empty());
    // Named, it is read as a policy (and reported as a broken one).
    let src = open(text_file("package.json", r#"{"name": "x"}"#), true).unwrap();
    assert!(src.documents().0[0].policy.is_err());
    // A template is not read as a policy even when named.
    let src = open(text_file("t.json", r#"{"Resources": {}}"#), true).unwrap();
    assert!(src.documents().0.is_empty());
}

#[test]
fn no_registered_reader_recognises_yaml() {
    let err = open(text_file("t.yaml", "Resources:\n  R: {}\n"), false).unwrap_err();
    assert_eq!(err, Skip::Unrecognised);
    // Named, it is read as JSON, which locates why it is not.
    let src = open(text_file("t.yaml", "Resources:\n  R: {}\n"), true).unwrap();
    assert_eq!(src.documents().1[0].code, "invalid-json");
}

#[test]
fn a_syntax_error_is_one_located_error() {
    let src = open(text_file("bad.json", "{\n  \"Version\": ,\n}"), true).unwrap();
    let (docs, errors) = src.documents();
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "invalid-json");
    assert_eq!(errors[0].line_col().map(|p| p.0), Some(2));
}

#[test]
fn too_deep_arrays_report_where_the_strict_parser_does() {
    let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let src = open(text_file("deep.json", &text), true).unwrap();
    let (_, errors) = src.documents();
    assert_eq!(errors[0].code, "too-deep");
    let direct = crate::policy::parse(&text).unwrap_err();
    let expect = json::line_col(&text, direct.0[0].loc.span.start);
    assert_eq!(errors[0].line_col(), Some(expect));
}

fn read_output() -> ReadOutput {
    let text = "Resources:\n  DeployRole:\n    Type: AWS::IAM::Role\n";
    // A hand-built tree: its spans stand for places in the template.
    let owned: json::Node<'static> = json::parse(POLICY).unwrap();
    ReadOutput {
        files: vec![SourceFile {
            path: PathBuf::from("stack.yaml"),
            text: Arc::from(text),
        }],
        found: vec![
            Found {
                file: 0,
                address: "Resources.DeployRole".into(),
                span: 13..40,
                tree: Ok(owned),
                placeholders: vec![Placeholder::new("!Ref Repo", 150..170)],
                ignores: vec![
                    InlineIgnore {
                        rule: "any-ref-subject".into(),
                        reason: "one repository".into(),
                        span: 20..30,
                    },
                    InlineIgnore {
                        rule: "wildcard-action".into(),
                        reason: " ".into(),
                        span: 31..35,
                    },
                ],
                labels: vec![("logical-id".into(), "DeployRole1A2B".into())],
                before: None,
            },
            Found {
                file: 0,
                address: "Resources.Other".into(),
                span: 0..5,
                tree: Err(ReadError {
                    file: 0,
                    span: 2..4,
                    code: "unexpanded-statement",
                    message: "a dynamic block over var.repos".into(),
                }),
                placeholders: Vec::new(),
                ignores: Vec::new(),
                labels: Vec::new(),
                before: None,
            },
        ],
        errors: vec![ReadError {
            file: 0,
            span: 40..41,
            code: "unknown-tag",
            message: "unknown tag !Foo".into(),
        }],
        ..ReadOutput::default()
    }
}

#[test]
fn a_reader_output_becomes_located_documents() {
    let src = from_read_output(read_output());
    let (docs, errors) = src.documents();
    assert_eq!(docs.len(), 2);
    let d = &docs[0];
    assert!(d.policy.is_ok());
    assert_eq!(d.origin.address.as_deref(), Some("Resources.DeployRole"));
    assert_eq!(d.origin.file.name, "stack.yaml");
    assert_eq!(d.origin.line_col(), (2, 3));
    assert!(d.origin.is_named("DeployRole"));
    assert!(d.origin.is_named("DeployRole1A2B"));
    assert_eq!(d.ignores.len(), 1, "the reasonless ignore is not applied");
    assert_eq!(d.placeholders_in(&(160..161)).count(), 1);
    assert_eq!(d.placeholders_in(&(0..10)).count(), 0);
    // The tree that could not be built is a document with the reader's problem.
    assert_eq!(docs[1].problems[0].code, "unexpanded-statement");
    let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["unknown-tag", "ignore-without-reason"]);
    assert_eq!(errors[0].line_col(), Some((3, 16)));
}

#[test]
fn select_picks_by_name_or_the_only_one() {
    let src = from_read_output(read_output());
    let docs = || src.documents().0;
    let one = select("stack.yaml", docs(), Some("DeployRole")).unwrap();
    assert_eq!(one.origin.address.as_deref(), Some("Resources.DeployRole"));
    let several = select("stack.yaml", docs(), None).unwrap_err();
    assert!(matches!(several, SelectError::Several { ref names, .. } if names.len() == 2));
    let missing = select("stack.yaml", docs(), Some("Nope")).unwrap_err();
    assert!(missing.to_string().contains("Resources.DeployRole"));
}

#[test]
fn discovery_matches_extensions_in_any_case() {
    for yes in [
        "a.JSON",
        "b.Yml",
        "c.yaml",
        "d.template",
        "e.tf",
        "f.TF.json",
    ] {
        assert!(
            discover::has_source_extension(std::path::Path::new(yes)),
            "{yes}"
        );
    }
    for no in ["a.txt", "b.jsonl", "tf", "c.tfvars"] {
        assert!(
            !discover::has_source_extension(std::path::Path::new(no)),
            "{no}"
        );
    }
}
