//! Arbitrary policy pairs: `base NUL head`. The model never panics or hangs (its caps are
//! lowered so every input finishes fast), and every witness it reports replays: HEAD allows
//! it and BASE denies it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::eval::{evaluate, Verdict};
use rolecall::model::{self, Options};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(b), Some(h)) = (parts.next(), parts.next()) else {
        return;
    };
    let parse = |bytes: &[u8]| rolecall::json::decode_utf8(bytes).ok().and_then(|t| rolecall::policy::parse(t).ok());
    let (Some(base), Some(head)) = (parse(b), parse(h)) else {
        return;
    };
    let opts = Options {
        max_field_states: 2_000,
        max_requests: 5_000,
        ..Options::default()
    };
    let Ok(d) = model::diff(&base, &head, &opts) else {
        return;
    };
    for way in &d.widened {
        let req = way.witness.request();
        assert_eq!(evaluate(&head, &req).verdict, Verdict::Allow, "{}", way.sentence);
        assert_eq!(evaluate(&base, &req).verdict, Verdict::Deny, "{}", way.sentence);
    }
});
