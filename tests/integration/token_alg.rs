//! `check` refuses what STS refuses before it reads the policy: an algorithm outside RS/ES
//! 256/384/512, a non-integer time claim (R7.8), and says what to strip from a wrapped token.

use base64::Engine;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::common::{self, Run};

const REPOSITORY: &str = "corpus/policies/seed/policy-repository.json";
const SIGNED_CLAIMS: &str = "corpus/tokens/bitbucket-signed.claims.json";
const SIGNED_TOKEN: &str = "corpus/tokens/bitbucket-signed.jwt";
const JWKS: &str = "corpus/keys/jwks.json";
const SIGNED_NOW: &str = "2026-06-01T00:00:00Z";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn claims() -> Value {
    serde_json::from_slice(&std::fs::read(common::path(SIGNED_CLAIMS)).unwrap()).unwrap()
}

/// A compact token with this header and payload and a junk signature (never verified here).
fn token(header: &Value, payload: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes()),
        b64(b"junk-signature-bytes")
    )
}

fn check(dir: &TempDir, text: &str, extra: &[&str]) -> Run {
    let path = dir.path().join("token.jwt");
    std::fs::write(&path, text).unwrap();
    let path = path.to_string_lossy().into_owned();
    let mut args = vec!["check", REPOSITORY, "--token", &path, "--now", SIGNED_NOW];
    args.extend_from_slice(extra);
    let r = common::rolecall(&args, None);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn json_check(dir: &TempDir, text: &str) -> Value {
    let r = check(dir, text, &["--format", "json"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

#[test]
fn an_algorithm_sts_refuses_denies_without_a_jwks() {
    let dir = TempDir::new().unwrap();
    for alg in [
        json!("none"),
        json!("HS256"),
        json!("HS512"),
        json!("PS256"),
        json!("EdDSA"),
        json!("rs256"),
    ] {
        let t = token(&json!({"alg": alg, "typ": "JWT"}), &claims());
        let doc = json_check(&dir, &t);
        assert_eq!(doc["decision"], "Deny", "{alg}");
        assert_eq!(
            doc["policy_decision"], "Allow",
            "{alg}: only the token is at fault"
        );
        assert_eq!(doc["sts_error"], "InvalidIdentityToken", "{alg}");
        let message = doc["token"]["problems"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("RS256, RS384, RS512, ES256, ES384, ES512"),
            "{message}"
        );
    }
}

#[test]
fn a_header_without_alg_is_refused() {
    let dir = TempDir::new().unwrap();
    let doc = json_check(&dir, &token(&json!({"typ": "JWT"}), &claims()));
    assert_eq!(doc["sts_error"], "InvalidIdentityToken");
    let message = doc["token"]["problems"][0]["message"].as_str().unwrap();
    assert!(message.contains("no `alg`"), "{message}");
}

#[test]
fn unsigned_token_text_output_names_the_algorithm() {
    let dir = TempDir::new().unwrap();
    let r = check(&dir, &token(&json!({"alg": "none"}), &claims()), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .starts_with("Deny: InvalidIdentityToken: the token is unsigned (`alg: none`)"),
        "{}",
        r.stdout
    );
}

#[test]
fn every_sts_algorithm_passes_the_algorithm_check() {
    let dir = TempDir::new().unwrap();
    for alg in ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"] {
        let r = check(
            &dir,
            &token(&json!({"alg": alg}), &claims()),
            &["--format", "json"],
        );
        // Without a JWKS nothing else is wrong with these claims, so only the policy decides.
        assert_eq!(r.code, 0, "{alg}: {}", r.stdout);
    }
}

#[test]
fn non_integer_time_claims_are_invalid() {
    let dir = TempDir::new().unwrap();
    let cases = [
        ("exp", json!(4102444800.5)),
        ("exp", json!(4102444800.0)),
        ("exp", json!("4102444800")),
        ("nbf", json!(1767225600.25)),
        ("nbf", json!(null)),
        ("iat", json!("1767225600")),
        ("iat", json!(true)),
    ];
    for (claim, value) in cases {
        let mut c = claims();
        c[claim] = value.clone();
        let doc = json_check(&dir, &token(&json!({"alg": "RS256"}), &c));
        assert_eq!(doc["sts_error"], "InvalidIdentityToken", "{claim}={value}");
        let messages: Vec<&str> = doc["token"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["message"].as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains(&format!("`{claim}`")) && m.contains("integer timestamps")),
            "{claim}={value}: {messages:?}"
        );
    }
}

#[test]
fn an_integer_timestamp_after_the_epoch_range_is_not_an_error() {
    let dir = TempDir::new().unwrap();
    let mut c = claims();
    c["exp"] = json!(u64::MAX);
    let r = check(
        &dir,
        &token(&json!({"alg": "RS256"}), &c),
        &["--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn the_signed_corpus_token_still_verifies() {
    let r = common::rolecall(
        &[
            "check",
            REPOSITORY,
            "--token",
            SIGNED_TOKEN,
            "--jwks",
            JWKS,
            "--now",
            SIGNED_NOW,
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

/// Each wrapper gets its own advice, exit 2, and none of the token's segments is printed.
#[test]
fn wrapped_tokens_say_what_to_strip_and_never_print_the_token() {
    let dir = TempDir::new().unwrap();
    let jwt = std::fs::read_to_string(common::path(SIGNED_TOKEN)).unwrap();
    let jwt = jwt.trim();
    let cases = [
        (format!("Bearer {jwt}\n"), "Bearer"),
        (format!("\"{jwt}\"\n"), "quotes"),
        (format!("'{jwt}'"), "quotes"),
        (
            format!("{{\"count\": 1, \"value\": \"{jwt}\"}}"),
            "\"value\" field",
        ),
        (
            format!("{{\"token\": \"{jwt}\", \"expires_at\": 1}}"),
            "\"token\" field",
        ),
    ];
    for (text, advice) in cases {
        for format in ["text", "json"] {
            let r = check(&dir, &text, &["--format", format]);
            assert_eq!(r.code, 2, "{text}: {}", r.stderr);
            assert!(r.stderr.contains(advice), "{advice}: {}", r.stderr);
            for segment in jwt.split('.') {
                assert!(
                    !r.stdout.contains(segment) && !r.stderr.contains(segment),
                    "a token segment was printed for the {advice} case"
                );
            }
        }
    }
}
