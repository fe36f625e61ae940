//! Can a `sub` pattern match any subject of a provider's grammar at all? Both sides are
//! written as globs over characters (a literal, `?` one character, `*` any run) and their
//! intersection is decided exactly, by dynamic programming over the two positions.
//!
//! The grammar side is a superset of the real subjects: a field is `*`, except a UUID (braced
//! for Bitbucket, bare for CircleCI and Semaphore ids), which is its exact shape with `?` for
//! each hex digit. A variable in the policy value is `*`, also a superset. So "no intersection"
//! is a proof that no token matches, never a guess.

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
pub fn of_form(form: &SubForm, fold: bool, no_field_holds: Option<char>) -> Vec<Glob> {
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
    table(a, b)
}

/// The dynamic programme itself.
fn table(a: &[Glob], b: &[Glob]) -> Option<bool> {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    if (n + 1).checked_mul(width)? > MAX_CELLS {
        return None;
    }
    // can[i * width + j]: do a[i..] and b[j..] match a common string?
    let mut can = vec![false; (n + 1) * width];
    let at = |can: &[bool], i: usize, j: usize| can.get(i * width + j).copied().unwrap_or(false);
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            let value = match (a.get(i).copied(), b.get(j).copied()) {
                (None, None) => true,
                // A star matches nothing, or takes one character the other side produces (when
                // the other side is a star too, that is the other side matching nothing).
                (Some(x), y) if is_star(x) => {
                    at(&can, i + 1, j) || (y.is_some_and(|y| takes(x, y)) && at(&can, i, j + 1))
                }
                (x, Some(y)) if is_star(y) => {
                    at(&can, i, j + 1) || (x.is_some_and(|x| takes(y, x)) && at(&can, i + 1, j))
                }
                (Some(x), Some(y)) => compatible(x, y) && at(&can, i + 1, j + 1),
                _ => false,
            };
            if let Some(cell) = can.get_mut(i * width + j) {
                *cell = value;
            }
        }
    }
    Some(at(&can, 0, 0))
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
