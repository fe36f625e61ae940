//! CloudFormation YAML to the same JSON-shaped tree a JSON template parses to.
//!
//! The tree is built here from saphyr-parser's events rather than by a YAML loader, so that
//! every limit holds before anything recursive runs: the nesting cap is checked as each
//! collection opens (10,000 levels stop at level 129 with nothing built), the size cap before
//! the first event, and saphyr-parser itself keeps no recursion (its state and flow levels are
//! heap stacks). Short tags become CloudFormation's own long form (`!Sub x` is
//! `{"Fn::Sub": x}`), so one evaluator serves JSON and YAML alike.
//!
//! What CloudFormation's YAML does not accept, or what would make a value mean something else,
//! is an error with its location: a duplicate key (YAML says keys are unique; a loader that
//! keeps the last one would silently drop a `sub` condition), a tag that is not an intrinsic
//! function, an alias (which also rules out "billion laughs" expansion), a non-scalar key, and
//! a second document in one file.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use crate::json::{Kind, Member, Node, Span, MAX_DEPTH};

/// A YAML problem and where it is, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub code: &'static str,
    pub message: String,
    pub span: Span,
}

/// Short tags CloudFormation documents, each standing for `Fn::<name>` (`!Ref` and
/// `!Condition` stand for themselves).
const FUNCTIONS: &[&str] = &[
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Length",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "ToJsonString",
    "Transform",
];

/// Parse one YAML document. The caller has checked the size.
pub fn parse(text: &str) -> Result<Node<'static>, YamlError> {
    let mut b = Builder {
        text,
        offsets: Offsets::new(text),
        stack: Vec::new(),
        depth: 0,
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                let start = b.offsets.byte(span.start);
                let end = b.offsets.byte(span.end).max(start);
                b.event(event, start..end)?;
            }
            Err(e) => {
                let at = b.offsets.byte(*e.marker());
                // saphyr-parser stops flow collections 255 levels deep itself, and its
                // look-ahead can reach that before our own cap sees the collections open.
                if e.info().contains("recursion limit") {
                    return Err(err(
                        "too-deep",
                        format!("the template nests deeper than {MAX_DEPTH} levels"),
                        at..at,
                    ));
                }
                return Err(err(
                    "invalid-yaml",
                    format!("invalid YAML: {}", e.info()),
                    at..at,
                ));
            }
        }
    }
    b.root.ok_or(YamlError {
        code: "invalid-yaml",
        message: "the file holds no YAML document".to_string(),
        span: 0..0,
    })
}

/// saphyr's markers count characters; spans here are bytes. Events arrive in text order, so a
/// cursor that walks from the last position keeps the conversion linear.
struct Offsets<'t> {
    text: &'t str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Self {
        Offsets {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, m: Marker) -> usize {
        let target = m.index();
        if self.ascii {
            return target.min(self.text.len());
        }
        while self.chars < target {
            let Some(c) = self.text.get(self.bytes..).and_then(|s| s.chars().next()) else {
                break;
            };
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > target {
            let Some(c) = self
                .text
                .get(..self.bytes)
                .and_then(|s| s.chars().next_back())
            else {
                break;
            };
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.bytes
    }
}

/// A collection being built.
enum Frame {
    Seq {
        start: usize,
        tag: Option<Wrap>,
        items: Vec<Node<'static>>,
    },
    Map {
        start: usize,
        tag: Option<Wrap>,
        members: Vec<Member<'static>>,
        key: Option<(String, Span)>,
        seen: HashMap<String, usize>,
    },
}

/// What a tag turns its value into.
#[derive(Debug, Clone)]
enum Wrap {
    /// `{"<key>": value}`, spanning from the tag.
    Function { key: String, tag_start: usize },
    /// `!!str`: the scalar is a string whatever it looks like.
    Str,
    /// `!!map`, `!!seq` and the like: the value is what it already is.
    Plain,
}

struct Builder<'t> {
    text: &'t str,
    offsets: Offsets<'t>,
    stack: Vec<Frame>,
    /// Nesting of the tree being built: a collection is one level, a function wrapper another.
    depth: usize,
    root: Option<Node<'static>>,
    documents: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(err(
                        "invalid-yaml",
                        "a template is one YAML document; this file holds more",
                        span,
                    ));
                }
            }
            Event::Alias(_) => {
                return Err(err(
                    "unsupported-yaml",
                    "YAML aliases (`*name`) are not supported in CloudFormation templates",
                    span,
                ))
            }
            Event::Scalar(value, style, _, tag) => {
                let wrap = self.wrap(tag.as_deref(), span.start)?;
                let kind = scalar_kind(&value, style, wrap.as_ref());
                let node = Node { span, kind };
                self.push(wrapped(node, wrap))?;
            }
            Event::SequenceStart(_, ref tag) | Event::MappingStart(_, ref tag) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let wrap = self.wrap(tag.as_deref(), span.start)?;
                self.depth += 1 + usize::from(matches!(wrap, Some(Wrap::Function { .. })));
                if self.depth > MAX_DEPTH {
                    return Err(err(
                        "too-deep",
                        format!("the template nests deeper than {MAX_DEPTH} levels"),
                        span,
                    ));
                }
                self.stack.push(if is_map {
                    Frame::Map {
                        start: span.start,
                        tag: wrap,
                        members: Vec::new(),
                        key: None,
                        seen: HashMap::new(),
                    }
                } else {
                    Frame::Seq {
                        start: span.start,
                        tag: wrap,
                        items: Vec::new(),
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(err("invalid-yaml", "unbalanced collection", span));
                };
                let (node, wrap) = match frame {
                    Frame::Seq { start, tag, items } => (
                        Node {
                            span: start..span.end.max(start),
                            kind: Kind::Array(items),
                        },
                        tag,
                    ),
                    Frame::Map {
                        start,
                        tag,
                        members,
                        ..
                    } => (
                        Node {
                            span: start..span.end.max(start),
                            kind: Kind::Object(members),
                        },
                        tag,
                    ),
                };
                self.depth = self
                    .depth
                    .saturating_sub(1 + usize::from(matches!(wrap, Some(Wrap::Function { .. }))));
                self.push(wrapped(node, wrap))?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Read a tag: an intrinsic function's short form, a core-schema tag, or an error.
    fn wrap(&self, tag: Option<&Tag>, value_start: usize) -> Result<Option<Wrap>, YamlError> {
        let Some(tag) = tag else { return Ok(None) };
        let tag_start = self.tag_start(tag, value_start);
        if tag.is_yaml_core_schema() {
            return match tag.suffix.as_str() {
                "str" => Ok(Some(Wrap::Str)),
                "map" | "seq" | "int" | "float" | "bool" | "null" => Ok(Some(Wrap::Plain)),
                _ => Err(unknown_tag(tag, tag_start..value_start)),
            };
        }
        if tag.handle != "!" {
            return Err(unknown_tag(tag, tag_start..value_start));
        }
        let key = match tag.suffix.as_str() {
            "Ref" | "Condition" => tag.suffix.clone(),
            f if FUNCTIONS.contains(&f) => format!("Fn::{f}"),
            _ => return Err(unknown_tag(tag, tag_start..value_start)),
        };
        Ok(Some(Wrap::Function { key, tag_start }))
    }

    /// Where the tag is written: the events carry the value's span only, and the tag stands
    /// just before it (with blanks, or for a block collection a line break, in between).
    fn tag_start(&self, tag: &Tag, value_start: usize) -> usize {
        let written = format!("!{}", tag.suffix);
        let before = self.text.get(..value_start).unwrap_or_default();
        match before.rfind(&written) {
            Some(at)
                if before
                    .get(at + written.len()..)
                    .is_some_and(|gap| gap.trim().is_empty()) =>
            {
                at
            }
            _ => value_start,
        }
    }

    /// Attach a finished node to the collection being built, or make it the document.
    fn push(&mut self, node: Node<'static>) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Map {
                members, key, seen, ..
            }) => match key.take() {
                Some((key, key_span)) => {
                    members.push(Member {
                        key: Cow::Owned(key),
                        key_span,
                        value: node,
                    });
                    Ok(())
                }
                None => {
                    let name = match node.kind {
                        Kind::String(s) => s.into_owned(),
                        Kind::Number(s) => s.into_owned(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => String::new(),
                        Kind::Array(_) | Kind::Object(_) => {
                            return Err(err(
                                "unsupported-yaml",
                                "a mapping key must be a plain string in a template",
                                node.span,
                            ))
                        }
                    };
                    if let Some(&first) = seen.get(&name) {
                        let (line, _) = crate::json::line_col(self.text, first);
                        return Err(err(
                            "duplicate-key",
                            format!(
                                "duplicate key `{name}` (first at line {line}); YAML keys are \
                                 unique, and a loader keeping either one would drop the other"
                            ),
                            node.span,
                        ));
                    }
                    seen.insert(name.clone(), node.span.start);
                    *key = Some((name, node.span));
                    Ok(())
                }
            },
        }
    }
}

fn err(code: &'static str, message: impl Into<String>, span: Span) -> YamlError {
    YamlError {
        code,
        message: message.into(),
        span,
    }
}

fn unknown_tag(tag: &Tag, span: Span) -> YamlError {
    err(
        "unknown-tag",
        format!("unknown tag `{tag}`: CloudFormation's short forms are !Ref, !Sub, !GetAtt, ..."),
        span,
    )
}

fn wrapped(node: Node<'static>, wrap: Option<Wrap>) -> Node<'static> {
    match wrap {
        Some(Wrap::Function { key, tag_start }) => {
            let span = tag_start.min(node.span.start)..node.span.end;
            let value = match key.as_str() {
                // `!GetAtt Role.Arn` is the string form of `Fn::GetAtt: [Role, Arn]`.
                "Fn::GetAtt" => getatt_list(node),
                _ => node,
            };
            Node {
                span: span.clone(),
                kind: Kind::Object(vec![Member {
                    key: Cow::Owned(key),
                    key_span: span.start..value.span.start.max(span.start),
                    value,
                }]),
            }
        }
        Some(Wrap::Str | Wrap::Plain) | None => node,
    }
}

fn getatt_list(node: Node<'static>) -> Node<'static> {
    let Kind::String(s) = &node.kind else {
        return node;
    };
    let Some((resource, attribute)) = s.split_once('.') else {
        return node;
    };
    let part = |s: &str| Node {
        span: node.span.clone(),
        kind: Kind::String(Cow::Owned(s.to_string())),
    };
    Node {
        span: node.span.clone(),
        kind: Kind::Array(vec![part(resource), part(attribute)]),
    }
}

/// What a scalar is. Quoted and block scalars are strings; a plain scalar is null, a boolean
/// or a number by YAML 1.2's core schema. A number is kept only when its text is also a JSON
/// number, so `012345678901` (an account ID) stays the string it was written as.
fn scalar_kind(value: &str, style: ScalarStyle, wrap: Option<&Wrap>) -> Kind<'static> {
    let plain = style == ScalarStyle::Plain && !matches!(wrap, Some(Wrap::Str));
    let string = || Kind::String(Cow::Owned(value.to_string()));
    if !plain {
        return string();
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        v if is_json_number(v) => Kind::Number(Cow::Owned(v.to_string())),
        _ => string(),
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(s: &str) -> bool {
    let b = s.strip_prefix('-').unwrap_or(s).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(b);
    if int == 0 || (int > 1 && b.first() == Some(&b'0')) {
        return false;
    }
    let mut rest = b.get(int..).unwrap_or_default();
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = frac.get(n..).unwrap_or_default();
    }
    if let Some(exp) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exp = exp
            .strip_prefix(b"+")
            .or_else(|| exp.strip_prefix(b"-"))
            .unwrap_or(exp);
        let n = digits(exp);
        if n == 0 {
            return false;
        }
        rest = exp.get(n..).unwrap_or_default();
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests;
