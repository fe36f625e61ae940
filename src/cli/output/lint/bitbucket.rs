//! `lint --format bitbucket`: a Bitbucket Cloud Code Insights payload, one JSON object
//!
//! `{"report": {...}, "annotations": [...]}`
//!
//! that a pipeline step splits and sends (see `examples/bitbucket-pipelines.yml`):
//!
//! - `report` is the body of
//!   `PUT /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}/reports/{reportId}`
//!   (create or replace the report; the step picks the `reportId`, e.g. `rolecall`);
//! - `annotations` go, at most 100 per request, as the body of
//!   `POST /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}/reports/{reportId}/annotations`
//!   (bulk create or update, keyed by `external_id`).
//!
//! Inside Bitbucket Pipelines both calls go to `http://api.bitbucket.org` through the
//! authenticating proxy at `localhost:29418`, so the step needs no credentials.
//!
//! The report: `title`, `details`, `report_type` `SECURITY`, `reporter`, `result` (`FAILED`
//! when any error or warning remains, else `PASSED`) and `data` (counts per severity). Each
//! annotation: `external_id` (`rolecall-` and a 64-bit FNV-1a hash of the finding's
//! fingerprint, so a re-run updates rather than duplicates), `annotation_type`
//! (`VULNERABILITY` for a breadth finding, which carries a witness, else `CODE_SMELL`),
//! `summary` (at most 450 characters, Bitbucket's limit), `details`, `path`, `line` and
//! `severity` (`HIGH`, `MEDIUM`, `LOW` for error, warning, note).

use std::collections::BTreeSet;
use std::fmt::Write;

use rolecall::lint::Severity;
use serde_json::{json, Value};

use super::Located;

/// Bitbucket rejects an annotation whose summary is longer.
pub const SUMMARY_MAX: usize = 450;
/// Kept well below Bitbucket's limit on `details`.
pub const DETAILS_MAX: usize = 2000;

pub fn render(located: &[Located]) -> String {
    let count = |s: Severity| located.iter().filter(|l| l.finding.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let result = if errors + warnings > 0 {
        "FAILED"
    } else {
        "PASSED"
    };
    let details = if located.is_empty() {
        "rolecall found nothing to report in the IAM role trust policies.".to_string()
    } else {
        format!(
            "rolecall linted the IAM role trust policies: {errors} error(s), {warnings} \
             warning(s), {notes} note(s). A finding with a witness names a token the policy \
             admits outside the scope it seems to intend."
        )
    };
    let mut seen = BTreeSet::new();
    let annotations: Vec<Value> = located.iter().map(|l| annotation(l, &mut seen)).collect();
    let doc = json!({
        "report": {
            "title": "rolecall",
            "details": details,
            "report_type": "SECURITY",
            "reporter": "rolecall",
            "result": result,
            "data": [
                { "title": "Errors", "type": "NUMBER", "value": errors },
                { "title": "Warnings", "type": "NUMBER", "value": warnings },
                { "title": "Notes", "type": "NUMBER", "value": notes },
            ],
        },
        "annotations": annotations,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn annotation(l: &Located, seen: &mut BTreeSet<String>) -> Value {
    let f = &l.finding;
    let base = format!("rolecall-{:016x}", fnv1a(l.fingerprint().as_bytes()));
    // Two findings with one fingerprint would overwrite each other: number the later ones.
    let mut external_id = base.clone();
    let mut n = 1;
    while !seen.insert(external_id.clone()) {
        n += 1;
        external_id = format!("{base}-{n}");
    }
    let severity = match f.severity {
        Severity::Error => "HIGH",
        Severity::Warning => "MEDIUM",
        Severity::Note => "LOW",
    };
    let annotation_type = if f.witness.is_some() {
        "VULNERABILITY"
    } else {
        "CODE_SMELL"
    };
    let mut summary = format!("{}: ", f.rule);
    if let Some(role) = &l.role {
        let _ = write!(summary, "role {role}: ");
    }
    summary.push_str(&f.message);
    let mut details = String::new();
    if let Some(help) = &f.help {
        let _ = write!(details, "Fix: {help}.");
    }
    if let Some(w) = &f.witness {
        let claims = serde_json::to_string(&w.claims).unwrap_or_default();
        let ip = w
            .source_ip
            .map(|ip| format!(" from {ip}"))
            .unwrap_or_default();
        let _ = write!(
            details,
            " Witness: {}{ip}, which the policy admits; its claims: {claims}",
            w.who
        );
    }
    let details = if details.is_empty() {
        format!("See `rolecall rules {}`.", f.rule)
    } else {
        details.trim_start().to_string()
    };
    json!({
        "external_id": external_id,
        "annotation_type": annotation_type,
        "summary": truncate(&summary, SUMMARY_MAX),
        "details": truncate(&details, DETAILS_MAX),
        "path": l.file.replace('\\', "/"),
        "line": l.line.max(1),
        "severity": severity,
    })
}

/// At most `max` characters, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn truncates_by_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "ab…");
        assert_eq!(truncate(&"é".repeat(500), 450).chars().count(), 450);
    }
}
