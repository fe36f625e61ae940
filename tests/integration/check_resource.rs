//! `check POLICY` reads every file `lint` reads, and `--resource NAME` picks one role of a file
//! that holds several.

use tempfile::TempDir;

use crate::common::{self, Run};

const ALLOWED: &str = "corpus/policies/seed/policy-repository.json";
/// Denied for the seed claims without `--source-ip`.
const DENIED: &str = "corpus/policies/seed/policy-ip-range.json";
const CLAIMS: &str = "corpus/tokens/bitbucket-seed.claims.json";
const NOW: &str = "2020-01-11T14:00:00Z";

fn policy_text(rel: &str) -> String {
    std::fs::read_to_string(common::path(rel)).unwrap()
}

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn check(file: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", file, "--claims", CLAIMS, "--now", NOW];
    args.extend_from_slice(extra);
    common::rolecall(&args, None)
}

/// `%XX`-encode every byte that is not alphanumeric, as the IAM API does.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn listing(dir: &TempDir) -> String {
    let text = format!(
        "{{\"Roles\": [\n{{\"RoleName\": \"deploy\", \"AssumeRolePolicyDocument\": {}}},\n\
         {{\"RoleName\": \"ip-listed\", \"AssumeRolePolicyDocument\": \"{}\"}}\n]}}",
        policy_text(ALLOWED),
        url_encode(&policy_text(DENIED))
    );
    write(dir, "roles.json", &text)
}

#[test]
fn get_role_output_decides_like_the_bare_policy() {
    let dir = TempDir::new().unwrap();
    for (policy, code) in [(ALLOWED, 0), (DENIED, 1)] {
        let bare = check(policy, &[]);
        assert_eq!(bare.code, code, "{}", bare.stderr);
        let wrapped = write(
            &dir,
            "role.json",
            &format!(
                "{{\"Role\": {{\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": {}}}}}",
                policy_text(policy)
            ),
        );
        let r = check(&wrapped, &[]);
        assert_eq!(r.code, code, "{policy}: {}", r.stderr);
        assert_eq!(
            r.stdout.lines().next(),
            bare.stdout.lines().next(),
            "{policy}"
        );
        assert!(r.stdout.contains("role     r"), "{}", r.stdout);
    }
}

#[test]
fn several_roles_without_resource_list_the_names_and_exit_2() {
    let dir = TempDir::new().unwrap();
    let file = listing(&dir);
    let r = check(&file, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("several-roles"), "{}", r.stderr);
    assert!(
        r.stderr.contains("deploy") && r.stderr.contains("ip-listed"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn resource_picks_one_role_even_a_url_encoded_one() {
    let dir = TempDir::new().unwrap();
    let file = listing(&dir);
    let r = check(&file, &["--resource", "deploy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = check(&file, &["--resource", "ip-listed"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = check(
        &file,
        &["--resource", "ip-listed", "--source-ip", "34.199.54.113"],
    );
    let bare = check(DENIED, &["--source-ip", "34.199.54.113"]);
    assert_eq!(bare.code, 0, "{}", bare.stderr);
    assert_eq!(r.code, bare.code, "{}\n{}", r.stdout, bare.stdout);
    // JSON output names the role and the decoded text the locations refer to.
    let r = check(&file, &["--resource", "ip-listed", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("\"role\":\"ip-listed\""), "{text}");
    assert!(text.contains("decoded"), "{text}");
}

#[test]
fn an_unknown_resource_lists_the_names_and_exits_2() {
    let dir = TempDir::new().unwrap();
    let file = listing(&dir);
    let r = check(&file, &["--resource", "nope"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown-resource"), "{}", r.stderr);
    assert!(r.stderr.contains("deploy, ip-listed"), "{}", r.stderr);
}

#[test]
fn one_role_needs_no_flag_and_a_template_is_not_read_as_a_policy() {
    let dir = TempDir::new().unwrap();
    let one = write(
        &dir,
        "one.json",
        &format!(
            "{{\"RoleDetailList\": [{{\"RoleName\": \"only\", \"AssumeRolePolicyDocument\": {}}}]}}",
            policy_text(ALLOWED)
        ),
    );
    assert_eq!(check(&one, &[]).code, 0);
    let template = write(
        &dir,
        "stack.json",
        r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}"#,
    );
    let r = check(&template, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no-trust-policy"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("invalid-policy-document"),
        "{}",
        r.stderr
    );
}
