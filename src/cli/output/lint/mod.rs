//! Renderers for `lint`. Every format reads the same [`Located`] findings.

mod bitbucket;
mod github;
mod json;
mod sarif;
mod text;

use std::sync::Arc;

use rolecall::json::{line_col, Span};
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
    /// Related locations as (span in `source`, label).
    pub related: Vec<(Span, String)>,
}

impl Located {
    pub fn new(
        file: &str,
        text: &Arc<String>,
        role: Option<&str>,
        embedded: Option<&Embedded>,
        finding: Finding,
    ) -> Self {
        let related = finding
            .related
            .iter()
            .map(|(l, label)| (l.span.clone(), label.clone()))
            .collect();
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
        let (line, column) = line_col(text, outer.start);
        let (end_line, end_column) = line_col(text, outer.end.max(outer.start));
        Located {
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
