//! Arbitrary policy bytes and claims: `policy NUL claims-json`. Parsing and checking never
//! panic, and the policy's canonical JSON gives the same verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::check::{check, CheckInput};

const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(p), Some(c)) = (parts.next(), parts.next()) else {
        return;
    };
    let Ok(policy) = rolecall::json::decode_utf8(p).map(rolecall::policy::parse) else {
        return;
    };
    let Ok(policy) = policy else { return };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice(c) else {
        return;
    };
    let input = CheckInput {
        claims: &claims,
        provider: None,
        source_ip: "192.0.2.10".parse().ok(),
        now: 1_767_225_600 * 1_000_000_000,
        extra: &[],
    };
    // With the provider derived from `iss` (when there is one) and given explicitly.
    let _ = check(&policy, &input, None);
    let input = CheckInput {
        provider: Some(PROVIDER),
        ..input
    };
    let Ok(report) = check(&policy, &input, None) else {
        panic!("check with an explicit provider cannot fail");
    };
    let canonical = rolecall::policy::parse(&policy.to_json().to_string())
        .unwrap_or_else(|e| panic!("canonical JSON does not re-parse: {e:?}"));
    let again = check(&canonical, &input, None).map(|r| r.verdict);
    assert_eq!(
        again,
        Ok(report.verdict),
        "canonical JSON changed the verdict"
    );
});
