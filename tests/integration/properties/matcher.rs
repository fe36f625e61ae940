//! The StringLike matcher against a regex oracle, on generated and fixed patterns.

use proptest::prelude::*;
use regex::Regex;

use rolecall::pattern::{tokens, Matcher, Token};

use super::config;

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

/// One element of a pattern as the oracle sees it.
#[derive(Debug, Clone)]
enum Elem {
    /// Literal text; may hold `*` or `?` when it comes from a `Token::Literal` (`${*}`).
    Lit(String),
    Star,
    Question,
}

/// `(?s)\A...\z` with every literal run escaped, `*` as `.*` and `?` as `.`.
fn oracle(elems: &[Elem]) -> Regex {
    let mut re = String::from(r"(?s)\A");
    for e in elems {
        match e {
            Elem::Lit(s) => re.push_str(&regex::escape(s)),
            Elem::Star => re.push_str(".*"),
            Elem::Question => re.push('.'),
        }
    }
    re.push_str(r"\z");
    Regex::new(&re).unwrap()
}

/// Read raw pattern text the IAM way: every `*` and `?` is a wildcard.
fn elems_of_raw(raw: &str) -> Vec<Elem> {
    raw.chars()
        .map(|c| match c {
            '*' => Elem::Star,
            '?' => Elem::Question,
            c => Elem::Lit(c.to_string()),
        })
        .collect()
}

pub(super) fn oracle_raw(raw: &str) -> Regex {
    oracle(&elems_of_raw(raw))
}

// ---------------------------------------------------------------------------------------------
// Pattern and value strategies
// ---------------------------------------------------------------------------------------------

/// Literal characters: the ones regexes and globs treat specially, separators, multi-byte ones.
const LITERALS: &[char] = &[
    'a', 'b', '{', '}', '[', ']', '\\', ':', '/', 'é', '😀', '.', '-', '$', '^', '(',
];

fn literal_char() -> impl Strategy<Value = char> {
    // `a` and `b` are weighted up so literal runs repeat and near-misses are common.
    prop_oneof![
        4 => prop::sample::select(vec!['a', 'b']),
        3 => prop::sample::select(LITERALS.to_vec()),
    ]
}

/// Any character a value may hold, wildcard characters included (they are literal in values).
fn value_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => literal_char(),
        1 => prop::sample::select(vec!['*', '?']),
    ]
}

/// A pattern element in raw text: a literal char, a run of 1 to 3 `*`, or `?`.
fn raw_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => literal_char().prop_map(String::from),
        3 => Just("*".to_string()),
        1 => Just("**".to_string()),
        1 => Just("***".to_string()),
        2 => Just("?".to_string()),
    ]
}

/// How to derive the value from one pattern element.
#[derive(Debug, Clone)]
struct Edit {
    roll: u8,
    ch: char,
    run: Vec<char>,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        any::<u8>(),
        value_char(),
        prop::collection::vec(value_char(), 0..4),
    )
        .prop_map(|(roll, ch, run)| Edit { roll, ch, run })
}

/// Build a value that nearly matches: each literal kept with high probability, each `*`
/// expanded to a random run, each `?` to one character; rarely dropped, doubled or replaced.
fn derive_value(elems: &[Elem], edits: &[Edit]) -> String {
    let mut out = String::new();
    for (e, ed) in elems.iter().zip(edits.iter().cycle()) {
        match e {
            Elem::Lit(s) => {
                if ed.roll < 215 {
                    out.push_str(s);
                } else {
                    match ed.roll % 3 {
                        0 => {}
                        1 => out.push(ed.ch),
                        _ => {
                            out.push_str(s);
                            out.push_str(s);
                        }
                    }
                }
            }
            Elem::Star => out.extend(ed.run.iter()),
            Elem::Question => {
                if ed.roll < 235 {
                    out.push(ed.ch);
                } else if ed.roll % 2 == 0 {
                    out.push(ed.ch);
                    out.push(ed.ch);
                }
            }
        }
    }
    out
}

/// A value: mostly a near-miss of the pattern, sometimes unrelated, with rare edits at the ends.
fn value_for(elems: Vec<Elem>) -> impl Strategy<Value = String> {
    let n = elems.len().max(1);
    let derived = (
        prop::collection::vec(edit(), n),
        prop::option::weighted(0.1, value_char()),
        prop::option::weighted(0.1, value_char()),
    )
        .prop_map(move |(edits, head, tail)| {
            let mut v: String = head.into_iter().collect();
            v.push_str(&derive_value(&elems, &edits));
            v.extend(tail);
            v
        });
    prop_oneof![
        9 => derived,
        1 => prop::collection::vec(value_char(), 0..10).prop_map(String::from_iter),
    ]
}

pub(super) fn raw_pattern_and_value() -> impl Strategy<Value = (String, String)> {
    prop::collection::vec(raw_piece(), 0..12)
        .prop_map(|pieces| pieces.concat())
        .prop_flat_map(|raw| {
            let elems = elems_of_raw(&raw);
            (Just(raw), value_for(elems))
        })
}

/// A pattern shaped `*{lead} literal *{trail}`: the specialised forms.
fn special_pattern_and_value() -> impl Strategy<Value = (usize, String, usize, String)> {
    (
        0usize..3,
        prop::collection::vec(literal_char(), 0..6).prop_map(String::from_iter),
        0usize..3,
    )
        .prop_flat_map(|(lead, lit, trail)| {
            let raw = format!("{}{lit}{}", "*".repeat(lead), "*".repeat(trail));
            let elems = elems_of_raw(&raw);
            (Just(lead), Just(lit), Just(trail), value_for(elems))
        })
}

/// Tokens as `from_tokens` takes them, literals possibly holding `*` and `?` (as `${*}` gives).
fn token_elem() -> impl Strategy<Value = Elem> {
    prop_oneof![
        6 => prop::collection::vec(value_char(), 0..4).prop_map(|c| Elem::Lit(String::from_iter(c))),
        3 => Just(Elem::Star),
        2 => Just(Elem::Question),
    ]
}

fn tokens_and_value() -> impl Strategy<Value = (Vec<Elem>, String)> {
    prop::collection::vec(token_elem(), 0..8)
        .prop_flat_map(|elems| (Just(elems.clone()), value_for(elems)))
}

fn to_tokens(elems: &[Elem]) -> Vec<Token> {
    elems
        .iter()
        .map(|e| match e {
            Elem::Lit(s) => Token::Literal(s.clone()),
            Elem::Star => Token::Star,
            Elem::Question => Token::Question,
        })
        .collect()
}

/// The same tokens with each literal of two or more characters split in two.
fn split_literals(tokens: &[Token]) -> Vec<Token> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            Token::Literal(s) if s.chars().count() > 1 => {
                let mid = s.char_indices().nth(1).map_or(s.len(), |(i, _)| i);
                let (a, b) = s.split_at(mid);
                out.push(Token::Literal(a.to_string()));
                out.push(Token::Literal(b.to_string()));
            }
            other => out.push(other.clone()),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Matcher properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(5000))]

    /// The compiled matcher answers exactly what the regex oracle answers.
    #[test]
    fn matcher_agrees_with_regex_oracle((raw, value) in raw_pattern_and_value()) {
        let ours = Matcher::new(&raw).is_match(&value);
        let want = oracle_raw(&raw).is_match(&value);
        prop_assert_eq!(ours, want, "pattern {:?} value {:?}", raw, value);
        prop_assert_eq!(rolecall::pattern::wildcard_match(&raw, &value), want);
    }
}

proptest! {
    #![proptest_config(config(3000))]

    /// `lit`, `lit*`, `*lit`, `*lit*` and all-star patterns compile to their specialised form,
    /// agree with the oracle, and give the same matcher when built from (split) tokens.
    #[test]
    fn specialised_forms_agree((lead, lit, trail, value) in special_pattern_and_value()) {
        let raw = format!("{}{lit}{}", "*".repeat(lead), "*".repeat(trail));
        let m = Matcher::new(&raw);
        let expected_form = match (lead > 0, lit.is_empty(), trail > 0) {
            (false, _, false) => matches!(m, Matcher::Exact(_)),
            (_, true, _) => matches!(m, Matcher::Any),
            (false, false, true) => matches!(m, Matcher::Prefix(_)),
            (true, false, false) => matches!(m, Matcher::Suffix(_)),
            (true, false, true) => matches!(m, Matcher::Contains(_)),
        };
        prop_assert!(expected_form, "pattern {:?} compiled to {:?}", raw, m);
        let want = oracle_raw(&raw).is_match(&value);
        prop_assert_eq!(m.is_match(&value), want, "pattern {:?} value {:?}", raw, value);
        let toks = tokens(&raw);
        prop_assert_eq!(&Matcher::from_tokens(&toks), &m);
        let split = Matcher::from_tokens(&split_literals(&toks));
        prop_assert_eq!(split.is_match(&value), want, "split tokens of {:?}", raw);
    }

    /// Tokens whose literals hold `*`/`?` (policy variables `${*}`, `${?}`) match those
    /// characters literally; splitting a literal token in two changes nothing.
    #[test]
    fn from_tokens_agrees_with_token_oracle((elems, value) in tokens_and_value()) {
        let toks = to_tokens(&elems);
        let want = oracle(&elems).is_match(&value);
        let m = Matcher::from_tokens(&toks);
        prop_assert_eq!(m.is_match(&value), want, "tokens {:?} value {:?}", toks, value);
        let split = split_literals(&toks);
        prop_assert_eq!(Matcher::from_tokens(&split).is_match(&value), want, "tokens {:?}", split);
    }
}

/// Hand-picked cases the generators might take long to reach.
#[test]
fn matcher_fixed_cases() {
    let cases: &[(&str, &str, bool)] = &[
        ("", "", true),
        ("", "a", false),
        ("*", "", true),
        ("?", "", false),
        ("?", "é", true),
        ("??", "é", false),
        ("a?b", "a😀b", true),
        ("*a", "aa", true),
        ("*{", "{{", true),
        ("x*a", "xaa", true),
        ("a*b*c", "abcbc", true),
        ("a*a", "a", false),
        ("*a*a*a*a*a*a*b", &"a".repeat(200), false),
        ("repo:org/*", "repo:org/app:ref:refs/heads/main", true),
        ("[ab]", "a", false),
        ("{a,b}", "{a,b}", true),
        ("a\\*", "a\\xyz", true),
        ("a\\*", "a*", false),
        ("a*b", "a\nb", true),
        ("*?*", "", false),
        ("*?*", "😀", true),
        ("?*?", "é", false),
        ("a*?b", "ab", false),
        ("a*?b", "a😀b", true),
    ];
    for (p, v, want) in cases {
        assert_eq!(
            Matcher::new(p).is_match(v),
            *want,
            "pattern {p:?} value {v:?}"
        );
        assert_eq!(oracle_raw(p).is_match(v), *want, "oracle {p:?} value {v:?}");
    }
    // A literal star from `${*}` is not a wildcard.
    let lit_star = Matcher::from_tokens(&[Token::Literal("a*".into()), Token::Star]);
    assert!(lit_star.is_match("a*b"));
    assert!(!lit_star.is_match("ab"));
}
