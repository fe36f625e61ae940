//! `lint --format github`: GitHub Actions workflow commands, one line per finding, which the
//! runner turns into annotations on the pull request:
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE`
//!
//! (`::warning` and `::notice` for the other severities). `endColumn` is inclusive, as GitHub
//! reads it. Escaping follows the runner: in the message `%`, `\r` and `\n` become `%25`, `%0D`
//! and `%0A`; in a property `:` and `,` also become `%3A` and `%2C`. The message names the
//! role (for IAM output) and ends with the witness, when there is one.
//!
//! A file that could not be read or parsed is one `::error` too, after the findings, at the
//! problem's line and column when known (else on the file as a whole):
//!
//! `::error file=F,line=L,col=C,title=rolecall CODE::MESSAGE`

use std::fmt::Write;

use rolecall::lint::Severity;
use rolecall::source::SourceError;

use super::Located;

pub fn render(located: &[Located], errors: &[SourceError]) -> String {
    let mut out = String::new();
    for l in located {
        let _ = writeln!(out, "{}", command(l));
    }
    for e in errors {
        let _ = writeln!(out, "{}", error_command(e));
    }
    out
}

fn error_command(e: &SourceError) -> String {
    let place = e
        .line_col()
        .map(|(l, c)| format!(",line={l},col={c}"))
        .unwrap_or_default();
    format!(
        "::error file={}{place},title={}::{}",
        property(&e.name.replace('\\', "/")),
        property(&format!("rolecall {}", e.code)),
        data(&e.message),
    )
}

fn command(l: &Located) -> String {
    let f = &l.finding;
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let (end_line, end_column) = if l.end_line > l.line {
        (l.end_line, l.end_column.saturating_sub(1).max(1))
    } else {
        // Same line (or an empty span): the last character, inclusive.
        (l.line, l.end_column.saturating_sub(1).max(l.column))
    };
    let mut message = String::new();
    if let Some(role) = &l.role {
        let _ = write!(message, "role {role}: ");
    }
    message.push_str(&f.message);
    if let Some(w) = &f.witness {
        let _ = write!(message, "\nwitness: {}", w.who);
        if let Some(sub) = w.claims.get("sub").and_then(|s| s.as_str()) {
            let _ = write!(message, " (sub `{sub}`)");
        }
        if let Some(ip) = w.source_ip {
            let _ = write!(message, " from {ip}");
        }
        message.push_str(", which the policy admits");
    }
    format!(
        "::{name} file={},line={},col={},endLine={end_line},endColumn={end_column},title={}::{}",
        property(&l.file.replace('\\', "/")),
        l.line,
        l.column,
        property(f.rule),
        data(&message),
    )
}

/// Escape a command's data (the message).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
