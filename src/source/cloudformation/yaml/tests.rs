#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::parse;
use crate::json::Kind;

fn slice<'t>(text: &'t str, span: &crate::json::Span) -> &'t str {
    &text[span.clone()]
}

#[test]
fn short_tags_become_long_forms_spanning_from_the_tag() {
    let text = "a: !Sub 'repo:${Org}/*'\nb: !GetAtt Role.Arn\nc: !Join\n  - ''\n  - [x, !Ref Y]\n";
    let root = parse(text).unwrap();
    let a = root.get("a").unwrap();
    assert_eq!(slice(text, &a.span), "!Sub 'repo:${Org}/*'");
    assert_eq!(a.get("Fn::Sub").unwrap().as_str(), Some("repo:${Org}/*"));
    let b = root.get("b").unwrap().get("Fn::GetAtt").unwrap();
    let parts: Vec<_> = b
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(parts, ["Role", "Arn"]);
    let c = root
        .get("c")
        .unwrap()
        .get("Fn::Join")
        .unwrap()
        .as_array()
        .unwrap();
    let nested = c[1].as_array().unwrap()[1].get("Ref").unwrap();
    assert_eq!(nested.as_str(), Some("Y"));
}

#[test]
fn plain_scalars_follow_the_core_schema_but_keep_account_ids() {
    let text =
        "a: 2012-10-17\nb: 123456789012\nc: 012345678901\nd: true\ne: ~\nf: '1'\ng: !!str 5\n";
    let root = parse(text).unwrap();
    assert_eq!(root.get("a").unwrap().as_str(), Some("2012-10-17"));
    assert!(matches!(&root.get("b").unwrap().kind, Kind::Number(n) if n == "123456789012"));
    assert_eq!(root.get("c").unwrap().as_str(), Some("012345678901"));
    assert_eq!(root.get("d").unwrap().kind, Kind::Bool(true));
    assert_eq!(root.get("e").unwrap().kind, Kind::Null);
    assert_eq!(root.get("f").unwrap().as_str(), Some("1"));
    assert_eq!(root.get("g").unwrap().as_str(), Some("5"));
}

#[test]
fn spans_are_bytes_even_after_multibyte_text() {
    let text = "# é ü ñ\nkey: välue\nnext: !Ref X\n";
    let root = parse(text).unwrap();
    assert_eq!(slice(text, &root.get("key").unwrap().span), "välue");
    assert_eq!(slice(text, &root.get("next").unwrap().span), "!Ref X");
}

#[test]
fn a_duplicate_key_is_located_at_the_second() {
    let text = "Role:\n  a: 1\nRole:\n  b: 2\n";
    let e = parse(text).unwrap_err();
    assert_eq!(e.code, "duplicate-key");
    assert_eq!(e.span.start, text.rfind("Role").unwrap());
    assert!(e.message.contains("line 1"), "{}", e.message);
}

#[test]
fn an_unknown_tag_is_located() {
    let text = "a: b\nc: !Bogus x\n";
    let e = parse(text).unwrap_err();
    assert_eq!(e.code, "unknown-tag");
    assert_eq!(e.span.start, text.find("!Bogus").unwrap());
    assert!(e.message.contains("!Bogus"));
}

#[test]
fn aliases_and_second_documents_are_refused() {
    assert_eq!(
        parse("a: &x 1\nb: *x\n").unwrap_err().code,
        "unsupported-yaml"
    );
    assert_eq!(parse("a: 1\n---\nb: 2\n").unwrap_err().code, "invalid-yaml");
}

#[test]
fn deep_nesting_stops_at_the_cap_in_block_and_flow_style() {
    let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let e = parse(&flow).unwrap_err();
    assert_eq!(e.code, "too-deep");
    let block = format!("a:\n  {}x\n", "- ".repeat(10_000));
    let e = parse(&block).unwrap_err();
    assert_eq!(e.code, "too-deep");
    let tags = format!("a: {}x", "!Not [".repeat(5_000));
    assert!(parse(&tags).is_err());
}

#[test]
fn bad_yaml_is_located() {
    let text = "a: [1, 2\nb: 3\n";
    let e = parse(text).unwrap_err();
    assert_eq!(e.code, "invalid-yaml");
    assert!(e.span.start > 0 && e.span.start <= text.len());
}
