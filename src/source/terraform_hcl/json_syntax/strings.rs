//! JSON strings as HCL sees them: decoded character by character with the bytes each is
//! written as (so a span inside the decoded text maps back to the escaped JSON), and the
//! template sequences (`${...}`, `%{...}`) found in them.

use crate::json::Span;

/// A native quoted string holding `s` literally.
pub fn quote_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut cs = s.chars().peekable();
    while let Some(c) = cs.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if cs.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON string's characters (`span` with its quotes), each with the bytes it is written as.
pub fn decode(src: &str, span: &Span) -> Vec<(char, Span)> {
    let raw = src.get(span.clone()).unwrap_or("");
    let (inner, base) = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(r) => (r, span.start + 1),
        None => (raw, span.start),
    };
    let hex = |at: usize| {
        inner
            .get(at..at + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut j = 0;
    while let Some(c) = inner.get(j..).and_then(|r| r.chars().next()) {
        if c != '\\' {
            out.push((c, base + j..base + j + c.len_utf8()));
            j += c.len_utf8();
            continue;
        }
        let (decoded, used) = match inner.as_bytes().get(j + 1) {
            Some(b'u') => {
                let hi = hex(j + 2).unwrap_or(0xFFFD);
                let lo = (inner.get(j + 6..j + 8) == Some("\\u"))
                    .then(|| hex(j + 8))
                    .flatten()
                    .filter(|lo| (0xDC00..0xE000).contains(lo));
                match lo {
                    Some(lo) if (0xD800..0xDC00).contains(&hi) => {
                        (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                    }
                    _ => (hi, 6),
                }
            }
            Some(b'b') => (0x08, 2),
            Some(b'f') => (0x0C, 2),
            Some(b'n') => (0x0A, 2),
            Some(b'r') => (0x0D, 2),
            Some(b't') => (0x09, 2),
            Some(&b) => (u32::from(b), 2),
            None => (u32::from('\\'), 1),
        };
        let used = used.min(inner.len() - j);
        out.push((
            char::from_u32(decoded).unwrap_or('\u{FFFD}'),
            base + j..base + j + used,
        ));
        j += used;
    }
    out
}

/// The characters inside `${ ... }` when the whole template is that one interpolation.
pub fn sole_interpolation(cs: &[(char, Span)]) -> Option<std::ops::Range<usize>> {
    let starts = matches!(cs, [('$', _), ('{', _), ..]);
    if !starts || close_of(cs, 2) != cs.len() {
        return None;
    }
    let mut inner = 2..cs.len().saturating_sub(1);
    if cs.get(inner.start).map(|c| c.0) == Some('~') {
        inner.start += 1;
    }
    if inner.end > inner.start && cs.get(inner.end - 1).map(|c| c.0) == Some('~') {
        inner.end -= 1;
    }
    Some(inner)
}

/// The index after the `}` that closes an interpolation or directive whose body starts at
/// `start`, skipping brackets and the quoted strings (and their interpolations) inside it;
/// the end when it is not closed.
pub fn close_of(cs: &[(char, Span)], start: usize) -> usize {
    #[derive(PartialEq)]
    enum Ctx {
        Code,
        Str,
    }
    let at = |i: usize| cs.get(i).map(|(c, _)| *c);
    let mut stack = vec![Ctx::Code];
    let mut i = start;
    while let Some(c) = at(i) {
        if stack.last() == Some(&Ctx::Str) {
            match c {
                '\\' => i += 1,
                '"' => {
                    stack.pop();
                }
                '$' | '%' if at(i + 1) == Some(c) && at(i + 2) == Some('{') => i += 2,
                '$' | '%' if at(i + 1) == Some('{') => {
                    stack.push(Ctx::Code);
                    i += 1;
                }
                _ => {}
            }
        } else {
            match c {
                '"' => stack.push(Ctx::Str),
                '{' => stack.push(Ctx::Code),
                '}' => {
                    stack.pop();
                    if stack.is_empty() {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    cs.len()
}
