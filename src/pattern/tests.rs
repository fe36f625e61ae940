use super::*;

#[test]
fn star_crosses_every_separator_and_matches_empty() {
    assert!(wildcard_match(
        "repo:acme/*",
        "repo:acme/app:ref:refs/heads/main"
    ));
    assert!(wildcard_match("repo:acme*", "repo:acme-evil/x"));
    assert!(wildcard_match("a*", "a"));
    assert!(wildcard_match("*", ""));
    assert!(wildcard_match("a*b", "a\nb"));
}

#[test]
fn question_mark_is_exactly_one_character() {
    assert!(wildcard_match("a?c", "a/c"));
    assert!(wildcard_match("?", "é"));
    assert!(!wildcard_match("??", "é"));
    assert!(wildcard_match("a?b", "a😀b"));
    assert!(!wildcard_match("?", ""));
}

#[test]
fn glob_syntax_is_literal() {
    assert!(wildcard_match("{1de489be}:*", "{1de489be}:{759de0c6}"));
    assert!(!wildcard_match("[ab]", "a"));
    assert!(wildcard_match("[ab]", "[ab]"));
    assert!(!wildcard_match("{a,b}", "a"));
    assert!(wildcard_match("a\\*", "a\\xyz"));
    assert!(!wildcard_match("a\\*", "a*"));
    assert!(!wildcard_match("a.b", "aXb"));
}

#[test]
fn matching_is_case_sensitive() {
    assert!(!wildcard_match("Repo:Org/*", "repo:org/x"));
}

#[test]
fn compiled_forms_are_specialised() {
    assert_eq!(Matcher::new("abc"), Matcher::Exact("abc".into()));
    assert_eq!(Matcher::new("abc*"), Matcher::Prefix("abc".into()));
    assert_eq!(Matcher::new("*abc"), Matcher::Suffix("abc".into()));
    assert_eq!(Matcher::new("**abc**"), Matcher::Contains("abc".into()));
    assert_eq!(Matcher::new("***"), Matcher::Any);
    assert!(matches!(Matcher::new("a*b*c"), Matcher::General(_)));
    assert!(matches!(Matcher::new("a?"), Matcher::General(_)));
}

#[test]
fn literal_star_tokens_are_not_wildcards() {
    let m = Matcher::from_tokens(&[Token::Literal("repo:x:".into()), Token::Literal("*".into())]);
    assert!(m.is_match("repo:x:*"));
    assert!(!m.is_match("repo:x:main"));
}

#[test]
fn general_form_places_segments_without_backtracking() {
    assert!(wildcard_match("*a", "aa"));
    assert!(wildcard_match("*:main", "repo:x:main:main"));
    assert!(wildcard_match("a*b*c", "abcbc"));
    assert!(!wildcard_match("a*b*c", "acb"));
    assert!(!wildcard_match("ab*ba", "aba"));
    assert!(wildcard_match("a?*?b", "axyb"));
    assert!(!wildcard_match("a?*?b", "axb"));
    let long = "a".repeat(100_000);
    assert!(!wildcard_match("*a*a*a*a*a*a*b", &long));
    assert!(wildcard_match("*a*a*a*a*a*a*", &long));
}

#[test]
fn anchored_segments_find_overlapping_occurrences() {
    // Found by the property test against the regex oracle while adding memmem anchors to
    // `?` segments: memmem's iterator skips overlapping hits, and `bbb` sits at 0 and at 1.
    assert!(wildcard_match("*bbb?a*", "bbbbba"));
    assert!(wildcard_match("*bb?$***b", "bbba$b"));
    assert!(!wildcard_match("*bbb?a*", "bbbbbb"));
}
