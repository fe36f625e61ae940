//! The values a field can take: a small regular language per field (an id is digits, a
//! Bitbucket id a braced UUID, a GitHub owner letters, digits and `-`).

/// A set of characters, defined on ASCII; every non-ASCII character is treated alike, which
/// lets the alphabet stand for all of them with one representative (see `model::chars`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    Exactly(char),
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
            CharClass::Exactly(d) => c == d,
        }
    }
}

/// A field's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Domain {
    /// One or more characters of the class.
    Run(CharClass),
    /// Exactly this sequence of classes (UUIDs).
    Shape(Vec<CharClass>),
}

/// A domain automaton state: characters read so far, or dead.
pub type DomainState = Option<usize>;

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
            _ => "rolecall-other".into(),
        }
    }

    pub fn classes(&self) -> Vec<CharClass> {
        match self {
            Domain::Run(c) => vec![*c],
            Domain::Shape(v) => v.clone(),
        }
    }

    pub fn step(&self, s: DomainState, c: char) -> DomainState {
        let n = s?;
        match self {
            Domain::Run(k) => k.admits(c).then_some(1),
            Domain::Shape(v) => v.get(n).filter(|k| k.admits(c)).map(|_| n + 1),
        }
    }

    pub fn accepts(&self, s: DomainState) -> bool {
        match (self, s) {
            (_, None) => false,
            (Domain::Run(_), Some(n)) => n > 0,
            (Domain::Shape(v), Some(n)) => n == v.len(),
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        self.accepts(text.chars().try_fold(0, |s, c| self.step(Some(s), c)))
    }
}
