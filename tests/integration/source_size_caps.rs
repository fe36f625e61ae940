//! Size caps: a 50 MB `.tf` or YAML file is one located "file too large" error (exit 2),
//! refused from its size before it is read; in a directory it is reported and every other file
//! is still linted. The files are generated here, in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use rolecall::source::{self, MAX_TEMPLATE_BYTES};

use crate::common::{self, rolecall, Run};

const FIFTY_MB: usize = 50 * 1024 * 1024;

/// Write `head`, then `line` again and again until the file is 50 MB.
fn generate(path: &Path, head: &str, line: &str) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head.as_bytes()).unwrap();
    let block = line.repeat(1024);
    let mut written = head.len();
    while written < FIFTY_MB {
        f.write_all(block.as_bytes()).unwrap();
        written += block.len();
    }
    f.flush().unwrap();
}

fn big_tf(dir: &Path) -> PathBuf {
    let p = dir.join("big.tf");
    generate(
        &p,
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = \"{}\"\n}\n",
        "# padding padding padding padding padding padding padding padding padding\n",
    );
    p
}

fn big_yaml(dir: &Path) -> PathBuf {
    let p = dir.join("big.yaml");
    generate(
        &p,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n",
        "  # padding padding padding padding padding padding padding padding padding\n",
    );
    p
}

fn assert_too_large(r: &Run, name: &str) {
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("rolecall::too-large"), "{}", r.stderr);
    assert!(r.stderr.contains(name), "{}", r.stderr);
    assert!(r.stderr.contains("file too large"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("{MAX_TEMPLATE_BYTES}-byte limit")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_fifty_megabyte_tf_or_yaml_file_named_is_too_large_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for p in [big_tf(dir.path()), big_yaml(dir.path())] {
        let name = p.to_str().unwrap();
        assert_too_large(&rolecall(&["lint", name], None), "big.");
        let claims = common::path("corpus/tokens/bitbucket-seed.claims.json");
        let check = rolecall(&["check", name, "--claims", claims.to_str().unwrap()], None);
        assert_eq!(check.code, 2, "{}", check.stderr);
        assert!(check.stderr.contains("too large"), "{}", check.stderr);
    }
}

#[test]
fn in_a_directory_the_big_files_are_reported_and_the_rest_is_linted() {
    let dir = tempfile::tempdir().unwrap();
    big_tf(dir.path());
    big_yaml(dir.path());
    std::fs::copy(
        common::path("corpus/sources/terraform/equivalent/github.json"),
        dir.path().join("policy.json"),
    )
    .unwrap();
    let r = rolecall(
        &["lint", dir.path().to_str().unwrap(), "--format", "json"],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut codes: Vec<(String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            let name = file.rsplit('/').next().unwrap().to_string();
            (name, e["code"].as_str().unwrap().to_string())
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("big.tf".to_string(), "too-large".to_string()),
            ("big.yaml".to_string(), "too-large".to_string())
        ]
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["file"].as_str().unwrap().ends_with("policy.json")
            && f["rule"] == "cross-tenant-subject"));
}

#[test]
fn the_cap_is_decided_by_the_file_system_before_a_byte_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse file: what it holds is never looked at, only its size.
    let p = dir.path().join("sparse.yml");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(FIFTY_MB as u64)
        .unwrap();
    let e = source::read_file(&p).unwrap_err();
    assert_eq!(e.code, "too-large");
    assert!(source::too_large(&p).is_some());
    // An IAM JSON file or a plan keeps the document cap; templates have the smaller one.
    assert_eq!(
        source::size_cap(Path::new("dump.json")),
        rolecall::json::MAX_DOCUMENT_BYTES
    );
    for name in ["a.yaml", "a.YML", "a.template", "main.tf", "main.TF.JSON"] {
        assert_eq!(
            source::size_cap(Path::new(name)),
            MAX_TEMPLATE_BYTES,
            "{name}"
        );
    }
}
