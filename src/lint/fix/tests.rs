#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use super::edit::{apply, within, Edit};

#[test]
fn an_edit_moves_only_the_bytes_that_differ() {
    let text = r#"{"sub": "repo:acme*"}"#;
    let e = within(text, &(8..20), "repo:acme*", "repo:acme/*").unwrap();
    assert_eq!(e, Edit::new(18..18, "/"));
    assert_eq!(apply(text, &[e]).unwrap(), r#"{"sub": "repo:acme/*"}"#);
}

#[test]
fn overlapping_edits_are_refused() {
    let edits = [Edit::new(0..3, "x"), Edit::new(2..4, "y")];
    assert!(apply("abcdef", &edits).is_none());
}

#[test]
fn a_member_goes_with_the_comma_that_separates_it() {
    let text = r#"{ "a": "1", "b": ["2", "}"], "c": {"d": 3} }"#;
    // A middle member: the comma after it goes.
    let b = text.find("\"b\"").unwrap();
    let b_end = text.find(']').unwrap() + 1;
    let e = super::insert::remove_member(text, b, b_end).unwrap();
    assert_eq!(apply(text, &[e]).unwrap(), r#"{ "a": "1", "c": {"d": 3} }"#);
    // The last member: the comma before it goes.
    let c = text.find("\"c\"").unwrap();
    let e = super::insert::remove_block(text, c, c + 3).unwrap();
    assert_eq!(
        apply(text, &[e]).unwrap(),
        r#"{ "a": "1", "b": ["2", "}"] }"#
    );
}

#[test]
fn a_yaml_member_goes_with_its_lines() {
    let text = "A:\n  B:\n    k: v\n  C:\n    j: w\n";
    let at = text.find("B:").unwrap();
    let e = super::insert::remove_block(text, at, at + 1).unwrap();
    assert_eq!(apply(text, &[e]).unwrap(), "A:\n  C:\n    j: w\n");
}

#[test]
fn nothing_outside_the_text_or_inside_a_character_is_edited() {
    assert!(apply("abc", &[Edit::new(2..9, "x")]).is_none());
    assert!(apply("é", &[Edit::new(1..1, "x")]).is_none());
    assert!(within("a \"x\" b", &(0..7), "y", "z").is_none());
    // Written twice in the span: which one is meant is a guess.
    assert!(within("x x", &(0..3), "x", "y").is_none());
}
