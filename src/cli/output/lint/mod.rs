//! Renderers for `lint`. Every format reads the same [`Located`] findings.

mod bitbucket;
mod github;
mod json;
mod sarif;
mod text;

use std::sync::Arc;

use rolecall::json::{LineIndex, Span};
use rolecall::lint::input::Embedded;
use rolecall::lint::Finding;

use crate::cli::lint::LintFormat;

/// A finding placed in its file.
#[derive(Debug, Clone)]
pub struct Located {
    pub file: String,
    pub role: Option<String>,
    /// 1-based position of the finding's start (or of the embedded policy string).
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// JSON pointer: into the file, or, for a URL-encoded policy, the string's pointer
    /// followed by the pointer inside the decoded policy.
    pub pointer: String,
    pub finding: Finding,
    /// The text the finding's spans refer to (the file, or the decoded policy) and its name.
    pub source: Arc<String>,
    pub source_name: String,
    /// Line index of `source` (shared by every finding of a file).
    pub source_lines: Arc<LineIndex>,
    /// Related locations: span in `source`, label, and (line, column, end line, end column)
    /// in the file (the encoded string's, for a URL-encoded policy).
    pub related: Vec<(Span, String, [usize; 4])>,
}

impl Located {
    pub fn new(
        file: &str,
        text: &Arc<String>,
        lines: &Arc<LineIndex>,
        role: Option<&str>,
        embedded: Option<&Embedded>,
        finding: Finding,
    ) -> Self {
        let (source, source_name, outer, pointer) = match embedded {
            Some(e) => (
                Arc::new(e.text.clone()),
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
            Some(_) => Arc::new(LineIndex::new(&source)),
            None => Arc::clone(lines),
        };
        Located {
            source_lines,
            file: file.to_string(),
            role: role.map(str::to_string),
            line,
            column,
            end_line,
            end_column,
            pointer,
            finding,
            source,
            source_name,
            related,
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

pub fn render(format: LintFormat, located: &[Located], baselined: usize) -> String {
    match format {
        LintFormat::Text => text::render(located, baselined),
        LintFormat::Json => json::render(located, baselined),
        LintFormat::Sarif => sarif::render(located),
        LintFormat::Github => github::render(located),
        LintFormat::Bitbucket => bitbucket::render(located),
    }
}
