//! `lint --format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
//!
//! One run. `tool.driver.rules` lists every rule of the registry (not only those that fired),
//! so `ruleIndex` is the rule's position in [`lint::ALL`]. Each result has:
//! - `level` from the finding's severity (`error`, `warning`, `note`);
//! - one physical location: the file path as given (forward slashes; an absolute path becomes
//!   a `file://` URI) and its region, columns in Unicode code points, `endColumn` exclusive;
//! - one logical location whose `fullyQualifiedName` is the JSON pointer, prefixed with
//!   `{role}#` when the file describes roles;
//! - `partialFingerprints["rolecall/v1"]`: the same fingerprint as `--format json` and
//!   `--baseline`;
//! - `properties.witness` {who, principal, claims, source_ip} when the finding has one.
//!
//! A file that could not be read or parsed (a syntax error, a dangling symlink, a file over
//! the size cap) is carried twice, and the run's other findings are all still there:
//! - as a **result** of the rule [`FILE_ERROR`] (level `error`, located at the file and the
//!   line of the problem, line 1 when it has none), because results are what GitHub code
//!   scanning shows: an alert, and an annotation on the pull request. GitHub's tool status
//!   page gives the detailed messages of its own integrated tools only, so a notification
//!   alone would leave a broken file invisible in the Security tab. Its descriptor is listed
//!   after the registry's rules, only in a run that has file errors, so `ruleIndex` of every
//!   lint rule is unchanged;
//! - as a `toolExecutionNotifications` entry of the invocation, which is then
//!   `executionSuccessful: false`, as SARIF intends for a tool that could not analyse some of
//!   its input (for viewers that read notifications).
//!
//! The output is deterministic: no timestamps, objects with sorted keys.

use std::io::{self, Write};

use rolecall::lint::{self, Rule, Severity};
use rolecall::source::SourceError;
use serde_json::{json, Map, Value};

use super::Located;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const INFORMATION_URI: &str = "https://github.com/rolecall/rolecall";
/// The key of `partialFingerprints`; bump the suffix if the fingerprint's recipe changes.
pub const FINGERPRINT_KEY: &str = "rolecall/v1";

/// The rule id of a file that could not be read or parsed.
pub const FILE_ERROR: &str = "file-error";

pub fn render(located: &[Located], errors: &[SourceError], out: &mut dyn Write) -> io::Result<()> {
    const RESULTS: &str = "@results@";
    let mut rules: Vec<Value> = lint::ALL.iter().map(|r| rule(r)).collect();
    let mut invocation = json!({ "executionSuccessful": true });
    if !errors.is_empty() {
        rules.push(file_error_rule());
        invocation = json!({
            "executionSuccessful": false,
            "toolExecutionNotifications": errors.iter().map(notification).collect::<Vec<_>>(),
        });
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "rolecall",
                    "informationUri": INFORMATION_URI,
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": RESULTS,
        }],
    });
    let results = located
        .iter()
        .map(result)
        .chain(errors.iter().map(error_result));
    super::write_with_array(out, &doc, RESULTS, results)
}

fn file_error_rule() -> Value {
    const TEXT: &str = "A file rolecall could not read or parse: its trust policies were not \
                        linted. Fix the file (or exclude it); the message says what is wrong \
                        and where.";
    json!({
        "id": FILE_ERROR,
        "name": pascal_case(FILE_ERROR),
        "shortDescription": { "text": "A file could not be read or parsed" },
        "fullDescription": { "text": TEXT },
        "help": { "text": TEXT, "markdown": TEXT },
        "helpUri": format!("{INFORMATION_URI}#exit-codes"),
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": ["iam"] },
    })
}

/// Where a file error is: its line and column when known, else the file's first line.
fn error_location(e: &SourceError) -> Value {
    let (line, column) = e.line_col().unwrap_or((1, 1));
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(&e.name) },
            "region": region(line, column, line, column + 1),
        },
    })
}

fn error_result(e: &SourceError) -> Value {
    json!({
        "ruleId": FILE_ERROR,
        "ruleIndex": lint::ALL.len(),
        "level": "error",
        "message": { "text": format!("{} ({})", e.message, e.code) },
        "locations": [error_location(e)],
        "partialFingerprints": {
            FINGERPRINT_KEY: format!("{FILE_ERROR}|{}|{}", e.name, e.code),
        },
        "properties": { "code": e.code },
    })
}

fn notification(e: &SourceError) -> Value {
    json!({
        "level": "error",
        "descriptor": { "id": e.code },
        "message": { "text": e.located_message() },
        "locations": [error_location(e)],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub code scanning reads `security-severity` (0.1 to 10) to rank security alerts:
/// 7 and up is "high", 4 to 6.9 "medium", below 4 "low".
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

fn rule(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": pascal_case(r.id),
        "shortDescription": { "text": r.summary },
        "fullDescription": { "text": what_it_does(r.doc).unwrap_or_else(|| r.summary.to_string()) },
        "help": { "text": r.doc, "markdown": r.doc },
        "helpUri": format!("{INFORMATION_URI}/blob/main/rules/{}.md", r.id),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": ["security", "iam"],
            "security-severity": security_severity(r.severity),
        },
    })
}

/// `missing-subject-condition` → `MissingSubjectCondition`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The first paragraph of the doc's "What it does" section, on one line.
fn what_it_does(doc: &str) -> Option<String> {
    let start = doc.find("## What it does")?;
    let body = doc.get(start..)?.split_once('\n')?.1;
    let paragraph: Vec<&str> = body
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

fn result(l: &Located) -> Value {
    let f = &l.finding;
    let rule_index = lint::ALL.iter().position(|r| r.id == f.rule);
    let text = match &f.witness {
        Some(w) => format!(
            "{}. Witness: {}, which the policy admits.",
            f.message.trim_end_matches('.'),
            w.who
        ),
        None => f.message.clone(),
    };
    let uri = artifact_uri(&l.file);
    let mut logical = Map::new();
    match &l.role {
        Some(role) => {
            logical.insert("name".into(), json!(role));
            logical.insert(
                "fullyQualifiedName".into(),
                json!(format!("{role}#{}", l.pointer)),
            );
        }
        None => {
            logical.insert("fullyQualifiedName".into(), json!(l.pointer));
        }
    }
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    r.insert("message".into(), json!({ "text": text }));
    r.insert(
        "locations".into(),
        json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(l.line, l.column, l.end_line, l.end_column),
            },
            "logicalLocations": [Value::Object(logical)],
        }]),
    );
    let related = related(l, &uri);
    if !related.is_empty() {
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: l.fingerprint() }),
    );
    if let Some(offer) = &f.fix {
        r.insert("fixes".into(), json!([fix(offer, &uri)]));
    }
    let mut properties = Map::new();
    if let Some(help) = &f.help {
        properties.insert("help".into(), json!(help));
    }
    if let Some(w) = &f.witness {
        properties.insert(
            "witness".into(),
            json!({
                "who": w.who,
                "principal": w.principal,
                "claims": w.claims,
                "source_ip": w.source_ip.map(|ip| ip.to_string()),
            }),
        );
    }
    if !properties.is_empty() {
        r.insert("properties".into(), Value::Object(properties));
    }
    Value::Object(r)
}

/// A fix `lint --fix` offered and did not apply (SARIF 2.1.0 §3.55): byte replacements in the
/// finding's file, its description saying why it was not applied.
fn fix(offer: &rolecall::lint::fix::Offer, uri: &str) -> Value {
    use rolecall::lint::fix::Proof;
    let why = match &offer.proof {
        Proof::Refused(why) => format!(" (not applied: {why})"),
        Proof::Proven => String::new(),
    };
    json!({
        "description": { "text": format!("{}{why}", offer.description) },
        "artifactChanges": [{
            "artifactLocation": { "uri": uri },
            "replacements": offer.edits.iter().map(|e| json!({
                "deletedRegion": {
                    "byteOffset": e.span.start,
                    "byteLength": e.span.end.saturating_sub(e.span.start),
                },
                "insertedContent": { "text": e.replacement },
            })).collect::<Vec<_>>(),
        }],
    })
}

fn region(line: usize, column: usize, end_line: usize, end_column: usize) -> Value {
    let (end_line, end_column) = if (end_line, end_column) < (line, column) {
        (line, column)
    } else {
        (end_line, end_column)
    };
    json!({
        "startLine": line.max(1),
        "startColumn": column.max(1),
        "endLine": end_line.max(1),
        "endColumn": end_column.max(1),
    })
}

/// Related locations. Their spans are in [`Located::source`]: the file itself, or, for a
/// URL-encoded policy, the decoded text, which has no place in the file; those point at the
/// encoded string.
fn related(l: &Located, uri: &str) -> Vec<Value> {
    l.related
        .iter()
        .enumerate()
        .map(|(i, (_, label, [line, column, end_line, end_column]))| {
            let text = if label.is_empty() { "related" } else { label };
            json!({
                "id": i + 1,
                "message": { "text": text },
                "physicalLocation": {
                    "artifactLocation": { "uri": uri },
                    "region": region(*line, *column, *end_line, *end_column),
                },
            })
        })
        .collect()
}

/// The path as a URI reference: forward slashes, percent-encoded where a URI needs it; an
/// absolute path (`/x`, `C:\x`) becomes a `file://` URI.
pub fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    let mut out = String::with_capacity(path.len() + 8);
    if drive {
        out.push_str("file:///");
    } else if path.starts_with('/') {
        out.push_str("file://");
    }
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && i == 1 && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("iam/deploy.json"), "iam/deploy.json");
        assert_eq!(artifact_uri("iam\\a b.json"), "iam/a%20b.json");
        assert_eq!(artifact_uri("/tmp/x#1.json"), "file:///tmp/x%231.json");
        assert_eq!(artifact_uri("C:\\iam\\x.json"), "file:///C:/iam/x.json");
        assert_eq!(artifact_uri("a:b.json"), "a%3Ab.json");
    }

    #[test]
    fn names_and_descriptions() {
        assert_eq!(
            pascal_case("missing-subject-condition"),
            "MissingSubjectCondition"
        );
        for r in lint::ALL {
            let d = what_it_does(r.doc);
            assert_eq!(d.is_some(), r.doc.contains("## What it does"), "{}", r.id);
            assert!(
                d.is_none_or(|d| !d.is_empty() && !d.contains('\n')),
                "{}",
                r.id
            );
        }
        let doc = "# x\n\n## What it does\n\nFlags a\nthing.\n\n## Why\n\nBecause.\n";
        assert_eq!(what_it_does(doc).as_deref(), Some("Flags a thing."));
    }
}
