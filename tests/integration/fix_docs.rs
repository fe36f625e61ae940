//! The `## Fix` section of a rule doc runs: its ```json flagged example, fixed by the binary
//! (or, when the fix is not applied, with the offered fix's edits), is its ```json fixed
//! example, byte for byte. The rule's `Fix` in the registry agrees with the doc:
//! a rule with a fix has the section, a rule without has none.

use rolecall::lint::{self, fix::Fix};

use crate::common;
use crate::fix_corpus::fix_result;

/// The `## Fix` section's (flagged, fixed) examples.
fn fix_example(doc: &str) -> Option<(String, String)> {
    let section = doc.split("\n## Fix\n").nth(1)?;
    let section = section.split("\n## ").next().unwrap_or_default();
    let block = |info: &str| {
        let open = format!("```json {info}\n");
        let start = section.find(&open)? + open.len();
        let len = section[start..].find("```")?;
        Some(section[start..start + len].to_string())
    };
    Some((block("flagged")?, block("fixed")?))
}

#[test]
fn every_rule_doc_fix_example_is_what_fix_does() {
    let mut ran = 0;
    for rule in lint::ALL {
        let doc = std::fs::read_to_string(common::path(&format!("rules/{}.md", rule.id))).unwrap();
        let example = fix_example(&doc);
        match rule.fix {
            Fix::None => {
                assert!(
                    example.is_none(),
                    "{}: a `## Fix` section, but no fix",
                    rule.id
                );
                continue;
            }
            Fix::Auto(_) | Fix::Suggestion(_) => {}
        }
        let (flagged, fixed) =
            example.unwrap_or_else(|| panic!("{}: has a fix and no `## Fix` example", rule.id));
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("example.json");
        std::fs::write(&file, &flagged).unwrap();
        let (got, applied) = fix_result(&file, rule.id);
        if matches!(rule.fix, Fix::Suggestion(_)) {
            assert!(!applied, "{}: a suggestion was applied", rule.id);
        }
        assert_eq!(got, fixed, "{}: the `## Fix` example", rule.id);
        ran += 1;
    }
    assert_eq!(ran, 5, "one `## Fix` example per rule with a fix");
}
