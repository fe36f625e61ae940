//! Tokens pasted inside something else: an `Authorization` header value, quotes, or the JSON a
//! token endpoint answers with. Recognising them lets the error say what to strip. The token
//! itself is never part of the answer: only the wrapper's kind and, for JSON, the field's name.

use std::fmt;

use serde_json::Value;

/// What surrounds the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Wrapper {
    /// `Bearer <jwt>`, as an `Authorization` header carries it.
    Bearer,
    /// `"<jwt>"` or `'<jwt>'`.
    Quotes,
    /// A JSON object with the token in this top-level field, e.g. `{"value": "<jwt>"}` as
    /// GitHub Actions' token endpoint answers, or `{"token": "<jwt>"}`.
    JsonField(String),
}

impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wrapper::Bearer => f.write_str(
                "the file starts with `Bearer `, as an Authorization header does: remove that \
                 prefix and keep only the token",
            ),
            Wrapper::Quotes => f.write_str(
                "the token is wrapped in quotes: remove them (`jq -r` prints a JSON string \
                 without its quotes)",
            ),
            Wrapper::JsonField(field) => write!(
                f,
                "the file is a JSON object with the token in its {field:?} field (as a token \
                 endpoint answers): save only that field's text, e.g. `jq -r '.[{field:?}]'`"
            ),
        }
    }
}

/// The wrapper around a compact JWT, if `text` is one. A bare JWT is base64url and dots only,
/// so none of these shapes can be a token itself.
pub(super) fn find(text: &str) -> Option<Wrapper> {
    if let Some(rest) = strip_prefix_ignore_case(text, "bearer ") {
        return looks_like_jwt(rest.trim()).then_some(Wrapper::Bearer);
    }
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            let inner = inner.trim();
            if looks_like_jwt(inner) {
                return Some(Wrapper::Quotes);
            }
            if let Some(rest) = strip_prefix_ignore_case(inner, "bearer ") {
                return looks_like_jwt(rest.trim()).then_some(Wrapper::Bearer);
            }
        }
    }
    if text.starts_with('{') {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
            return None;
        };
        return map.iter().find_map(|(k, v)| {
            let s = v.as_str()?.trim();
            let s = strip_prefix_ignore_case(s, "bearer ").unwrap_or(s);
            looks_like_jwt(s).then(|| Wrapper::JsonField(k.clone()))
        });
    }
    None
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// Three dot-separated base64url parts, the first two non-empty.
fn looks_like_jwt(text: &str) -> bool {
    let b64 = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    };
    let parts: Vec<&str> = text.split('.').collect();
    matches!(parts.as_slice(), [h, p, s] if !h.is_empty() && !p.is_empty() && b64(h) && b64(p) && b64(s))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    #[test]
    fn recognises_each_wrapper() {
        assert_eq!(find(&format!("Bearer {JWT}")), Some(Wrapper::Bearer));
        assert_eq!(find(&format!("bearer  {JWT}")), Some(Wrapper::Bearer));
        assert_eq!(find(&format!("\"{JWT}\"")), Some(Wrapper::Quotes));
        assert_eq!(find(&format!("'{JWT}'")), Some(Wrapper::Quotes));
        assert_eq!(
            find(&format!("{{\"count\": 1, \"value\": \"{JWT}\"}}")),
            Some(Wrapper::JsonField("value".into()))
        );
        assert_eq!(
            find(&format!("{{\"token\": \"{JWT}\"}}")),
            Some(Wrapper::JsonField("token".into()))
        );
    }

    #[test]
    fn leaves_other_text_to_the_ordinary_errors() {
        assert_eq!(find(JWT), None);
        assert_eq!(find("Bearer not-a-token"), None);
        assert_eq!(find("{\"value\": \"hello\"}"), None);
        assert_eq!(find("{not json"), None);
        assert_eq!(find("\"\""), None);
    }

    #[test]
    fn the_message_never_holds_the_token() {
        for w in [
            Wrapper::Bearer,
            Wrapper::Quotes,
            Wrapper::JsonField("value".into()),
        ] {
            let m = w.to_string();
            for seg in JWT.split('.') {
                assert!(!m.contains(seg), "{m}");
            }
        }
    }
}
