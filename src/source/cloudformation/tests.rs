#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::path::Path;

use super::{read, sniff, ACCOUNT_ID};
use crate::source::ReadOutput;

/// A template with one role whose `Principal.AWS` (or the whole `Condition` value) is `value`.
fn with_value(value: &str, extra: &str) -> ReadOutput {
    let text = format!(
        "{extra}Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      \
         AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            \
         Action: sts:AssumeRole\n            Principal: {{ AWS: '*' }}\n            \
         Condition: {{ StringEquals: {{ 'k': {value} }} }}\n"
    );
    read(Path::new("t.yaml"), &text)
}

/// The evaluated value, and the placeholders' names.
fn value(value: &str, extra: &str) -> (serde_json::Value, Vec<String>) {
    let out = with_value(value, extra);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let f = &out.found[0];
    let tree = f.tree.as_ref().unwrap().to_value();
    let v = tree["Statement"][0]["Condition"]["StringEquals"]["k"].clone();
    (v, f.placeholders.iter().map(|p| p.what.clone()).collect())
}

const PARAMS: &str = "Parameters:\n  Org: { Type: String, Default: acme }\n  \
    Repos: { Type: CommaDelimitedList, Default: 'app,web' }\n  \
    NoDefault: { Type: String }\n  \
    FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /ci/org }\n\
    Mappings:\n  Envs: { prod: { Branch: main } }\n";

#[test]
fn sub_evaluates_defaults_pseudo_parameters_and_escapes() {
    let (v, ph) = value(
        "!Sub 'repo:${Org}/${!Literal}:${AWS::Partition}.${AWS::URLSuffix}'",
        PARAMS,
    );
    assert_eq!(v, "repo:acme/${Literal}:aws.amazonaws.com");
    assert!(ph.is_empty());
    let (v, _) = value("!Sub ['repo:${A}/x', { A: !Ref Org }]", PARAMS);
    assert_eq!(v, "repo:acme/x");
    let (v, ph) = value("!Sub 'arn:aws:iam::${AWS::AccountId}:root'", PARAMS);
    assert_eq!(v, format!("arn:aws:iam::{ACCOUNT_ID}:root"));
    assert_eq!(ph, ["${AWS::AccountId}"]);
}

#[test]
fn unknowns_are_named_placeholders_never_wildcards() {
    let (v, ph) = value("!Sub 'repo:${NoDefault}:*'", PARAMS);
    assert_eq!(v, "repo:<_{NoDefault}>:*");
    assert_eq!(ph, ["${NoDefault}"]);
    let (v, ph) = value("!Ref FromSsm", PARAMS);
    assert_eq!(v, "<!Ref FromSsm>");
    assert_eq!(ph, ["!Ref FromSsm"]);
    for expr in [
        "!If [IsProd, a, b]",
        "!ImportValue x",
        "!GetAZs ''",
        "!Ref AWS::Region",
    ] {
        let (v, ph) = value(expr, PARAMS);
        assert_eq!(ph.len(), 1, "{expr}");
        let v = v.as_str().unwrap();
        assert!(
            v.starts_with('<') && !v.contains(['*', '?', '$']),
            "{expr}: {v}"
        );
    }
}

#[test]
fn join_select_split_and_find_in_map_evaluate_literals() {
    let (v, _) = value(
        "!Join [':', [repo, !Ref Org, !Select [1, !Ref Repos]]]",
        PARAMS,
    );
    assert_eq!(v, "repo:acme:web");
    let (v, _) = value("!Select [0, !Split ['/', 'acme/app']]", PARAMS);
    assert_eq!(v, "acme");
    let (v, _) = value("!FindInMap [Envs, prod, Branch]", PARAMS);
    assert_eq!(v, "main");
    let (v, ph) = value("!FindInMap [Envs, !Ref NoDefault, Branch]", PARAMS);
    assert_eq!(ph, ["!FindInMap [Envs, !Ref NoDefault, Branch]"]);
    assert!(v.as_str().unwrap().starts_with("<!FindInMap"));
    let (v, _) = value("[a, !Ref AWS::NoValue, b]", PARAMS);
    assert_eq!(v, serde_json::json!(["a", "b"]));
}

#[test]
fn long_forms_in_yaml_evaluate_like_short_ones() {
    let (v, _) = value("{ 'Fn::Join': ['', [a, { Ref: Org }]] }", PARAMS);
    assert_eq!(v, "aacme");
}

#[test]
fn an_unknown_function_or_reference_is_a_located_error_and_a_placeholder() {
    let out = with_value("{ 'Fn::Bogus': x }", "");
    assert_eq!(out.errors[0].code, "unknown-function");
    assert!(out.found[0].placeholders[0].text.starts_with("<!Bogus"));
    let out = with_value("!Ref Nowhere", "");
    assert_eq!(out.errors[0].code, "unknown-reference");
    let out = with_value("!Join [a]", "");
    assert_eq!(out.errors[0].code, "invalid-intrinsic");
}

#[test]
fn sniff_tells_templates_from_other_files() {
    assert!(sniff("AWSTemplateFormatVersion: '2010-09-09'\n"));
    assert!(sniff("Resources:\n  R:\n    Type: AWS::IAM::Role\n"));
    assert!(sniff(
        "{\"Resources\": {\"R\": {\"Type\": \"AWS::S3::Bucket\"}}}"
    ));
    assert!(!sniff("{\"Version\": \"2012-10-17\", \"Statement\": []}"));
    assert!(!sniff("Resources:\n  R:\n    Type: something\n"));
    assert!(!sniff("name: ci\non: push\njobs: {}\n"));
    // A template escaped inside a JSON string (a Terraform plan's `template_body`).
    assert!(!sniff(
        "{\"template_body\": \"{\\\"Resources\\\": {\\\"R\\\": {\\\"Type\\\": \\\"AWS::IAM::Role\\\"}}}\"}"
    ));
}

#[test]
fn a_json_template_error_is_located() {
    let out = read(Path::new("t.json"), "{\"Resources\": {\"R\": }}");
    assert_eq!(out.errors[0].code, "invalid-json");
    assert_eq!(out.errors[0].span.start, 20);
}

#[test]
fn a_duplicate_key_in_a_json_template_is_located_but_the_policy_is_left_to_the_policy_parser() {
    let text = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [], "Statement": []}}}, "R": {"Type": "AWS::S3::Bucket"}}}"#;
    let out = read(Path::new("t.json"), text);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert_eq!(out.errors[0].code, "duplicate-key");
    assert_eq!(out.errors[0].span.start, text.rfind("\"R\"").unwrap());
    assert!(crate::policy::from_node(out.found[0].tree.as_ref().unwrap(), "").is_err());
}
