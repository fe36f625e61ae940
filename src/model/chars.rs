//! The alphabet a field is explored over: one representative character per class of
//! characters that every pattern and every domain treats alike.
//!
//! A character class is fixed by (a) whether the character is a literal of some pattern,
//! (b) for case-folded patterns, what its lowercase is, and (c) which domain predicates hold.
//! Literals stand for themselves; characters whose lowercase contains a literal are kept too
//! (`A` for a folded `a`, the Kelvin sign for `k`); every other character is represented by
//! one ASCII character or one non-ASCII character with the same predicates and lowercase
//! length (`İ` lowercases to two characters, which a folded `?` sees).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use super::identity::CharClass;

/// Characters whose lowercase differs from them, by each character of that lowercase.
static UPPER_OF: LazyLock<BTreeMap<char, Vec<char>>> = LazyLock::new(|| {
    let mut map: BTreeMap<char, Vec<char>> = BTreeMap::new();
    for c in (0u32..=0x10FFFF).filter_map(char::from_u32) {
        let mut lower = c.to_lowercase();
        if lower.len() == 1 && lower.clone().next() == Some(c) {
            continue;
        }
        for l in lower.by_ref() {
            map.entry(l).or_default().push(c);
        }
    }
    map
});

/// The characters whose lowercase contains `c`, other than `c` itself.
fn uppers_of(c: char) -> Vec<char> {
    if c.is_ascii_lowercase() {
        // Fast path: ASCII letters have exactly these (the Kelvin sign lowercases to `k`,
        // `İ` to `i` plus a combining dot).
        let mut out = vec![c.to_ascii_uppercase()];
        match c {
            'k' => out.push('\u{212A}'),
            'i' => out.push('\u{0130}'),
            's' => {}
            _ => {}
        }
        return out;
    }
    if c.is_ascii() {
        return Vec::new();
    }
    UPPER_OF.get(&c).cloned().unwrap_or_default()
}

/// Plain characters the other classes are drawn from: all of ASCII, a non-ASCII letter with a
/// one-character lowercase, and `İ`, whose lowercase is two characters.
const NON_ASCII_POOL: &[char] = &['中', '字', '\u{0130}', 'é', 'ß'];

/// A plain character's signature: which domain predicates hold, and its lowercase's length.
type Signature = (Vec<bool>, usize);

/// The plain characters with their signatures under one list of predicates.
type Signed = std::rc::Rc<Vec<(char, Signature)>>;

/// Every plain character with its signature under `classes`, in pool order. The same few
/// domains recur in every query, so each one's list is worked out once per thread.
fn signatures(classes: &[CharClass]) -> Signed {
    thread_local! {
        static DONE: std::cell::RefCell<Vec<(Vec<CharClass>, Signed)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    /// Domains remembered per thread (a query meets a handful).
    const KEPT: usize = 64;
    DONE.with(|done| {
        if let Some((_, hit)) = done.borrow().iter().find(|(k, _)| k.as_slice() == classes) {
            return std::rc::Rc::clone(hit);
        }
        let pool = (0u8..128)
            .map(char::from)
            .chain(NON_ASCII_POOL.iter().copied());
        let list: Signed = std::rc::Rc::new(
            pool.map(|c| {
                let predicates = classes.iter().map(|k| k.admits(c)).collect();
                (c, (predicates, c.to_lowercase().count()))
            })
            .collect(),
        );
        let mut done = done.borrow_mut();
        if done.len() >= KEPT {
            done.clear();
        }
        done.push((classes.to_vec(), std::rc::Rc::clone(&list)));
        list
    })
}

/// The alphabet for literals `lits` (the text of every pattern a field meets), `folded` when
/// some of those patterns fold case, and the domain predicates in play.
pub fn alphabet(lits: &BTreeSet<char>, folded: bool, classes: &[CharClass]) -> Vec<char> {
    let mut out: BTreeSet<char> = lits.clone();
    if folded {
        for &c in lits {
            out.extend(uppers_of(c));
        }
    }
    // One plain character per signature (predicates, lowercase length).
    let signed = signatures(classes);
    let mut seen: Vec<&Signature> = Vec::new();
    for (c, sig) in signed.iter() {
        if out.contains(c) {
            continue;
        }
        if folded && c.to_lowercase().any(|l| lits.contains(&l)) {
            continue;
        }
        if !seen.contains(&sig) {
            seen.push(sig);
            out.insert(*c);
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn folded_letters_keep_their_uppercase_and_unicode_relatives() {
        let lits: BTreeSet<char> = "k".chars().collect();
        let a = alphabet(&lits, true, &[]);
        assert!(a.contains(&'k') && a.contains(&'K') && a.contains(&'\u{212A}'));
        let u = uppers_of('é');
        assert!(u.contains(&'É'));
    }
}
