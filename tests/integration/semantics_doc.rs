//! `docs/semantics.md` is where the code's rule numbers lead: every `R<n>.<m>` cited in the
//! source tree is one of its headings, and every rule there cites an AWS page and names corpus
//! cases that exist.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;

use crate::common;

const DOC: &str = "docs/semantics.md";

/// The doc's rules: number → the text of its section.
fn sections() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(common::path(DOC)).unwrap();
    let heading = Regex::new(r"^### (R\d+\.\d+) \S").unwrap();
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        let new_section = line.starts_with("## ") || line.starts_with("### ");
        if new_section {
            if let Some((id, body)) = current.take() {
                assert!(out.insert(id.clone(), body).is_none(), "{id} defined twice");
            }
        }
        if let Some(c) = heading.captures(line) {
            current = Some((c[1].to_string(), String::new()));
        } else if let Some((_, body)) = &mut current {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((id, body)) = current {
        assert!(out.insert(id.clone(), body).is_none(), "{id} defined twice");
    }
    out
}

/// Every rule number cited in `src/`, `tests/` and `rules/`, with one place citing it.
fn cited() -> BTreeMap<String, String> {
    let number = Regex::new(r"\bR(\d+)\.(\d+)\b").unwrap();
    let mut out = BTreeMap::new();
    for dir in ["src", "tests", "rules"] {
        for ext in [".rs", ".md", ".snap", ".json", ".toml"] {
            for file in common::files(&common::path(dir), ext) {
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                let rel = file
                    .strip_prefix(common::repo())
                    .unwrap()
                    .display()
                    .to_string();
                for (i, line) in text.lines().enumerate() {
                    for c in number.captures_iter(line) {
                        out.entry(format!("R{}.{}", &c[1], &c[2]))
                            .or_insert_with(|| format!("{rel}:{}", i + 1));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_cited_rule_number_is_defined() {
    let defined = sections();
    let cited = cited();
    assert!(
        cited.len() >= 30,
        "the citations were not found: {}",
        cited.len()
    );
    let missing: Vec<String> = cited
        .iter()
        .filter(|(id, _)| !defined.contains_key(*id))
        .map(|(id, at)| format!("{id} (cited at {at})"))
        .collect();
    assert!(missing.is_empty(), "{DOC} does not define: {missing:?}");
}

#[test]
fn every_rule_cites_aws_and_names_existing_corpus_cases() {
    let case = Regex::new(r"`(corpus/[^`\s]+\.json)`").unwrap();
    let mut failures = Vec::new();
    let sections = sections();
    assert!(sections.len() >= 30, "{DOC} has {} rules", sections.len());
    for (id, body) in &sections {
        if !body.contains("https://docs.aws.amazon.com/") {
            failures.push(format!("{id}: no AWS page"));
        }
        let cases: BTreeSet<&str> = case
            .captures_iter(body)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        if !cases.iter().any(|c| c.starts_with("corpus/eval/")) {
            failures.push(format!("{id}: names no corpus/eval case"));
        }
        for c in cases {
            if !common::path(c).is_file() {
                failures.push(format!("{id}: {c} does not exist"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_readme_points_at_the_doc() {
    let readme = std::fs::read_to_string(common::path("README.md")).unwrap();
    assert!(
        readme.contains("](docs/semantics.md)"),
        "README's Semantics section"
    );
}
