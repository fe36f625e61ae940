//! The located document every command consumes: one role's trust policy, where it came from,
//! and what its reader knows about it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::json::{LineIndex, Span};
use crate::policy::{Policy, PolicyErrors};

pub use super::iam::Embedded;
use super::{InlineIgnore, Placeholder, ReadError};

/// A file's text, with one line index shared by every location in it.
#[derive(Debug)]
pub struct SourceText {
    /// The path as the user wrote it (`<stdin>` for `-`): what messages show.
    pub name: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: Arc<LineIndex>,
}

impl SourceText {
    pub fn new(path: PathBuf, text: Arc<str>) -> Self {
        let name = display_name(&path);
        let lines = Arc::new(LineIndex::new(&text));
        SourceText {
            name,
            path,
            text,
            lines,
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

/// How a path is named in messages: as given, `<stdin>` for `-`.
pub fn display_name(path: &std::path::Path) -> String {
    let s = path.display().to_string();
    if s == "-" {
        "<stdin>".into()
    } else {
        s
    }
}

/// Where a document came from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: Arc<SourceText>,
    /// The resource address: `RoleName` in a listing or dump, `Resources.DeployRole` or
    /// `module.ci.aws_iam_role.deploy` from a template; `None` for a bare policy file.
    pub address: Option<String>,
    /// The document's span in the file: the policy (or the role, when it has none).
    pub span: Span,
    /// JSON pointer of the policy inside the file (`""` for a bare policy or a template's
    /// tree, whose spans point at the template itself).
    pub pointer: String,
    /// What the reader knows besides the address: `("cdk-path", ...)`, `("logical-id", ...)`.
    pub labels: Vec<(String, String)>,
}

impl Origin {
    /// 1-based line and column of the document's start.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.span.start)
    }

    /// What `rolecall.toml` ignores and scopes match: `file#address`, or the file alone.
    pub fn key(&self) -> String {
        match &self.address {
            Some(a) => format!("{}#{a}", self.file.name),
            None => self.file.name.clone(),
        }
    }

    /// Does `name` pick this document: its address, the address's last segment
    /// (`DeployRole` for `Resources.DeployRole`), or one of its labels' values?
    pub fn is_named(&self, name: &str) -> bool {
        self.address
            .as_deref()
            .is_some_and(|a| a == name || a.rsplit('.').next() == Some(name))
            || self.labels.iter().any(|(_, v)| v == name)
    }
}

/// One role's trust policy, located.
#[derive(Debug, Clone)]
pub struct Document {
    pub origin: Origin,
    /// The policy, or why IAM would refuse it. Empty errors mean the reader could not build
    /// the document at all; [`Document::problems`] says why.
    pub policy: Result<Policy, PolicyErrors>,
    /// Set when the policy was a URL-encoded string: the decoded text, which the policy's
    /// locations refer to, and where the string sits in the file.
    pub embedded: Option<Embedded>,
    /// Values unknown until deploy time, each standing in the policy as a fixed literal.
    pub placeholders: Vec<Placeholder>,
    /// Suppressions written next to the resource, each with its reason.
    pub ignores: Vec<InlineIgnore>,
    /// The reader's problems with this document (a statement it could not expand).
    pub problems: Vec<ReadError>,
    /// The policy before a planned change (Terraform plan `resource_changes`).
    pub before: Option<Result<Policy, PolicyErrors>>,
}

impl Document {
    /// A document with nothing but an origin and a policy (what the IAM reader yields).
    pub fn plain(origin: Origin, policy: Result<Policy, PolicyErrors>) -> Self {
        Document {
            origin,
            policy,
            embedded: None,
            placeholders: Vec::new(),
            ignores: Vec::new(),
            problems: Vec::new(),
            before: None,
        }
    }

    /// The placeholders written inside `span` (a finding's location): the deploy-time values
    /// its verdict may depend on. Spans of an embedded (URL-decoded) policy are not the file's,
    /// so they never overlap a placeholder.
    pub fn placeholders_in(&self, span: &Span) -> impl Iterator<Item = &Placeholder> {
        let embedded = self.embedded.is_some();
        let span = span.clone();
        self.placeholders.iter().filter(move |p| {
            !embedded && p.span.start < span.end.max(span.start + 1) && span.start < p.span.end
        })
    }
}

/// A problem with a file as a whole: it cannot be read, is not UTF-8, is not valid JSON, or a
/// reader refused it. Always located: the file, and a span in it when it was read.
#[derive(Debug, Clone)]
pub struct SourceError {
    /// The file's name as given.
    pub name: String,
    /// The file's text when it was read.
    pub file: Option<Arc<SourceText>>,
    pub span: Option<Span>,
    /// Line and column when known without the text (bytes that are not UTF-8).
    pub position: Option<(usize, usize)>,
    /// Another place the problem involves (the first of two duplicate keys).
    pub related: Option<Span>,
    /// JSON pointer of the problem, when known.
    pub pointer: String,
    /// Kebab-case: `io`, `not-found`, `dangling-symlink`, `too-large`, `not-utf8`,
    /// `invalid-json`, `too-deep`, `ignore-without-reason`, or a reader's own.
    pub code: &'static str,
    pub message: String,
}

impl SourceError {
    /// An error about a file that was not read.
    pub fn unread(path: &std::path::Path, code: &'static str, message: impl Into<String>) -> Self {
        SourceError {
            name: display_name(path),
            file: None,
            span: None,
            position: None,
            related: None,
            pointer: String::new(),
            code,
            message: message.into(),
        }
    }

    /// An error at `span` in a file that was read.
    pub fn at(
        file: &Arc<SourceText>,
        span: Span,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        SourceError {
            name: file.name.clone(),
            file: Some(Arc::clone(file)),
            span: Some(span),
            position: None,
            related: None,
            pointer: String::new(),
            code,
            message: message.into(),
        }
    }

    /// 1-based line and column, when the error has a place in a read file.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => Some(file.line_col(span.start)),
            _ => self.position,
        }
    }

    /// `name:line:col: message`, or `name: message` when it has no place.
    pub fn located_message(&self) -> String {
        match self.line_col() {
            Some((l, c)) => format!("{}:{l}:{c}: {}", self.name, self.message),
            None => format!("{}: {}", self.name, self.message),
        }
    }
}
