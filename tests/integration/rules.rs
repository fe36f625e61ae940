//! The rule catalogue: `rules/<id>.md` is one-to-one with the registry, its title is the id,
//! and every `json` example runs: a `json flagged` block must produce the rule, a plain `json`
//! block must not. A ```toml block is a `rolecall.toml` for the examples after it in the same
//! doc. Witnesses found in examples are re-checked by the evaluator.

use std::collections::BTreeSet;

use rolecall::lint;

use crate::common;
use crate::lint::{findings_for, recheck_witnesses};

/// One ```json example of a rule doc.
struct Example {
    flagged: bool,
    text: String,
    /// The text of the last ```toml block before it (a `rolecall.toml` the example runs with).
    config: Option<String>,
}

/// Every ```json block, each with the ```toml configuration that precedes it, if any.
fn examples(doc: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut config: Option<String> = None;
    // (is a json example, flagged, text)
    let mut current: Option<(bool, bool, String)> = None;
    for line in doc.lines() {
        match &mut current {
            None => {
                let fence = line.trim_start();
                if let Some(info) = fence.strip_prefix("```json") {
                    current = Some((true, info.trim() == "flagged", String::new()));
                } else if fence.strip_prefix("```toml").is_some() {
                    current = Some((false, false, String::new()));
                }
            }
            Some((json, flagged, text)) => {
                if line.trim_start().starts_with("```") {
                    if *json {
                        out.push(Example {
                            flagged: *flagged,
                            text: std::mem::take(text),
                            config: config.clone(),
                        });
                    } else {
                        config = Some(std::mem::take(text));
                    }
                    current = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    out
}

/// Lint an example as the CLI would, with its doc's configuration when it has one.
fn example_findings(example: &Example, label: &str) -> Vec<lint::Finding> {
    let Some(toml) = &example.config else {
        return findings_for(&example.text, "example.json");
    };
    let config = lint::config_file::parse(toml, |id| lint::rule(id).is_some())
        .unwrap_or_else(|e| panic!("{label}: bad ```toml configuration: {e}"));
    match rolecall::policy::parse(&example.text) {
        Ok(p) => lint::lint(&p, &config, "example.json"),
        Err(e) => lint::invalid(&e),
    }
}

#[test]
fn rules_and_docs_are_one_to_one() {
    let registry: BTreeSet<&str> = lint::ALL.iter().map(|r| r.id).collect();
    assert_eq!(registry.len(), lint::ALL.len(), "duplicate rule ids");
    let docs: BTreeSet<String> = common::files(&common::path("rules"), ".md")
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let registry_owned: BTreeSet<String> = registry.iter().map(|s| s.to_string()).collect();
    assert_eq!(registry_owned, docs, "rules/*.md and the registry differ");
    let mut ids: Vec<&str> = lint::ALL.iter().map(|r| r.id).collect();
    let sorted = {
        let mut s = ids.clone();
        s.sort_unstable();
        s
    };
    assert_eq!(ids, sorted, "the registry must stay sorted by id");
    for rule in lint::ALL {
        let title = rule.doc.lines().next().unwrap_or_default();
        assert_eq!(
            title,
            format!("# {}", rule.id),
            "title of rules/{}.md",
            rule.id
        );
        assert!(
            rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.id
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(
                rule.doc.contains(section),
                "rules/{}.md lacks {section}",
                rule.id
            );
        }
    }
    ids.dedup();
}

#[test]
fn every_rule_example_behaves_as_documented() {
    let mut failures = Vec::new();
    for rule in lint::ALL {
        let blocks = examples(rule.doc);
        if !blocks.iter().any(|e| e.flagged) || !blocks.iter().any(|e| !e.flagged) {
            failures.push(format!("{}: needs a flagged and a fixed example", rule.id));
        }
        for (i, example) in blocks.iter().enumerate() {
            let label = format!("{} example {i}", rule.id);
            let found = example_findings(example, &label);
            let fires = found.iter().any(|f| f.rule == rule.id);
            if example.flagged && !fires {
                failures.push(format!("{label}: flagged but no finding: {found:?}"));
            }
            if !example.flagged && fires {
                failures.push(format!("{label}: fixed but still flagged"));
            }
            failures.extend(recheck_witnesses(&example.text, &found, &label));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README table shows the registry's default severity; each rule page must open with the
/// same one, so a changed default cannot leave its page behind.
#[test]
fn every_rule_doc_states_its_default_severity_first() {
    let mut failures = Vec::new();
    for rule in lint::ALL {
        let stated = rule
            .doc
            .lines()
            .find_map(|l| l.strip_prefix("**Severity:** "))
            .map(|rest| {
                rest.split(|c: char| !c.is_ascii_alphabetic())
                    .next()
                    .unwrap_or_default()
            });
        if stated != Some(rule.severity.as_str()) {
            failures.push(format!(
                "rules/{}.md: **Severity:** starts with {stated:?}, the registry says {}",
                rule.id,
                rule.severity.as_str()
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
