//! `rolecall diff` output: text, JSON, GitHub workflow commands, SARIF 2.1.0 and a Bitbucket
//! Code Insights payload, all from the library's [`DiffReport`]. A widening is an error-level
//! result at HEAD's role (new access); a narrowing is a note.

use std::fmt::Write;

use rolecall::diff::{DiffReport, Place, RoleDiff};
use rolecall::model::Way;
use serde_json::{json, Value};

use super::lint::bitbucket::{fnv1a, truncate, DETAILS_MAX, SUMMARY_MAX};
use super::lint::sarif::{artifact_uri, INFORMATION_URI, SCHEMA};
use crate::cli::who::{witness_json, witness_line};

/// The rule ids of SARIF results and annotations.
const NEW_ACCESS: &str = "new-access";
const NARROWED: &str = "narrowed-access";

/// Where a role's result is shown: HEAD's place, or BASE's (its path without `REV:`) for a
/// removed role.
fn shown(r: &RoleDiff) -> (String, usize) {
    let strip = |p: &Place| {
        let file = match p.file.split_once(':') {
            Some((_, path)) if r.head.is_none() => path.to_string(),
            _ => p.file.clone(),
        };
        (file.replace('\\', "/"), p.line.max(1))
    };
    r.head
        .as_ref()
        .or(r.base.as_ref())
        .map(strip)
        .unwrap_or_default()
}

fn ways(r: &RoleDiff) -> impl Iterator<Item = (&'static str, &Way)> {
    r.diff
        .widened
        .iter()
        .map(|w| (NEW_ACCESS, w))
        .chain(r.diff.narrowed.iter().map(|w| (NARROWED, w)))
}

pub fn text(report: &DiffReport) -> String {
    let mut s = String::new();
    for r in &report.roles {
        let (file, line) = shown(r);
        let verdict = if r.diff.is_wider() {
            "new access"
        } else {
            "no new access"
        };
        let _ = writeln!(
            s,
            "{} ({}, {file}:{line}): {verdict}",
            r.role,
            r.change.as_str()
        );
        for w in &r.diff.widened {
            let _ = writeln!(
                s,
                "  + {}\n    witness: {}",
                w.sentence,
                witness_line(&w.witness)
            );
        }
        for w in &r.diff.narrowed {
            let _ = writeln!(s, "  - {}", w.sentence);
        }
    }
    if report.roles.is_empty() {
        s.push_str("no trust policy changed\n");
    }
    s
}

fn place_json(p: &Option<Place>) -> Value {
    match p {
        Some(p) => {
            json!({"file": p.file, "line": p.line, "column": p.column, "address": p.address})
        }
        None => Value::Null,
    }
}

pub fn json(report: &DiffReport) -> String {
    let roles: Vec<Value> = report
        .roles
        .iter()
        .map(|r| {
            let ways = |v: &[Way]| -> Vec<Value> {
                v.iter()
                    .map(|w| json!({"sentence": w.sentence, "witness": witness_json(&w.witness)}))
                    .collect()
            };
            json!({
                "role": r.role,
                "change": r.change.as_str(),
                "base": place_json(&r.base),
                "head": place_json(&r.head),
                "new_access": r.diff.is_wider(),
                "widened": ways(&r.diff.widened),
                "narrowed": ways(&r.diff.narrowed),
            })
        })
        .collect();
    let doc = json!({"version": 1, "new_access": report.new_access(), "roles": roles});
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

/// GitHub workflow-command escaping of a message.
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn github(report: &DiffReport) -> String {
    let mut s = String::new();
    for r in &report.roles {
        let (file, line) = shown(r);
        for (rule, w) in ways(r) {
            let (level, title) = match rule {
                NEW_ACCESS => ("error", "new access"),
                _ => ("notice", "narrowed"),
            };
            let _ = write!(
                s,
                "::{level} file={file},line={line},title={title}::{}",
                escape(&w.sentence)
            );
            if rule == NEW_ACCESS {
                let _ = write!(s, "%0Awitness: {}", escape(&witness_line(&w.witness)));
            }
            s.push('\n');
        }
    }
    s
}

pub fn sarif(report: &DiffReport) -> String {
    let rule = |id: &str, text: &str, level: &str| {
        json!({
            "id": id,
            "name": id,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": level},
            "helpUri": format!("{INFORMATION_URI}#diff"),
        })
    };
    let mut results = Vec::new();
    for r in &report.roles {
        let (file, line) = shown(r);
        for (id, w) in ways(r) {
            let (index, level) = if id == NEW_ACCESS {
                (0, "error")
            } else {
                (1, "note")
            };
            results.push(json!({
                "ruleId": id,
                "ruleIndex": index,
                "level": level,
                "message": {"text": format!("{}: {}", r.role, w.sentence)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&file)},
                        "region": {"startLine": line},
                    },
                    "logicalLocations": [{"fullyQualifiedName": r.role, "kind": "resource"}],
                }],
                "partialFingerprints": {
                    "rolecall/diff/v1": format!("{:016x}", fnv1a(format!("{id}\0{}\0{}", r.role, w.sentence).as_bytes())),
                },
                "properties": {"change": r.change.as_str(), "witness": witness_json(&w.witness)},
            }));
        }
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rolecall",
                "informationUri": INFORMATION_URI,
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": [
                    rule(NEW_ACCESS, "The change lets identities assume the role that could not before.", "error"),
                    rule(NARROWED, "The change stops identities that could assume the role before.", "note"),
                ],
            }},
            "invocations": [{"executionSuccessful": true}],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}

pub fn bitbucket(report: &DiffReport) -> String {
    let widened: usize = report.roles.iter().map(|r| r.diff.widened.len()).sum();
    let roles = report.roles.iter().filter(|r| r.diff.is_wider()).count();
    let details = if roles == 0 {
        "rolecall diff: no changed trust policy lets anyone new assume its role.".to_string()
    } else {
        format!(
            "rolecall diff: {roles} role(s) admit identities they did not before, in {widened} \
             distinct way(s); each annotation names a witness token."
        )
    };
    let mut annotations = Vec::new();
    for r in &report.roles {
        let (file, line) = shown(r);
        for (id, w) in ways(r) {
            let wide = id == NEW_ACCESS;
            let details = if wide {
                format!(
                    "Witness, a token HEAD admits and BASE refuses: {}",
                    witness_line(&w.witness)
                )
            } else {
                "Information: this identity can no longer assume the role.".to_string()
            };
            let key = format!("{id}\0{}\0{}", r.role, w.sentence);
            annotations.push(json!({
                "external_id": format!("rolecall-diff-{:016x}", fnv1a(key.as_bytes())),
                "annotation_type": if wide { "VULNERABILITY" } else { "CODE_SMELL" },
                "summary": truncate(&format!("{}: {}", r.role, w.sentence), SUMMARY_MAX),
                "details": truncate(&details, DETAILS_MAX),
                "path": file,
                "line": line,
                "severity": if wide { "HIGH" } else { "LOW" },
            }));
        }
    }
    let doc = json!({
        "report": {
            "title": "rolecall diff",
            "details": details,
            "report_type": "SECURITY",
            "reporter": "rolecall",
            "result": if roles == 0 { "PASSED" } else { "FAILED" },
            "data": [
                {"title": "Roles with new access", "type": "NUMBER", "value": roles},
                {"title": "Ways in", "type": "NUMBER", "value": widened},
            ],
        },
        "annotations": annotations,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    )
}
