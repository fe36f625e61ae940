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
    let findings: Vec<Value> = located.iter().map(finding).collect();
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    let doc = json!({
        "version": SCHEMA_VERSION,
        "findings": findings,
        "summary": {
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "notes": count(Severity::Note),
            "baselined": baselined,
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
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
