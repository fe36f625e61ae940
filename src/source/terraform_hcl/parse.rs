//! One `.tf` file: bytes to an `hcl_edit` body, or a located [`ReadError`].
//!
//! Why hcl-edit and not hcl-rs: findings must point at the `.tf` line of the value that
//! decides, and only hcl-edit keeps a byte span on every block, attribute, expression and
//! template piece (`hcl_edit::Span::span`); hcl-rs's `Body` has none
//! (shared/design/crates.md §5.2).
//!
//! Guards run before the parser sees the text, as `json::parse` does: a size cap, UTF-8, and a
//! bracket-depth pre-scan, so a 10,000-deep nesting is refused in one linear pass instead of
//! reaching the recursive parser (hcl-edit has its own 64-level cap too; ours does not depend
//! on it).

use std::path::Path;
use std::sync::Arc;

use hcl_edit::structure::Body;

use crate::json::{self, Span, MAX_DEPTH};
use crate::source::MAX_TEMPLATE_BYTES;
use crate::source::{ReadError, SourceFile};

use super::json_syntax::{self, JsonSource};

/// A file read and, if it parsed, its body.
pub struct Parsed {
    pub file: SourceFile,
    pub body: Result<Body, ReadError>,
    /// For a file in JSON syntax: its JSON text and the map from `file.text` (the native
    /// translation) back to it, for [`json_syntax::restore`].
    pub json: Option<JsonSource>,
}

fn error(file: usize, span: Span, code: &'static str, message: impl Into<String>) -> ReadError {
    ReadError {
        file,
        span,
        code,
        message: message.into(),
    }
}

/// Read and parse the file at `path`; `index` is its place in [`ReadOutput::files`](crate::source::ReadOutput).
pub fn read(path: &Path, index: usize) -> Parsed {
    let empty = |path: &Path| SourceFile {
        path: path.to_path_buf(),
        text: Arc::from(""),
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_TEMPLATE_BYTES as u64 => {
            return Parsed {
                json: None,
                file: empty(path),
                body: Err(error(
                    index,
                    0..0,
                    "too-large",
                    format!(
                        "file too large: it is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit for a \
                         template or Terraform file",
                        m.len()
                    ),
                )),
            }
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => parse_bytes(path, bytes, index),
        Err(e) => Parsed {
            json: None,
            file: empty(path),
            body: Err(error(
                index,
                0..0,
                "unreadable",
                format!("cannot read the file: {e}"),
            )),
        },
    }
}

/// Parse bytes already read (the fuzz target and tests use this directly).
pub fn parse_bytes(path: &Path, bytes: Vec<u8>, index: usize) -> Parsed {
    let file = |text: &str| SourceFile {
        path: path.to_path_buf(),
        text: Arc::from(text),
    };
    if bytes.len() > MAX_TEMPLATE_BYTES {
        let message = format!(
            "file too large: it is {} bytes, over the {MAX_TEMPLATE_BYTES}-byte limit for a \
                         template or Terraform file",
            bytes.len()
        );
        return Parsed {
            json: None,
            file: file(""),
            body: Err(error(index, 0..0, "too-large", message)),
        };
    }
    if let Err(e) = json::decode_utf8(&bytes) {
        // Keep the text (invalid bytes shown as U+FFFD) so the error's span lies inside it
        // and the message can show where: the prefix before the first bad byte is unchanged.
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let lossy = String::from_utf8_lossy(body);
        let at = e.span.start.min(lossy.len());
        let end = lossy
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        return Parsed {
            json: None,
            file: file(&lossy),
            body: Err(error(
                index,
                at..end,
                "not-utf8",
                "the file is not valid UTF-8",
            )),
        };
    }
    let text = match json::into_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Parsed {
                json: None,
                file: file(""),
                body: Err(error(index, 0..0, "not-utf8", e.to_string())),
            }
        }
    };
    // Terraform picks the syntax by the name; a native file cannot start with `{`.
    let json_name = path.file_name().is_some_and(|n| {
        n.to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".tf.json")
    });
    if json_name || json_syntax::is_json(&text) {
        return parse_json(path, text, index);
    }
    let body = prescan(&text, index).and_then(|()| {
        hcl_edit::parser::parse_body(&text).map_err(|e| {
            let at = e.location().offset().min(text.len());
            let end = text
                .get(at..)
                .and_then(|r| r.chars().next())
                .map_or(at, |c| at + c.len_utf8());
            error(
                index,
                at..end,
                "invalid-hcl",
                format!("invalid HCL: {}", e.message()),
            )
        })
    });
    Parsed {
        json: None,
        file: file(&text),
        body,
    }
}

/// A file in Terraform's JSON syntax: translated to native HCL and parsed; the text kept is
/// the translation until [`json_syntax::restore`] puts the JSON back.
fn parse_json(path: &Path, text: String, index: usize) -> Parsed {
    let file = |text: Arc<str>| SourceFile {
        path: path.to_path_buf(),
        text,
    };
    let text: Arc<str> = Arc::from(text);
    match json_syntax::translate(&text) {
        Ok(t) => {
            let body = prescan(&t.hcl, index).and_then(|()| {
                hcl_edit::parser::parse_body(&t.hcl).map_err(|e| {
                    let at = e.location().offset().min(t.hcl.len());
                    error(
                        index,
                        at..at + 1,
                        "invalid-hcl",
                        format!("invalid Terraform expression: {}", e.message()),
                    )
                })
            });
            Parsed {
                file: file(Arc::from(t.hcl)),
                body,
                json: Some(JsonSource { text, map: t.map }),
            }
        }
        Err((span, code, message)) => Parsed {
            file: file(text),
            body: Err(error(index, span, code, message)),
            json: None,
        },
    }
}

/// Nesting depth of brackets and template interpolations, outside comments and string
/// literals. Over [`MAX_DEPTH`] is an error at the bracket that crosses it.
fn prescan(text: &str, index: usize) -> Result<(), ReadError> {
    #[derive(PartialEq)]
    enum Ctx {
        Bracket,
        Interp,
        Str,
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0usize;
    let at = |i: usize| bytes.get(i).copied();
    while let Some(b) = at(i) {
        let in_string = stack.last() == Some(&Ctx::Str);
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if at(i + 1) == Some(b) && at(i + 2) == Some(b'{') => i += 2,
                b'$' | b'%' if at(i + 1) == Some(b'{') => {
                    stack.push(Ctx::Interp);
                    depth += 1;
                    i += 1;
                }
                _ => {}
            }
        } else {
            match b {
                b'#' => i = skip_line(bytes, i),
                b'/' if at(i + 1) == Some(b'/') => i = skip_line(bytes, i),
                b'/' if at(i + 1) == Some(b'*') => {
                    i = memchr::memmem::find(bytes.get(i + 2..).unwrap_or_default(), b"*/")
                        .map_or(bytes.len(), |j| i + 2 + j + 1);
                }
                b'"' => stack.push(Ctx::Str),
                b'{' | b'[' | b'(' => {
                    stack.push(Ctx::Bracket);
                    depth += 1;
                }
                // In code mode the top is a bracket or an interpolation (which returns to
                // its string).
                b'}' | b']' | b')' if stack.pop().is_some() => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if depth > MAX_DEPTH {
            return Err(error(
                index,
                i..i + 1,
                "too-deep",
                format!("the file nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        i += 1;
    }
    Ok(())
}

fn skip_line(bytes: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', bytes.get(i..).unwrap_or_default()).map_or(bytes.len(), |j| i + j)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse(text: &str) -> Result<Body, ReadError> {
        parse_bytes(Path::new("t.tf"), text.as_bytes().to_vec(), 0).body
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = format!("a = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse(&text).unwrap_err();
        assert_eq!(e.code, "too-deep");
        assert_eq!(e.span, 4 + MAX_DEPTH..5 + MAX_DEPTH);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!("# {}\na = \"{}\"\n", "{".repeat(300), "[".repeat(300));
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn a_syntax_error_is_located() {
        let e = parse("resource \"aws_iam_role\" \"r\" {\n  x = = 1\n}\n").unwrap_err();
        assert_eq!(e.code, "invalid-hcl");
        assert_eq!(
            json::line_col(
                "resource \"aws_iam_role\" \"r\" {\n  x = = 1\n}\n",
                e.span.start
            )
            .0,
            2
        );
    }

    #[test]
    fn non_utf8_is_located() {
        let p = parse_bytes(Path::new("t.tf"), b"a = \"\xff\"".to_vec(), 0);
        let e = p.body.unwrap_err();
        // The bad byte is shown as U+FFFD, three bytes in the kept text.
        assert_eq!((e.code, e.span), ("not-utf8", 5..8));
    }
}
