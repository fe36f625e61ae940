//! The wildcard matcher against a regex oracle. Input: `pattern NUL value`, both UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::pattern::{tokens, Matcher};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0);
    let (Some(p), Some(v)) = (parts.next(), parts.next()) else {
        return;
    };
    let (Ok(pattern), Ok(value)) = (std::str::from_utf8(p), std::str::from_utf8(v)) else {
        return;
    };
    let mut re = String::from(r"(?s)\A");
    for piece in pattern.split_inclusive(['*', '?']) {
        let (lit, wild) = match piece.strip_suffix(['*', '?']) {
            Some(lit) => (lit, piece.get(lit.len()..).unwrap_or_default()),
            None => (piece, ""),
        };
        re.push_str(&regex::escape(lit));
        re.push_str(if wild == "*" {
            ".*"
        } else if wild == "?" {
            "."
        } else {
            ""
        });
    }
    re.push_str(r"\z");
    let Ok(oracle) = regex::RegexBuilder::new(&re).size_limit(1 << 24).build() else {
        return;
    };
    let m = Matcher::new(pattern);
    assert_eq!(m, Matcher::from_tokens(&tokens(pattern)));
    assert_eq!(
        m.is_match(value),
        oracle.is_match(value),
        "pattern {pattern:?} value {value:?}"
    );
});
