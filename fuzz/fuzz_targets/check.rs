//! Arbitrary policy bytes and claims: `policy NUL claims-json`, through `check`'s front door
//! (the source layer, then `check::run`). Parsing and checking never panic, and the policy's
//! canonical JSON gives the same verdict.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use rolecall::check::{run, CheckRequest, Identity};
use rolecall::source;

const PROVIDER: &str =
    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(p), Some(c)) = (parts.next(), parts.next()) else {
        return;
    };
    // Read as `rolecall check POLICY` reads it: the source layer, the file's only role.
    let Ok(file) = source::from_bytes(Path::new("fuzz.json"), p.to_vec()) else {
        return;
    };
    let Ok(src) = source::open(file, true) else {
        return;
    };
    let (docs, _) = src.documents();
    let Ok(doc) = source::select("fuzz.json", docs, None) else {
        return;
    };
    let Ok(policy) = doc.policy else { return };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice(c) else {
        return;
    };
    let request = CheckRequest {
        policy: &policy,
        identity: Identity::Claims(&claims),
        provider: None,
        source_ip: "192.0.2.10".parse().ok(),
        now: 1_767_225_600 * 1_000_000_000,
        context: &[],
    };
    // With the provider derived from `iss` (when there is one) and given explicitly.
    let _ = run(&request);
    let request = CheckRequest {
        provider: Some(PROVIDER),
        ..request
    };
    let Ok(report) = run(&request) else {
        panic!("check with an explicit provider cannot fail");
    };
    let canonical = rolecall::policy::parse(&policy.to_json().to_string())
        .unwrap_or_else(|e| panic!("canonical JSON does not re-parse: {e:?}"));
    let again = run(&CheckRequest {
        policy: &canonical,
        ..request
    })
    .map(|r| r.verdict);
    assert_eq!(
        again,
        Ok(report.verdict),
        "canonical JSON changed the verdict"
    );
});
