//! Snapshots of what `lint --fix --dry-run` shows for every `corpus/fix` case, in text (the
//! unified diff, then the findings that would remain with their suggestions) and JSON (the
//! `fix` members), so the wording and the edits cannot change unseen. Each runs in a scratch
//! directory under the case's own file name.

use tempfile::TempDir;

use super::snapshots_common::{assert_all, run_in};
use crate::common;

/// (snapshot name, case directory) of every fix case.
pub fn fix_cases() -> Vec<(String, std::path::PathBuf)> {
    let root = common::path("corpus/fix");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let name = format!("fix__{}", d.file_name().unwrap().to_string_lossy());
            (name, d)
        })
        .collect()
}

fn render(dir: &std::path::Path) -> String {
    let input = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().is_some_and(|s| s == "input"))
        .unwrap();
    let name = input.file_name().unwrap().to_string_lossy().into_owned();
    let scratch = TempDir::new().unwrap();
    std::fs::copy(&input, scratch.path().join(&name)).unwrap();
    let text = run_in(scratch.path(), &["lint", "--fix", "--dry-run", &name]);
    let json = run_in(
        scratch.path(),
        &["lint", "--fix", "--dry-run", "--format", "json", &name],
    );
    format!("{text}\n{json}")
}

#[test]
fn fix_output_matches_its_snapshots() {
    let cases = fix_cases();
    assert!(cases.len() >= 5, "fix corpus not found: {}", cases.len());
    assert_all(cases.iter().map(|(n, d)| (n.clone(), render(d))).collect());
}
