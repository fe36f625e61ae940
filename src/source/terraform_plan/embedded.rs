//! A policy held as a JSON string inside the plan (`"assume_role_policy": "{\"Version\"…"`).
//!
//! The string is decoded here, not by the plan's parser, so that each decoded byte remembers
//! where it was written: the policy tree's spans then point at the escaped text inside the
//! plan (`\"repo:acme*\"` on the plan's line and column), not at a copy the user never saw.

use std::borrow::Cow;

use crate::json::{self, JsonError, Kind, Member, Node, Span};

/// The policy in the string literal at `literal` (quotes included) of `plan`, with its spans
/// in `plan`.
pub fn parse(plan: &str, literal: &Span) -> Result<Node<'static>, JsonError> {
    let (decoded, raw_of) = decode(plan, literal);
    let at = |i: usize| raw_of.get(i).copied().unwrap_or(literal.end);
    match json::parse(&decoded) {
        Ok(tree) => Ok(remap(&tree, &at)),
        Err(e) => Err(JsonError {
            kind: e.kind,
            span: at(e.span.start)..at(e.span.end).max(at(e.span.start)),
        }),
    }
}

/// An owned copy of a policy the plan holds as an object, spans unchanged.
pub fn owned(node: &Node<'_>) -> Node<'static> {
    remap(node, &|i| i)
}

/// The decoded text, and for each of its bytes (and one past the end) the plan offset of the
/// character or escape it came from.
fn decode(plan: &str, literal: &Span) -> (String, Vec<usize>) {
    let start = literal.start + 1;
    let end = literal.end.saturating_sub(1).max(start);
    let raw = plan.get(start..end).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    let mut raw_of = Vec::with_capacity(raw.len() + 1);
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let decoded = if c == '\\' {
            match chars.next().map(|(_, e)| e) {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some('b') => '\u{8}',
                Some('f') => '\u{c}',
                Some('u') => {
                    let high = hex4(&mut chars);
                    let code = if (0xD800..0xDC00).contains(&high)
                        && raw.get(i + 6..i + 8) == Some("\\u")
                    {
                        chars.next();
                        chars.next();
                        let low = hex4(&mut chars);
                        0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                    } else {
                        high
                    };
                    char::from_u32(code).unwrap_or('\u{FFFD}')
                }
                Some(other) => other,
                None => '\\',
            }
        } else {
            c
        };
        raw_of.extend(std::iter::repeat_n(start + i, decoded.len_utf8()));
        out.push(decoded);
    }
    raw_of.push(end);
    (out, raw_of)
}

fn hex4(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> u32 {
    let mut v = 0;
    for _ in 0..4 {
        let digit = chars.next().and_then(|(_, c)| c.to_digit(16)).unwrap_or(0);
        v = v * 16 + digit;
    }
    v
}

fn remap(node: &Node<'_>, at: &dyn Fn(usize) -> usize) -> Node<'static> {
    let span = |s: &Span| at(s.start)..at(s.end).max(at(s.start));
    let kind = match &node.kind {
        Kind::Null => Kind::Null,
        Kind::Bool(b) => Kind::Bool(*b),
        Kind::Number(n) => Kind::Number(Cow::Owned(n.to_string())),
        Kind::String(s) => Kind::String(Cow::Owned(s.to_string())),
        Kind::Array(items) => Kind::Array(items.iter().map(|i| remap(i, at)).collect()),
        Kind::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.to_string()),
                    key_span: span(&m.key_span),
                    value: remap(&m.value, at),
                })
                .collect(),
        ),
    };
    Node {
        span: span(&node.span),
        kind,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::parse;

    #[test]
    fn spans_point_at_the_escaped_text_in_the_plan() {
        let plan = r#"{"p": "{\"Sub\":\"repo:acme*\",\"U\":\"\u00e9x\",\"E\":\"\ud83d\ude00\"}"}"#;
        let literal = plan.find("\"{").unwrap()..plan.len() - 1;
        let tree = parse(plan, &literal).unwrap();
        let sub = tree.get("Sub").unwrap();
        assert_eq!(sub.as_str(), Some("repo:acme*"));
        assert_eq!(&plan[sub.span.clone()], r#"\"repo:acme*\""#);
        assert_eq!(tree.get("U").unwrap().as_str(), Some("éx"));
        assert_eq!(&plan[tree.get("U").unwrap().span.clone()], r#"\"\u00e9x\""#);
        assert_eq!(tree.get("E").unwrap().as_str(), Some("😀"));
    }

    #[test]
    fn a_syntax_error_inside_the_string_is_located_in_the_plan() {
        let plan = r#"{"p": "{\"a\": }"}"#;
        let literal = 6..plan.len() - 1;
        let e = parse(plan, &literal).unwrap_err();
        assert!(e.span.start >= 6 && e.span.start < plan.len(), "{e:?}");
    }
}
