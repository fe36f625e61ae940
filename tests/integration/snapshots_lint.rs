//! Snapshots of `lint`'s text and JSON output for every lint corpus case (`corpus/lint/**`)
//! and every rule example (`rules/*.md`): messages, locations, help and witnesses cannot
//! change unseen. Each runs in a scratch directory under the case's own file name.

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use tempfile::TempDir;

use super::snapshots_common::{assert_all, name_of, run_in};
use crate::common;

/// One policy to lint: its snapshot name, file name, exact text and optional `rolecall.toml`.
pub struct LintRun {
    pub name: String,
    file: String,
    text: String,
    config: Option<String>,
}

#[derive(Deserialize)]
struct Case<'a> {
    #[serde(borrow)]
    policy: Option<&'a RawValue>,
    policy_file: Option<String>,
}

pub fn lint_cases() -> Vec<LintRun> {
    let root = common::path("corpus/lint");
    common::files(&root, ".json")
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(&root).unwrap().to_path_buf();
            let raw = std::fs::read_to_string(&file).unwrap();
            let case: Case<'_> =
                serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
            let text = match (case.policy, &case.policy_file) {
                (Some(p), None) => format!("{}\n", p.get()),
                (None, Some(f)) => std::fs::read_to_string(file.parent().unwrap().join(f)).unwrap(),
                _ => panic!("{}: exactly one of policy / policy_file", rel.display()),
            };
            LintRun {
                name: name_of("lint", &rel),
                file: file_name(&rel),
                text,
                config: None,
            }
        })
        .collect()
}

fn file_name(rel: &Path) -> String {
    rel.file_name().unwrap().to_string_lossy().into_owned()
}

/// Every ```json block of every rule doc, with the ```toml block before it, as `rules.rs`
/// reads them.
pub fn rule_examples() -> Vec<LintRun> {
    let mut out = Vec::new();
    for doc in common::files(&common::path("rules"), ".md") {
        let id = doc.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut config: Option<String> = None;
        let mut block: Option<(bool, String)> = None;
        let mut index = 0;
        for line in text.lines() {
            match &mut block {
                None => {
                    let fence = line.trim_start();
                    if fence.starts_with("```json") {
                        block = Some((true, String::new()));
                    } else if fence.starts_with("```toml") {
                        block = Some((false, String::new()));
                    }
                }
                Some((json, body)) if line.trim_start().starts_with("```") => {
                    if *json {
                        out.push(LintRun {
                            name: format!("rule__{id}__example-{index}"),
                            file: format!("{id}-example-{index}.json"),
                            text: std::mem::take(body),
                            config: config.clone(),
                        });
                        index += 1;
                    } else {
                        config = Some(std::mem::take(body));
                    }
                    block = None;
                }
                Some((_, body)) => {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

fn render(run: &LintRun) -> String {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join(&run.file), &run.text).unwrap();
    if let Some(toml) = &run.config {
        std::fs::write(dir.path().join("rolecall.toml"), toml).unwrap();
    }
    let text = run_in(dir.path(), &["lint", &run.file]);
    let json = run_in(dir.path(), &["lint", "--format", "json", &run.file]);
    format!("{text}\n{json}")
}

#[test]
fn lint_corpus_output_matches_its_snapshots() {
    let cases = lint_cases();
    assert!(cases.len() >= 100, "lint corpus not found: {}", cases.len());
    assert_all(cases.iter().map(|c| (c.name.clone(), render(c))).collect());
}

#[test]
fn rule_example_output_matches_its_snapshots() {
    let examples = rule_examples();
    assert!(
        examples.len() >= 60,
        "rule examples not found: {}",
        examples.len()
    );
    assert_all(
        examples
            .iter()
            .map(|c| (c.name.clone(), render(c)))
            .collect(),
    );
}
