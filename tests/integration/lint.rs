//! Runs every lint case under `corpus/lint/` (format: `corpus/README.md`), compares the
//! findings exactly, and re-checks every witness with the evaluator.

use rolecall::lint::{self, Config, Finding};
use serde::Deserialize;
use serde_json::Value;

use crate::common;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub description: String,
    pub policy: Option<Value>,
    pub policy_file: Option<String>,
    /// The page the policy comes from (required in `recommended/`).
    pub source: Option<String>,
    /// A `rolecall.toml` the case is linted with.
    pub config: Option<String>,
    /// The rule a `broad/` case is there for: it must report at warning or error.
    pub flags: Option<String>,
    pub expect: Vec<Expected>,
}

#[derive(Deserialize, PartialEq, Eq, PartialOrd, Ord, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub rule: String,
    pub severity: String,
}

/// The policy text of a case, read from `file`'s folder when it names a `policy_file`.
pub fn case_text(case: &Case, file: &std::path::Path) -> Option<String> {
    match (&case.policy, &case.policy_file) {
        (Some(v), None) => Some(serde_json::to_string_pretty(v).unwrap()),
        (None, Some(f)) => Some(std::fs::read_to_string(file.parent().unwrap().join(f)).unwrap()),
        _ => None,
    }
}

/// Lint a case's policy with its configuration, as the CLI would with `--config`.
pub fn case_findings(case: &Case, text: &str, origin: &str) -> Vec<Finding> {
    let Some(toml) = &case.config else {
        return findings_for(text, origin);
    };
    let config = lint::config_file::parse(toml, |id| lint::rule(id).is_some())
        .unwrap_or_else(|e| panic!("{origin}: bad configuration: {e}"));
    match rolecall::policy::parse(text) {
        Ok(p) => lint::lint(&p, &config, origin),
        Err(e) => lint::invalid(&e),
    }
}

/// Lint a policy text as the CLI would: parse errors become findings.
pub fn findings_for(text: &str, origin: &str) -> Vec<Finding> {
    match rolecall::policy::parse(text) {
        Ok(p) => lint::lint(&p, &Config::default(), origin),
        Err(e) => lint::invalid(&e),
    }
}

/// Every witness must be admitted by `check` on the same policy; returns the failures.
pub fn recheck_witnesses(text: &str, findings: &[Finding], label: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let Ok(policy) = rolecall::policy::parse(text) else {
        return failures;
    };
    for f in findings {
        let Some(w) = &f.witness else { continue };
        if let Some(why) = incoherent(&w.claims) {
            failures.push(format!("{label}: {} witness is incoherent: {why}", f.rule));
        }
        let now = rolecall::timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        // Built from the witness's claims and IP only, the way a user runs
        // `rolecall check policy.json --claims witness.json --source-ip IP`.
        let report = rolecall::check::check(
            &policy,
            &rolecall::check::CheckInput {
                claims: &w.claims,
                provider: None,
                source_ip: w.source_ip,
                now,
                extra: &[],
            },
            None,
        );
        match report {
            Ok(r) if r.verdict == rolecall::Verdict::Allow => {}
            Ok(r) => failures.push(format!(
                "{label}: {} witness is denied ({:?})",
                f.rule, r.decision.actions
            )),
            Err(e) => failures.push(format!(
                "{label}: {} witness cannot be checked: {e}",
                f.rule
            )),
        }
    }
    failures
}

/// Do a witness's claims disagree about who the caller is? A GitHub token's default `sub` names
/// its `repository`, whose owner is `repository_owner`: the model renders all three from one
/// identity, so no witness may mix two.
fn incoherent(claims: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let text = |k: &str| claims.get(k).and_then(|v| v.as_str());
    let repo = text("sub")?.strip_prefix("repo:")?.split(':').next()?;
    if let Some(r) = text("repository").filter(|r| *r != repo) {
        return Some(format!("`sub` names `{repo}`, `repository` is `{r}`"));
    }
    let owner = text("repository_owner")?;
    (!repo.starts_with(&format!("{owner}/")))
        .then(|| format!("`sub` names `{repo}`, `repository_owner` is `{owner}`"))
}

#[test]
fn every_lint_case_matches_and_every_witness_is_admitted() {
    let files = common::files(&common::path("corpus/lint"), ".json");
    assert!(files.len() >= 4, "the seed lint cases are missing");
    let mut failures = Vec::new();
    let mut witnesses = 0;
    for file in &files {
        let rel = file
            .strip_prefix(common::repo())
            .unwrap()
            .display()
            .to_string();
        let case: Case = match serde_json::from_str(&std::fs::read_to_string(file).unwrap()) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{rel}: not a valid case: {e}"));
                continue;
            }
        };
        assert!(!case.description.is_empty());
        let Some(text) = case_text(&case, file) else {
            failures.push(format!("{rel}: exactly one of policy / policy_file"));
            continue;
        };
        let found = case_findings(&case, &text, &rel);
        let mut got: Vec<Expected> = found
            .iter()
            .map(|f| Expected {
                rule: f.rule.to_string(),
                severity: f.severity.as_str().to_string(),
            })
            .collect();
        got.sort();
        let mut want = case.expect.clone();
        want.sort();
        if got != want {
            failures.push(format!("{rel}: expected {want:?}, got {got:?}"));
        }
        witnesses += found.iter().filter(|f| f.witness.is_some()).count();
        failures.extend(recheck_witnesses(&text, &found, &rel));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(witnesses > 0, "no witness was checked");
}
