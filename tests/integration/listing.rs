//! Role listings and account dumps are split into roles by serde_json and each role is parsed
//! on its own (and linted on several threads). These tests hold that path to the one that
//! parses the whole file: same documents, same locations, same report whatever the threads.

use serde_json::{json, Value};
use tempfile::TempDir;

use rolecall::source::iam::{self as input, Layout};

use crate::common;

/// Every corpus policy file, as text.
fn corpus_policies() -> Vec<String> {
    common::files(&common::path("corpus/policies"), ".json")
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A pretty-printed dump of `n` roles cycling through the corpus policies, every other one
/// URL-encoded as the IAM API returns them; one role carries a policy with a duplicate key.
fn dump(n: usize) -> String {
    let policies = corpus_policies();
    assert!(!policies.is_empty(), "corpus/policies has policies");
    let mut roles: Vec<Value> = (0..n)
        .map(|i| {
            let text = &policies[i % policies.len()];
            let doc = if i % 2 == 0 {
                serde_json::from_str(text).unwrap()
            } else {
                json!(url_encode(text))
            };
            json!({
                "RoleName": format!("role-{i}"),
                "Arn": format!("arn:aws:iam::123456789012:role/role-{i}"),
                "AssumeRolePolicyDocument": doc,
                "Tags": [{"Key": "team", "Value": "platform"}],
            })
        })
        .collect();
    roles.push(json!({"RoleName": "duplicate", "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}));
    let text = serde_json::to_string_pretty(&json!({
        "UserDetailList": [],
        "RoleDetailList": roles,
        "Policies": [],
    }))
    .unwrap();
    // A duplicate key only raw text can hold, in a policy given as an object.
    text.replacen(
        "\"Version\": \"2012-10-17\",",
        "\"Version\": \"2012-10-17\",\n\"Version\": \"2012-10-17\",",
        1,
    )
}

#[test]
fn a_split_listing_reads_exactly_like_the_whole_tree() {
    let text = dump(40);
    let Layout::Roles(roles) = input::layout(&text).unwrap() else {
        panic!("a dump is laid out as roles");
    };
    assert_eq!(roles.len(), 41);
    let split: Vec<String> = roles
        .iter()
        .map(|r| format!("{:?}", input::role(*r)))
        .collect();
    let root = input::parse_file(&text).unwrap();
    let whole: Vec<String> = input::documents(&root)
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert_eq!(split.len(), whole.len());
    for (i, (a, b)) in split.iter().zip(&whole).enumerate() {
        assert_eq!(a, b, "role {i} differs");
    }
    // The duplicate key is reported, at its place in the file.
    assert!(
        split.iter().any(|d| d.contains("Duplicate")),
        "{:#?}",
        split.first()
    );
}

#[test]
fn files_that_are_not_listings_are_parsed_whole() {
    for text in [
        r#"{"Version": "2012-10-17", "Statement": []}"#,
        r#"{"Role": {"RoleName": "r", "AssumeRolePolicyDocument": {"Statement": []}}}"#,
        r#"{"Roles": [], "Role": {"AssumeRolePolicyDocument": {}}}"#,
        r#"{"RoleDetailList": {"not": "a list"}}"#,
    ] {
        assert!(matches!(input::layout(text), Ok(Layout::Tree(_))), "{text}");
    }
    assert!(matches!(
        input::layout(r#"{"Roles": [{"RoleName": "r"}]}"#),
        Ok(Layout::Roles(r)) if r.len() == 1
    ));
}

#[test]
fn a_broken_listing_gets_the_strict_parser_s_located_error() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("account.json");
    std::fs::write(
        &path,
        "{\"RoleDetailList\": [\n  {\"RoleName\": \"a\",},\n  {}\n]}\n",
    )
    .unwrap();
    let r = common::rolecall(&["lint", path.to_str().unwrap()], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("account.json:2:"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn the_number_of_threads_does_not_change_the_report() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("account.json");
    std::fs::write(&path, dump(300)).unwrap();
    let file = path.to_str().unwrap();
    for format in ["json", "sarif", "text"] {
        let one = common::rolecall(&["lint", file, "--format", format, "-j", "1"], None);
        let three = common::rolecall(&["lint", file, "--format", format, "-j", "3"], None);
        assert_eq!(one.code, 1, "{}", one.stderr);
        assert_eq!(three.code, one.code);
        assert_eq!(three.stdout, one.stdout, "--format {format}");
        assert!(!one.stdout.is_empty());
    }
}
