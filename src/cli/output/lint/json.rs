//! `lint --format json`: a stable, versioned schema.
//!
//! `{"version": 1, "findings": [{rule, severity, file, role, line, column, end_line,
//! end_column, pointer, message, help, fingerprint, witness: {who, principal, claims,
//! source_ip} | null}], "summary": {errors, warnings, notes, baselined}}`

use rolecall::lint::Severity;
use serde_json::{json, Value};

use super::Located;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(located: &[Located], baselined: usize) -> String {
    use std::fmt::Write;
    // Written finding by finding: an account dump can have tens of thousands, and one big
    // `Value` of all of them would cost more memory than linting did.
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    let mut text = format!("{{\n  \"version\": {SCHEMA_VERSION},\n  \"findings\": [");
    for (i, l) in located.iter().enumerate() {
        let one = serde_json::to_string_pretty(&finding(l)).unwrap_or_default();
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        for (j, line) in one.lines().enumerate() {
            if j > 0 {
                text.push('\n');
            }
            text.push_str("    ");
            text.push_str(line);
        }
    }
    text.push_str(if located.is_empty() {
        "],\n"
    } else {
        "\n  ],\n"
    });
    let summary = json!({
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "notes": count(Severity::Note),
        "baselined": baselined,
    });
    let summary = serde_json::to_string_pretty(&summary).unwrap_or_default();
    let _ = write!(
        text,
        "  \"summary\": {}\n}}\n",
        summary.replace('\n', "\n  ")
    );
    text
}

pub fn finding(l: &Located) -> Value {
    let f = &l.finding;
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "file": l.file,
        "role": l.role,
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
        "pointer": l.pointer,
        "message": f.message,
        "help": f.help,
        "fingerprint": l.fingerprint(),
        "witness": f.witness.as_ref().map(|w| json!({
            "who": w.who,
            "principal": w.principal,
            "claims": w.claims,
            "source_ip": w.source_ip.map(|ip| ip.to_string()),
        })),
    })
}
