//! The Bitbucket Pipe's script, `integrations/bitbucket-pipe/pipe.sh`, run without Docker: the
//! built binary is `rolecall`, and a stub `curl` on PATH records each request (its arguments
//! and body) instead of sending it. The recorded payloads must be exactly what
//! `rolecall lint --format bitbucket` says to send.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{path, pull_request, repo, rolecall, Run};

/// A stub `curl`: writes its arguments, one a line, to `$STUB_LOG/N.args` and its stdin to
/// `$STUB_LOG/N.body`, N counting from 0.
const STUB_CURL: &str = r#"#!/bin/sh
n=$(ls "$STUB_LOG" | grep -c '\.args$')
printf '%s\n' "$@" > "$STUB_LOG/$n.args"
cat > "$STUB_LOG/$n.body"
"#;

struct Request {
    args: Vec<String>,
    body: Value,
}

impl Request {
    fn method(&self) -> &str {
        self.after("--request")
    }

    fn url(&self) -> &str {
        let i = self.args.iter().position(|a| a == "--request").unwrap();
        &self.args[i + 2]
    }

    fn after(&self, flag: &str) -> &str {
        let i = self.args.iter().position(|a| a == flag).unwrap();
        &self.args[i + 1]
    }
}

struct PipeRun {
    code: i32,
    stdout: String,
    stderr: String,
    requests: Vec<Request>,
}

fn run_pipe(vars: &[(&str, &str)]) -> PipeRun {
    run_pipe_in(repo(), vars)
}

/// [`run_pipe`] in the clone directory `clone`.
fn run_pipe_in(clone: &Path, vars: &[(&str, &str)]) -> PipeRun {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    let log = dir.path().join("log");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&log).unwrap();
    write_executable(&bin.join("curl"), STUB_CURL);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_rolecall"), bin.join("rolecall")).unwrap();
    let path_var = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(path("integrations/bitbucket-pipe/pipe.sh"))
        .current_dir(clone)
        .env("PATH", path_var)
        .env("STUB_LOG", &log)
        .env("NO_COLOR", "1")
        .env("BITBUCKET_WORKSPACE", "acme")
        .env("BITBUCKET_REPO_SLUG", "infra")
        .env("BITBUCKET_COMMIT", "0123abcd")
        .env_remove("ROLECALL")
        .env_remove("ROLECALL_PROXY");
    for k in [
        "PATHS",
        "FAIL_ON",
        "CONFIG",
        "BASELINE",
        "DIFF_BASE",
        "REPORT",
        "DEBUG",
        "BITBUCKET_PR_DESTINATION_COMMIT",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run pipe.sh");
    let mut requests = Vec::new();
    for n in 0.. {
        let args = log.join(format!("{n}.args"));
        if !args.exists() {
            break;
        }
        let body = std::fs::read_to_string(log.join(format!("{n}.body"))).unwrap();
        requests.push(Request {
            args: std::fs::read_to_string(args)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect(),
            body: serde_json::from_str(&body).unwrap_or(Value::Null),
        });
    }
    PipeRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        requests,
    }
}

fn write_executable(p: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(p, text).unwrap();
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// What `rolecall lint --format bitbucket` prints for `args`.
fn insights(args: &[&str]) -> Value {
    let run = rolecall(&[&["lint", "--format", "bitbucket"], args].concat(), None);
    assert!(run.code <= 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

const REPORT_URL: &str =
    "http://api.bitbucket.org/2.0/repositories/acme/infra/commit/0123abcd/reports/rolecall";

#[test]
fn posts_the_report_then_the_annotations_through_the_proxy() {
    let run = run_pipe(&[("PATHS", "corpus/policies/seed")]);
    assert_eq!(
        run.code, 1,
        "a warning fails at the default FAIL_ON\n{}",
        run.stderr
    );
    // The log has the readable findings.
    assert!(
        run.stdout.contains("missing-subject-condition"),
        "{}",
        run.stdout
    );
    let expected = insights(&["corpus/policies/seed"]);
    assert_eq!(run.requests.len(), 2, "{}", run.stderr);
    let (report, annotations) = (&run.requests[0], &run.requests[1]);
    assert_eq!(report.method(), "PUT");
    assert_eq!(report.url(), REPORT_URL);
    assert_eq!(report.after("--proxy"), "http://host.docker.internal:29418");
    assert_eq!(report.body, expected["report"]);
    assert_eq!(report.body["result"], "FAILED");
    assert_eq!(annotations.method(), "POST");
    assert_eq!(annotations.url(), format!("{REPORT_URL}/annotations"));
    // The seed's warning, then its note: most severe first, as rolecall ordered them here.
    let sent = annotations.body.as_array().unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0]["severity"], "MEDIUM");
    assert_eq!(sent[1]["severity"], "LOW");
    let mut want = expected["annotations"].as_array().unwrap().clone();
    want.sort_by_key(|a| a["severity"] != "MEDIUM");
    assert_eq!(sent, &want);
    assert!(
        run.stdout.contains("with 2 annotation(s)"),
        "{}",
        run.stdout
    );
}

#[test]
fn fail_on_error_passes_the_step_and_still_reports() {
    let run = run_pipe(&[("PATHS", "corpus/policies/seed"), ("FAIL_ON", "error")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.requests.len(), 2);
}

#[test]
fn report_false_sends_nothing_and_needs_no_pipelines_variables() {
    let run = run_pipe(&[
        ("PATHS", "corpus/policies/seed/policy-repository.json"),
        ("REPORT", "false"),
        ("BITBUCKET_COMMIT", ""),
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.requests.is_empty());
}

/// The seed's policies and `broken.json`, which is not JSON, in a temporary directory.
fn seed_with_a_broken_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(path("corpus/policies/seed")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("broken.json"), "{\"Version\": \n").unwrap();
    dir
}

#[test]
fn a_file_error_beside_findings_posts_the_report_then_fails_the_step() {
    let dir = seed_with_a_broken_file();
    let paths = dir.path().to_str().unwrap();
    // Below FAIL_ON=error the seed's findings alone would pass: the error decides.
    let run = run_pipe(&[("PATHS", paths), ("FAIL_ON", "error")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let direct = rolecall(&["lint", "--format", "bitbucket", paths], None);
    assert_eq!(direct.code, 2, "{}", direct.stderr);
    let expected: Value = serde_json::from_str(&direct.stdout).unwrap();
    assert_eq!(run.requests.len(), 2, "{}", run.stderr);
    let (report, annotations) = (&run.requests[0], &run.requests[1]);
    assert_eq!(report.method(), "PUT");
    assert_eq!(report.url(), REPORT_URL);
    assert_eq!(report.body, expected["report"]);
    assert_eq!(report.body["result"], "FAILED");
    assert_eq!(annotations.url(), format!("{REPORT_URL}/annotations"));
    // The file error (HIGH) first, then the seed's warning and note.
    let sent = annotations.body.as_array().unwrap();
    let severities: Vec<&str> = sent
        .iter()
        .map(|a| a["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["HIGH", "MEDIUM", "LOW"]);
    assert!(
        sent[0]["path"].as_str().unwrap().ends_with("broken.json"),
        "{}",
        sent[0]
    );
    assert_eq!(sent[0]["annotation_type"], "BUG");
    let rules: Vec<&str> = sent[1..]
        .iter()
        .map(|a| a["summary"].as_str().unwrap())
        .collect();
    assert!(
        rules
            .iter()
            .any(|s| s.contains("missing-subject-condition")),
        "{rules:?}"
    );
    assert!(
        run.stdout.contains("with 3 annotation(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("✖ rolecall: lint exited 2"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_missing_path_is_reported_and_a_bad_config_posts_nothing() {
    let run = run_pipe(&[("PATHS", "no/such/dir/policy.json")]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.requests.len(), 2, "{}", run.stderr);
    assert_eq!(run.requests[0].body["result"], "FAILED");
    let sent = run.requests[1].body.as_array().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["path"], "no/such/dir/policy.json");
    assert_eq!(sent[0]["severity"], "HIGH");
    // A configuration rolecall cannot read: no payload, so no report.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rolecall.toml");
    std::fs::write(&config, "nonsense = =\n").unwrap();
    let bad = run_pipe(&[
        ("PATHS", "corpus/policies/seed"),
        ("CONFIG", config.to_str().unwrap()),
    ]);
    assert_eq!(bad.code, 2, "{}{}", bad.stdout, bad.stderr);
    assert!(bad.requests.is_empty());
    assert!(bad.stderr.contains("none was posted"), "{}", bad.stderr);
    let loud = run_pipe(&[("PATHS", "corpus/policies/seed"), ("FAIL_ON", "loud")]);
    assert_eq!(loud.code, 2);
    assert!(loud.requests.is_empty());
    assert!(loud.stderr.contains("FAIL_ON"), "{}", loud.stderr);
}

#[test]
fn several_paths_config_and_baseline_reach_rolecall() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rolecall.toml");
    std::fs::write(&config, "[rules]\nshared-ci-ip-allowlist = \"off\"\n").unwrap();
    let baseline = dir.path().join("baseline.json");
    let seed = "corpus/policies/seed/policy-console-default.json";
    let report = rolecall(&["lint", seed, "--format", "json"], None);
    std::fs::write(&baseline, &report.stdout).unwrap();
    let run = run_pipe(&[
        (
            "PATHS",
            &format!("{seed} corpus/policies/seed/policy-ip-range.json"),
        ),
        ("CONFIG", config.to_str().unwrap()),
        ("BASELINE", baseline.to_str().unwrap()),
    ]);
    // The console-default warning is in the baseline and the IP note is turned off.
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // No annotation to send: the PUT alone replaces any earlier report and its annotations.
    assert_eq!(run.requests.len(), 1);
    assert_eq!(run.requests[0].body["result"], "PASSED");
}

/// A `list-roles` output, on one line, with `n` copies of the seed's console-default policy.
fn listing(n: usize) -> (tempfile::TempDir, PathBuf) {
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(path("corpus/policies/seed/policy-console-default.json")).unwrap(),
    )
    .unwrap();
    let roles: Vec<Value> = (0..n)
        .map(|i| serde_json::json!({"RoleName": format!("role-{i}"), "AssumeRolePolicyDocument": policy}))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roles.json");
    std::fs::write(&file, serde_json::json!({ "Roles": roles }).to_string()).unwrap();
    (dir, file)
}

#[test]
fn annotations_go_100_a_request_and_at_most_1000() {
    let (_dir, file) = listing(1100);
    let file = file.to_str().unwrap();
    let run = run_pipe(&[("PATHS", file)]);
    // The log's text diagnostics of findings deep into one long line drop the snippet (miette
    // cannot pad past column 65535) instead of crashing.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 error(s), 1100 warning(s)"),
        "{}",
        run.stdout
    );
    let expected = insights(&[file]);
    let all = expected["annotations"].as_array().unwrap();
    assert_eq!(all.len(), 1100);
    let batches: Vec<&Vec<Value>> = run.requests[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.method(), "POST");
            r.body.as_array().unwrap()
        })
        .collect();
    assert_eq!(batches.len(), 10);
    assert!(batches.iter().all(|b| b.len() == 100));
    let sent: Vec<&Value> = batches.into_iter().flatten().collect();
    let want: Vec<&Value> = all.iter().take(1000).collect();
    assert_eq!(sent, want);
    assert!(run.stdout.contains("1100 annotations"), "{}", run.stdout);
}

/// `rolecall` in `dir`, as the pipe runs it there.
fn rolecall_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_pull_request_that_widens_a_role_fails_with_the_witness_and_a_diff_report() {
    // The environment-only role becomes the repository-wide one: lint-clean, but wider.
    let (clone, destination) = pull_request("policy-environment.json", "policy-repository.json");
    let run = run_pipe_in(
        clone.path(),
        &[("BITBUCKET_PR_DESTINATION_COMMIT", destination.as_str())],
    );
    assert_eq!(
        run.code, 1,
        "new access fails the step\n{}{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains("✔ rolecall: no finding"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("iam/role.json (modified"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("    witness: {\"aud\""),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("✖ rolecall diff: new access since {destination}")),
        "{}",
        run.stdout
    );
    // The lint report (no annotation), then the diff report and its annotations.
    assert_eq!(run.requests.len(), 3, "{}", run.stderr);
    let diff_url = format!("{REPORT_URL}-diff");
    let direct = rolecall_in(
        clone.path(),
        &["diff", "--git", &destination, ".", "--format", "bitbucket"],
    );
    assert_eq!(direct.code, 1, "{}", direct.stderr);
    let expected: Value = serde_json::from_str(&direct.stdout).unwrap();
    let (report, annotations) = (&run.requests[1], &run.requests[2]);
    assert_eq!(report.method(), "PUT");
    assert_eq!(report.url(), diff_url);
    assert_eq!(report.body, expected["report"]);
    assert_eq!(report.body["result"], "FAILED");
    assert_eq!(annotations.url(), format!("{diff_url}/annotations"));
    assert_eq!(annotations.body, expected["annotations"]);
    let sent = annotations.body.as_array().unwrap();
    assert_eq!(sent.len(), 2, "two new ways in");
    for a in sent {
        assert_eq!(a["severity"], "HIGH");
        assert_eq!(a["path"], "iam/role.json");
        assert!(a["details"].as_str().unwrap().contains("Witness"), "{a}");
    }
}

#[test]
fn a_narrowing_pull_request_passes_and_diff_base_none_turns_the_diff_off() {
    let (clone, destination) = pull_request("policy-repository.json", "policy-environment.json");
    let pr = [("BITBUCKET_PR_DESTINATION_COMMIT", destination.as_str())];
    let run = run_pipe_in(clone.path(), &pr);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("✔ rolecall diff: no new access"),
        "{}",
        run.stdout
    );
    let diff: Vec<&Request> = run
        .requests
        .iter()
        .filter(|r| r.url().contains("/reports/rolecall-diff"))
        .collect();
    assert_eq!(diff[0].body["result"], "PASSED");
    // The narrowing is an informational annotation.
    assert_eq!(diff[1].body[0]["severity"], "LOW");
    let off = run_pipe_in(clone.path(), &[pr[0], ("DIFF_BASE", "none")]);
    assert_eq!(off.code, 0);
    assert_eq!(off.requests.len(), 1, "the lint report only");
    assert!(!off.stdout.contains("rolecall diff"), "{}", off.stdout);
    // An explicit DIFF_BASE works outside pull requests too, and without REPORT.
    let explicit = run_pipe_in(
        clone.path(),
        &[("DIFF_BASE", "HEAD~1"), ("REPORT", "false")],
    );
    assert_eq!(explicit.code, 0, "{}", explicit.stderr);
    assert!(explicit.requests.is_empty());
    assert!(
        explicit.stdout.contains("no new access since HEAD~1"),
        "{}",
        explicit.stdout
    );
}

#[test]
fn a_diff_base_missing_from_the_clone_is_an_error_after_the_lint_report() {
    let (clone, _) = pull_request("policy-repository.json", "policy-environment.json");
    let run = run_pipe_in(
        clone.path(),
        &[("DIFF_BASE", "0000000000000000000000000000000000000001")],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    // The lint report (clean, so no annotation) and no diff report.
    assert_eq!(run.requests.len(), 1, "{}", run.stderr);
    assert!(run.requests[0].url().ends_with("/reports/rolecall"));
    assert!(
        run.stdout.contains("✖ rolecall diff: exited 2"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("clone: depth: full"), "{}", run.stderr);
}

#[test]
fn pipe_yml_lists_exactly_the_variables_pipe_sh_reads() {
    let yml = std::fs::read_to_string(path("integrations/bitbucket-pipe/pipe.yml")).unwrap();
    let listed: Vec<&str> = yml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- name: "))
        .collect();
    assert_eq!(
        listed,
        [
            "PATHS",
            "FAIL_ON",
            "CONFIG",
            "BASELINE",
            "DIFF_BASE",
            "REPORT",
            "DEBUG"
        ]
    );
    let script = std::fs::read_to_string(path("integrations/bitbucket-pipe/pipe.sh")).unwrap();
    for v in &listed {
        assert!(
            script.contains(&format!("{v}=${{{v}:-")),
            "pipe.sh does not read {v}"
        );
    }
    assert!(script.contains(&format!(
        "Variables (pipe.yml lists them): {}.",
        listed.join(", ")
    )));
}
