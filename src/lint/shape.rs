//! Can a `sub` pattern match any subject of a provider's grammar at all? Both sides are
//! written as globs over characters (a literal, `?` one character, `*` any run) and their
//! intersection is decided exactly, by dynamic programming over the two positions.
//!
//! The grammar side is a superset of the real subjects: a field is `*`, except a UUID (braced
//! for Bitbucket, bare for CircleCI and Semaphore ids), which is its exact shape with `?` for
//! each hex digit. A variable in the policy value is `*`, also a superset. So "no intersection"
//! is a proof that no token matches, never a guess.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::pattern::Token;
use crate::policy::{Piece, StringPattern};
use crate::providers::{is_braced_uuid, is_uuid, Field, Part, SubForm};

/// One position of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glob {
    Char(char),
    /// `?`: any one character.
    One,
    /// `*`: any run of characters, empty included.
    Any,
    /// Any run of characters without this one (a field that never holds its separator).
    AnyBut(char),
}

/// Larger products of the two lengths are not decided (reported as "may match").
const MAX_CELLS: usize = 1 << 20;

/// The glob of a policy value (lowercased already when its operator ignores case).
pub fn of_value(p: &StringPattern) -> Vec<Glob> {
    let mut out = Vec::new();
    for piece in &p.pieces {
        match piece {
            Piece::Token(Token::Literal(s)) => out.extend(s.chars().map(Glob::Char)),
            Piece::Token(Token::Question) => out.push(Glob::One),
            Piece::Token(Token::Star) | Piece::Var(_) => out.push(Glob::Any),
        }
    }
    out
}

/// The glob of every subject a form can produce (a superset, see the module docs), lowercased
/// when `fold`. With `no_field_holds`, fields are known never to contain that character.
///
/// Computed once per form and thread: the message rules ask it of every form for every
/// finding. Profiles are `&'static` (constants, or declared templates leaked once: see
/// `providers::custom`), so a form's address names one form for the life of the process.
pub fn of_form(form: &'static SubForm, fold: bool, no_field_holds: Option<char>) -> Rc<[Glob]> {
    type Key = (usize, bool, Option<char>);
    thread_local! {
        static FORMS: RefCell<HashMap<Key, Rc<[Glob]>>> = RefCell::new(HashMap::new());
    }
    let key = (std::ptr::from_ref(form) as usize, fold, no_field_holds);
    FORMS.with(|cache| {
        if let Some(g) = cache.borrow().get(&key) {
            return Rc::clone(g);
        }
        let g: Rc<[Glob]> = build_form(form, fold, no_field_holds).into();
        cache.borrow_mut().insert(key, Rc::clone(&g));
        g
    })
}

fn build_form(form: &SubForm, fold: bool, no_field_holds: Option<char>) -> Vec<Glob> {
    let mut out = Vec::new();
    let chars = |s: &str, out: &mut Vec<Glob>| {
        if fold {
            out.extend(s.to_lowercase().chars().map(Glob::Char));
        } else {
            out.extend(s.chars().map(Glob::Char));
        }
    };
    for part in form.parts {
        match part {
            Part::Lit(s) => chars(s, &mut out),
            Part::Field(f) => field(f, no_field_holds, &mut out),
        }
    }
    out
}

fn field(f: &Field, no_field_holds: Option<char>, out: &mut Vec<Glob>) {
    let uuid = |out: &mut Vec<Glob>| {
        for (i, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if i > 0 {
                out.push(Glob::Char('-'));
            }
            out.extend(std::iter::repeat_n(Glob::One, len));
        }
    };
    if is_braced_uuid(f.example) {
        out.push(Glob::Char('{'));
        uuid(out);
        out.push(Glob::Char('}'));
    } else if is_uuid(f.example) {
        uuid(out);
    } else {
        out.push(no_field_holds.map_or(Glob::Any, Glob::AnyBut));
    }
}

/// Is there a string both globs match? `None` when the globs are too long to decide.
pub fn intersects(a: &[Glob], b: &[Glob]) -> Option<bool> {
    // Literal characters at either end must agree one for one: compare them directly, so most
    // pairs are decided (or shrunk) before the table is built.
    let (mut a, mut b) = (a, b);
    while let (Some(Glob::Char(x)), Some(Glob::Char(y))) = (a.first(), b.first()) {
        if x != y {
            return Some(false);
        }
        (a, b) = (
            a.get(1..).unwrap_or_default(),
            b.get(1..).unwrap_or_default(),
        );
    }
    while let (Some(Glob::Char(x)), Some(Glob::Char(y))) = (a.last(), b.last()) {
        if x != y {
            return Some(false);
        }
        let (n, m) = (a.len() - 1, b.len() - 1);
        (a, b) = (
            a.get(..n).unwrap_or_default(),
            b.get(..m).unwrap_or_default(),
        );
    }
    // A concrete subject against a form (the common question): walk the form as an automaton
    // over the subject's characters, which needs no table.
    if let Some(text) = literal(a) {
        return Some(matches_literal(&text, b));
    }
    if let Some(text) = literal(b) {
        return Some(matches_literal(&text, a));
    }
    // A literal prefix and one `*` (the usual `repo:org/app:*`): some string of the other glob
    // starts with the prefix, which the same walk decides.
    if let Some(text) = prefix_then_any(a) {
        return Some(run(&text, b).is_some_and(|at| at.contains(&true)));
    }
    if let Some(text) = prefix_then_any(b) {
        return Some(run(&text, a).is_some_and(|at| at.contains(&true)));
    }
    table(a, b)
}

/// The characters before a glob's only wildcard, when that is a final `*`.
fn prefix_then_any(g: &[Glob]) -> Option<Vec<char>> {
    match g.split_last() {
        Some((Glob::Any, head)) => literal(head),
        _ => None,
    }
}

/// The characters of a glob without wildcards.
fn literal(g: &[Glob]) -> Option<Vec<char>> {
    g.iter()
        .map(|x| match x {
            Glob::Char(c) => Some(*c),
            _ => None,
        })
        .collect()
}

/// Does `glob` match `text`? First a cheap necessary test (the glob's literal runs appear in
/// `text` in order, which rejects most forms of another kind at once), then the glob run as a
/// set of positions over `text`, one character at a time.
fn matches_literal(text: &[char], glob: &[Glob]) -> bool {
    let mut from = 0;
    for run in glob.split(|g| !matches!(g, Glob::Char(_))) {
        if run.is_empty() {
            continue;
        }
        let found = text.get(from..).and_then(|rest| {
            rest.windows(run.len()).position(|w| {
                w.iter()
                    .zip(run)
                    .all(|(c, g)| matches!(g, Glob::Char(d) if d == c))
            })
        });
        match found {
            Some(at) => from += at + run.len(),
            None => return false,
        }
    }
    run(text, glob).is_some_and(|at| at.last().copied().unwrap_or(false))
}

/// The glob as a set of positions run over `text`: `at[j]` says the first `j` positions of the
/// glob match all of `text`. `None` when the set dies on the way. Every position can still
/// reach the glob's end (each piece matches some string), so a live set means some string
/// starting with `text` matches.
fn run(text: &[char], glob: &[Glob]) -> Option<Vec<bool>> {
    let m = glob.len();
    let mut at = vec![false; m + 1];
    let mut next = vec![false; m + 1];
    let close = |set: &mut [bool]| {
        // A star may match nothing: reaching it reaches what follows it.
        for j in 0..m {
            if set.get(j).copied().unwrap_or(false) && glob.get(j).copied().is_some_and(is_star) {
                if let Some(s) = set.get_mut(j + 1) {
                    *s = true;
                }
            }
        }
    };
    if let Some(s) = at.first_mut() {
        *s = true;
    }
    close(&mut at);
    for &c in text {
        next.iter_mut().for_each(|s| *s = false);
        let mut any = false;
        for (j, g) in glob.iter().enumerate() {
            if !at.get(j).copied().unwrap_or(false) {
                continue;
            }
            let to = match g {
                Glob::Char(d) if *d == c => j + 1,
                Glob::One => j + 1,
                Glob::Any => j,
                Glob::AnyBut(x) if *x != c => j,
                _ => continue,
            };
            if let Some(s) = next.get_mut(to) {
                *s = true;
                any = true;
            }
        }
        if !any {
            return None;
        }
        close(&mut next);
        std::mem::swap(&mut at, &mut next);
    }
    Some(at)
}

/// The dynamic programme itself, one row at a time: `next[j]` says whether `a[i + 1..]` and
/// `b[j..]` match a common string, `row[j]` the same for `a[i..]`.
fn table(a: &[Glob], b: &[Glob]) -> Option<bool> {
    let (n, m) = (a.len(), b.len());
    if (n + 1).checked_mul(m + 1)? > MAX_CELLS {
        return None;
    }
    let mut next = vec![false; m + 1];
    let mut row = vec![false; m + 1];
    let get = |r: &[bool], j: usize| r.get(j).copied().unwrap_or(false);
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            let value = match (a.get(i).copied(), b.get(j).copied()) {
                (None, None) => true,
                // A star matches nothing, or takes one character the other side produces (when
                // the other side is a star too, that is the other side matching nothing).
                (Some(x), y) if is_star(x) => {
                    get(&next, j) || (y.is_some_and(|y| takes(x, y)) && get(&row, j + 1))
                }
                (x, Some(y)) if is_star(y) => {
                    get(&row, j + 1) || (x.is_some_and(|x| takes(y, x)) && get(&next, j))
                }
                (Some(x), Some(y)) => compatible(x, y) && get(&next, j + 1),
                _ => false,
            };
            if let Some(cell) = row.get_mut(j) {
                *cell = value;
            }
        }
        std::mem::swap(&mut row, &mut next);
    }
    Some(get(&next, 0))
}

fn is_star(g: Glob) -> bool {
    matches!(g, Glob::Any | Glob::AnyBut(_))
}

/// Can `star` absorb what `other` produces next (one character, or nothing for a star)?
fn takes(star: Glob, other: Glob) -> bool {
    match (star, other) {
        (Glob::AnyBut(c), Glob::Char(d)) => c != d,
        _ => true,
    }
}

fn compatible(x: Glob, y: Glob) -> bool {
    match (x, y) {
        (Glob::Char(c), Glob::Char(d)) => c == d,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(s: &str) -> Vec<Glob> {
        s.chars()
            .map(|c| match c {
                '*' => Glob::Any,
                '?' => Glob::One,
                c => Glob::Char(c),
            })
            .collect()
    }

    /// The literal fast path decides as the table does.
    #[test]
    fn literal_path_agrees_with_the_table() {
        let globs = [
            "repo:*/*:ref:refs/heads/*",
            "repo:*/*:pull_request",
            "a?c*",
            "*",
            "",
            "x*y*z",
            "**",
            "?",
        ];
        let texts = [
            "repo:acme/app:ref:refs/heads/main",
            "repo:a/b:pull_request",
            "abc",
            "",
            "xyz",
            "xaybz",
            "q",
            "abcd",
        ];
        for g in globs {
            let mut g = glob(g);
            for with_but in [false, true] {
                if with_but {
                    g = g
                        .into_iter()
                        .map(|x| if x == Glob::Any { Glob::AnyBut(':') } else { x })
                        .collect();
                }
                for t in texts {
                    let lit: Vec<Glob> = t.chars().map(Glob::Char).collect();
                    let chars: Vec<char> = t.chars().collect();
                    assert_eq!(
                        Some(matches_literal(&chars, &g)),
                        table(&lit, &g),
                        "{t} {g:?}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// On random globs over a tiny alphabet (so stars and separators collide often).
        #[test]
        fn literal_path_agrees_on_random_globs(g in "[ab:*?]{0,8}", t in "[ab:]{0,8}", but in proptest::bool::ANY) {
            let g: Vec<Glob> = glob(&g)
                .into_iter()
                .map(|x| if but && x == Glob::Any { Glob::AnyBut(':') } else { x })
                .collect();
            let lit: Vec<Glob> = t.chars().map(Glob::Char).collect();
            let chars: Vec<char> = t.chars().collect();
            proptest::prop_assert_eq!(Some(matches_literal(&chars, &g)), table(&lit, &g));
        }

        /// `prefix*` against any glob decides as the table does.
        #[test]
        fn prefix_path_agrees_on_random_globs(g in "[ab:*?]{0,8}", t in "[ab:]{0,6}", but in proptest::bool::ANY) {
            let g: Vec<Glob> = glob(&g)
                .into_iter()
                .map(|x| if but && x == Glob::Any { Glob::AnyBut(':') } else { x })
                .collect();
            let mut p: Vec<Glob> = t.chars().map(Glob::Char).collect();
            p.push(Glob::Any);
            proptest::prop_assert_eq!(intersects(&p, &g), table(&p, &g));
            proptest::prop_assert_eq!(intersects(&g, &p), table(&g, &p));
        }
    }

    #[test]
    fn decides_glob_intersection() {
        let yes = |a: &str, b: &str| intersects(&glob(a), &glob(b)) == Some(true);
        assert!(yes("abc", "abc"));
        assert!(yes("a*", "*c"));
        assert!(yes("a?c", "*b*"));
        assert!(yes("*", ""));
        assert!(yes("{????}:*", "{abcd}:x"));
        assert!(yes("a*b*c", "*"));
        assert!(!yes("abc", "abd"));
        assert!(!yes("a*", "b*"));
        assert!(!yes("{????}:*", "{abc}:x"));
        assert!(!yes("??", "a"));
        assert!(!yes("*x", "*y"));
        assert!(!yes("{????????}:*", "{12345678}production:*"));
        let but = |s: &str| -> Vec<Glob> {
            s.chars()
                .map(|c| {
                    if c == '#' {
                        Glob::AnyBut(':')
                    } else {
                        Glob::Char(c)
                    }
                })
                .collect()
        };
        let org_then_project = but("org:#:project:#");
        assert_eq!(
            intersects(&glob("org:a:project:b"), &org_then_project),
            Some(true)
        );
        assert_eq!(
            intersects(&glob("org:a:b:project:*"), &org_then_project),
            Some(false)
        );
        assert_eq!(intersects(&glob("org:*"), &org_then_project), Some(true));
        assert_eq!(
            intersects(&glob("org:a*b:project:c"), &org_then_project),
            Some(true)
        );
    }
}
