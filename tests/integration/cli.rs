//! The command line: exit codes, text and JSON output, token handling, help.

use regex::Regex;
use serde_json::Value;

use crate::common::{self, Run};

const REPOSITORY: &str = "corpus/policies/seed/policy-repository.json";
const IP_RANGE: &str = "corpus/policies/seed/policy-ip-range.json";
const SEED_TOKEN: &str = "corpus/tokens/bitbucket-seed.jwt";
const SEED_CLAIMS: &str = "corpus/tokens/bitbucket-seed.claims.json";
const SIGNED_TOKEN: &str = "corpus/tokens/bitbucket-signed.jwt";
const TAMPERED_TOKEN: &str = "corpus/tokens/bitbucket-signed-tampered.jwt";
const JWKS: &str = "corpus/keys/jwks.json";
/// Inside the seed token's validity window (it expired at 2020-01-11T17:05:00Z).
const SEED_NOW: &str = "2020-01-11T14:00:00Z";
/// Inside the signed tokens' validity window.
const SIGNED_NOW: &str = "2026-06-01T00:00:00Z";
const ALLOW_LINE: &str = "Allow: STS would issue credentials for this request";

/// The signature segment (third dot-separated part) of a token file.
fn signature(token_file: &str) -> String {
    let text = std::fs::read_to_string(common::path(token_file)).expect("read token");
    let parts: Vec<&str> = text.trim().split('.').collect();
    assert_eq!(parts.len(), 3, "{token_file} is a compact JWT");
    parts[2].to_string()
}

/// Run `rolecall`, then check what holds for every run: no panic, and no token signature from
/// the corpus anywhere in the output.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let r = common::rolecall(args, stdin);
    assert!(
        !r.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        r.stderr
    );
    for token in [SEED_TOKEN, SIGNED_TOKEN, TAMPERED_TOKEN] {
        let sig = signature(token);
        assert!(
            !r.stdout.contains(&sig) && !r.stderr.contains(&sig),
            "{args:?}: the output contains the signature of {token}"
        );
    }
    r
}

fn show(r: &Run) -> String {
    format!(
        "exit {}\n--- stdout\n{}\n--- stderr\n{}",
        r.code, r.stdout, r.stderr
    )
}

fn json(r: &Run) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", show(r)))
}

/// The first condition of the first statement with the given operator.
fn condition<'a>(doc: &'a Value, operator: &str) -> &'a Value {
    doc["statements"]
        .as_array()
        .expect("statements is an array")
        .iter()
        .flat_map(|s| s["conditions"].as_array().expect("conditions is an array"))
        .find(|c| c["operator"] == operator)
        .unwrap_or_else(|| panic!("no {operator} condition in {doc:#}"))
}

#[test]
fn seed_example_is_allowed_with_a_located_trace() {
    let r = run(
        &[
            "check", REPOSITORY, "--token", SEED_TOKEN, "--now", SEED_NOW,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.starts_with(ALLOW_LINE),
        "verdict line:\n{}",
        show(&r)
    );
    // The trace is a diagnostic into the policy file, with a position.
    let located = Regex::new(r"corpus/policies/seed/policy-repository\.json:\d+:\d+").unwrap();
    assert!(
        located.is_match(&r.stdout),
        "no file:line:col\n{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("StringLike holds"),
        "no StringLike label\n{}",
        show(&r)
    );
    assert!(
        r.stdout.contains("signature NOT verified"),
        "the unverified signature is not said\n{}",
        show(&r)
    );
}

#[test]
fn seed_example_on_the_real_clock_is_an_expired_token() {
    let r = run(&["check", REPOSITORY, "--token", SEED_TOKEN], None);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.starts_with("Deny"), "{}", show(&r));
    assert!(r.stdout.contains("ExpiredTokenException"), "{}", show(&r));

    let r = run(
        &[
            "check", REPOSITORY, "--token", SEED_TOKEN, "--format", "json",
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(doc["decision"], "Deny");
    assert_eq!(doc["sts_error"], "ExpiredTokenException");
    assert_eq!(
        doc["token"]["problems"][0]["sts_error"], "ExpiredTokenException",
        "{doc:#}"
    );
    // The policy alone would still allow: the token check is what denies.
    assert_eq!(doc["policy_decision"], "Allow");
}

#[test]
fn ip_range_policy_denies_another_address_and_shows_the_failing_condition() {
    let args = [
        "check",
        IP_RANGE,
        "--token",
        SEED_TOKEN,
        "--now",
        SEED_NOW,
        "--source-ip",
        "203.0.113.7",
    ];
    let r = run(&args, None);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("AccessDenied"), "{}", show(&r));
    assert!(r.stdout.contains("IpAddress fails"), "{}", show(&r));
    assert!(r.stdout.contains("203.0.113.7"), "{}", show(&r));
    // The failing condition is the trace's primary label: `"aws:SourceIp"` at 15:11.
    assert!(
        r.stdout
            .contains("corpus/policies/seed/policy-ip-range.json:15:11"),
        "{}",
        show(&r)
    );

    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let r = run(&json_args, None);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(doc["decision"], "Deny");
    assert_eq!(doc["sts_error"], "AccessDenied");
    assert!(doc["deciding_statement"].is_null(), "{doc:#}");
    let ip = condition(&doc, "IpAddress");
    assert_eq!(ip["holds"], false, "{ip:#}");
    assert_eq!(ip["key"], "aws:SourceIp");
    assert_eq!(ip["location"]["line"], 15);
    assert_eq!(ip["location"]["column"], 11);
    assert_eq!(condition(&doc, "StringLike")["holds"], true);
}

#[test]
fn json_format_is_one_object_with_the_decision_and_its_reasons() {
    let r = run(
        &[
            "check", REPOSITORY, "--token", SEED_TOKEN, "--now", SEED_NOW, "--format", "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json(&r);
    assert!(doc.is_object());
    assert_eq!(doc["decision"], "Allow");
    let deciding = &doc["deciding_statement"];
    assert_eq!(deciding["index"], 0, "{doc:#}");
    assert_eq!(deciding["effect"], "Allow");
    assert_eq!(deciding["location"]["file"], REPOSITORY);
    assert_eq!(deciding["location"]["line"], 4);
    assert_eq!(deciding["location"]["column"], 5);
    let statements = doc["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 1);
    let like = condition(&doc, "StringLike");
    assert_eq!(like["holds"], true, "{like:#}");
    assert_eq!(like["location"]["line"], 12);
    assert_eq!(like["location"]["column"], 11);
    assert_eq!(
        like["matched_value"],
        "{1de489be-ce6a-42a0-a8c8-eadbf1174ac7}:*"
    );
    assert_eq!(doc["token"]["problems"], Value::Array(Vec::new()));
    assert_eq!(doc["token"]["signature"]["status"], "not-checked");
    assert_eq!(doc["token"]["header"]["alg"], "RS256");

    // The same input gives the same bytes.
    let again = run(
        &[
            "check", REPOSITORY, "--token", SEED_TOKEN, "--now", SEED_NOW, "--format", "json",
        ],
        None,
    );
    assert_eq!(r.stdout, again.stdout);
}

#[test]
fn signed_token_verifies_against_the_jwks() {
    let base = [
        "check",
        REPOSITORY,
        "--token",
        SIGNED_TOKEN,
        "--jwks",
        JWKS,
        "--now",
        SIGNED_NOW,
    ];
    let r = run(&base, None);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.contains("signature verified"), "{}", show(&r));

    let mut args = base.to_vec();
    args.extend(["--format", "json"]);
    let r = run(&args, None);
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(doc["token"]["signature"]["status"], "verified", "{doc:#}");
    assert_eq!(doc["token"]["signature"]["kid"], "rolecall-test");
}

#[test]
fn tampered_token_has_an_invalid_signature_and_is_denied() {
    let base = [
        "check",
        REPOSITORY,
        "--token",
        TAMPERED_TOKEN,
        "--jwks",
        JWKS,
        "--now",
        SIGNED_NOW,
    ];
    let r = run(&base, None);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("signature INVALID"), "{}", show(&r));
    assert!(r.stdout.contains("InvalidIdentityToken"), "{}", show(&r));

    let mut args = base.to_vec();
    args.extend(["--format", "json"]);
    let r = run(&args, None);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(doc["decision"], "Deny");
    assert_eq!(doc["token"]["signature"]["status"], "invalid", "{doc:#}");
    assert_eq!(doc["sts_error"], "InvalidIdentityToken");
}

#[test]
fn audience_list_is_checked() {
    let base = [
        "check",
        REPOSITORY,
        "--token",
        SIGNED_TOKEN,
        "--jwks",
        JWKS,
        "--now",
        SIGNED_NOW,
        "--audience",
        "sts.amazonaws.com",
    ];
    let r = run(&base, None);
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout.contains("Incorrect token audience"),
        "{}",
        show(&r)
    );

    let mut args = base.to_vec();
    args.extend([
        "--audience",
        "ari:cloud:bitbucket::workspace/922e118c-f34f-4226-a897-0e0afbec553d",
    ]);
    let r = run(&args, None);
    assert_eq!(r.code, 0, "{}", show(&r));
}

#[test]
fn token_from_stdin_with_a_trailing_newline() {
    let token = std::fs::read_to_string(common::path(SEED_TOKEN)).expect("read token");
    let from_file = run(
        &[
            "check", REPOSITORY, "--token", SEED_TOKEN, "--now", SEED_NOW,
        ],
        None,
    );
    for ending in ["\n", "\r\n", ""] {
        let input = format!("{}{ending}", token.trim());
        let r = run(
            &["check", REPOSITORY, "--token", "-", "--now", SEED_NOW],
            Some(input.as_bytes()),
        );
        assert_eq!(r.code, 0, "ending {ending:?}: {}", show(&r));
        assert!(r.stdout.starts_with(ALLOW_LINE), "{}", show(&r));
        assert_eq!(r.stdout, from_file.stdout, "stdin and file differ");
    }
}

#[test]
fn decoded_claims_instead_of_a_token() {
    let r = run(
        &[
            "check",
            REPOSITORY,
            "--claims",
            SEED_CLAIMS,
            "--now",
            SEED_NOW,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.starts_with(ALLOW_LINE), "{}", show(&r));
    assert!(r.stdout.contains("StringLike holds"), "{}", show(&r));

    // No token, so no token checks: the expired `exp` does not matter.
    let r = run(
        &[
            "check",
            REPOSITORY,
            "--claims",
            SEED_CLAIMS,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(doc["decision"], "Allow");
    assert!(doc["token"].is_null(), "{doc:#}");
}

#[test]
fn context_and_provider_reach_the_request() {
    let r = run(
        &[
            "check",
            REPOSITORY,
            "--claims",
            SEED_CLAIMS,
            "--now",
            SEED_NOW,
            "--context",
            "aws:RequestedRegion=us-east-1",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json(&r);
    assert_eq!(
        doc["request"]["aws:RequestedRegion"], "us-east-1",
        "{doc:#}"
    );

    // Another provider than the one the policy trusts: nothing applies.
    let r = run(
        &[
            "check",
            REPOSITORY,
            "--claims",
            SEED_CLAIMS,
            "--now",
            SEED_NOW,
            "--provider",
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(r.stdout.contains("AccessDenied"), "{}", show(&r));
}

#[test]
fn help_exits_zero() {
    let r = run(&["--help"], None);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(r.stdout.contains("check"), "{}", show(&r));

    let r = run(&["check", "--help"], None);
    assert_eq!(r.code, 0, "{}", show(&r));
    for flag in [
        "--token",
        "--claims",
        "--jwks",
        "--now",
        "--source-ip",
        "--format",
    ] {
        assert!(r.stdout.contains(flag), "no {flag}: {}", show(&r));
    }
}

#[test]
fn missing_required_arguments_exit_two() {
    for args in [
        &["check", REPOSITORY][..],
        &["check", "--token", SEED_TOKEN][..],
        &["check"][..],
        &[][..],
    ] {
        let r = run(args, None);
        assert_eq!(r.code, 2, "{args:?}: {}", show(&r));
        assert!(r.stdout.is_empty(), "{args:?}: {}", show(&r));
        assert!(!r.stderr.trim().is_empty(), "{args:?}: {}", show(&r));
    }
    // Both identities at once is also a usage error, never a verdict.
    let r = run(
        &[
            "check",
            REPOSITORY,
            "--token",
            SEED_TOKEN,
            "--claims",
            SEED_CLAIMS,
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stdout.is_empty(), "{}", show(&r));
}

#[test]
fn a_policy_with_thousands_of_statements_gets_a_bounded_answer() {
    // Regression: each "does not apply" diagnostic once built its own line index of the
    // whole file, and a 12,448-statement policy ran out of memory.
    let statements: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"api.bitbucket.org/2.0/workspaces/bbcitest/pipelines-config/identity/oidc:sub":"{{00000000-0000-4000-8000-{i:012}}}:*"}}}}}}"#
            )
        })
        .collect();
    let policy = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[\n{}\n]}}",
        statements.join(",\n")
    );
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("many.json");
    std::fs::write(&path, policy).unwrap();
    let r = run(
        &[
            "check",
            path.to_str().unwrap(),
            "--claims",
            "corpus/tokens/bitbucket-seed.claims.json",
        ],
        None,
    );
    assert_eq!(r.code, 1, "{}", show(&r));
    assert!(
        r.stdout.contains("4980 more Allow statement(s)"),
        "{}",
        show(&r)
    );
    assert!(
        r.stdout.len() < 200_000,
        "output is {} bytes",
        r.stdout.len()
    );
}
