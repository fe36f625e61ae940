//! `lint --format json`: a stable, versioned schema.
//!
//! `{"version": 1, "findings": [{rule, severity, file, role, labels, line, column, end_line,
//! end_column, pointer, message, help, fingerprint, witness: {who, principal, claims,
//! source_ip} | null}], "errors": [{code, file, line, column, pointer, message}],
//! "summary": {errors, warnings, notes, baselined}}`
//!
//! With `--fix`, a finding that a fix was offered for and not applied also has `fix:
//! {description, kind: auto|suggestion, applied: false, proven, reason, edits: [{byte_offset,
//! byte_length, replacement}]}` (byte offsets into the file as read, after any BOM).
//!
//! `errors` are the files that could not be read or parsed (each one's first problem); the
//! findings of every other file are still in `findings`. Members are only ever added.`

use std::io::{self, Write};

use rolecall::lint::Severity;
use serde_json::{json, Value};

use rolecall::source::SourceError;

use super::Located;

/// A file's problem: its code, where it is, and what it is.
fn error(e: &SourceError) -> Value {
    let (line, column) = e
        .line_col()
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    json!({
        "code": e.code,
        "file": e.name,
        "line": line,
        "column": column,
        "pointer": e.pointer,
        "message": e.message,
    })
}

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(
    located: &[Located],
    baselined: usize,
    errors: &[SourceError],
    out: &mut dyn Write,
) -> io::Result<()> {
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    write!(
        out,
        "{{\n  \"version\": {SCHEMA_VERSION},\n  \"findings\": ["
    )?;
    for (i, l) in located.iter().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        super::write_indented(out, &finding(l), "    ")?;
    }
    out.write_all(if located.is_empty() {
        b"],\n"
    } else {
        b"\n  ],\n"
    })?;
    let errors: Vec<Value> = errors.iter().map(error).collect();
    out.write_all(b"  \"errors\": ")?;
    super::write_indented(out, &Value::Array(errors), "  ")?;
    out.write_all(b",\n")?;
    let summary = json!({
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "notes": count(Severity::Note),
        "baselined": baselined,
    });
    out.write_all(b"  \"summary\": ")?;
    super::write_indented(out, &summary, "  ")?;
    out.write_all(b"\n}\n")
}

pub fn finding(l: &Located) -> Value {
    let f = &l.finding;
    let mut v = plain_finding(l);
    if let (Some(offer), Value::Object(map)) = (&f.fix, &mut v) {
        map.insert("fix".into(), fix(offer));
    }
    v
}

/// A fix `lint --fix` offered for a remaining finding (only then is the member present):
/// what it does, why it was not applied, and its byte edits of the file.
fn fix(offer: &rolecall::lint::fix::Offer) -> Value {
    use rolecall::lint::fix::Proof;
    let (proven, reason) = match &offer.proof {
        Proof::Proven => (true, None),
        Proof::Refused(why) => (false, Some(why.clone())),
    };
    json!({
        "description": offer.description,
        "kind": if offer.auto { "auto" } else { "suggestion" },
        "applied": false,
        "proven": proven,
        "reason": reason,
        "edits": offer.edits.iter().map(|e| json!({
            "byte_offset": e.span.start,
            "byte_length": e.span.end.saturating_sub(e.span.start),
            "replacement": e.replacement,
        })).collect::<Vec<_>>(),
    })
}

fn plain_finding(l: &Located) -> Value {
    let f = &l.finding;
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "file": l.file,
        "role": l.role,
        "labels": l
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect::<serde_json::Map<String, Value>>(),
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
