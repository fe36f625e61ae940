use super::*;

#[test]
fn duplicate_keys_are_kept_with_their_spans() {
    let text = r#"{"a": 1, "a": 2}"#;
    let node = parse(text).unwrap();
    let members = node.as_object().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(&text[members[0].key_span.clone()], "\"a\"");
    assert_eq!(members[1].key_span.start, 9);
}

#[test]
fn numbers_keep_their_lexeme() {
    let node = parse("[1.0, 123456, -2e3]").unwrap();
    let lexemes: Vec<_> = node
        .as_array()
        .unwrap()
        .iter()
        .map(|n| match &n.kind {
            Kind::Number(s) => s.to_string(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(lexemes, ["1.0", "123456", "-2e3"]);
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let text = "[".repeat(10_000) + &"]".repeat(10_000);
    let err = parse(&text).unwrap_err();
    assert!(matches!(err.kind, JsonErrorKind::TooDeep { .. }));
    assert_eq!(err.span.start, MAX_DEPTH);
}

#[test]
fn brackets_inside_strings_do_not_count_as_nesting() {
    let text = format!("{{\"k\": \"{}\"}}", "[".repeat(1000));
    assert!(parse(&text).is_ok());
}

#[test]
fn raw_control_characters_in_strings_are_refused() {
    let err = parse("{\"a\": \"x\u{1}y\"}").unwrap_err();
    assert_eq!(err.kind, JsonErrorKind::ControlCharacter { code: 1 });
    assert_eq!(err.span, 8..9);
}

#[test]
fn lenient_json_is_refused() {
    for bad in [
        "{a: 1}", "[1,]", "{'a': 1}", "// c\n{}", "0x10", "{} {}", "",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} should be refused");
    }
}

#[test]
fn a_bom_is_dropped_and_bad_utf8_located() {
    assert_eq!(decode_utf8(b"\xEF\xBB\xBF{}").unwrap(), "{}");
    let err = decode_utf8(b"{\"a\": \"\xFF\"}").unwrap_err();
    assert_eq!(err.kind, JsonErrorKind::NotUtf8);
    assert_eq!(err.span.start, 7);
}

#[test]
fn line_and_column_count_characters() {
    let text = "{\n  \"é\": 1\n}";
    let offset = text.find('1').unwrap();
    assert_eq!(line_col(text, offset), (2, 8));
}

#[test]
fn line_index_agrees_with_line_col() {
    let text = "{\n  \"é\": [1,\n 2],\n\n\"x\": 3}";
    let index = LineIndex::new(text);
    for offset in 0..=text.len() {
        if text.is_char_boundary(offset) {
            assert_eq!(
                index.line_col(text, offset),
                line_col(text, offset),
                "{offset}"
            );
        }
    }
}
