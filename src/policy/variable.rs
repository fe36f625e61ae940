//! Policy variables inside condition values (semantics R4.5, R4.6).
//!
//! Under Version 2012-10-17 `${key}` is replaced by the request's value for `key` before
//! matching, `${key, 'text'}` supplies a default, and `${*}`, `${?}`, `${$}` stand for a
//! literal `*`, `?`, `$` that are never wildcards. Under 2008-10-17 (or with no Version) the
//! same text is plain characters.

use crate::pattern::{tokens, Token};

/// One piece of a condition value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Token(Token),
    Var(VarRef),
}

/// A `${key}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The key as written.
    pub key: String,
    /// Lowercased: variable names are case-insensitive (R4.5).
    pub key_lower: String,
    pub default: Option<String>,
}

/// Why a `${...}` is malformed (Access Analyzer errors; R4.5 says reject them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariableSyntax {
    MissingBrace,
    Empty,
    SpaceInName,
    MissingQuote,
}

impl VariableSyntax {
    pub fn describe(&self) -> &'static str {
        match self {
            VariableSyntax::MissingBrace => "a policy variable has no closing `}`",
            VariableSyntax::Empty => "a policy variable `${}` is empty",
            VariableSyntax::SpaceInName => "a policy variable name contains a space",
            VariableSyntax::MissingQuote => {
                "a policy variable default must be single-quoted: `${key, 'default'}`"
            }
        }
    }
}

/// Split a condition value into pieces.
///
/// `like` says whether `*`/`?` in the written text are wildcards; `variables` whether `${...}`
/// is a variable (Version 2012-10-17 and a String or ARN operator).
pub fn pieces(raw: &str, like: bool, variables: bool) -> Result<Vec<Piece>, VariableSyntax> {
    let text = |s: &str, out: &mut Vec<Piece>| {
        if s.is_empty() {
            return;
        }
        if like {
            out.extend(tokens(s).into_iter().map(Piece::Token));
        } else {
            out.push(Piece::Token(Token::Literal(s.to_string())));
        }
    };
    let mut out = Vec::new();
    if !variables {
        text(raw, &mut out);
        return Ok(out);
    }
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        text(rest.get(..start).unwrap_or_default(), &mut out);
        let after = rest.get(start + 2..).unwrap_or_default();
        let (piece, consumed) = variable(after)?;
        out.push(piece);
        rest = after.get(consumed..).unwrap_or_default();
    }
    text(rest, &mut out);
    Ok(out)
}

/// Parse the inside of `${` up to and including its `}`; returns the piece and bytes consumed.
fn variable(after: &str) -> Result<(Piece, usize), VariableSyntax> {
    let name_end = after.find(['}', ',']).ok_or(VariableSyntax::MissingBrace)?;
    let name = after.get(..name_end).unwrap_or_default();
    if name.is_empty() {
        return Err(VariableSyntax::Empty);
    }
    if name.chars().any(char::is_whitespace) {
        return Err(VariableSyntax::SpaceInName);
    }
    let rest = after.get(name_end..).unwrap_or_default();
    let (default, consumed) = if let Some(d) = rest.strip_prefix(',') {
        let trimmed = d.trim_start();
        let quoted = trimmed
            .strip_prefix('\'')
            .ok_or(VariableSyntax::MissingQuote)?;
        let close = quoted.find('\'').ok_or(VariableSyntax::MissingQuote)?;
        let value = quoted.get(..close).unwrap_or_default();
        let tail = quoted.get(close + 1..).unwrap_or_default();
        if !tail.starts_with('}') {
            return Err(VariableSyntax::MissingBrace);
        }
        let used = after.len() - tail.len() + 1;
        (Some(value.to_string()), used)
    } else {
        (None, name_end + 1)
    };
    let piece = match (name, &default) {
        ("*", None) => Piece::Token(Token::Literal("*".into())),
        ("?", None) => Piece::Token(Token::Literal("?".into())),
        ("$", None) => Piece::Token(Token::Literal("$".into())),
        _ => Piece::Var(VarRef {
            key: name.to_string(),
            key_lower: name.to_ascii_lowercase(),
            default,
        }),
    };
    Ok((piece, consumed))
}
