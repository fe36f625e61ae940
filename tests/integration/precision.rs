//! The gate's two promises, over `corpus/lint/recommended/` and `corpus/lint/broad/`: quiet on
//! every policy written as AWS's or a provider's documentation recommends (no warning, no
//! error; each case cites its page), and loud on every over-broad or broken one (each names
//! the rule it is there for, which must report at warning or error). The exact findings of
//! both are compared, and witnesses re-checked, by `lint::every_lint_case_matches_...`.

use crate::common;
use crate::lint::{case_findings, case_text, Case};

/// Every case of `corpus/lint/<dir>/`, with its path relative to the repository and its
/// findings.
fn cases(dir: &str) -> Vec<(String, Case, Vec<rolecall::lint::Finding>)> {
    common::files(&common::path(&format!("corpus/lint/{dir}")), ".json")
        .iter()
        .map(|file| {
            let rel = file
                .strip_prefix(common::repo())
                .unwrap()
                .display()
                .to_string();
            let case: Case = serde_json::from_str(&std::fs::read_to_string(file).unwrap())
                .unwrap_or_else(|e| panic!("{rel}: not a valid case: {e}"));
            let text = case_text(&case, file).unwrap_or_else(|| panic!("{rel}: no policy"));
            let found = case_findings(&case, &text, &rel);
            (rel, case, found)
        })
        .collect()
}

#[test]
fn recommended_policies_get_no_warning_and_no_error() {
    let all = cases("recommended");
    assert!(all.len() >= 40, "only {} recommended policies", all.len());
    let mut failures = Vec::new();
    for (rel, case, found) in &all {
        let cited = case
            .source
            .as_deref()
            .is_some_and(|s| s.starts_with("https://"));
        if !cited {
            failures.push(format!("{rel}: cite the page it comes from in `source`"));
        }
        // A provider form the model does not model yet (GitHub custom subject templates) is
        // undecided, not broad: the only error a recommended policy may get, until it is.
        let not_modelled = |f: &rolecall::lint::Finding| {
            f.rule == "undecided-breadth" && f.message.contains("not modelled yet")
        };
        for f in found
            .iter()
            .filter(|f| f.severity > rolecall::lint::Severity::Note && !not_modelled(f))
        {
            failures.push(format!(
                "{rel}: {} {}: {}",
                f.severity.as_str(),
                f.rule,
                f.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn broad_policies_get_their_rule_at_warning_or_error() {
    let all = cases("broad");
    assert!(all.len() >= 40, "only {} broad policies", all.len());
    let mut failures = Vec::new();
    for (rel, case, found) in &all {
        let Some(rule) = &case.flags else {
            failures.push(format!("{rel}: name the rule it is there for in `flags`"));
            continue;
        };
        let loud = found
            .iter()
            .any(|f| f.rule == rule && f.severity > rolecall::lint::Severity::Note);
        if !loud {
            failures.push(format!("{rel}: no {rule} at warning or error: {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
