//! Canonical JSON: by example, and every corpus policy through the round trip.

use serde_json::{json, Value};

use super::decision::{parse_ok, NOW};
use rolecall::check::{check, CheckInput};
use rolecall::policy;

// ---------------------------------------------------------------------------------------------
// Canonical JSON, by example
// ---------------------------------------------------------------------------------------------

#[test]
fn to_json_is_canonical() {
    let text = r#"{
        "Version": "2012-10-17",
        "Id": "trust",
        "Statement": {
            "Sid": "Gh",
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", "AWS": "*"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/${*}"},
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "aws:EpochTime": 1.0},
                "Null": {"aws:SourceIp": false}
            }
        }
    }"#;
    let got = parse_ok(text).to_json();
    let want = json!({
        "Id": "trust",
        "Statement": [{
            "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Condition": {
                "Null": {"aws:SourceIp": ["false"]},
                "StringEquals": {
                    "aws:EpochTime": ["1.0"],
                    "token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]
                },
                "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:octo-org/${*}"]}
            },
            "Effect": "Allow",
            "Principal": {
                "AWS": ["*"],
                "Federated": ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
            },
            "Sid": "Gh"
        }],
        "Version": "2012-10-17"
    });
    assert_eq!(got, want);
}

#[test]
fn to_json_keeps_absences_and_empties() {
    let text = r#"{"Statement": [
        {"Effect": "Deny", "Principal": "*", "NotAction": [], "Condition": {}},
        {"Effect": "Allow", "Principal": {}, "Action": "sts:*"}
    ]}"#;
    let got = parse_ok(text).to_json();
    let want = json!({
        "Statement": [
            {"Condition": {}, "Effect": "Deny", "NotAction": [], "Principal": "*"},
            {"Action": ["sts:*"], "Effect": "Allow", "Principal": {}}
        ]
    });
    assert_eq!(got, want);
    let again = parse_ok(&serde_json::to_string(&got).unwrap());
    assert_eq!(again.version, rolecall::policy::Version::Missing);
    assert_eq!(again.to_json(), got);
}

// ---------------------------------------------------------------------------------------------
// The corpus through the round trip
// ---------------------------------------------------------------------------------------------

/// Every policy in `corpus/` that parses: its canonical JSON is a fixed point, and for eval
/// cases with inline claims and a provider, the verdict is the same before and after.
#[test]
fn corpus_policies_round_trip() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    let (mut policies, mut verdicts) = (0, 0);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        let (policy_text, case) = if rel.starts_with("policies") {
            (text, None)
        } else if rel.starts_with("eval") {
            let case: Value = serde_json::from_str(&text).unwrap();
            match case.get("policy") {
                Some(p) => (p.to_string(), Some(case)),
                None => continue,
            }
        } else {
            continue;
        };
        let Ok(first) = policy::parse(&policy_text) else {
            continue; // cases of invalid documents
        };
        policies += 1;
        let json1 = first.to_json();
        let second = parse_ok(&json1.to_string());
        assert_eq!(second.to_json(), json1, "{rel}: not a fixed point");
        let request = case.as_ref().and_then(|c| c.get("request"));
        let provider = request
            .and_then(|r| r.get("provider"))
            .and_then(Value::as_str);
        let claims = request
            .and_then(|r| r.get("claims"))
            .and_then(Value::as_object);
        if let (Some(provider), Some(claims)) = (provider, claims) {
            let source_ip = request
                .and_then(|r| r.get("source_ip"))
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok());
            let input = CheckInput {
                claims,
                provider: Some(provider),
                source_ip,
                now: NOW,
                extra: &[],
            };
            let a = check(&first, &input, None).unwrap().verdict;
            let b = check(&second, &input, None).unwrap().verdict;
            assert_eq!(a, b, "{rel}: verdict changed by the round trip");
            verdicts += 1;
        }
    }
    eprintln!("round-tripped {policies} corpus policies, compared {verdicts} verdicts");
    assert!(
        policies >= 4,
        "expected the seed policies at least, found {policies}"
    );
}
