//! Byte edits of a file's text: what a fix changes, and nothing else.

use crate::json::Span;

/// Replace the bytes `span` of the file with `replacement` (an insertion when the span is
/// empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Self {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }
}

/// The text with every edit made, or `None` when an edit falls outside the text, cuts a
/// character in two, or overlaps another.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        if e.span.start < at || e.span.end < e.span.start {
            return None;
        }
        out.push_str(text.get(at..e.span.start)?);
        text.get(e.span.clone())?;
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// Do any two edits overlap (or both insert at one place, whose order would be a guess)?
pub fn overlap(a: &[Edit], b: &[Edit]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| {
            x.span.start < y.span.end.max(y.span.start + 1)
                && y.span.start < x.span.end.max(x.span.start + 1)
        })
    })
}

/// The edit that turns the one occurrence of `old` inside `span` into `new`, narrowed to the
/// bytes that differ (`repo:acme*` to `repo:acme/*` inserts one `/`). `None` when `old` is not
/// written literally there, or is written twice: an escaped string or a templated value is
/// not edited.
pub fn within(text: &str, span: &Span, old: &str, new: &str) -> Option<Edit> {
    if old.is_empty() {
        return None;
    }
    let region = text.get(span.clone())?;
    let found = region.find(old)?;
    if region.get(found + 1..)?.contains(old) {
        return None;
    }
    let start = span.start + found;
    let prefix = common_prefix(old, new);
    let suffix = common_suffix(old.get(prefix..)?, new.get(prefix..)?);
    let replacement = new.get(prefix..new.len() - suffix)?;
    Some(Edit::new(
        start + prefix..start + old.len() - suffix,
        replacement,
    ))
}

/// The text at `span`, exchanged with the text at `other` (two values put back in place).
pub fn swap(text: &str, a: &Span, b: &Span) -> Option<Vec<Edit>> {
    let ta = text.get(a.clone())?;
    let tb = text.get(b.clone())?;
    let (ea, eb) = (Edit::new(a.clone(), tb), Edit::new(b.clone(), ta));
    (!overlap(std::slice::from_ref(&ea), std::slice::from_ref(&eb))).then(|| vec![ea, eb])
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}
