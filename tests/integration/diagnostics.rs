//! One style of diagnostic codes, `--context` checked like the flags it overlaps, the same
//! position for the same parse error in `check` and `lint`, and the exit codes the README
//! states for `lint` on bad input.

use tempfile::TempDir;

use crate::common::{self, Run};

const IP_POLICY: &str = "corpus/policies/seed/policy-ip-range.json";
const CLAIMS: &str = "corpus/tokens/bitbucket-seed.claims.json";
const NOW: &str = "2020-01-11T14:00:00Z";

fn check(policy: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", policy, "--claims", CLAIMS, "--now", NOW];
    args.extend_from_slice(extra);
    common::rolecall(&args, None)
}

fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Every `rolecall::code` printed, each checked to be kebab-case.
fn codes(stderr: &str) -> Vec<String> {
    let re = regex::Regex::new(r"rolecall::([A-Za-z_-]+)").unwrap();
    re.captures_iter(stderr).map(|c| c[1].to_string()).collect()
}

fn kebab(code: &str) -> bool {
    !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

#[test]
fn a_typed_context_key_is_validated_like_its_flag() {
    let r = check(IP_POLICY, &["--context", "aws:SourceIp=garbage"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("aws:SourceIp"), "{}", r.stderr);
    assert!(r.stderr.contains("IPv4 or IPv6"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let flag = check(IP_POLICY, &["--source-ip", "garbage"]);
    assert_eq!(flag.code, 2);
    for (key, bad) in [
        ("aws:EpochTime", "soon"),
        ("aws:CurrentTime", "yesterday"),
        ("aws:SecureTransport", "maybe"),
    ] {
        let r = check(IP_POLICY, &["--context", &format!("{key}={bad}")]);
        assert_eq!(r.code, 2, "{key}: {}", r.stdout);
        assert!(r.stderr.contains(key), "{}", r.stderr);
    }
}

#[test]
fn a_valid_context_source_ip_decides_like_the_flag() {
    let flag = check(IP_POLICY, &["--source-ip", "34.199.54.113"]);
    let context = check(IP_POLICY, &["--context", "aws:SourceIp=34.199.54.113"]);
    assert_eq!(flag.code, 0, "{}", flag.stderr);
    assert_eq!(context.code, 0, "{}", context.stderr);
}

#[test]
fn source_ip_given_both_ways_is_an_error() {
    let r = check(
        IP_POLICY,
        &[
            "--source-ip",
            "34.199.54.113",
            "--context",
            "aws:sourceip=34.199.54.113",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("given twice"), "{}", r.stderr);
    assert!(r.stderr.contains("--source-ip"), "{}", r.stderr);
}

#[test]
fn every_code_is_kebab_case_in_text_and_json() {
    let dir = TempDir::new().unwrap();
    let dup = write(
        &dir,
        "dup.json",
        r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}"#,
    );
    let bad = write(&dir, "bad.json", "{\"Version\": \"2012-10-17\",");
    let array = write(&dir, "claims.json", "[1]");
    let runs = [
        (check(&dup, &[]), "invalid-policy-document"),
        (check(&bad, &[]), "invalid-json"),
        (
            common::rolecall(&["check", IP_POLICY, "--claims", &array], None),
            "invalid-claims",
        ),
        (
            check(IP_POLICY, &["--context", "nocolon"]),
            "invalid-argument",
        ),
        (common::rolecall(&["lint", &bad], None), "invalid-json"),
    ];
    for (r, want) in &runs {
        assert_eq!(r.code, 2, "{want}: {}", r.stderr);
        let found = codes(&r.stderr);
        assert!(found.iter().any(|c| c == want), "{want}: {found:?}");
        assert!(found.iter().all(|c| kebab(c)), "{found:?}\n{}", r.stderr);
    }
    let r = common::rolecall(&["lint", &bad, "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"][0]["code"], "invalid-json");
}

/// `file:line:col` of the first located message.
fn position(stderr: &str, file: &str) -> Option<String> {
    let at = stderr.find(&format!("{file}:"))?;
    let rest = &stderr[at + file.len() + 1..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':'))?;
    Some(rest[..end].trim_end_matches(':').to_string())
}

#[test]
fn check_and_lint_place_a_parse_error_alike() {
    let dir = TempDir::new().unwrap();
    let cases = [
        (
            "syntax.json",
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}".to_string(),
        ),
        (
            "deep-array.json",
            format!("{}{}", "[".repeat(200), "]".repeat(200)),
        ),
        (
            "deep-object.json",
            format!("{{\"Statement\": {}{}}}", "[".repeat(200), "]".repeat(200)),
        ),
        ("control.json", "{\"Version\": \"a\tb\"}".to_string()),
        ("control-soh.json", "{\"Version\": \"\u{1}\"}".to_string()),
    ];
    for (name, text) in &cases {
        let path = write(&dir, name, text);
        let c = check(&path, &[]);
        let l = common::rolecall(&["lint", &path], None);
        assert_eq!(c.code, 2, "{name}");
        assert_eq!(l.code, 2, "{name}: {}", l.stdout);
        let (pc, pl) = (position(&c.stderr, &path), position(&l.stderr, &path));
        assert!(pc.is_some(), "{name}: {}", c.stderr);
        assert_eq!(pc, pl, "{name}:\ncheck: {}\nlint: {}", c.stderr, l.stderr);
    }
    let bytes = dir.path().join("latin1.json");
    std::fs::write(&bytes, b"{\"Version\": \"\xe9\"}").unwrap();
    let path = bytes.to_str().unwrap();
    let (c, l) = (check(path, &[]), common::rolecall(&["lint", path], None));
    assert_eq!((c.code, l.code), (2, 2));
    assert_eq!(position(&c.stderr, path), position(&l.stderr, path));
}

#[test]
fn lint_exit_codes_are_the_ones_the_readme_states() {
    let readme = std::fs::read_to_string(common::path("README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "A file it cannot parse (invalid JSON, nesting deeper than 128 levels, over its size \
             cap, not UTF-8, unreadable) is an error: exit 2"
        ),
        "the README no longer states lint's exit code for unparseable files"
    );
    assert!(
        flat.contains("(duplicate keys, an unknown operator, a missing `Statement`) is an `invalid-policy-document` finding at error severity: exit 1"),
        "the README no longer states lint's exit code for duplicate keys"
    );
    let dir = TempDir::new().unwrap();
    let invalid = write(&dir, "invalid.json", "{\"Version\": ");
    let deep = write(
        &dir,
        "deep.json",
        &format!("{{\"Statement\": {}{}}}", "[".repeat(200), "]".repeat(200)),
    );
    let dup = write(
        &dir,
        "dup.json",
        r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":[]}"#,
    );
    assert_eq!(common::rolecall(&["lint", &invalid], None).code, 2);
    assert_eq!(common::rolecall(&["lint", &deep], None).code, 2);
    let r = common::rolecall(&["lint", &dup, "--format", "json"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "invalid-policy-document");
    assert_eq!(v["findings"][0]["severity"], "error");
    // Every --fail-on fails it: an error is at or above each threshold.
    let r = common::rolecall(&["lint", &dup, "--fail-on", "error"], None);
    assert_eq!(r.code, 1);
}
