//! Snapshots of `check`'s text and JSON output for every decision case (`corpus/eval/**`).
//! Every input is copied into a scratch directory under a bare name, so the output holds no
//! machine-specific path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use tempfile::TempDir;

use super::snapshots_common::{assert_all, name_of, run_in};
use crate::common;

/// Absent `now` in a case means this (corpus/README.md).
const DEFAULT_NOW: &str = "2026-01-01T00:00:00Z";

pub struct CheckRun {
    pub name: String,
    file: PathBuf,
}

pub fn check_cases() -> Vec<CheckRun> {
    let root = common::path("corpus/eval");
    common::files(&root, ".json")
        .into_iter()
        .map(|file| CheckRun {
            name: name_of("check", file.strip_prefix(&root).unwrap()),
            file,
        })
        .collect()
}

#[derive(Deserialize)]
struct Case<'a> {
    #[serde(borrow)]
    policy: Option<&'a RawValue>,
    policy_file: Option<String>,
    request: Request<'a>,
}

#[derive(Deserialize)]
struct Request<'a> {
    provider: Option<String>,
    #[serde(borrow)]
    claims: Option<&'a RawValue>,
    claims_file: Option<String>,
    token_file: Option<String>,
    jwks_file: Option<String>,
    #[serde(default)]
    audiences: Vec<String>,
    source_ip: Option<String>,
    now: Option<Value>,
    #[serde(default)]
    context: BTreeMap<String, String>,
}

/// Copy `rel` (relative to the case) into `dir` under its bare name; return that name.
fn copy_in(case_dir: &Path, rel: &str, dir: &Path) -> String {
    let from = case_dir.join(rel);
    let name = from.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::copy(&from, dir.join(&name)).unwrap();
    name
}

fn as_str(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn render(run: &CheckRun) -> String {
    let raw = std::fs::read_to_string(&run.file).unwrap();
    let case: Case<'_> = serde_json::from_str(&raw).unwrap();
    let case_dir = run.file.parent().unwrap();
    let dir = TempDir::new().unwrap();
    let policy = match (case.policy, &case.policy_file) {
        (Some(p), None) => {
            std::fs::write(dir.path().join("policy.json"), format!("{}\n", p.get())).unwrap();
            "policy.json".to_string()
        }
        (None, Some(f)) => copy_in(case_dir, f, dir.path()),
        _ => panic!("{}: exactly one of policy / policy_file", run.name),
    };
    let r = &case.request;
    let mut args: Vec<String> = vec!["check".into(), policy];
    match (r.claims, &r.claims_file, &r.token_file) {
        (Some(c), None, None) => {
            std::fs::write(dir.path().join("claims.json"), c.get()).unwrap();
            args.extend(["--claims".into(), "claims.json".into()]);
        }
        (None, Some(f), None) => {
            args.extend(["--claims".into(), copy_in(case_dir, f, dir.path())]);
        }
        (None, None, Some(f)) => {
            args.extend(["--token".into(), copy_in(case_dir, f, dir.path())]);
        }
        _ => panic!(
            "{}: exactly one of claims / claims_file / token_file",
            run.name
        ),
    }
    if let Some(f) = &r.jwks_file {
        args.extend(["--jwks".into(), copy_in(case_dir, f, dir.path())]);
    }
    if let Some(p) = &r.provider {
        args.extend(["--provider".into(), p.clone()]);
    }
    for a in &r.audiences {
        args.extend(["--audience".into(), a.clone()]);
    }
    if let Some(ip) = &r.source_ip {
        args.extend(["--source-ip".into(), ip.clone()]);
    }
    let now = match &r.now {
        None => DEFAULT_NOW.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    args.extend(["--now".into(), now]);
    for (k, v) in &r.context {
        args.extend(["--context".into(), format!("{k}={v}")]);
    }
    let mut json_args = args.clone();
    json_args.extend(["--format".into(), "json".into()]);
    let text = run_in(dir.path(), &as_str(&args));
    let json = run_in(dir.path(), &as_str(&json_args));
    format!("{text}\n{json}")
}

#[test]
fn check_corpus_output_matches_its_snapshots() {
    let cases = check_cases();
    assert!(cases.len() >= 100, "eval corpus not found: {}", cases.len());
    assert_all(cases.iter().map(|c| (c.name.clone(), render(c))).collect());
}
