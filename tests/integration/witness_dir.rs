//! `lint --witness-dir`: every witness becomes a claims file named from its finding's
//! fingerprint, the "reproduce" line names it, and `check` with it allows.

use serde_json::Value;
use tempfile::TempDir;

use crate::common;

/// A GitLab group-wide and a GitHub cross-tenant statement: two findings with witnesses.
const POLICY: &str = "tests/data/two-witnesses-policy.json";

fn reproduce_lines(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("reproduce: rolecall "))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

#[test]
fn each_reproduce_line_names_a_claims_file_that_check_allows() {
    let dir = TempDir::new().unwrap();
    let wd = dir.path().join("witnesses");
    let wd_arg = wd.to_string_lossy().into_owned();
    let r = common::rolecall(&["lint", POLICY, "--witness-dir", &wd_arg], None);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let lines = reproduce_lines(&r.stdout);
    assert!(lines.len() >= 2, "{}", r.stdout);
    for args in &lines {
        let claims = &args[args.iter().position(|a| a == "--claims").unwrap() + 1];
        assert!(claims.starts_with(&wd_arg), "{claims}");
        let back: Value = serde_json::from_slice(&std::fs::read(claims).unwrap()).unwrap();
        assert!(back["sub"].is_string(), "{back}");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let c = common::rolecall(&args, None);
        assert_eq!(c.code, 0, "{args:?}\n{}\n{}", c.stdout, c.stderr);
    }
    assert_eq!(
        std::fs::read_dir(&wd).unwrap().count(),
        2,
        "only the witness files"
    );
}

#[test]
fn file_names_follow_the_json_fingerprints() {
    let dir = TempDir::new().unwrap();
    let wd = dir.path().join("w");
    let wd_arg = wd.to_string_lossy().into_owned();
    let r = common::rolecall(
        &["lint", POLICY, "--format", "json", "--witness-dir", &wd_arg],
        None,
    );
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let mut expected: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["witness"].is_null())
        .map(|f| {
            rolecall::lint::witness_dir::file_name(
                f["rule"].as_str().unwrap(),
                f["fingerprint"].as_str().unwrap(),
            )
        })
        .collect();
    let mut written: Vec<String> = std::fs::read_dir(&wd)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    expected.sort();
    written.sort();
    assert!(written.len() >= 2, "{written:?}");
    assert_eq!(written, expected);
}

#[test]
fn without_the_flag_the_line_keeps_its_placeholder() {
    let r = common::rolecall(&["lint", POLICY], None);
    for args in reproduce_lines(&r.stdout) {
        assert!(args.contains(&"witness.json".to_string()), "{args:?}");
    }
}

#[test]
fn an_unwritable_directory_is_an_error_and_leaves_nothing_behind() {
    let dir = TempDir::new().unwrap();
    // A file where the directory should be.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").unwrap();
    let r = common::rolecall(
        &[
            "lint",
            POLICY,
            "--witness-dir",
            &blocked.join("w").to_string_lossy(),
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot write witness files"),
        "{}",
        r.stderr
    );

    // One target name taken by a directory: no file of the set is written, no temporary left.
    let wd = dir.path().join("w2");
    let wd_arg = wd.to_string_lossy().into_owned();
    let json = common::rolecall(&["lint", POLICY, "--format", "json"], None);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let names: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["witness"].is_null())
        .map(|f| {
            rolecall::lint::witness_dir::file_name(
                f["rule"].as_str().unwrap(),
                f["fingerprint"].as_str().unwrap(),
            )
        })
        .collect();
    let last = names.last().unwrap();
    std::fs::create_dir_all(wd.join(last)).unwrap();
    let r = common::rolecall(&["lint", POLICY, "--witness-dir", &wd_arg], None);
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let left: Vec<String> = std::fs::read_dir(&wd)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec![last.clone()],
        "only the blocking directory remains"
    );
}
