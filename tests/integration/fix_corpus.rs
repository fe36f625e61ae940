//! `lint --fix` corpus (`corpus/fix/<case>/`): each case's `input.*` fixed by the binary is
//! its `expected.*`, byte for byte; `rolecall diff input expected` gives the case's verdict
//! ("no new access" for a fix that is applied); the rule's finding is gone; and
//! `--dry-run` writes nothing and prints the same change as a unified diff.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{path, rolecall};

struct Case {
    dir: PathBuf,
    rule: String,
    verdict: String,
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
        assert!(
            !rules_in(&after.stdout).contains(&case.rule),
            "{name}: the `{}` finding remains",
            case.rule
        );
        let diff = rolecall(&["diff", s(&case.input), s(&case.expected)], None);
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

#[test]
fn dry_run_writes_nothing_and_prints_the_change() {
    for case in &cases() {
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
