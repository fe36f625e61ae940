#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
#![allow(
    clippy::result_large_err,
    reason = "a fetch's error is the source layer's located file error"
)]

use std::path::Path;
use std::sync::Arc;

use super::read_with;
use crate::source::{ReadOutput, SourceError};

const CHILD: &str = "Parameters:\n  Org: { Type: String, Default: dflt }\n  \
    Repos: { Type: CommaDelimitedList, Default: 'x,y' }\n  \
    Opaque: { Type: CommaDelimitedList }\n  Num: { Type: Number }\n  \
    FromSsm: { Type: 'AWS::SSM::Parameter::Value<String>' }\n\
    Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      \
    AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            \
    Action: sts:AssumeRole\n            Principal: { AWS: '*' }\n            \
    Condition: { StringEquals: { org: !Ref Org, second: !Select [1, !Ref Repos], \
    opaque: !Ref Opaque, num: !Ref Num, ssm: !Ref FromSsm } }\n";

/// `parent` at `dir/parent.yaml`, its child `dir/child.yaml` served from memory.
fn read_parent(parent: &str) -> ReadOutput {
    let fetch = |p: &Path| {
        if p == Path::new("dir/child.yaml") {
            Ok(Arc::from(CHILD))
        } else {
            Err(SourceError::unread(p, "not-found", "no such file"))
        }
    };
    read_with(Path::new("dir/parent.yaml"), parent, &fetch)
}

const PARENT: &str = "Conditions:\n  C: !Equals [a, b]\nResources:\n  S:\n    \
    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n      \
    Parameters:\n        Org: !Ref AWS::NoValue\n        Repos: [a, b]\n        \
    Opaque: !If [C, 'p,q', r]\n        Num: 42\n        FromSsm: /ci/org\n        \
    Bad: !Ref Nope\n";

#[test]
fn passed_values_take_the_place_of_defaults_as_cloudformation_passes_them() {
    let out = read_parent(PARENT);
    let f = &out.found[0];
    assert_eq!(f.address, "Resources.S.Resources.Role");
    assert_eq!(f.file, 1);
    let tree = f.tree.as_ref().unwrap().to_value();
    let c = &tree["Statement"][0]["Condition"]["StringEquals"];
    // `AWS::NoValue` passes nothing: the child's default holds.
    assert_eq!(c["org"], "dflt");
    // A list is passed as its comma-joined items, and split again by a list parameter.
    assert_eq!(c["second"], "b");
    assert_eq!(c["num"], "42");
    // What the parent cannot decide is one literal, even for a list parameter (its name
    // holds commas, not items), and named after the parent's expression.
    let opaque = c["opaque"].as_str().unwrap();
    let p = f.placeholders.iter().find(|p| p.text == opaque).unwrap();
    assert_eq!(p.what, "!If [C, p,q, r] from Resources.S");
    assert!(!opaque.contains(['*', '?', '$']));
    // Placeholders stand at the child's reference, in the child's file.
    let child_at = CHILD.find("!Ref Opaque").unwrap();
    assert_eq!(p.span, child_at..child_at + "!Ref Opaque".len());
    // An SSM parameter's value is the parameter's name, not its value.
    let ssm = c["ssm"].as_str().unwrap();
    assert!(f
        .placeholders
        .iter()
        .any(|p| p.text == ssm && p.what == "!Ref FromSsm"));
    // A reference the parent cannot resolve is the parent's own located error.
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!((e.code, e.file), ("unknown-reference", 0));
    assert_eq!(&PARENT[e.span.clone()], "!Ref Nope");
    assert_eq!(out.nested, vec![Path::new("dir/child.yaml").to_path_buf()]);
}

#[test]
fn a_parameter_not_passed_keeps_its_default_or_is_a_placeholder() {
    let out = read_parent(&PARENT.replace("        Num: 42\n", ""));
    let f = &out.found[0];
    let tree = f.tree.as_ref().unwrap().to_value();
    let num = tree["Statement"][0]["Condition"]["StringEquals"]["num"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(f
        .placeholders
        .iter()
        .any(|p| p.text == num && p.what == "!Ref Num"));
}

#[test]
fn remote_and_intrinsic_locations_are_notes_not_reads() {
    let parent = "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      \
        TemplateURL: s3://bucket/a.yaml\n  B:\n    Type: AWS::CloudFormation::Stack\n    \
        Properties:\n      TemplateURL: !Sub 'https://${Bucket}.s3.amazonaws.com/b.yaml'\n  \
        C:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      \
        TemplateURL: child.yaml\n      Parameters: !If [X, {}, {}]\n";
    let out = read_parent(parent);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let notes: Vec<&str> = out.notes.iter().map(|n| &parent[n.span.clone()]).collect();
    assert_eq!(
        notes,
        [
            "s3://bucket/a.yaml",
            "!Sub 'https://${Bucket}.s3.amazonaws.com/b.yaml'",
            "!If [X, {}, {}]"
        ]
    );
    // The child of `C` is read, with its defaults.
    assert_eq!(out.found.len(), 1);
}

#[test]
fn paths_are_normalised_lexically() {
    use super::normalize;
    assert_eq!(
        normalize(Path::new("a/./b/../c.yaml")),
        Path::new("a/c.yaml")
    );
    assert_eq!(normalize(Path::new("./c.yaml")), Path::new("c.yaml"));
    assert_eq!(
        normalize(Path::new("../x/y.json")),
        Path::new("../x/y.json")
    );
    assert_eq!(normalize(Path::new("/../a")), Path::new("/a"));
}

#[test]
fn more_nested_templates_than_the_cap_are_a_located_error() {
    // Each level nests the next twice: 2 + 4 + ... + 512 reads without the cap.
    let level = |i: usize| {
        format!(
            "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      \
             TemplateURL: l{n}.yaml\n  B:\n    Type: AWS::CloudFormation::Stack\n    \
             Properties:\n      TemplateURL: l{n}.yaml\n",
            n = i + 1
        )
    };
    let fetch = |p: &Path| {
        let name = p.file_stem().unwrap().to_string_lossy();
        let i: usize = name.trim_start_matches('l').parse().unwrap();
        Ok(Arc::from(if i < 9 { level(i) } else { CHILD.to_string() }))
    };
    let out = read_with(Path::new("l0.yaml"), &level(0), &fetch);
    assert_eq!(out.files.len(), 1 + super::MAX_TEMPLATES);
    assert!(!out.errors.is_empty());
    assert!(out
        .errors
        .iter()
        .all(|e| e.code == "too-many-nested-templates"));
}

#[test]
fn a_child_that_is_no_template_is_a_located_error() {
    let fetch = |_: &Path| Ok(Arc::from("{\"name\": \"a package.json\"}"));
    let parent = "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      \
        TemplateURL: package.json\n";
    let out = read_with(Path::new("parent.yaml"), parent, &fetch);
    let [e] = out.errors.as_slice() else {
        panic!("{:?}", out.errors)
    };
    assert_eq!(e.code, "not-a-template");
    assert_eq!(&parent[e.span.clone()], "package.json");
    assert!(out.nested.is_empty());
}
