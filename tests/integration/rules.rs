//! The rule catalogue: `rules/<id>.md` is one-to-one with the registry, its title is the id,
//! and every `json` example runs: a `json flagged` block must produce the rule, a plain `json`
//! block must not. Witnesses found in examples are re-checked by the evaluator.

use std::collections::BTreeSet;

use rolecall::lint;

use crate::common;
use crate::lint::{findings_for, recheck_witnesses};

/// (flagged, text) for each ```json block.
fn examples(doc: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut current: Option<(bool, String)> = None;
    for line in doc.lines() {
        match &mut current {
            None => {
                let fence = line.trim_start();
                if let Some(info) = fence.strip_prefix("```json") {
                    current = Some((info.trim() == "flagged", String::new()));
                }
            }
            Some((flagged, text)) => {
                if line.trim_start().starts_with("```") {
                    out.push((*flagged, std::mem::take(text)));
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
        if !blocks.iter().any(|(f, _)| *f) || !blocks.iter().any(|(f, _)| !*f) {
            failures.push(format!("{}: needs a flagged and a fixed example", rule.id));
        }
        for (i, (flagged, text)) in blocks.iter().enumerate() {
            let found = findings_for(text, "example.json");
            let fires = found.iter().any(|f| f.rule == rule.id);
            if *flagged && !fires {
                failures.push(format!(
                    "{} example {i}: flagged but no finding: {found:?}",
                    rule.id
                ));
            }
            if !*flagged && fires {
                failures.push(format!("{} example {i}: fixed but still flagged", rule.id));
            }
            failures.extend(recheck_witnesses(
                text,
                &found,
                &format!("{} example {i}", rule.id),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
