//! One diagnostic type for everything the CLI reports, rendered with miette.

use std::fmt;
use std::io::IsTerminal;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};

use rolecall::json::{LineIndex, Span};
use rolecall::source::SourceError;

/// A named text with a line index, so rendering a snippet costs the snippet, not the file
/// (miette's own `str` source scans from the start for every diagnostic).
#[derive(Debug, Clone)]
pub struct IndexedSource {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

impl IndexedSource {
    pub fn new(name: &str, text: &Arc<str>, lines: Arc<LineIndex>) -> Self {
        IndexedSource {
            name: name.to_string(),
            text: Arc::clone(text),
            lines,
        }
    }
}

impl IndexedSource {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (start + span.len()).min(len);
        if span.offset() > len {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.lines.line_of(start);
        let last = self.lines.line_of(end.saturating_sub(1).max(start));
        let from = first.saturating_sub(before);
        let to = (last + after).min(self.lines.line_count().saturating_sub(1));
        // As miette's own sources do: with no context requested (the header's location),
        // the data starts at the span itself and carries its column.
        let data_start = if before == 0 {
            start
        } else {
            self.lines.line_start(from, len)
        };
        let mut data_end = self.lines.line_start(to + 1, len);
        let bytes = self.text.as_bytes();
        while data_end > data_start && matches!(bytes.get(data_end - 1), Some(b'\n' | b'\r')) {
            data_end -= 1;
        }
        let data = bytes.get(data_start..data_end).unwrap_or_default();
        let column = if before == 0 {
            self.lines.line_col(&self.text, start).1.saturating_sub(1)
        } else {
            0
        };
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                data,
                SourceSpan::from((data_start, data_end - data_start)),
                from,
                column,
                to - from + 1,
            )
            .with_language("json"),
        ))
    }
}

/// A diagnostic: a code, a message, and optionally labelled spans in a named source. Boxed so
/// `Result<_, Diag>` stays small.
#[derive(Debug, Clone)]
pub struct Diag(Box<Inner>);

#[derive(Debug, Clone)]
pub struct Inner {
    pub code: String,
    pub message: String,
    pub severity: Severity,
    pub source: Option<IndexedSource>,
    pub labels: Vec<(Span, String, bool)>,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diag(Box::new(Inner {
            code: code.to_string(),
            message: message.into(),
            severity: Severity::Error,
            source: None,
            labels: Vec::new(),
            help: None,
        }))
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.0.severity = severity;
        self
    }

    /// Attach the file's text so labels can show it, unless the text looks like a token:
    /// tokens are credentials and are never echoed, even when given in the wrong place.
    pub fn in_source(mut self, name: &str, text: &str) -> Self {
        if looks_like_token(text) {
            self.0.help = Some(format!(
                "`{name}` looks like a JWT; its content is not shown because it is a credential"
            ));
            return self;
        }
        let lines = Arc::new(LineIndex::new(text));
        self.in_indexed_source(IndexedSource::new(name, &Arc::from(text), lines))
    }

    /// Like `in_source`, with a line index shared across many diagnostics of one file.
    pub fn in_indexed_source(mut self, source: IndexedSource) -> Self {
        if looks_like_token(&source.text) {
            self.0.help = Some(format!(
                "`{}` looks like a JWT; its content is not shown because it is a credential",
                source.name
            ));
            return self;
        }
        self.0.source = Some(source);
        self
    }

    /// The main label.
    pub fn primary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.0.labels.push((span, label.into(), true));
        self
    }

    pub fn label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.0.labels.push((span, label.into(), false));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Render for stderr (colour as [`color_for`] decides).
    pub fn render(&self) -> String {
        self.render_for(&std::io::stderr())
    }

    /// Render for `stream`, coloured only if `--color` and the stream allow it.
    pub fn render_for(&self, stream: &impl IsTerminal) -> String {
        // miette pads underlines with `{:width$}`, and Rust panics on a width past u16::MAX:
        // a label deep into one long line (a minified account dump) is shown without the
        // snippet rather than crash.
        if self.label_past_column(MAX_SNIPPET_COLUMN) {
            let mut plain = self.clone();
            plain.0.source = None;
            return plain.render_for(stream);
        }
        let color = color_for(stream);
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut out = String::new();
        if handler.render_report(&mut out, self).is_err() {
            out = format!("{}: {}\n", self.code, self.message);
        }
        out
    }
}

/// Past this byte column a label's snippet is not drawn (see `render_for`).
const MAX_SNIPPET_COLUMN: usize = 10_000;

impl Diag {
    /// Whether a label ends more than `column` bytes into its line.
    fn label_past_column(&self, column: usize) -> bool {
        let Some(source) = &self.source else {
            return false;
        };
        let len = source.text.len();
        self.labels.iter().any(|(span, _, _)| {
            let end = span.end.max(span.start).min(len);
            end - source
                .lines
                .line_start(source.lines.line_of(end), len)
                .min(end)
                > column
        })
    }
}

/// `--color`: as ripgrep and ruff read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour when the output is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Colour even when piped (for a pager that shows it, `less -R`).
    Always,
    /// No colour.
    Never,
}

/// The `--color` of this run, set once by `main` before anything is rendered.
static COLOR: std::sync::OnceLock<ColorWhen> = std::sync::OnceLock::new();

pub fn set_color(when: ColorWhen) {
    let _ = COLOR.set(when);
}

/// Whether output written to `stream` gets colour: `--color always` and `never` decide alone
/// (a flag overrides the environment, as no-color.org asks); `auto` needs a terminal and no
/// non-empty `NO_COLOR`.
pub fn color_for(stream: &impl IsTerminal) -> bool {
    match COLOR.get().copied().unwrap_or(ColorWhen::Auto) {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

impl Diag {
    /// A file's problem, located: `name:line:col: message`, with the text shown when read.
    pub fn from_source_error(e: &SourceError) -> Self {
        let mut d = Diag::error(&format!("rolecall::{}", e.code), e.located_message());
        if let (Some(file), Some(span)) = (&e.file, &e.span) {
            d = d
                .in_indexed_source(IndexedSource::new(
                    &file.name,
                    &file.text,
                    Arc::clone(&file.lines),
                ))
                .primary(span.clone(), "here");
            if let Some(first) = &e.related {
                d = d.label(first.clone(), "first here");
            }
        }
        if !e.pointer.is_empty() {
            d = d.help(format!("at JSON pointer {}", e.pointer));
        }
        d
    }
}

/// Three base64url segments separated by dots, the first two non-empty.
pub fn looks_like_token(text: &str) -> bool {
    // One pass that stops at the first byte no JWT has: every diagnostic of a file asks this
    // of the whole file, and for a policy or a multi-megabyte account dump the answer is
    // known at its first `{` or space (splitting the file each time made a 10,000-role dump's
    // text report take seconds).
    let mut dots = 0;
    let mut part = 0usize;
    for b in text.trim().bytes() {
        if b == b'.' {
            // The header and the payload are never empty; the signature may be (`alg: none`).
            if dots < 2 && part == 0 {
                return false;
            }
            dots += 1;
            if dots > 2 {
                return false;
            }
            part = 0;
        } else if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=') {
            part += 1;
        } else {
            return false;
        }
    }
    dots == 2
}

impl std::ops::Deref for Diag {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().map(
            |(span, label, primary)| {
                let s = SourceSpan::from(span.start..span.end.max(span.start));
                let text = (!label.is_empty()).then(|| label.clone());
                if *primary {
                    LabeledSpan::new_primary_with_span(text, s)
                } else {
                    LabeledSpan::new_with_span(text, s)
                }
            },
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_token;

    #[test]
    fn tokens_are_three_base64url_parts_with_a_header_and_a_payload() {
        assert!(looks_like_token(
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\n"
        ));
        assert!(looks_like_token("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        assert!(!looks_like_token(".eyJzdWIiOiJ4In0.c2ln"));
        assert!(!looks_like_token("eyJhbGciOiJub25lIn0..c2ln"));
        assert!(!looks_like_token("a.b.c.d"));
        assert!(!looks_like_token("a.b"));
        assert!(!looks_like_token("{\"Version\": \"2012-10-17\"}"));
        assert!(!looks_like_token("Bearer a.b.c"));
        assert!(!looks_like_token(""));
    }
}
