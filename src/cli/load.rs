//! Turning the user's files into library values, with located diagnostics on failure.

use std::path::Path;
use std::sync::Arc;

use rolecall::json::{self, JsonError, LineIndex};
use rolecall::policy::{Policy, PolicyError};
use serde_json::{Map, Value};

use rolecall::source::{self, Document, LoadError, SelectError};

use super::diag::{Diag, IndexedSource};
use super::input;

/// A policy and the text it came from (kept for rendering spans).
pub struct LoadedPolicy {
    /// The file's name, or for a URL-encoded policy `file (pointer decoded)`.
    pub name: String,
    /// The text the policy's spans refer to: the file, or the decoded policy.
    pub text: Arc<str>,
    /// One line index for every location in the text.
    pub lines: Arc<LineIndex>,
    /// The role's address, when the file holds roles.
    pub address: Option<String>,
    pub policy: Policy,
}

impl LoadedPolicy {
    pub fn source(&self) -> IndexedSource {
        IndexedSource::new(&self.name, &self.text, Arc::clone(&self.lines))
    }
}

/// At most this many error diagnostics are printed for one file; the rest are counted.
pub const MAX_ERRORS_SHOWN: usize = 20;

/// The trust policy `check` decides on: from any file `lint` reads, the role `resource` names
/// (or the file's only one).
pub fn policy(path: &Path, resource: Option<&str>) -> Result<LoadedPolicy, Vec<Diag>> {
    let doc = source::load_role(path, resource).map_err(|e| load_error(&e))?;
    located(doc)
}

/// Diagnostics for a path that gave no document.
pub fn load_error(e: &LoadError) -> Vec<Diag> {
    match e {
        LoadError::Source(errors) => errors.iter().map(Diag::from_source_error).collect(),
        LoadError::Skipped { .. } => vec![Diag::error("rolecall::no-trust-policy", e.to_string())],
        LoadError::Select(s) => {
            let code = match s {
                SelectError::Empty { .. } => "rolecall::no-trust-policy",
                SelectError::Several { .. } => "rolecall::several-roles",
                SelectError::NotFound { .. } => "rolecall::unknown-resource",
            };
            vec![Diag::error(code, s.to_string())]
        }
    }
}

/// A document's policy with the text its spans refer to, or its errors and reader problems,
/// located.
pub fn located(doc: Document) -> Result<LoadedPolicy, Vec<Diag>> {
    let name = doc.origin.file.name.clone();
    let (shown, text, lines) = match &doc.embedded {
        Some(e) => (
            format!("{name} ({} decoded)", e.at.pointer),
            Arc::<str>::from(e.text.as_str()),
            Arc::new(LineIndex::new(&e.text)),
        ),
        None => (
            doc.origin.file.name.clone(),
            Arc::clone(&doc.origin.file.text),
            Arc::clone(&doc.origin.file.lines),
        ),
    };
    let indexed = IndexedSource::new(&shown, &text, Arc::clone(&lines));
    let mut diags: Vec<Diag> = doc
        .problems
        .iter()
        .map(|p| {
            let (line, col) = doc.origin.file.line_col(p.span.start);
            Diag::error(
                &format!("rolecall::{}", p.code),
                format!("{name}:{line}:{col}: {}", p.message),
            )
        })
        .collect();
    match doc.policy {
        Ok(policy) if diags.is_empty() => Ok(LoadedPolicy {
            name: shown,
            text,
            lines,
            address: doc.origin.address,
            policy,
        }),
        Ok(_) => Err(diags),
        Err(errors) => {
            diags.extend(policy_errors(&errors.0, &indexed));
            Err(diags)
        }
    }
}

/// Diagnostics for a file's errors: the first few in full, then a count.
pub fn policy_errors(errors: &[PolicyError], source: &IndexedSource) -> Vec<Diag> {
    let mut out: Vec<Diag> = errors
        .iter()
        .take(MAX_ERRORS_SHOWN)
        .map(|e| policy_error(e, source))
        .collect();
    if errors.len() > MAX_ERRORS_SHOWN {
        out.push(Diag::error(
            "rolecall::more-errors",
            format!(
                "{}: {} more error(s) not shown",
                source.name(),
                errors.len() - MAX_ERRORS_SHOWN
            ),
        ));
    }
    out
}

fn utf8(bytes: Vec<u8>, path: &Path) -> Result<Arc<str>, Diag> {
    source::from_bytes(path, bytes)
        .map(|f| Arc::clone(&f.text))
        .map_err(|e| Diag::from_source_error(&e))
}

pub fn policy_error(e: &PolicyError, source: &IndexedSource) -> Diag {
    let code = format!("rolecall::{}", source::code_of(e));
    let (line, col) = source.line_col(e.loc.span.start);
    let name = source.name();
    let mut d = Diag::error(&code, format!("{name}:{line}:{col}: {e}"))
        .in_indexed_source(source.clone())
        .primary(e.loc.span.clone(), label_for(e));
    if let Some(first) = &e.related {
        d = d.label(first.span.clone(), "first here");
    }
    if !e.loc.pointer.is_empty() {
        d = d.help(format!("at JSON pointer {}", e.loc.pointer));
    }
    d
}

fn label_for(e: &PolicyError) -> String {
    use rolecall::policy::PolicyErrorKind as K;
    match &e.kind {
        K::DuplicateKey { .. } => "duplicate here: IAM silently keeps only one copy".into(),
        K::Json(_) => "here".into(),
        other => other.to_string(),
    }
}

fn json_error(e: &JsonError, name: &str, text: &str, what: &str) -> Diag {
    let (line, col) = json::line_col(text, e.span.start);
    Diag::error(
        "rolecall::invalid-json",
        format!("{name}:{line}:{col}: {what}: {e}"),
    )
    .in_source(name, text)
    .primary(e.span.clone(), "here")
}

/// A decoded claims object.
pub fn claims(path: &Path) -> Result<Map<String, Value>, Diag> {
    let name = input::name(path);
    let bytes = input::read(path)?;
    let text = utf8(bytes, path)?;
    let node = json::parse(&text).map_err(|e| json_error(&e, &name, &text, "invalid claims"))?;
    if let Some(members) = node.as_object() {
        for (i, m) in members.iter().enumerate() {
            if let Some(first) = members.iter().take(i).find(|f| f.key == m.key) {
                return Err(Diag::error(
                    "rolecall::duplicate-claim",
                    format!("{name}: claim `{}` appears twice", m.key),
                )
                .in_source(&name, &text)
                .primary(m.key_span.clone(), "duplicate here")
                .label(first.key_span.clone(), "first here"));
            }
        }
    }
    match node.to_value() {
        Value::Object(map) => Ok(map),
        _ => Err(Diag::error(
            "rolecall::invalid-claims",
            format!(
                "{name}: claims must be a JSON object, found {}",
                node.type_name()
            ),
        )
        .in_source(&name, &text)
        .primary(node.span.clone(), "expected an object")),
    }
}

/// A JWKS document.
pub fn jwks(path: &Path) -> Result<jsonwebtoken::jwk::JwkSet, Diag> {
    let name = input::name(path);
    let bytes = input::read(path)?;
    let text = utf8(bytes, path)?;
    let tree = json::parse(&text).map_err(|e| json_error(&e, &name, &text, "invalid JWKS"))?;
    let set = rolecall::token::parse_jwks(text.as_bytes()).map_err(|e| {
        let offset = offset_of(&text, e.line, e.column);
        Diag::error(
            "rolecall::invalid-jwks",
            format!("{name}:{}:{}: {e}", e.line, e.column),
        )
        .in_source(&name, &text)
        .primary(offset..offset, "here")
        .help("a JWKS is {\"keys\": [{\"kty\": \"RSA\", \"kid\": ..., \"n\": ..., \"e\": ...}]}")
    })?;
    // A key that cannot be used is a broken input, not a failed signature.
    let key_nodes = tree
        .get("keys")
        .and_then(|k| k.as_array())
        .unwrap_or_default();
    for (i, key) in set.keys.iter().enumerate() {
        if let Err(e) = jsonwebtoken::DecodingKey::from_jwk(key) {
            let node = key_nodes.get(i);
            let span = node
                .and_then(|k| bad_member(k, &["n", "e", "x", "y", "k"]))
                .or_else(|| node.map(|n| n.span.clone()))
                .unwrap_or(0..0);
            let (line, col) = json::line_col(&text, span.start);
            return Err(Diag::error(
                "rolecall::invalid-jwks",
                format!("{name}:{line}:{col}: key {i} cannot be used: {e}"),
            )
            .in_source(&name, &text)
            .primary(span, "this key"));
        }
    }
    Ok(set)
}

/// The span of the first of `names` whose value is not base64url, if any.
fn bad_member(key: &json::Node, names: &[&str]) -> Option<json::Span> {
    use base64::Engine;
    names.iter().find_map(|n| {
        let v = key.get(n)?;
        let ok = v.as_str().is_some_and(|s| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .is_ok()
        });
        (!ok).then(|| v.span.clone())
    })
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.len(), |(b, _)| b);
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
}

/// A token file: decoded, never echoed.
pub fn token(path: &Path) -> Result<rolecall::token::Token, Diag> {
    let name = input::name(path);
    let bytes = input::read(path)?;
    rolecall::token::decode(&bytes).map_err(|e| {
        Diag::error("rolecall::invalid-token", format!("{name}: {e}"))
            .help("the token's text is not shown: it is a credential")
    })
}
