//! `lint --fix` corpus (`corpus/fix/<case>/`): each case's `input.*` fixed by the binary is
//! its `expected.*`, byte for byte. For a fix that is applied (`"applied": true`), `rolecall
//! diff input expected` says "no new access", the rule's finding is gone, and `--dry-run`
//! writes nothing and prints the same change as a unified diff. For a suggestion, the file is
//! left alone, the JSON report offers the fix with the reason it was not applied, its edits
//! make `suggested.*`, and `rolecall diff input suggested` says "new access".

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{path, rolecall};

struct Case {
    dir: PathBuf,
    rule: String,
    verdict: String,
    applied: bool,
    /// How many bytes the edit may remove, and add (a moved key is more than a small edit).
    max_edit_bytes: usize,
    input: PathBuf,
    expected: PathBuf,
}

fn cases() -> Vec<Case> {
    let root = path("corpus/fix");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let meta: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).unwrap())
                    .unwrap();
            let named = |stem: &str| {
                std::fs::read_dir(&dir)
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .find(|p| p.file_stem().is_some_and(|s| s == stem))
                    .unwrap_or_else(|| panic!("{}: no {stem}.*", dir.display()))
            };
            Case {
                rule: meta["rule"].as_str().unwrap().to_string(),
                verdict: meta["verdict"].as_str().unwrap().to_string(),
                applied: meta["applied"].as_bool().unwrap(),
                max_edit_bytes: meta
                    .get("max_edit_bytes")
                    .and_then(Value::as_u64)
                    .map_or(100, |n| usize::try_from(n).unwrap()),
                input: named("input"),
                expected: named("expected"),
                dir,
            }
        })
        .collect()
}

/// A copy of the case's input in a fresh directory, under the input's own file name.
fn copy_input(case: &Case) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(case.input.file_name().unwrap());
    std::fs::copy(&case.input, &to).unwrap();
    (tmp, to)
}

/// A copy of `from` in a fresh directory, named as `name` is.
fn copy_as(from: &Path, name: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let to = tmp.path().join(name.file_name().unwrap());
    std::fs::copy(from, &to).unwrap();
    (tmp, to)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn rules_in(report: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(report).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_fix_case_is_applied_exactly_and_admits_nothing_new() {
    let cases = cases();
    assert!(!cases.is_empty());
    for case in &cases {
        let name = case.dir.display();
        let (_tmp, file) = copy_input(case);
        let before = rolecall(&["lint", "--format", "json", s(&file)], None);
        assert!(
            rules_in(&before.stdout).contains(&case.rule),
            "{name}: the input has no `{}` finding",
            case.rule
        );
        rolecall(&["lint", "--fix", s(&file)], None);
        let fixed = std::fs::read(&file).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            std::fs::read_to_string(&case.expected).unwrap(),
            "{name}: the fixed file is not the expected one"
        );
        let after = rolecall(&["lint", "--format", "json", s(&file)], None);
        assert_eq!(
            !rules_in(&after.stdout).contains(&case.rule),
            case.applied,
            "{name}: the `{}` finding is gone exactly when the fix is applied",
            case.rule
        );
        let result = if case.applied {
            case.expected.clone()
        } else {
            suggested(case, &file)
        };
        // Each side in a directory of its own: a `.tf` file is read with its module.
        let (base_dir, base) = copy_as(&case.input, &case.input);
        let (head_dir, head) = copy_as(&result, &case.input);
        let diff = rolecall(&["diff", s(&base), s(&head)], None);
        drop((base_dir, head_dir));
        let verdict = if diff.code == 0 {
            "no new access"
        } else {
            "new access"
        };
        assert_eq!(verdict, case.verdict, "{name}: {}", diff.stdout);
        assert!(
            diff.stdout.contains(&case.verdict),
            "{name}: {}",
            diff.stdout
        );
    }
}

/// A suggestion case: the edits of the fix the JSON report offers turn the input into
/// `suggested.*`, which is returned.
fn suggested(case: &Case, file: &Path) -> PathBuf {
    let name = case.dir.display();
    let (text, applied) = fix_result(file, &case.rule);
    assert!(!applied, "{name}: applied");
    let wanted =
        case.dir
            .join(case.input.file_name().unwrap().to_str().unwrap().replacen(
                "input",
                "suggested",
                1,
            ));
    assert_eq!(
        text,
        std::fs::read_to_string(&wanted).unwrap(),
        "{name}: the suggestion's edits do not give {}",
        wanted.display()
    );
    wanted
}

#[test]
fn dry_run_writes_nothing_and_prints_the_change() {
    for case in cases().iter().filter(|c| c.applied) {
        let name = case.dir.display();
        let (_tmp, file) = copy_input(case);
        let original = std::fs::read(&file).unwrap();
        let run = rolecall(&["lint", "--fix", "--dry-run", s(&file)], None);
        assert_eq!(std::fs::read(&file).unwrap(), original, "{name}: written");
        let header = format!("+++ b/{}", s(&file));
        assert!(run.stdout.contains(&header), "{name}: {}", run.stdout);
        // Every changed line of the expected file is a `+` line of the diff.
        let input = std::fs::read_to_string(&case.input).unwrap();
        let expected = std::fs::read_to_string(&case.expected).unwrap();
        for line in expected.lines().filter(|l| !input.lines().any(|i| i == *l)) {
            assert!(
                run.stdout.contains(&format!("+{line}")),
                "{name}: `{line}` missing from the diff"
            );
        }
        assert!(run.stderr.contains("would fix"), "{name}: {}", run.stderr);
    }
}

/// Only the edited values' bytes move: outside the changed region every byte of the input is
/// in the output, in order (comments, key order, alignment, line endings).
#[test]
fn fixes_keep_every_byte_outside_the_edit() {
    for case in cases().iter().filter(|c| c.applied) {
        let name = case.dir.display();
        let input = std::fs::read(&case.input).unwrap();
        let output = std::fs::read(&case.expected).unwrap();
        let prefix = input
            .iter()
            .zip(&output)
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = input[prefix..]
            .iter()
            .rev()
            .zip(output[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let removed = input.len() - prefix - suffix;
        let added = &output[prefix..output.len() - suffix];
        // One small edit: a separator, an operator name, or one inserted line.
        assert!(
            removed <= case.max_edit_bytes,
            "{name}: {removed} bytes removed"
        );
        assert!(
            added.len() <= case.max_edit_bytes,
            "{name}: {} bytes added",
            added.len()
        );
        if case
            .input
            .extension()
            .is_some_and(|e| e == "yaml" || e == "tf")
        {
            let comments = |b: &[u8]| {
                String::from_utf8_lossy(b)
                    .lines()
                    .filter(|l| l.trim_start().starts_with('#'))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert!(
                !comments(&input).is_empty(),
                "{name}: the case has comments"
            );
            assert_eq!(comments(&input), comments(&output), "{name}: comments kept");
        }
    }
}

/// The file's text after `lint --fix`, and whether `--fix` changed it; when it did not, the
/// text after the edits of the fix the JSON report offers for `rule` (asserting it says why it
/// was not applied).
pub(crate) fn fix_result(file: &Path, rule: &str) -> (String, bool) {
    let original = std::fs::read(file).unwrap();
    let run = rolecall(&["lint", "--fix", "--format", "json", s(file)], None);
    let now = std::fs::read(file).unwrap();
    if now != original {
        return (String::from_utf8(now).unwrap(), true);
    }
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let fix = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule && f.get("fix").is_some())
        .map(|f| f["fix"].clone())
        .unwrap_or_else(|| panic!("no `{rule}` fix offered: {}", run.stdout));
    assert_eq!(fix["applied"], false);
    assert!(fix["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let mut text = original;
    let mut edits: Vec<&Value> = fix["edits"].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["byte_offset"].as_u64().unwrap()));
    for e in edits {
        let at = usize::try_from(e["byte_offset"].as_u64().unwrap()).unwrap();
        let len = usize::try_from(e["byte_length"].as_u64().unwrap()).unwrap();
        let with = e["replacement"].as_str().unwrap().as_bytes().to_vec();
        text.splice(at..at + len, with);
    }
    (String::from_utf8(text).unwrap(), false)
}
