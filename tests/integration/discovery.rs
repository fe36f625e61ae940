//! `lint PATH...` on directories: what is walked and what is skipped, the summary every run
//! ends with, no trust policy at all, and one bad file among good ones.

use std::path::Path;

use tempfile::TempDir;

use crate::common::{self, Run};

/// A policy with a warning (GitHub `repo:acme/app:*`-style breadth is a note or warning), so a
/// finding shows which files were linted.
const POLICY: &str = "corpus/policies/seed/policy-console-default.json";

fn policy_text() -> String {
    std::fs::read_to_string(common::path(POLICY)).unwrap()
}

fn put(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn lint(args: &[&str]) -> Run {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    common::rolecall(&all, None)
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

/// The distinct files findings are reported in, relative to `dir`.
fn files_reported(v: &serde_json::Value, dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            Path::new(file)
                .strip_prefix(dir)
                .unwrap_or(Path::new(file))
                .display()
                .to_string()
        })
        .collect();
    out.dedup();
    out
}

#[test]
fn a_walk_skips_git_node_modules_terraform_and_gitignored_files() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let p = policy_text();
    put(d, "roles/a.json", &p);
    put(d, "roles/B.JSON", &p);
    put(d, "roles/c.Tf.Json", &p);
    put(d, ".git/x.json", &p);
    put(d, "node_modules/pkg/x.json", &p);
    put(d, "infra/.terraform/modules/x.json", &p);
    put(d, "build/out.json", &p);
    put(d, ".gitignore", "build/\n");
    put(d, "notes.txt", &p);
    let r = lint(&[d.to_str().unwrap(), "--format", "json"]);
    assert!(r.code <= 1, "{}", r.stderr);
    let files = files_reported(&json(&r), d);
    assert_eq!(
        files,
        ["roles/B.JSON", "roles/a.json", "roles/c.Tf.Json"],
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("3 file(s) read, 3 policies linted"),
        "{}",
        r.stderr
    );
}

#[test]
fn files_without_a_trust_policy_are_skipped_and_named_with_verbose() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    put(d, "policy.json", &policy_text());
    put(d, "package.json", r#"{"name": "app"}"#);
    // A workflow is YAML but no template; a bucket is Terraform but no role.
    put(d, "stack.yaml", "name: build\non: push\njobs: {}\n");
    put(d, "main.tf", "resource \"aws_s3_bucket\" \"b\" {}\n");
    let r = lint(&[d.to_str().unwrap()]);
    assert!(r.code <= 1, "{}", r.stderr);
    assert!(!r.stderr.contains("skipped "), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("4 file(s) read, 1 policy linted, 3 file(s) skipped"),
        "{}",
        r.stderr
    );
    let v = lint(&[d.to_str().unwrap(), "-v"]);
    for name in ["package.json", "stack.yaml", "main.tf"] {
        let line = v
            .stderr
            .lines()
            .find(|l| l.starts_with("skipped ") && l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed: {}", v.stderr));
        assert!(line.contains("not a trust policy"), "{line}");
    }
}

#[test]
fn a_path_named_twice_is_linted_once() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    put(d, "p.json", &policy_text());
    let file = d.join("p.json");
    let f = file.to_str().unwrap();
    let once = json(&lint(&[f, "--format", "json"]));
    let twice = lint(&[f, d.to_str().unwrap(), f, "--format", "json"]);
    assert_eq!(json(&twice)["findings"], once["findings"]);
    assert!(
        twice.stderr.contains("1 file(s) read, 1 policy linted"),
        "{}",
        twice.stderr
    );
}

#[test]
fn no_trust_policy_at_all_exits_2_unless_allowed() {
    let dir = TempDir::new().unwrap();
    let r = lint(&[dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no trust policy found"), "{}", r.stderr);
    put(dir.path(), "package.json", r#"{"name": "app"}"#);
    let r = lint(&[dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = lint(&[dir.path().to_str().unwrap(), "--allow-empty"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("0 policies linted"), "{}", r.stderr);
}

#[test]
fn one_bad_file_never_hides_the_rest() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    put(d, "a-good.json", &policy_text());
    put(
        d,
        "b-broken.json",
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}\n",
    );
    put(d, "c-good.json", &policy_text());
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("gone.json"), d.join("d-dangling.json")).unwrap();
    for format in ["text", "json", "sarif", "github", "bitbucket"] {
        let r = lint(&[d.to_str().unwrap(), "--format", format]);
        assert_eq!(r.code, 2, "{format}: {}", r.stderr);
        assert!(r.stdout.contains("a-good.json"), "{format}: {}", r.stdout);
        assert!(r.stdout.contains("c-good.json"), "{format}: {}", r.stdout);
        assert!(
            r.stderr.contains("b-broken.json:3:17"),
            "{format}: {}",
            r.stderr
        );
        #[cfg(unix)]
        assert!(
            r.stderr.contains("d-dangling.json"),
            "{format}: {}",
            r.stderr
        );
    }
    let v = json(&lint(&[d.to_str().unwrap(), "--format", "json"]));
    let errors = v["errors"].as_array().unwrap();
    let broken = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("b-broken.json"))
        .unwrap();
    assert_eq!(broken["code"], "invalid-json");
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(3), Some(17))
    );
    #[cfg(unix)]
    assert!(
        errors.iter().any(|e| e["code"] == "dangling-symlink"),
        "{errors:?}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_and_the_rest_linted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    put(d, "good.json", &policy_text());
    put(d, "locked.json", &policy_text());
    let locked = d.join("locked.json");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any file: then there is nothing to test.
    if std::fs::read(&locked).is_ok() {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
        let r = lint(&[d.to_str().unwrap()]);
        assert!(r.code <= 1, "{}", r.stderr);
        return;
    }
    let r = lint(&[d.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v = json(&r);
    assert!(files_reported(&v, d).contains(&"good.json".to_string()));
    assert_eq!(v["errors"][0]["code"], "io");
}
