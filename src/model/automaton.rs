//! IAM wildcard patterns as automata over characters, run on many patterns at once.
//!
//! A pattern is a row of elements: a literal character, `?` (one character) or `*` (any run,
//! the empty one included, crossing every character). Its state is the set of positions
//! reached, a bitset; a key's state is the bitsets of all its patterns side by side. This is
//! the textbook NFA, exact for IAM's semantics (R4.1): no segment splitting, no heuristics.

use crate::pattern::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    Char(char),
    One,
    Star,
}

/// One compiled pattern.
#[derive(Debug, Clone)]
pub struct Pat {
    elems: Vec<Elem>,
    /// Compare against the lowercased value (the `IgnoreCase` operators; the pattern text is
    /// lowercased already, as the parser stores it).
    pub fold: bool,
    /// First word of this pattern's bitset inside a key state.
    offset: usize,
    words: usize,
    /// Positions of its `*`s, ascending: the epsilon closure visits only these.
    stars: Vec<usize>,
}

impl Pat {
    /// From the tokens of a policy value.
    pub fn new(tokens: &[Token], fold: bool) -> Self {
        let mut elems = Vec::new();
        for t in tokens {
            match t {
                Token::Literal(s) => elems.extend(s.chars().map(Elem::Char)),
                Token::Star => elems.push(Elem::Star),
                Token::Question => elems.push(Elem::One),
            }
        }
        let words = (elems.len() + 1).div_ceil(64);
        let stars = elems
            .iter()
            .enumerate()
            .filter(|(_, e)| **e == Elem::Star)
            .map(|(i, _)| i)
            .collect();
        Pat {
            elems,
            fold,
            offset: 0,
            words,
            stars,
        }
    }

    /// The runs of literal characters between wildcards: the text the pattern names.
    pub fn runs(&self) -> Vec<String> {
        let mut out = vec![String::new()];
        for e in &self.elems {
            match (e, out.last_mut()) {
                (Elem::Char(c), Some(run)) => run.push(*c),
                _ => out.push(String::new()),
            }
        }
        out.retain(|r| !r.is_empty());
        out
    }

    /// The literal characters, for the alphabet.
    pub fn literals(&self) -> impl Iterator<Item = char> + '_ {
        self.elems.iter().filter_map(|e| match e {
            Elem::Char(c) => Some(*c),
            _ => None,
        })
    }
}

/// Every pattern on one key (or on the keys one claim feeds).
#[derive(Debug, Clone, Default)]
pub struct KeyAutomaton {
    pub pats: Vec<Pat>,
    words: usize,
}

/// A key state: one bitset per pattern, concatenated.
pub type State = Vec<u64>;

fn get(bits: &[u64], offset: usize, i: usize) -> bool {
    bits.get(offset + i / 64)
        .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
}

fn set(bits: &mut [u64], offset: usize, i: usize) {
    if let Some(w) = bits.get_mut(offset + i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

impl KeyAutomaton {
    pub fn new(mut pats: Vec<Pat>) -> Self {
        let mut words = 0;
        for p in &mut pats {
            p.offset = words;
            words += p.words;
        }
        KeyAutomaton { pats, words }
    }

    pub fn has_fold(&self) -> bool {
        self.pats.iter().any(|p| p.fold)
    }

    /// Pattern elements in all: what one step over every pattern costs.
    pub fn size(&self) -> usize {
        self.pats.iter().map(|p| p.elems.len()).sum()
    }

    /// The state before any character.
    pub fn start(&self) -> State {
        let mut s = vec![0; self.words];
        for p in &self.pats {
            set(&mut s, p.offset, 0);
            close(p, &mut s);
        }
        s
    }

    /// The state after reading `c` (a character of the value).
    pub fn step(&self, s: &State, c: char) -> State {
        let mut out = vec![0; s.len()];
        for p in &self.pats {
            let cur = s.get(p.offset..p.offset + p.words).unwrap_or(&[]);
            // A pattern that has failed stays failed: most of an exact list is, after a
            // character or two.
            if cur.iter().all(|w| *w == 0) {
                continue;
            }
            if p.fold {
                let mut cur: Vec<u64> = cur.to_vec();
                for l in c.to_lowercase() {
                    cur = step_one(p, &cur, l);
                }
                write(&mut out, p, &cur);
            } else {
                let next = step_one(p, cur, c);
                write(&mut out, p, &next);
            }
        }
        out
    }

    #[cfg(test)]
    pub fn step_str(&self, s: &State, text: &str) -> State {
        text.chars().fold(s.clone(), |acc, c| self.step(&acc, c))
    }

    /// Which patterns accept in this state, as a bitset state of its own (one bit per pattern).
    pub fn accepting(&self, s: &State) -> Vec<u64> {
        let mut out = vec![0u64; self.pats.len().div_ceil(64)];
        for (i, p) in self.pats.iter().enumerate() {
            if get(s, p.offset, p.elems.len()) {
                set(&mut out, 0, i);
            }
        }
        out
    }

    /// Does pattern `i` accept in state `s`?
    #[cfg(test)]
    pub fn accepts(&self, s: &State, i: usize) -> bool {
        self.pats
            .get(i)
            .is_some_and(|p| get(s, p.offset, p.elems.len()))
    }
}

fn write(out: &mut [u64], p: &Pat, bits: &[u64]) {
    if let Some(dst) = out.get_mut(p.offset..p.offset + p.words) {
        for (d, b) in dst.iter_mut().zip(bits) {
            *d = *b;
        }
    }
}

/// One pattern's positions after reading `c`, in a local bitset (offset 0).
/// Only the positions reached are visited (a long literal has one or two).
fn step_one(p: &Pat, cur: &[u64], c: char) -> Vec<u64> {
    let mut next = vec![0u64; p.words];
    for (wi, &word) in cur.iter().enumerate().take(p.words) {
        let mut bits = word;
        while bits != 0 {
            let i = wi * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            match p.elems.get(i) {
                Some(Elem::Char(d)) if *d == c => set(&mut next, 0, i + 1),
                Some(Elem::One) => set(&mut next, 0, i + 1),
                Some(Elem::Star) => set(&mut next, 0, i),
                // Another character, or the end of the pattern: nothing follows.
                _ => {}
            }
        }
    }
    close_at(p, &mut next, 0);
    next
}

/// Epsilon closure: a `*` may match nothing, so its position also stands after it.
fn close(p: &Pat, bits: &mut [u64]) {
    close_at(p, bits, p.offset);
}

/// Ascending, so a run of `*`s closes in one pass.
fn close_at(p: &Pat, bits: &mut [u64], offset: usize) {
    for &i in &p.stars {
        if get(bits, offset, i) {
            set(bits, offset, i + 1);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::pattern::{tokens, wildcard_match};

    fn run(pattern: &str, value: &str) -> bool {
        let k = KeyAutomaton::new(vec![Pat::new(&tokens(pattern), false)]);
        let s = k.step_str(&k.start(), value);
        k.accepts(&s, 0)
    }

    #[test]
    fn agrees_with_the_matcher() {
        let cases = [
            ("repo:acme/*", "repo:acme/app:ref:x"),
            ("repo:acme/*", "repo:acme"),
            ("*a", "aa"),
            ("a*b*c", "abbc"),
            ("?", "é"),
            ("{x}*", "{x}"),
            ("**", ""),
            ("a?c", "ac"),
        ];
        for (p, v) in cases {
            assert_eq!(run(p, v), wildcard_match(p, v), "{p} {v}");
        }
    }
}
