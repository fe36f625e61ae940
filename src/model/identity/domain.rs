//! The values a field can take: a small regular language per field (an id is digits, a
//! Bitbucket id a braced UUID, a GitHub owner letters, digits and `-`).

use crate::providers::Shape;

/// A set of characters, defined on ASCII; every non-ASCII character is treated alike, which
/// lets the alphabet stand for all of them with one representative (see `model::chars`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CharClass {
    Any,
    Digit,
    /// `0-9a-f`.
    HexLower,
    /// GitHub owners: `A-Za-z0-9-`.
    Owner,
    /// GitHub repositories: `A-Za-z0-9._-`.
    RepoName,
    /// A git ref name character: printable, not space, and none of `~^:?*[\` (git
    /// check-ref-format; its rules on `..` and `.lock` are not modelled).
    RefChar,
    /// Printable and not a space.
    NoSpace,
    /// Printable, and neither a space, `:` nor `/`.
    Segment,
    /// `A-Za-z0-9._-` and `/`: path segments joined (a GitLab subgroup path).
    PathName,
    Exactly(char),
    /// Any character but this one.
    Except(char),
}

impl CharClass {
    pub fn admits(self, c: char) -> bool {
        match self {
            CharClass::Any => true,
            CharClass::Digit => c.is_ascii_digit(),
            CharClass::HexLower => c.is_ascii_digit() || ('a'..='f').contains(&c),
            CharClass::Owner => c.is_ascii_alphanumeric() || c == '-',
            CharClass::RepoName => c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'),
            CharClass::RefChar => {
                !c.is_ascii() || (c > ' ' && c != '\u{7f}' && !"~^:?*[\\".contains(c))
            }
            CharClass::NoSpace => !c.is_ascii() || (c > ' ' && c != '\u{7f}'),
            CharClass::Segment => CharClass::NoSpace.admits(c) && c != ':' && c != '/',
            CharClass::PathName => CharClass::RepoName.admits(c) || c == '/',
            CharClass::Exactly(d) => c == d,
            CharClass::Except(d) => c != d,
        }
    }
}

/// A field's language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Domain {
    /// One or more characters of the class.
    Run(CharClass),
    /// Exactly this sequence of classes (UUIDs).
    Shape(Vec<CharClass>),
    /// Exactly one of these values (HCP Terraform's run phase). Non-empty, each shorter than
    /// [`ONE_OF_MAX`].
    OneOf(Vec<String>),
}

/// A domain automaton state: characters read so far, or dead. For [`Domain::OneOf`] the
/// state is `word * ONE_OF_MAX + read`: the first value (in order) whose first `read`
/// characters are the text read, which makes the automaton deterministic.
pub type DomainState = Option<usize>;

/// The longest value a [`Domain::OneOf`] holds, plus one.
const ONE_OF_MAX: usize = 64;

impl Domain {
    pub fn free() -> Self {
        Domain::Run(CharClass::Any)
    }

    pub fn uuid() -> Self {
        let mut v = Vec::new();
        for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if i > 0 {
                v.push(CharClass::Exactly('-'));
            }
            v.extend(std::iter::repeat_n(CharClass::HexLower, n));
        }
        Domain::Shape(v)
    }

    pub fn braced_uuid() -> Self {
        let Domain::Shape(inner) = Self::uuid() else {
            return Self::uuid();
        };
        let mut v = vec![CharClass::Exactly('{')];
        v.extend(inner);
        v.push(CharClass::Exactly('}'));
        Domain::Shape(v)
    }

    /// The domain a profile field's [`Shape`] describes.
    pub fn of(shape: Shape) -> Self {
        match shape {
            Shape::Name => Domain::Run(CharClass::RepoName),
            Shape::Path => Domain::Run(CharClass::PathName),
            Shape::Segment => Domain::Run(CharClass::Segment),
            Shape::GitRef => Domain::Run(CharClass::RefChar),
            Shape::Digits => Domain::Run(CharClass::Digit),
            Shape::Uuid => Self::uuid(),
            Shape::BracedUuid => Self::braced_uuid(),
            Shape::Opaque => Domain::Run(CharClass::NoSpace),
            Shape::Except(c) => Domain::Run(CharClass::Except(c)),
            Shape::Any => Self::free(),
            Shape::OneOf(values) => {
                let values: Vec<String> = values
                    .iter()
                    .filter(|v| !v.is_empty() && v.len() < ONE_OF_MAX)
                    .map(|v| v.to_string())
                    .collect();
                // An enumeration the automaton cannot hold is read as any text: wider.
                if values.is_empty() || values.len() > ONE_OF_MAX {
                    Self::free()
                } else {
                    Domain::OneOf(values)
                }
            }
        }
    }

    /// Guess a domain from a realistic value, for profiles without an explicit model.
    pub fn like(example: &str) -> Self {
        if crate::providers::is_braced_uuid(example) {
            Self::braced_uuid()
        } else if crate::providers::is_uuid(example) {
            Self::uuid()
        } else if !example.is_empty() && example.bytes().all(|b| b.is_ascii_digit()) {
            Domain::Run(CharClass::Digit)
        } else {
            Self::free()
        }
    }

    /// A value of the domain an outsider would present (a witness's second preference).
    pub fn outsider(&self) -> String {
        match self {
            Domain::Run(CharClass::Digit) => "9999999".into(),
            Domain::Shape(v) if v.first() == Some(&CharClass::Exactly('{')) => {
                "{0badc0de-0000-4000-8000-000000000000}".into()
            }
            Domain::Shape(_) => "0badc0de-0000-4000-8000-000000000000".into(),
            Domain::OneOf(v) => v.last().cloned().unwrap_or_default(),
            _ => "rolecall-other".into(),
        }
    }

    pub fn classes(&self) -> Vec<CharClass> {
        match self {
            Domain::Run(c) => vec![*c],
            Domain::Shape(v) => v.clone(),
            Domain::OneOf(words) => {
                let mut cs: Vec<char> = words.iter().flat_map(|w| w.chars()).collect();
                cs.sort_unstable();
                cs.dedup();
                cs.into_iter().map(CharClass::Exactly).collect()
            }
        }
    }

    pub fn step(&self, s: DomainState, c: char) -> DomainState {
        let n = s?;
        match self {
            Domain::Run(k) => k.admits(c).then_some(1),
            Domain::Shape(v) => v.get(n).filter(|k| k.admits(c)).map(|_| n + 1),
            Domain::OneOf(words) => {
                let (w, read) = (n / ONE_OF_MAX, n % ONE_OF_MAX);
                let head: String = words.get(w)?.chars().take(read).collect();
                words.iter().enumerate().find_map(|(i, v)| {
                    let mut cs = v.chars();
                    let same_head = cs.by_ref().take(read).eq(head.chars());
                    (same_head && cs.next() == Some(c)).then_some(i * ONE_OF_MAX + read + 1)
                })
            }
        }
    }

    pub fn accepts(&self, s: DomainState) -> bool {
        match (self, s) {
            (_, None) => false,
            (Domain::Run(_), Some(n)) => n > 0,
            (Domain::Shape(v), Some(n)) => n == v.len(),
            (Domain::OneOf(words), Some(n)) => words
                .get(n / ONE_OF_MAX)
                .is_some_and(|w| w.chars().count() == n % ONE_OF_MAX),
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        self.accepts(text.chars().try_fold(0, |s, c| self.step(Some(s), c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_holds_its_values_only() {
        let d = Domain::of(Shape::OneOf(&["TEST", "TESTING", "TASK", "plan"]));
        for v in ["TEST", "TESTING", "TASK", "plan"] {
            assert!(d.contains(v), "{v}");
        }
        for v in [
            "", "T", "TES", "TESTIN", "TASKS", "pla", "apply", "TESTINGS",
        ] {
            assert!(!d.contains(v), "{v}");
        }
    }

    #[test]
    fn segments_stop_at_separators_and_paths_nest() {
        let seg = Domain::of(Shape::Segment);
        assert!(seg.contains("a$b%20c") && !seg.contains("a:b") && !seg.contains("a/b"));
        let path = Domain::of(Shape::Path);
        assert!(path.contains("platform/team.x") && !path.contains("a:b"));
        assert!(!Domain::of(Shape::Name).contains("a/b"));
    }
}
