//! Shared machinery of the snapshot tests: run the binary in a scratch directory (so every
//! path it prints is a bare relative name), compare with `tests/snapshots/<name>.snap`, and
//! refuse snapshot files that no case produces.
//!
//! Re-accept after an intended change: `INSTA_UPDATE=always cargo test --test integration
//! snapshots`, or `cargo insta test --accept` (see corpus/README.md).

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common;

pub const SNAPSHOT_DIR: &str = "tests/snapshots";

/// Run `rolecall` in `dir` and describe everything a user sees: exit code, stdout, stderr.
pub fn run_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(Stdio::null())
        .output()
        .expect("run rolecall");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    format!(
        "$ rolecall {}\nexit: {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" "),
        out.status.code().unwrap_or(-1),
    )
}

/// A snapshot name from a case's path: `corpus/lint/peers/x.json` → `lint__peers__x`.
pub fn name_of(kind: &str, rel: &Path) -> String {
    let stem = rel.with_extension("");
    let parts: Vec<String> = stem
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    format!("{kind}__{}", parts.join("__"))
}

/// Compare every `(name, content)` pair, all of them before failing, so one run writes every
/// pending snapshot for `cargo insta review` / `accept`.
pub fn assert_all(snapshots: Vec<(String, String)>) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(common::path(SNAPSHOT_DIR));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut failed = Vec::new();
    settings.bind(|| {
        for (name, content) in snapshots {
            let result = catch_unwind(AssertUnwindSafe(|| {
                insta::assert_snapshot!(name.clone(), content);
            }));
            if result.is_err() {
                failed.push(name);
            }
        }
    });
    assert!(
        failed.is_empty(),
        "{} snapshot(s) differ: {failed:?}\nreview with `cargo insta review`, or accept all with \
         `INSTA_UPDATE=always cargo test --test integration snapshots`",
        failed.len()
    );
}

/// Every snapshot file must belong to a case; `expected` is every name the tests produce.
pub fn orphans(expected: &BTreeSet<String>) -> Vec<String> {
    let dir = common::path(SNAPSHOT_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            // Pending results (`.snap.new`, `.pending-snap`) are insta's, not orphans.
            let stem = name.strip_suffix(".snap")?.to_string();
            (!expected.contains(&stem)).then_some(name)
        })
        .collect()
}

#[test]
fn no_snapshot_is_orphaned() {
    let mut expected = BTreeSet::new();
    expected.extend(
        crate::snapshots_lint::lint_cases()
            .into_iter()
            .map(|c| c.name),
    );
    expected.extend(
        crate::snapshots_lint::rule_examples()
            .into_iter()
            .map(|c| c.name),
    );
    expected.extend(
        crate::fix_snapshots::fix_cases()
            .into_iter()
            .map(|(name, _)| name),
    );
    expected.extend(
        crate::snapshots_check::check_cases()
            .into_iter()
            .map(|c| c.name),
    );
    expected.extend(crate::html_who::SNAPSHOTS.iter().map(|s| s.to_string()));
    assert!(
        expected.len() > 200,
        "the cases were not found: {}",
        expected.len()
    );
    let orphans = orphans(&expected);
    assert!(
        orphans.is_empty(),
        "snapshots with no case (delete them, or restore their case): {orphans:?}"
    );
}
