//! Web identity tokens: offline decoding, optional signature verification against a local JWKS,
//! and the checks STS makes before it reads the policy (semantics §7).
//!
//! A token is a credential: nothing here keeps or returns its raw text or its signature, only
//! the decoded header fields and claims.

mod checks;
mod verify;
mod wrapper;

use base64::Engine;
use serde_json::{Map, Value};
use thiserror::Error;

pub use checks::{check, CheckOptions, TokenChecks, TokenProblem};
pub use verify::{parse_jwks, sts_accepts, JwksError, Signature, STS_ALGORITHMS};
pub use wrapper::Wrapper;

/// STS accepts tokens of 4 to 20,000 characters (R7.5).
pub const MAX_TOKEN_CHARS: usize = 20_000;

/// The header fields worth showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub alg: Option<String>,
    pub kid: Option<String>,
    pub typ: Option<String>,
}

/// A decoded token: header and claims. The signature is not kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub header: Header,
    pub claims: Map<String, Value>,
    /// The trimmed compact form, kept privately for signature verification only.
    compact: String,
}

impl Token {
    pub(crate) fn compact(&self) -> &str {
        &self.compact
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// Why bytes are not a decodable token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TokenError {
    #[error("the token is empty")]
    Empty,
    #[error("the token is not valid UTF-8")]
    NotUtf8,
    #[error("the token is {len} characters; STS accepts at most {MAX_TOKEN_CHARS}")]
    TooLong { len: usize },
    #[error("a JWT has three dot-separated parts; this has {parts}")]
    WrongShape { parts: usize },
    #[error("the token's {part} is not base64url")]
    Base64 { part: &'static str },
    #[error("the token's {part} is not a JSON object: {message}")]
    Json { part: &'static str, message: String },
    /// The file holds a token inside something else; the message says what to strip.
    #[error("{0}")]
    Wrapped(Wrapper),
}

/// Decode a compact JWT without verifying it. Surrounding whitespace (the newline `echo`
/// leaves) and a BOM are ignored.
pub fn decode(bytes: &[u8]) -> Result<Token, TokenError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| TokenError::NotUtf8)?;
    let compact = text.trim();
    if compact.is_empty() {
        return Err(TokenError::Empty);
    }
    if let Some(found) = wrapper::find(compact) {
        return Err(TokenError::Wrapped(found));
    }
    if compact.chars().count() > MAX_TOKEN_CHARS {
        return Err(TokenError::TooLong {
            len: compact.chars().count(),
        });
    }
    let parts: Vec<&str> = compact.split('.').collect();
    let [header, payload, _signature] = parts.as_slice() else {
        return Err(TokenError::WrongShape { parts: parts.len() });
    };
    let header = object(header, "header")?;
    let claims = object(payload, "payload")?;
    let text_of = |k: &str| header.get(k).and_then(Value::as_str).map(str::to_string);
    Ok(Token {
        header: Header {
            alg: text_of("alg"),
            kid: text_of("kid"),
            typ: text_of("typ"),
        },
        claims,
        compact: compact.to_string(),
    })
}

fn object(part: &str, name: &'static str) -> Result<Map<String, Value>, TokenError> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| TokenError::Base64 { part: name })?;
    match serde_json::from_slice::<Value>(&raw) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(TokenError::Json {
            part: name,
            message: format!("found {}", json_type(&other)),
        }),
        Err(e) => Err(TokenError::Json {
            part: name,
            message: e.to_string(),
        }),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
