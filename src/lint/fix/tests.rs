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
