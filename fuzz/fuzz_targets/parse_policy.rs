//! Arbitrary bytes as a policy document: parsing never panics, and a parsed policy's canonical
//! JSON re-parses to the same canonical JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = rolecall::json::decode_utf8(data) else {
        return;
    };
    let Ok(policy) = rolecall::policy::parse(text) else {
        return;
    };
    let canonical = policy.to_json();
    let again = rolecall::policy::parse(&canonical.to_string())
        .unwrap_or_else(|e| panic!("canonical JSON does not re-parse: {e:?}\n{canonical}"));
    assert_eq!(
        again.to_json(),
        canonical,
        "canonical JSON is not a fixed point"
    );
});
