//! The values an HCL expression evaluates to, each located in the `.tf` file it was written in,
//! and their conversion to the JSON tree `policy::from_node` reads.
//!
//! Invariant: a [`Val`] returned by evaluation in file F has every span in F. A value defined in
//! another file (a `variable` default in `variables.tf`, a module call's argument) is
//! [`Val::relocate`]d to the reference that brought it in, because a [`Found`](crate::source::Found)
//! has one file.

use std::borrow::Cow;

use crate::json::{self, Kind, Member, Node, Span};
use crate::source::Placeholder;

/// One value and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    pub span: Span,
    pub kind: VKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VKind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    Str(Text),
    List(Vec<Val>),
    /// Members in order: key, the key's span, value.
    Object(Vec<(String, Span, Val)>),
    /// A value rolecall does not know: the expression as written (`var.repo`,
    /// `aws_iam_openid_connect_provider.github.arn`). It becomes a [`Placeholder`].
    Unknown(String),
    /// `jsonencode(v)` or `data.aws_iam_policy_document.x.json`: a string in Terraform, kept as
    /// the structure it encodes so its members keep their own lines.
    Json(Box<Val>),
}

/// A string, with where each of its pieces came from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    pub s: String,
    /// Sorted by `at`, covering `s` from 0.
    pub segs: Vec<Seg>,
    /// Placeholders whose text stands inside `s`.
    pub holes: Vec<Hole>,
}

/// A run of a [`Text`] starting at byte `at`. `exact`: the run is the source bytes `src`
/// byte for byte, so any offset inside it maps; otherwise the whole run maps to `src`.
#[derive(Debug, Clone, PartialEq)]
pub struct Seg {
    pub at: usize,
    pub src: Span,
    pub exact: bool,
}

/// The placeholder for an unknown expression. An account id (`data.aws_caller_identity.x
/// .account_id`, `var.account_id`, ...) stands in ARNs, where IAM requires 12 digits: its
/// placeholder is CloudFormation's `000000000000` (no real account has it), so the principal
/// stays well-formed instead of making the whole policy invalid. Like every placeholder it is
/// an opaque literal that matches only itself; only its shape differs.
pub fn placeholder(what: &str, span: Span) -> Placeholder {
    if what.ends_with(".account_id") {
        Placeholder {
            text: crate::source::cloudformation::ACCOUNT_ID.to_string(),
            what: what.to_string(),
            span,
        }
    } else {
        Placeholder::new(what, span)
    }
}

/// A placeholder written into a string at byte `at` (its text is [`Placeholder::new`]'s).
#[derive(Debug, Clone, PartialEq)]
pub struct Hole {
    pub at: usize,
    pub what: String,
    pub span: Span,
}

impl Val {
    pub fn new(span: Span, kind: VKind) -> Self {
        Val { span, kind }
    }

    pub fn unknown(span: Span, what: impl Into<String>) -> Self {
        Val::new(span, VKind::Unknown(what.into()))
    }

    /// A string literal written at `span` whose source bytes are exactly `s` (`exact`) or not.
    pub fn str(span: Span, s: impl Into<String>, exact: bool) -> Self {
        let s = s.into();
        let text = Text {
            segs: vec![Seg {
                at: 0,
                src: span.clone(),
                exact: exact && span.len() == s.len(),
            }],
            s,
            holes: Vec::new(),
        };
        Val::new(span, VKind::Str(text))
    }

    pub fn as_text(&self) -> Option<&Text> {
        match &self.kind {
            VKind::Str(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_text().map(|t| t.s.as_str())
    }

    /// The members of an object, for `x.key` look-ups.
    pub fn member(&self, key: &str) -> Option<&Val> {
        match &self.kind {
            VKind::Object(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// Move every location of this value to `span`: it was written in another file.
    pub fn relocate(&mut self, span: &Span) {
        self.span = span.clone();
        match &mut self.kind {
            VKind::Str(t) => t.relocate(span),
            VKind::List(items) => items.iter_mut().for_each(|v| v.relocate(span)),
            VKind::Object(members) => {
                for (_, ks, v) in members {
                    *ks = span.clone();
                    v.relocate(span);
                }
            }
            VKind::Json(v) => v.relocate(span),
            _ => {}
        }
    }

    /// Nodes in the value, for the evaluation budget.
    pub fn size(&self) -> usize {
        match &self.kind {
            VKind::Str(t) => 1 + t.s.len(),
            VKind::List(items) => 1 + items.iter().map(Val::size).sum::<usize>(),
            VKind::Object(m) => 1 + m.iter().map(|(k, _, v)| k.len() + v.size()).sum::<usize>(),
            VKind::Json(v) => 1 + v.size(),
            _ => 1,
        }
    }

    /// Nesting depth.
    pub fn depth(&self) -> usize {
        match &self.kind {
            VKind::List(items) => 1 + items.iter().map(Val::depth).max().unwrap_or(0),
            VKind::Object(m) => 1 + m.iter().map(|(_, _, v)| v.depth()).max().unwrap_or(0),
            VKind::Json(v) => 1 + v.depth(),
            _ => 1,
        }
    }

    /// The value as a template interpolation sees it; `None` for a list or object.
    pub fn to_text(&self) -> Option<Text> {
        match &self.kind {
            VKind::Str(t) => Some(t.clone()),
            VKind::Number(n) => Some(Val::str(self.span.clone(), n.clone(), false).into_text()),
            VKind::Bool(b) => Some(Val::str(self.span.clone(), b.to_string(), false).into_text()),
            VKind::Unknown(what) => Some(Text::hole(what, &self.span)),
            VKind::Json(v) => {
                let mut holes = Vec::new();
                let s = v.to_json_string(&mut holes);
                Some(Text {
                    s,
                    segs: vec![Seg {
                        at: 0,
                        src: self.span.clone(),
                        exact: false,
                    }],
                    holes: holes
                        .into_iter()
                        .map(|(what, span)| Hole { at: 0, what, span })
                        .collect(),
                })
            }
            VKind::Null | VKind::List(_) | VKind::Object(_) => None,
        }
    }

    fn into_text(self) -> Text {
        match self.kind {
            VKind::Str(t) => t,
            _ => Text::default(),
        }
    }

    /// Compact JSON text (placeholders as their text), collecting the placeholders.
    pub fn to_json_string(&self, holes: &mut Vec<(String, Span)>) -> String {
        let node = self.to_node(&mut Vec::new());
        for h in self.placeholders() {
            holes.push((h.what, h.span));
        }
        node.to_value().to_string()
    }

    /// Every placeholder in the value.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        let mut out = Vec::new();
        self.to_node(&mut out);
        out
    }

    /// The JSON tree, with every placeholder the value holds pushed to `out`.
    pub fn to_node(&self, out: &mut Vec<Placeholder>) -> Node<'static> {
        let kind = match &self.kind {
            VKind::Null => Kind::Null,
            VKind::Bool(b) => Kind::Bool(*b),
            VKind::Number(n) => Kind::Number(Cow::Owned(n.clone())),
            VKind::Str(t) => {
                out.extend(t.holes.iter().map(|h| placeholder(&h.what, h.span.clone())));
                Kind::String(Cow::Owned(t.s.clone()))
            }
            VKind::Unknown(what) => {
                let p = placeholder(what, self.span.clone());
                let text = p.text.clone();
                out.push(p);
                Kind::String(Cow::Owned(text))
            }
            VKind::List(items) => Kind::Array(items.iter().map(|v| v.to_node(out)).collect()),
            VKind::Object(members) => Kind::Object(
                members
                    .iter()
                    .map(|(k, ks, v)| Member {
                        key: Cow::Owned(k.clone()),
                        key_span: ks.clone(),
                        value: v.to_node(out),
                    })
                    .collect(),
            ),
            VKind::Json(v) => {
                let inner = v.to_node(out);
                Kind::String(Cow::Owned(inner.to_value().to_string()))
            }
        };
        Node {
            span: self.span.clone(),
            kind,
        }
    }

    /// A JSON tree parsed from `text` (a heredoc or string literal) as a value whose spans
    /// point, through `text`'s segments, at the `.tf` bytes.
    pub fn from_json(node: &Node<'_>, text: &Text) -> Val {
        let span = text.map_span(&node.span);
        let kind = match &node.kind {
            Kind::Null => VKind::Null,
            Kind::Bool(b) => VKind::Bool(*b),
            Kind::Number(n) => VKind::Number(n.to_string()),
            Kind::String(s) => VKind::Str(Text {
                s: s.to_string(),
                segs: vec![Seg {
                    at: 0,
                    src: span.clone(),
                    exact: false,
                }],
                holes: text
                    .holes
                    .iter()
                    .filter(|h| node.span.contains(&h.at))
                    .map(|h| Hole { at: 0, ..h.clone() })
                    .collect(),
            }),
            Kind::Array(items) => {
                VKind::List(items.iter().map(|n| Val::from_json(n, text)).collect())
            }
            Kind::Object(members) => VKind::Object(
                members
                    .iter()
                    .map(|m| {
                        (
                            m.key.to_string(),
                            text.map_span(&m.key_span),
                            Val::from_json(&m.value, text),
                        )
                    })
                    .collect(),
            ),
        };
        Val::new(span, kind)
    }
}

impl Text {
    /// The text of a placeholder standing alone.
    pub fn hole(what: &str, span: &Span) -> Text {
        // A placeholder may land inside a JSON string (a heredoc policy): keep its text free of
        // the characters JSON would need escaped.
        let what: String = what
            .chars()
            .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
            .collect();
        let s = placeholder(&what, span.clone()).text;
        Text {
            segs: vec![Seg {
                at: 0,
                src: span.clone(),
                exact: false,
            }],
            holes: vec![Hole {
                at: 0,
                what,
                span: span.clone(),
            }],
            s,
        }
    }

    /// Append another text.
    pub fn push(&mut self, other: Text) {
        let base = self.s.len();
        self.s.push_str(&other.s);
        self.segs.extend(other.segs.into_iter().map(|mut g| {
            g.at += base;
            g
        }));
        self.holes.extend(other.holes.into_iter().map(|mut h| {
            h.at += base;
            h
        }));
    }

    /// Append a literal `value` whose source is `src` (text of the file at `src_span`).
    pub fn push_literal(&mut self, value: &str, src: &str, src_span: &Span) {
        let base = self.s.len();
        self.s.push_str(value);
        if value == src {
            self.segs.push(Seg {
                at: base,
                src: src_span.clone(),
                exact: true,
            });
            return;
        }
        self.segs.extend(align(value, src, src_span.start, base));
    }

    fn relocate(&mut self, span: &Span) {
        for g in &mut self.segs {
            g.src = span.clone();
            g.exact = false;
        }
        for h in &mut self.holes {
            h.span = span.clone();
        }
    }

    /// The `.tf` span of bytes `range` of the text.
    pub fn map_span(&self, range: &Span) -> Span {
        let start = self.map_point(range.start, false);
        let end = if range.end > range.start {
            self.map_point(range.end - 1, true)
        } else {
            start
        };
        start..end.max(start)
    }

    /// Where byte `o` is (`end`: the byte after it).
    fn map_point(&self, o: usize, end: bool) -> usize {
        let i = self.segs.partition_point(|g| g.at <= o).saturating_sub(1);
        match self.segs.get(i) {
            None => 0,
            Some(g) if g.exact => {
                (g.src.start + (o - g.at.min(o)) + usize::from(end)).min(g.src.end)
            }
            Some(g) if end => g.src.end,
            Some(g) => g.src.start,
        }
    }
}

/// Segments mapping `value` onto `src`, where `value` is `src` with some characters left out
/// (a `<<-` heredoc's indentation, the second `$` of `$${`, a `\` escape's backslash). Each
/// character of `value` is matched with the next equal character of `src`; runs that are
/// contiguous in both become exact segments. What cannot be matched maps to the whole literal.
fn align(value: &str, src: &str, src_start: usize, base: usize) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    let mut src_chars = src.char_indices().peekable();
    for (vi, c) in value.char_indices() {
        let found = loop {
            match src_chars.next() {
                Some((si, sc)) if sc == c => break Some(si),
                Some(_) => continue,
                None => break None,
            }
        };
        let Some(si) = found else {
            segs.push(Seg {
                at: base + vi,
                src: src_start..src_start + src.len(),
                exact: false,
            });
            return segs;
        };
        let at = base + vi;
        let s = src_start + si;
        match segs.last_mut() {
            Some(g) if g.exact && g.at + g.src.len() == at && g.src.end == s => {
                g.src.end = s + c.len_utf8();
            }
            _ => segs.push(Seg {
                at,
                src: s..s + c.len_utf8(),
                exact: true,
            }),
        }
    }
    if segs.is_empty() {
        segs.push(Seg {
            at: base,
            src: src_start..src_start + src.len(),
            exact: false,
        });
    }
    segs
}

/// Parse `text` as a JSON policy; the error's span is mapped into the `.tf` file.
pub fn parse_json_text(text: &Text) -> Result<Val, (String, Span)> {
    match json::parse(&text.s) {
        Ok(node) => Ok(Val::from_json(&node, text)),
        Err(e) => Err((e.kind.to_string(), text.map_span(&e.span))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_dedented_literal_maps_each_line_to_its_source() {
        let src = "  {\n    \"a\": 1\n  }";
        let value = "{\n  \"a\": 1\n}";
        let mut t = Text::default();
        t.push_literal(value, src, &(100..100 + src.len()));
        let a = value.find("\"a\"").unwrap();
        let mapped = t.map_span(&(a..a + 3));
        assert_eq!(
            mapped,
            100 + src.find("\"a\"").unwrap()..100 + src.find("\"a\"").unwrap() + 3
        );
    }

    #[test]
    fn a_relocated_value_points_at_the_reference() {
        let mut v = Val::new(
            3..9,
            VKind::List(vec![
                Val::str(4..8, "ab", false),
                Val::unknown(5..6, "var.x"),
            ]),
        );
        v.relocate(&(40..45));
        let mut ps = Vec::new();
        let node = v.to_node(&mut ps);
        assert_eq!(node.span, 40..45);
        assert_eq!(node.as_array().unwrap()[0].span, 40..45);
        assert_eq!(ps[0].span, 40..45);
        assert_eq!(ps[0].text, "<var.x>");
    }
}
