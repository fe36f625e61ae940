//! Renderers for `lint`. Every format reads the same [`Located`] findings.

pub mod bitbucket;
mod github;
mod html;
mod json;
pub mod sarif;
mod text;

use std::io::{self, Write};
use std::sync::Arc;

use rolecall::json::{LineIndex, Span};
use rolecall::lint::{Finding, Linted};
use rolecall::model::RoleWho;
use rolecall::policy::Loc;
use rolecall::source::{Embedded, SourceError};

use crate::cli::lint::LintFormat;

/// A finding placed in its file.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: String,
    /// The resource address: the role's name in a listing, `Resources.X` in a template.
    pub role: Option<String>,
    /// What the reader knows besides the address (`cdk-path`, `logical-id`).
    pub labels: Vec<(String, String)>,
    /// 1-based position of the finding's start (or of the embedded policy string).
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// JSON pointer: into the file, or, for a URL-encoded policy, the string's pointer
    /// followed by the pointer inside the decoded policy.
    pub pointer: String,
    pub finding: Finding,
    /// Where `--witness-dir` saved this finding's witness, for the text "reproduce" line.
    pub witness_file: Option<String>,
    /// The text the finding's spans refer to (the file, or the decoded policy) and its name.
    pub source: Arc<str>,
    pub source_name: String,
    /// Line index of `source` (shared by every finding of a file).
    pub source_lines: Arc<LineIndex>,
    /// Related locations: span in `source`, label, and (line, column, end line, end column)
    /// in the file (the encoded string's, for a URL-encoded policy).
    pub related: Vec<(Span, String, [usize; 4])>,
    /// What the finding's policy admits, when the lint was asked for it (shared by the
    /// findings of one document).
    pub who: Option<Arc<RoleWho>>,
}

/// A URL-encoded policy's decoded text, shared by the findings in it.
pub struct EmbeddedSource {
    text: Arc<str>,
    lines: Arc<LineIndex>,
    at: Loc,
}

impl EmbeddedSource {
    pub fn new(e: &Embedded) -> Self {
        EmbeddedSource {
            lines: Arc::new(LineIndex::new(&e.text)),
            text: Arc::from(e.text.as_str()),
            at: e.at.clone(),
        }
    }
}

impl Located {
    /// Every finding of a linted document, placed in its file.
    pub fn all(linted: Vec<Linted>) -> Vec<Located> {
        let mut out = Vec::new();
        for l in linted {
            // The findings of a URL-encoded policy share one copy of its decoded text.
            let embedded = l.embedded.as_deref().map(EmbeddedSource::new);
            for f in l.findings {
                let mut located = Located::new(
                    &l.origin.file.name,
                    &l.origin.file.text,
                    &l.origin.file.lines,
                    l.origin.address.as_deref(),
                    &l.origin.labels,
                    embedded.as_ref(),
                    f,
                );
                located.who = l.who.clone();
                out.push(located);
            }
        }
        out
    }

    pub fn new(
        file: &str,
        text: &Arc<str>,
        lines: &Arc<LineIndex>,
        role: Option<&str>,
        labels: &[(String, String)],
        embedded: Option<&EmbeddedSource>,
        finding: Finding,
    ) -> Self {
        let (source, source_name, outer, pointer) = match embedded {
            Some(e) => (
                Arc::clone(&e.text),
                format!("{file} ({} decoded)", e.at.pointer),
                e.at.span.clone(),
                format!("{}{}", e.at.pointer, finding.loc.pointer),
            ),
            None => (
                Arc::clone(text),
                file.to_string(),
                finding.loc.span.clone(),
                finding.loc.pointer.clone(),
            ),
        };
        let region = |span: &Span| {
            let (l, c) = lines.line_col(text, span.start);
            let (el, ec) = lines.line_col(text, span.end.max(span.start));
            [l, c, el, ec]
        };
        let [line, column, end_line, end_column] = region(&outer);
        let related = finding
            .related
            .iter()
            .map(|(l, label)| {
                let place = match embedded {
                    Some(_) => [line, column, end_line, end_column],
                    None => region(&l.span),
                };
                (l.span.clone(), label.clone(), place)
            })
            .collect();
        let source_lines = match embedded {
            Some(e) => Arc::clone(&e.lines),
            None => Arc::clone(lines),
        };
        Located {
            source_lines,
            file: file.to_string(),
            role: role.map(str::to_string),
            labels: labels.to_vec(),
            line,
            column,
            end_line,
            end_column,
            pointer,
            finding,
            witness_file: None,
            source,
            source_name,
            related,
            who: None,
        }
    }

    /// Stable identity for baselines: survives edits that move lines.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.finding.rule,
            self.file,
            self.role.as_deref().unwrap_or(""),
            self.pointer
        )
    }
}

/// Does `format` carry the files' errors beside the findings (so a run with errors and no
/// policy still has a report)? Text shows them on stderr; HTML does not carry them.
pub fn carries_errors(format: LintFormat) -> bool {
    matches!(
        format,
        LintFormat::Json | LintFormat::Sarif | LintFormat::Github | LintFormat::Bitbucket
    )
}

/// Write the findings in `format`. JSON and SARIF are written a finding at a time: an
/// account dump can have tens of thousands, and one document of all of them would cost more
/// memory than linting did.
pub fn render(
    format: LintFormat,
    located: &[Located],
    baselined: usize,
    errors: &[SourceError],
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        LintFormat::Text => out.write_all(text::render(located, baselined).as_bytes()),
        LintFormat::Json => json::render(located, baselined, errors, out),
        LintFormat::Sarif => sarif::render(located, errors, out),
        LintFormat::Github => out.write_all(github::render(located, errors).as_bytes()),
        LintFormat::Bitbucket => out.write_all(bitbucket::render(located, errors).as_bytes()),
        LintFormat::Html => html::render(located, baselined, out),
    }
}

/// Write `value` pretty-printed, indented by `indent` spaces after each line break (the first
/// line is not indented: it continues the line written before it).
fn write_indented(out: &mut dyn Write, value: &serde_json::Value, indent: &str) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Write `doc` pretty-printed with the array of `items` where `doc` holds the string
/// `placeholder`, exactly as `serde_json::to_string_pretty` would print the whole document.
fn write_with_array(
    out: &mut dyn Write,
    doc: &serde_json::Value,
    placeholder: &str,
    items: impl Iterator<Item = serde_json::Value>,
) -> io::Result<()> {
    let text = serde_json::to_string_pretty(doc).map_err(io::Error::other)?;
    let quoted = format!("\"{placeholder}\"");
    let (head, tail) = text
        .split_once(&quoted)
        .ok_or_else(|| io::Error::other("placeholder missing from the document"))?;
    let indent: String = head
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .take_while(|c| *c == ' ')
        .collect();
    let inner = format!("{indent}  ");
    out.write_all(head.as_bytes())?;
    out.write_all(b"[")?;
    let mut empty = true;
    for item in items {
        out.write_all(if empty { b"\n" } else { b",\n" })?;
        out.write_all(inner.as_bytes())?;
        write_indented(out, &item, &inner)?;
        empty = false;
    }
    if !empty {
        out.write_all(b"\n")?;
        out.write_all(indent.as_bytes())?;
    }
    out.write_all(b"]")?;
    out.write_all(tail.as_bytes())?;
    out.write_all(b"\n")
}
