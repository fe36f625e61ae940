//! The IAM wildcard matcher used by `StringLike`, `ArnLike` and `Action`.
//!
//! # Syntax
//! - `*` matches any run of characters, the empty run included, and crosses `/`, `:` and every
//!   other character (semantics R4.1).
//! - `?` matches exactly one character (one Unicode scalar value).
//! - Every other character is literal: `{ } [ ] ( ) \ . ^ $ |` have no meaning. Bitbucket's
//!   `{uuid}` subjects therefore match as written.
//! - A literal `*` or `?` cannot be written in a raw pattern; policy variables `${*}` and `${?}`
//!   produce them, so a pattern is built from [`Token`]s, not from a `&str`.
//!
//! # Cost
//! Patterns are compiled once into [`Matcher`]: exact, prefix, suffix, contains, or a general
//! form. The general form anchors its first and last literal runs and places the middle runs
//! leftmost with `memchr::memmem`; greedy leftmost placement is correct for `*`-separated
//! segments, so there is no backtracking and no regex. Worst case is O(pattern × value) when a
//! segment holds `?`, and O(pattern + value) otherwise.
//!
//! Why not a glob crate: glob-match stops `*` at `/` and treats `{}`/`[]` as syntax; globset and
//! fast-glob match `?` per byte; wildflower misses `*a` against `aa`. See `design/crates.md`.

use memchr::memmem;

/// One element of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Token {
    /// Characters that must appear as written (may contain a literal `*` or `?`).
    Literal(String),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    Question,
}

/// Split raw text into tokens: every `*` and `?` is a wildcard.
pub fn tokens(raw: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut lit = String::new();
    for c in raw.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Token::Literal(std::mem::take(&mut lit)));
                }
                out.push(if c == '*' {
                    Token::Star
                } else {
                    Token::Question
                });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Token::Literal(lit));
    }
    out
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// No wildcard: plain equality.
    Exact(String),
    /// `lit*`
    Prefix(String),
    /// `*lit`
    Suffix(String),
    /// `*lit*`
    Contains(Needle),
    /// `*` alone (or `**`…): matches everything.
    Any,
    /// Anything else.
    General(Box<General>),
}

/// A literal with a precompiled substring searcher: building a searcher per call costs more
/// than the search itself on values as short as a `sub`.
#[derive(Clone)]
pub struct Needle {
    text: String,
    /// Boxed: a searcher is a few hundred bytes, and matchers are held by the thousand.
    finder: Box<memmem::Finder<'static>>,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        Needle {
            text: text.to_string(),
            finder: Box::new(memmem::Finder::new(text.as_bytes()).into_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Byte offset of the leftmost occurrence in `haystack`.
    pub fn find(&self, haystack: &str) -> Option<usize> {
        self.finder.find(haystack.as_bytes())
    }
}

impl PartialEq for Needle {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Needle {}

impl std::fmt::Debug for Needle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text.fmt(f)
    }
}

impl From<&str> for Needle {
    fn from(s: &str) -> Self {
        Needle::new(s)
    }
}

impl From<String> for Needle {
    fn from(s: String) -> Self {
        Needle::new(&s)
    }
}

/// The general form: segments separated by `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct General {
    /// Segment that must start the value; `None` when the pattern starts with `*`.
    head: Option<Segment>,
    /// Segments that must appear in order between head and tail.
    middle: Vec<Segment>,
    /// Segment that must end the value; `None` when the pattern ends with `*`.
    tail: Option<Segment>,
    /// `true` when the pattern had no `*` at all (then `head` must match the whole value).
    anchored_both: bool,
}

/// A run of literals and `?` with no `*` inside.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    parts: Vec<Part>,
    /// The segment's text when it has no `?`, for memmem search.
    literal: Option<Needle>,
    /// With `?` inside: the longest literal part (its index in `parts`), searched with memmem
    /// to find candidate positions instead of trying every position.
    anchor: Option<(usize, Needle)>,
    /// Minimum length in bytes.
    min_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(String),
    AnyChar,
}

impl Matcher {
    /// Compile a raw pattern where every `*` and `?` is a wildcard.
    pub fn new(raw: &str) -> Self {
        Self::from_tokens(&tokens(raw))
    }

    /// Compile from tokens.
    pub fn from_tokens(tokens: &[Token]) -> Self {
        let segments = split_segments(tokens);
        let has_question = tokens.contains(&Token::Question);
        if !has_question {
            let lits: Vec<String> = segments
                .iter()
                .map(|s| {
                    s.literal
                        .as_ref()
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default()
                })
                .collect();
            match lits.as_slice() {
                [only] => return Matcher::Exact(only.clone()),
                [head, tail] if tail.is_empty() && head.is_empty() => return Matcher::Any,
                [head, tail] if tail.is_empty() => return Matcher::Prefix(head.clone()),
                [head, tail] if head.is_empty() => return Matcher::Suffix(tail.clone()),
                [head, mid, tail] if head.is_empty() && tail.is_empty() => {
                    return if mid.is_empty() {
                        Matcher::Any
                    } else {
                        Matcher::Contains(Needle::new(mid))
                    }
                }
                _ => {}
            }
            if lits.iter().all(String::is_empty) {
                return Matcher::Any;
            }
        }
        Matcher::General(Box::new(General::new(segments)))
    }

    /// Does `value` match?
    pub fn is_match(&self, value: &str) -> bool {
        match self {
            Matcher::Exact(s) => value.len() == s.len() && starts_with(value, s),
            Matcher::Prefix(p) => starts_with(value, p),
            Matcher::Suffix(s) => value.ends_with(s.as_str()),
            Matcher::Contains(n) => n.find(value).is_some(),
            Matcher::Any => true,
            Matcher::General(g) => g.is_match(value),
        }
    }

    /// The literal text every match starts with (empty when the pattern starts with a
    /// wildcard).
    pub fn literal_prefix(&self) -> &str {
        match self {
            Matcher::Exact(s) | Matcher::Prefix(s) => s,
            Matcher::General(g) => g.head.as_ref().map_or("", |h| match h.parts.first() {
                Some(Part::Lit(s)) => s.as_str(),
                _ => "",
            }),
            _ => "",
        }
    }

    /// `true` when the pattern has no wildcard.
    pub fn is_exact(&self) -> bool {
        matches!(self, Matcher::Exact(_))
    }
}

/// `value.starts_with(prefix)`, comparing the first eight bytes as one word first: most
/// misses differ early (another UUID, another org), and a word compare is cheaper than the
/// call into `memcmp`.
#[inline]
fn starts_with(value: &str, prefix: &str) -> bool {
    let (v, p) = (value.as_bytes(), prefix.as_bytes());
    if let (Some(a), Some(b)) = (v.first_chunk::<8>(), p.first_chunk::<8>()) {
        if a != b {
            return false;
        }
    }
    v.starts_with(p)
}

/// Split tokens at each `*`. The result always has one more segment than there are stars
/// (runs of `*` count once), and leading/trailing segments may be empty.
fn split_segments(tokens: &[Token]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut current: Vec<Part> = Vec::new();
    let mut last_was_star = false;
    for t in tokens {
        match t {
            Token::Star => {
                if !last_was_star {
                    segments.push(Segment::new(std::mem::take(&mut current)));
                }
                last_was_star = true;
                continue;
            }
            Token::Question => current.push(Part::AnyChar),
            Token::Literal(s) => match current.last_mut() {
                Some(Part::Lit(prev)) => prev.push_str(s),
                _ => current.push(Part::Lit(s.clone())),
            },
        }
        last_was_star = false;
    }
    segments.push(Segment::new(current));
    segments
}

impl Segment {
    fn new(parts: Vec<Part>) -> Self {
        let literal = match parts.as_slice() {
            [] => Some(Needle::new("")),
            [Part::Lit(s)] => Some(Needle::new(s)),
            _ => None,
        };
        let anchor = if literal.is_some() {
            None
        } else {
            parts
                .iter()
                .enumerate()
                .filter_map(|(i, p)| match p {
                    Part::Lit(s) => Some((i, s)),
                    Part::AnyChar => None,
                })
                .max_by_key(|(i, s)| (s.len(), *i))
                .map(|(i, s)| (i, Needle::new(s)))
        };
        let min_len = parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.len(),
                Part::AnyChar => 1,
            })
            .sum();
        Segment {
            parts,
            literal,
            anchor,
            min_len,
        }
    }

    fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// If the segment matches at the start of `text`, the byte length it consumed.
    fn match_at(&self, text: &str) -> Option<usize> {
        let mut pos = 0;
        for part in &self.parts {
            let rest = text.get(pos..)?;
            match part {
                Part::Lit(s) => {
                    if !rest.starts_with(s.as_str()) {
                        return None;
                    }
                    pos += s.len();
                }
                Part::AnyChar => pos += rest.chars().next()?.len_utf8(),
            }
        }
        Some(pos)
    }

    /// Leftmost occurrence in `text`: (start, end) byte offsets.
    fn find(&self, text: &str) -> Option<(usize, usize)> {
        if let Some(lit) = &self.literal {
            let start = lit.find(text)?;
            return Some((start, start + lit.as_str().len()));
        }
        if let Some((index, needle)) = &self.anchor {
            // Each occurrence of the anchor fixes where the segment would start (the parts
            // before it have a fixed number of characters), and starts grow with occurrences,
            // so the first one that matches is the leftmost.
            // Occurrences may overlap (`bbb` twice in `bbbb`), so search again one character
            // after each hit rather than with memmem's non-overlapping iterator.
            let mut from = 0;
            while let Some(found) = text.get(from..).and_then(|rest| needle.find(rest)) {
                let at = from + found;
                if let Some(start) = self.start_before(text, at, *index) {
                    if let Some(len) = text.get(start..).and_then(|rest| self.match_at(rest)) {
                        return Some((start, start + len));
                    }
                }
                from = at + text.get(at..)?.chars().next()?.len_utf8();
            }
            return None;
        }
        for (start, _) in text.char_indices() {
            if text.len() - start < self.min_len {
                return None;
            }
            if let Some(len) = text.get(start..).and_then(|rest| self.match_at(rest)) {
                return Some((start, start + len));
            }
        }
        None
    }

    /// Where the segment starts if its part `index` sits at byte `at`: walk back over the
    /// parts before it.
    fn start_before(&self, text: &str, mut at: usize, index: usize) -> Option<usize> {
        for part in self.parts.get(..index)?.iter().rev() {
            let before = text.get(..at)?;
            match part {
                Part::Lit(s) => {
                    if !before.ends_with(s.as_str()) {
                        return None;
                    }
                    at -= s.len();
                }
                Part::AnyChar => at -= before.chars().next_back()?.len_utf8(),
            }
        }
        Some(at)
    }

    /// If the segment matches at the very end of `text`, the byte offset where it starts.
    /// Tries candidate starts from the right; `?` makes the byte length vary.
    fn match_suffix(&self, text: &str) -> Option<usize> {
        if let Some(lit) = &self.literal {
            let lit = lit.as_str();
            return text.ends_with(lit).then(|| text.len() - lit.len());
        }
        let chars_needed = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.chars().count(),
                Part::AnyChar => 1,
            })
            .sum::<usize>();
        let start = text
            .char_indices()
            .rev()
            .nth(chars_needed.checked_sub(1)?)
            .map(|(i, _)| i)?;
        let len = text.get(start..).and_then(|rest| self.match_at(rest))?;
        (start + len == text.len()).then_some(start)
    }
}

impl General {
    fn new(mut segments: Vec<Segment>) -> Self {
        if segments.len() == 1 {
            return General {
                head: segments.pop(),
                middle: Vec::new(),
                tail: None,
                anchored_both: true,
            };
        }
        let tail = segments.pop().filter(|s| !s.is_empty());
        let mut rest = segments.into_iter();
        let head = rest.next().filter(|s| !s.is_empty());
        let middle = rest.filter(|s| !s.is_empty()).collect();
        General {
            head,
            middle,
            tail,
            anchored_both: false,
        }
    }

    fn is_match(&self, value: &str) -> bool {
        if self.anchored_both {
            return match &self.head {
                Some(seg) => seg.match_at(value) == Some(value.len()),
                None => value.is_empty(),
            };
        }
        let mut start = 0;
        let mut end = value.len();
        if let Some(head) = &self.head {
            let consumed = match &head.literal {
                // The common head (`repo:acme/`, `{uuid}`) is plain text.
                Some(lit) => starts_with(value, lit.as_str()).then(|| lit.as_str().len()),
                None => head.match_at(value),
            };
            match consumed {
                Some(len) => start = len,
                None => return false,
            }
        }
        if let Some(tail) = &self.tail {
            let Some(window) = value.get(start..) else {
                return false;
            };
            match tail.match_suffix(window) {
                Some(at) => end = start + at,
                None => return false,
            }
        }
        for seg in &self.middle {
            let Some(window) = value.get(start..end) else {
                return false;
            };
            match seg.find(window) {
                Some((_, seg_end)) => start += seg_end,
                None => return false,
            }
        }
        true
    }
}

/// One-shot helper: does raw `pattern` (with `*`/`?` wildcards) match `value`?
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    Matcher::new(pattern).is_match(value)
}

#[cfg(test)]
mod tests;
