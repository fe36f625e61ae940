//! `rolecall.toml` and baselines: turning rules off, raising them, ignores, baselines.

#[allow(unused_imports, reason = "each file uses some of the shared helpers")]
use crate::lint_cli_common::*;

#[test]
fn config_can_turn_a_rule_off() {
    let dir = TempDir::new().expect("temp dir");
    let config = write(
        &dir,
        "rolecall.toml",
        "[rules]\nmissing-subject-condition = \"off\"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", config.as_str()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert!(
        r.stdout.contains("0 error(s), 0 warning(s), "),
        "{}",
        show(&r)
    );
    assert!(
        !r.stdout.contains("missing-subject-condition"),
        "{}",
        show(&r)
    );
    // Without the config the same file fails.
    assert_eq!(run(&["lint", CONSOLE_DEFAULT]).code, 1);
}

#[test]
fn config_can_raise_a_rules_severity() {
    let dir = TempDir::new().expect("temp dir");
    let config = write(
        &dir,
        "rolecall.toml",
        "[rules]\nshared-ci-ip-allowlist = \"error\"\n",
    );
    let r = run(&[
        "lint",
        IP_RANGE,
        "--config",
        config.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
    let doc = json_of(&r);
    assert_eq!(
        the_finding(&doc, "shared-ci-ip-allowlist", IP_RANGE)["severity"],
        "error"
    );
}

#[test]
fn config_ignore_without_a_reason_is_an_error() {
    let dir = TempDir::new().expect("temp dir");
    let missing = write(
        &dir,
        "missing.toml",
        "[[ignore]]\nrule = \"missing-subject-condition\"\npath = \"corpus/*\"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", missing.as_str()]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("reason"), "{}", show(&r));
    assert!(r.stderr.contains("missing.toml"), "{}", show(&r));
    assert!(r.stdout.is_empty(), "{}", show(&r));

    let blank = write(
        &dir,
        "blank.toml",
        "[[ignore]]\nrule = \"missing-subject-condition\"\npath = \"corpus/*\"\nreason = \"  \"\n",
    );
    let r = run(&["lint", CONSOLE_DEFAULT, "--config", blank.as_str()]);
    assert_eq!(r.code, 2, "{}", show(&r));
    assert!(r.stderr.contains("needs a reason"), "{}", show(&r));
}

#[test]
fn baseline_of_a_previous_report_passes_the_same_run() {
    let first = run(&["lint", SEED_DIR, "--format", "json"]);
    assert_eq!(first.code, 1, "{}", show(&first));
    let dir = TempDir::new().expect("temp dir");
    let baseline = write(&dir, "baseline.json", &first.stdout);
    let known = findings(&json_of(&first)).len();
    let r = run(&["lint", SEED_DIR, "--baseline", baseline.as_str()]);
    assert_eq!(r.code, 0, "{}", show(&r));
    assert_eq!(
        r.stdout,
        format!(
            "0 error(s), 0 warning(s), 0 note(s); {known} finding(s) already in the baseline\n"
        ),
        "{}",
        show(&r)
    );
    let r = run(&[
        "lint",
        SEED_DIR,
        "--baseline",
        baseline.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let doc = json_of(&r);
    assert!(findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["summary"]["baselined"], known);
    // A new finding is not in the baseline: it still fails.
    let r = run(&[
        "lint",
        SEED_DIR,
        CLEAN,
        "--baseline",
        baseline.as_str(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", show(&r));
    let github = write(&dir, "github.json", &github_audience_only());
    let r = run(&[
        "lint",
        SEED_DIR,
        github.as_str(),
        "--baseline",
        baseline.as_str(),
    ]);
    assert_eq!(r.code, 1, "{}", show(&r));
}
