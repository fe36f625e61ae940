//! A strict, span-aware JSON tree.
//!
//! Why not `serde_json::Value`: it keeps the last of two duplicate keys without a word, and IAM
//! has silently dropped a whole `sub` condition that way (semantics R1.10). Every node here keeps
//! its byte span and JSON pointer, objects keep every member in order (duplicates included), and
//! numbers keep their original lexeme (R1.9: `1.0` is not `1`).
//!
//! The tokenizer is `jsonc-parser` in strict mode. Around it we add the checks it does not make:
//! a size cap, a nesting cap (checked *before* its recursive parser runs, so 10,000 levels cannot
//! overflow the stack), raw control characters inside strings (RFC 8259), and a leading BOM.

use std::borrow::Cow;
use std::ops::Range;

use jsonc_parser::ast;
use thiserror::Error;

/// Largest document accepted, in bytes. Big enough for a whole-account IAM dump.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting accepted. A trust policy needs six levels; account dumps about twelve.
pub const MAX_DEPTH: usize = 128;

/// A byte range in the source text.
pub type Span = Range<usize>;

/// One JSON value with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'t> {
    pub span: Span,
    pub kind: Kind<'t>,
}

/// The JSON value itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'t> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(Cow<'t, str>),
    /// Borrowed from the text unless it had escapes: a dump's tree holds no copy of it.
    String(Cow<'t, str>),
    Array(Vec<Node<'t>>),
    /// Members in document order; duplicates are kept.
    Object(Vec<Member<'t>>),
}

/// An object member: its key (with the key's own span) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'t> {
    pub key: Cow<'t, str>,
    pub key_span: Span,
    pub value: Node<'t>,
}

/// Why a text is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonErrorKind {
    #[error("the input is not valid UTF-8")]
    NotUtf8,
    #[error("the input is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("the input nests deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("raw control character U+{code:04X} inside a string")]
    ControlCharacter { code: u32 },
    #[error("the input is empty")]
    Empty,
    #[error("invalid JSON: {message}")]
    Syntax { message: String },
}

/// A JSON error and where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct JsonError {
    pub kind: JsonErrorKind,
    pub span: Span,
}

impl<'t> Node<'t> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member<'t>]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node<'t>]> {
        match &self.kind {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Move every span `by` bytes later: for a tree parsed from a slice of a bigger text.
    pub fn shift(&mut self, by: usize) {
        self.span = self.span.start + by..self.span.end + by;
        match &mut self.kind {
            Kind::Array(items) => items.iter_mut().for_each(|n| n.shift(by)),
            Kind::Object(members) => {
                for m in members {
                    m.key_span = m.key_span.start + by..m.key_span.end + by;
                    m.value.shift(by);
                }
            }
            _ => {}
        }
    }

    /// The first member named `key` (exact spelling).
    pub fn get(&self, key: &str) -> Option<&Node<'t>> {
        self.as_object()?
            .iter()
            .find(|m| m.key == key)
            .map(|m| &m.value)
    }

    /// A short name for the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }

    /// Convert to a `serde_json::Value` (last duplicate wins, as serde would do).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => serde_json::from_str(n).unwrap_or(Value::String(n.to_string())),
            Kind::String(s) => Value::String(s.to_string()),
            Kind::Array(a) => Value::Array(a.iter().map(Node::to_value).collect()),
            Kind::Object(m) => Value::Object(
                m.iter()
                    .map(|m| (m.key.to_string(), m.value.to_value()))
                    .collect(),
            ),
        }
    }
}

/// Decode bytes as UTF-8, dropping a leading BOM.
pub fn decode_utf8(bytes: &[u8]) -> Result<&str, JsonError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| JsonError {
        kind: JsonErrorKind::NotUtf8,
        span: e.valid_up_to()..e.valid_up_to() + e.error_len().unwrap_or(1),
    })
}

/// [`decode_utf8`] for an owned buffer, without copying it (a dump can be tens of megabytes).
pub fn into_utf8(mut bytes: Vec<u8>) -> Result<String, JsonError> {
    decode_utf8(&bytes)?;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| JsonError {
        kind: JsonErrorKind::NotUtf8,
        span: e.utf8_error().valid_up_to()..e.utf8_error().valid_up_to() + 1,
    })
}

/// Parse `text` into a tree. Offsets in the result are byte offsets into `text`.
pub fn parse(text: &str) -> Result<Node<'_>, JsonError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(JsonError {
            kind: JsonErrorKind::TooLarge {
                size: text.len(),
                limit: MAX_DOCUMENT_BYTES,
            },
            span: 0..0,
        });
    }
    prescan(text)?;
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed =
        jsonc_parser::parse_to_ast(text, &jsonc_parser::CollectOptions::default(), &options)
            .map_err(|e| {
                let r = e.range();
                JsonError {
                    kind: JsonErrorKind::Syntax {
                        message: e.kind().to_string(),
                    },
                    span: r.start..r.end.max(r.start),
                }
            })?;
    match parsed.value {
        Some(v) => Ok(convert(v)),
        None => Err(JsonError {
            kind: JsonErrorKind::Empty,
            span: 0..0,
        }),
    }
}

/// One linear pass that enforces the nesting cap and rejects raw control characters in
/// strings, before the recursive parser sees the text.
fn prescan(text: &str) -> Result<(), JsonError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b < 0x20 {
                return Err(JsonError {
                    kind: JsonErrorKind::ControlCharacter { code: u32::from(b) },
                    span: i..i + 1,
                });
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(JsonError {
                        kind: JsonErrorKind::TooDeep { limit: MAX_DEPTH },
                        span: i..i + 1,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn span(r: jsonc_parser::common::Range) -> Span {
    r.start..r.end
}

fn convert(v: ast::Value<'_>) -> Node<'_> {
    match v {
        ast::Value::StringLit(s) => Node {
            span: span(s.range),
            kind: Kind::String(s.value),
        },
        ast::Value::NumberLit(n) => Node {
            span: span(n.range),
            kind: Kind::Number(Cow::Borrowed(n.value)),
        },
        ast::Value::BooleanLit(b) => Node {
            span: span(b.range),
            kind: Kind::Bool(b.value),
        },
        ast::Value::NullKeyword(n) => Node {
            span: span(n.range),
            kind: Kind::Null,
        },
        ast::Value::Array(a) => Node {
            span: span(a.range),
            kind: Kind::Array(a.elements.into_iter().map(convert).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(o.range),
            kind: Kind::Object(
                o.properties
                    .into_iter()
                    .map(|p| {
                        let (key, key_span) = match p.name {
                            ast::ObjectPropName::String(s) => (s.value, span(s.range)),
                            ast::ObjectPropName::Word(w) => (Cow::Borrowed(w.value), span(w.range)),
                        };
                        Member {
                            key,
                            key_span,
                            value: convert(p.value),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

/// Escape one reference token for a JSON pointer (RFC 6901).
pub fn pointer_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Line starts of a text, for many line/column look-ups in one file (a whole-account dump has
/// thousands of findings; scanning from the start for each would be quadratic).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// ASCII text: a column is a byte distance, no counting needed.
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts (the text's length past the last line).
    pub fn line_start(&self, line: usize, text_len: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(text_len)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based line and column (in characters) of a byte offset in the indexed text.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = if self.ascii {
            offset - start.min(offset)
        } else {
            text.get(start..offset).map_or(0, |s| s.chars().count())
        };
        (line, col + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests;
